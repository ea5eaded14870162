"""Per-article extraction cache (diskcache).

The key covers everything that shapes an extraction: the article text and
metadata (title, outlet, date: a sidecar can change them alone), the stored
and model-facing JSON schemas, the prompt templates, the model id and the
generation settings. Change any of them and exactly the affected entries
miss. An entry is written only after the whole article succeeded, so an
interrupted or failed article is never half-cached. A damaged database is
moved aside and replaced by an empty one, never deleted.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import time
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
        # Title and date are in every prompt; a sidecar or page metadata may change them with the text unchanged.
        "metadata": article.meta.model_dump(include={"title", "outlet", "published"}),
        "schema": _schema_fingerprint(),
        "prompts": prompt_version(),  # the templates and the question models they render
        "model": model_id,
        "generation": generation,
        "extractor": EXTRACTOR_VERSION,
    }
    return sha256_text(canonical_json(parts, indent=None))


# sqlite's words for a database file that is damaged or not a database at all.
_CORRUPT = frozenset({"SQLITE_CORRUPT", "SQLITE_NOTADB"})


def is_corrupt(error: sqlite3.DatabaseError) -> bool:
    name = getattr(error, "sqlite_errorname", "")
    return name in _CORRUPT or str(error) in ("file is not a database", "database disk image is malformed")


class ExtractionCache:
    """Canonical JSON of ArticleExtraction, by cache key. Safe across processes.

    A cache whose database is damaged is moved aside (renamed, so nothing is
    lost) and replaced by an empty one; ``notices`` says what was done.
    """

    def __init__(self, directory: str | Path | None = None):
        self.directory = Path(directory) if directory else default_cache_dir()
        self.notices: list[str] = []
        self._cache: diskcache.Cache | None = self._open()

    def _open(self) -> diskcache.Cache | None:
        self.directory.mkdir(parents=True, exist_ok=True)
        try:
            cache = diskcache.Cache(str(self.directory))
            cache.get("")  # a damaged database may open and fail only when read
            return cache
        except sqlite3.DatabaseError as error:
            if not is_corrupt(error):
                raise
            return self._set_aside(error)

    def _set_aside(self, error: sqlite3.DatabaseError) -> diskcache.Cache | None:
        """Rename the damaged cache folder and start an empty one; without a cache if it cannot be moved."""
        aside = _free_name(self.directory.with_name(f"{self.directory.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}"))
        try:
            self.directory.rename(aside)
        except OSError as exc:
            self.notices.append(
                f"the cache in {self.directory} is damaged ({error}) and could not be moved aside ({exc.strerror}): "
                "running without a cache — move or delete that folder"
            )
            return None
        self.notices.append(
            f"the cache in {self.directory} was damaged ({error}): moved it to {aside} and started an empty one; "
            "its articles are extracted again"
        )
        self.directory.mkdir(parents=True, exist_ok=True)
        return diskcache.Cache(str(self.directory))

    def _recover(self, error: sqlite3.DatabaseError) -> None:
        """The database broke during the run: set it aside and go on with an empty one."""
        if not is_corrupt(error):
            raise error
        if self._cache is not None:
            self._cache.close()
        self._cache = self._set_aside(error)

    def get(self, key: str, article: Article) -> ArticleExtraction | None:
        if self._cache is None:
            return None
        try:
            stored = self._cache.get(key)
        except sqlite3.DatabaseError as error:
            self._recover(error)
            return None
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
        if self._cache is None:
            return
        try:
            self._cache.set(key, canonical_json(extraction))
        except sqlite3.DatabaseError as error:
            self._recover(error)
            if self._cache is not None:
                self._cache.set(key, canonical_json(extraction))

    def __len__(self) -> int:
        return 0 if self._cache is None else len(self._cache)

    def close(self) -> None:
        if self._cache is not None:
            self._cache.close()

    def __enter__(self) -> "ExtractionCache":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _free_name(path: Path) -> Path:
    """``path``, or ``path-2``, ``path-3`` ... whichever does not exist yet."""
    candidate, n = path, 1
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.name}-{n}")
    return candidate
