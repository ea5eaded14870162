"""Per-article extraction cache (diskcache).

The key covers everything that shapes an extraction: the article text, the
stored and model-facing JSON schemas, the prompt templates, the model id and
the generation settings. Change any of them and exactly the affected entries
miss. An entry is written only after the whole article succeeded, so an
interrupted or failed article is never half-cached.
"""

from __future__ import annotations

import logging
import os
from functools import lru_cache
from pathlib import Path

import diskcache
from pydantic import ValidationError

from .articles import Article
from .canonical import canonical_json, sha256_text
from .prompts import prompt_version
from .datamodel import ArticleExtraction

log = logging.getLogger("summariser.cache")

CACHE_DIR_ENV = "SUMMARISER_CACHE_DIR"
# Bump when extraction code changes what it builds from the same answers.
EXTRACTOR_VERSION = "4"  # 4: events from syntax for cued sentences left out, stances from deeds, polarity checked by the words


def default_cache_dir() -> Path:
    configured = os.environ.get(CACHE_DIR_ENV)
    if configured:
        return Path(configured).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("summariser")) / "extractions"


@lru_cache(maxsize=1)
def _schema_fingerprint() -> str:
    return sha256_text(canonical_json(ArticleExtraction.model_json_schema(), indent=None))


def cache_key(article: Article, model_id: str, generation: dict[str, object]) -> str:
    parts = {
        "text": sha256_text(article.text),
        "schema": _schema_fingerprint(),
        "prompts": prompt_version(),  # the templates and the question models they render
        "model": model_id,
        "generation": generation,
        "extractor": EXTRACTOR_VERSION,
    }
    return sha256_text(canonical_json(parts, indent=None))


class ExtractionCache:
    """Canonical JSON of ArticleExtraction, by cache key. Safe across processes."""

    def __init__(self, directory: str | Path | None = None):
        self.directory = Path(directory) if directory else default_cache_dir()
        self.directory.mkdir(parents=True, exist_ok=True)
        self._cache = diskcache.Cache(str(self.directory))

    def get(self, key: str, article: Article) -> ArticleExtraction | None:
        stored = self._cache.get(key)
        if stored is None:
            return None
        try:
            extraction = ArticleExtraction.model_validate_json(stored)
        except (ValidationError, ValueError, TypeError):
            log.warning("ignoring an unreadable cache entry for article %s", article.id)
            return None
        # The same text may now be loaded from other paths: report where it is now.
        return extraction.model_copy(update={"article": article.meta})

    def set(self, key: str, extraction: ArticleExtraction) -> None:
        self._cache.set(key, canonical_json(extraction))

    def close(self) -> None:
        self._cache.close()

    def __enter__(self) -> "ExtractionCache":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
