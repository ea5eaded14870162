"""The main job: articles in, cached extractions, merged dossier out.

Each article is independent: one that cannot be read or extracted is
reported and the others go on. An article's extraction is cached as soon as
it succeeds, so a run that is killed resumes where it stopped. Outputs are
written atomically; the dossier is replaced only when at least one article
made it through, so a failed run never destroys the previous dossier.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Literal

from .articles import DEFAULT_MAX_CHARS, Article, ArticleError, find_article_files, load_article
from .backends import Backend, BackendError
from .cache import ExtractionCache, cache_key
from .canonical import canonical_json
from .dossier_io import atomic_write_text, write_dossier
from .formatting import count_noun
from .extract import ExtractionError, ExtractionSettings, extract_article
from .merge import merge
from .nlp import LinguisticModelIntegrityError, LinguisticModelMissing
from .prompts import prompt_version
from .datamodel import ArticleExtraction, Dossier, Usage

Status = Literal["cached", "extracted", "failed"]

log = logging.getLogger("summariser.pipeline")


@dataclass
class Outcome:
    """What happened to one input (an article, or a file that was not one)."""

    label: str  # the path shown to the user
    status: Status
    article: Article | None = None
    extraction: ArticleExtraction | None = None
    error: str | None = None
    seconds: float = 0.0


@dataclass
class RunResult:
    outcomes: list[Outcome] = field(default_factory=list)
    dossier: Dossier | None = None
    dossier_written: bool = False
    seconds: float = 0.0
    model_usage: Usage = field(default_factory=Usage)  # calls made by this run only

    def count(self, status: Status) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "failed"]


class Progress:
    """Callbacks for long runs; the CLI draws them with rich."""

    def started(self, total: int) -> None: ...

    def article_started(self, label: str) -> None: ...

    def article_done(self, outcome: Outcome) -> None: ...

    def say(self, message: str) -> None: ...


@dataclass
class RunOptions:
    output: Path
    extractions_dir: Path | None = None
    max_chars: int = DEFAULT_MAX_CHARS
    settings: ExtractionSettings = field(default_factory=ExtractionSettings)
    use_cache: bool = True


def load_articles(paths: list[str | Path], max_chars: int) -> tuple[list[Article], list[Outcome]]:
    """Readable articles (the same text under two names loaded once, both paths kept) and failures."""
    files, errors = find_article_files(paths)
    failures = [Outcome(label=e.path, status="failed", error=f"{e.problem}" + (f" — {e.hint}" if e.hint else "")) for e in errors]
    by_id: dict[str, Article] = {}
    for path in files:
        try:
            article = load_article(path, max_chars=max_chars)
        except ArticleError as error:
            failures.append(Outcome(label=error.path, status="failed", error=f"{error.problem}" + (f" — {error.hint}" if error.hint else "")))
            continue
        seen = by_id.get(article.id)
        if seen is None:
            by_id[article.id] = article
        else:
            paths_union = sorted(set(seen.meta.paths) | set(article.meta.paths))
            by_id[article.id] = Article(meta=seen.meta.model_copy(update={"paths": paths_union}), text=seen.text, excluded=seen.excluded)
    return list(by_id.values()), failures


def _label(article: Article) -> str:
    return article.meta.paths[0] if article.meta.paths else article.id


def process_article(
    article: Article,
    backend: Backend,
    cache: ExtractionCache | None,
    options: RunOptions,
    fatal: list[str],
) -> Outcome:
    started = time.perf_counter()
    key = cache_key(article, backend.model_id, options.settings.generation())
    if cache is not None:
        cached = cache.get(key, article)
        if cached is not None:
            return Outcome(_label(article), "cached", article, cached, seconds=time.perf_counter() - started)
    if fatal:
        return Outcome(_label(article), "failed", article, error=f"not attempted: {fatal[0]}")
    try:
        extraction = extract_article(article, backend, options.settings)
    except ExtractionError as error:
        # Say what to do, unless the problem already does ("... — raise --timeout").
        hint = "" if " — " in error.problem else " — not cached: re-run to retry it, or raise --attempts, or try another --model"
        return Outcome(_label(article), "failed", article, error=f"{error.question} question: {error.problem}{hint}",
                       seconds=time.perf_counter() - started)
    except (BackendError, LinguisticModelMissing, LinguisticModelIntegrityError) as error:
        fatal.append(str(error))  # no later article can do better: say it once, skip the rest
        return Outcome(_label(article), "failed", article, error=str(error), seconds=time.perf_counter() - started)
    except Exception as error:  # a fault of ours on this article's text: it fails alone, the run goes on
        log.exception("%s: extraction failed", _label(article))
        return Outcome(_label(article), "failed", article, error=f"internal error: {type(error).__name__}: "
                       f"{str(error).splitlines()[0] if str(error) else ''} — not cached; please report it with this article",
                       seconds=time.perf_counter() - started)
    if cache is not None:
        cache.set(key, extraction)
    return Outcome(_label(article), "extracted", article, extraction, seconds=time.perf_counter() - started)


def write_extraction(directory: Path, extraction: ArticleExtraction) -> None:
    atomic_write_text(directory / f"{extraction.article.id}.json", canonical_json(extraction))


def run(
    paths: list[str | Path],
    backend: Backend,
    options: RunOptions,
    *,
    cache: ExtractionCache | None = None,
    progress: Progress | None = None,
    clock: Callable[[], float] = time.perf_counter,
) -> RunResult:
    progress = progress or Progress()
    started = clock()
    result = RunResult()
    articles, load_failures = load_articles(paths, options.max_chars)
    result.outcomes.extend(load_failures)
    progress.started(len(articles))
    for failure in load_failures:
        progress.article_done(failure)
    usage_before = backend.meter.usage
    fatal: list[str] = []
    for article in sorted(articles, key=lambda a: (_label(a), a.id)):
        progress.article_started(_label(article))
        outcome = process_article(article, backend, cache if options.use_cache else None, options, fatal)
        result.outcomes.append(outcome)
        if outcome.extraction is not None and options.extractions_dir is not None:
            write_extraction(options.extractions_dir, outcome.extraction)
        progress.article_done(outcome)
    extractions = [o.extraction for o in result.outcomes if o.extraction is not None]
    result.model_usage = backend.meter.usage - usage_before
    if extractions:
        result.dossier = merge(extractions, model=backend.model_id, prompt_version=prompt_version())
        result.dossier = write_dossier(options.output, result.dossier, result.outcomes, result.model_usage)
        result.dossier_written = True
    result.seconds = clock() - started
    return result


def summary_lines(result: RunResult) -> list[str]:
    """The end-of-run summary: counts, items, drops, tokens, time."""
    articles = result.count("cached") + result.count("extracted") + sum(1 for o in result.failures if o.article)
    lines = [
        f"{articles} article{'s' if articles != 1 else ''}: {result.count('cached')} cached, "
        f"{result.count('extracted')} extracted, {len(result.failures)} failed; "
        f"{result.model_usage.calls} model call{'s' if result.model_usage.calls != 1 else ''} "
        f"({result.model_usage.prompt_tokens:,} prompt + {result.model_usage.completion_tokens:,} completion tokens) "
        f"in {result.seconds:.1f}s"
    ]
    extractions = [o.extraction for o in result.outcomes if o.extraction is not None]
    if extractions:
        kinds = {k: sum(len(getattr(x, k)) for x in extractions) for k in ("statements", "events", "stances")}
        dropped = sum(len(x.dropped) for x in extractions)
        lines.append(
            f"extracted {kinds['statements']} statements, {kinds['events']} events, {kinds['stances']} stances; "
            f"{dropped} ungrounded or invalid item{'s' if dropped != 1 else ''} dropped"
        )
    if result.dossier is not None:
        d = result.dossier
        lines.append(
            f"dossier: {len(d.entities)} entities, {len(d.events)} events, {len(d.statements)} statements, "
            f"{len(d.stances)} stance timelines, {count_noun(len(d.disputes), 'dispute')}"
        )
    for failure in result.failures:
        lines.append(f"FAILED {failure.label}: {failure.error}")
    return lines
