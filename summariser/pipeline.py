"""The main job: articles in, cached extractions, merged dossier out.

Three steps: *plan* (load the articles, look each up in the cache), *extract*
the misses (with ``concurrency`` above 1, several articles and the
independent questions of each are in flight at once), *assemble* (merge and
write once, in a fixed order, so the dossier is byte-identical whatever order
answers came back in).

Each article is independent: one that cannot be read or extracted is
reported and the others go on. The run's own outputs are never read as
articles, and ``-o`` may not name an input article. An article's extraction
is cached as soon as it succeeds, so a run that is killed resumes where it
stopped. Outputs are written atomically; the dossier is replaced only when at
least one article made it through, so a failed run never destroys the
previous dossier.
"""

from __future__ import annotations

import contextvars
import logging
import os
import threading
import time
from concurrent.futures import CancelledError, Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Literal

from .articles import ARTICLE_SUFFIXES, DEFAULT_MAX_CHARS, Article, ArticleError, find_article_files
from .corpus import Columns, Fetching, articles_in
from .backends import Backend, BackendError, Cancelled
from .cache import ExtractionCache, cache_key
from .canonical import canonical_json
from .dossier_io import atomic_write_text, looks_like_dossier, write_dossier
from .formatting import count_noun
from .extract import ExtractionError, ExtractionSettings, QuestionRunner, extract_article, in_order
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

    def question_answered(self, label: str) -> None:
        """One more question of the article ``label`` has its answer (or gave up)."""

    def say(self, message: str) -> None: ...


@dataclass(frozen=True)
class RayOptions:
    """Where and how wide to extract on Ray (``summariser.distributed``)."""

    address: str | None = None  # None: Ray's default (RAY_ADDRESS, else a cluster started here, else a new one)
    workers: int | None = None  # extraction workers [default: one per node]
    retries: int = 2  # times an article is tried again when its worker dies


@dataclass
class RunOptions:
    output: Path
    extractions_dir: Path | None = None
    max_chars: int = DEFAULT_MAX_CHARS
    settings: ExtractionSettings = field(default_factory=ExtractionSettings)
    use_cache: bool = True
    concurrency: int = 1  # articles, and questions of one article, in flight at once (on Ray: per worker)
    columns: Columns = field(default_factory=Columns)  # which corpus column holds which field
    fetching: Fetching = field(default_factory=Fetching)  # limits for pages fetched from .urls files
    ray: RayOptions | None = None  # extract on a Ray cluster instead of in this process


class OutputError(Exception):
    """An output that would destroy an input; nothing was read or written."""


def check_output(paths: list[str | Path], output: Path) -> None:
    """Refuse an ``-o`` that names an input article: it would be overwritten by the dossier.

    A dossier written there by an earlier run may be replaced (it is never read
    as an article: see ``outputs``).
    """
    if not output.is_file() or looks_like_dossier(output):
        return
    target = Path(os.path.abspath(output))
    inputs = [Path(os.path.abspath(p)) for p in paths]
    named = target in inputs
    in_input_folder = output.suffix.lower() in ARTICLE_SUFFIXES and any(p in target.parents for p in inputs)
    if named or in_input_folder:
        raise OutputError(f"-o {output} is an input article and would be overwritten — write the dossier elsewhere")


def outputs(options: RunOptions, backend: Backend) -> tuple[Path, ...]:
    """What this run writes (dossier, extraction files, recorded exchanges): never read back as articles."""
    record_dir = getattr(getattr(backend, "options", None), "record_dir", None)
    return tuple(p for p in (options.output, options.extractions_dir, record_dir) if p is not None)


def load_articles(
    paths: list[str | Path], max_chars: int, skip: tuple[Path, ...] = (),
    columns: Columns = Columns(), fetching: Fetching = Fetching(),
) -> tuple[list[Article], list[Outcome]]:
    """Readable articles (the same text under two names loaded once, both paths kept) and failures."""
    files, errors = find_article_files(paths, skip)
    failures = [Outcome(label=e.path, status="failed", error=f"{e.problem}" + (f" — {e.hint}" if e.hint else "")) for e in errors]
    by_id: dict[str, Article] = {}
    for article in (loaded for path in files for loaded in articles_in(path, max_chars, columns, fetching)):
        if isinstance(article, ArticleError):
            error = article
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


_FATAL = threading.Lock()  # the first fatal error is the one said


def extract_one(
    article: Article,
    key: str,
    backend: Backend,
    settings: ExtractionSettings,
    runner: QuestionRunner,
    fatal: list[str],
) -> Outcome:
    """Extract one article that the cache did not have; never raises for the article's own faults."""
    started = time.perf_counter()
    if fatal:
        return Outcome(_label(article), "failed", article, error=f"not attempted: {fatal[0]}")
    try:
        extraction = extract_article(article, backend, settings, runner)
    except ExtractionError as error:
        # Say what to do, unless the problem already does ("... — raise --timeout").
        hint = "" if " — " in error.problem else " — not cached: re-run to retry it, or raise --attempts, or try another --model"
        return Outcome(_label(article), "failed", article, error=f"{error.question} question: {error.problem}{hint}",
                       seconds=time.perf_counter() - started)
    except Cancelled as error:
        problem = f"not attempted: {fatal[0]}" if fatal else str(error)
        return Outcome(_label(article), "failed", article, error=problem, seconds=time.perf_counter() - started)
    except (BackendError, LinguisticModelMissing, LinguisticModelIntegrityError) as error:
        # No later article can do better: say it once, skip the rest, and stop
        # the requests other articles have in flight.
        with _FATAL:
            first = not fatal
            fatal.append(str(error))
        backend.cancel()
        problem = str(error) if first else f"not attempted: {fatal[0]}"
        return Outcome(_label(article), "failed", article, error=problem, seconds=time.perf_counter() - started)
    except Exception as error:  # a fault of ours on this article's text: it fails alone, the run goes on
        log.exception("%s: extraction failed", _label(article))
        return Outcome(_label(article), "failed", article, error=f"internal error: {type(error).__name__}: "
                       f"{str(error).splitlines()[0] if str(error) else ''} — not cached; please report it with this article",
                       seconds=time.perf_counter() - started)
    return Outcome(_label(article), "extracted", article, extraction, seconds=time.perf_counter() - started)


class QuestionPool:
    """Runs one article's independent questions on shared worker threads.

    Answers come back in the order the questions were given. Each question runs
    in a copy of its article's context, so its tokens count for that article."""

    def __init__(self, executor: ThreadPoolExecutor):
        self.executor = executor

    def __call__(self, questions: list) -> list:
        if len(questions) <= 1:
            return in_order(questions)
        futures = [self.executor.submit(contextvars.copy_context().run, ask) for ask in questions]
        try:
            return [future.result() for future in futures]
        except CancelledError:  # the run was interrupted before this question started
            raise Cancelled("the run was interrupted") from None
        finally:
            for future in futures:  # when the article has failed, what has not started need not
                future.cancel()


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
    check_output(paths, options.output)
    articles, load_failures = load_articles(paths, options.max_chars, outputs(options, backend),
                                            options.columns, options.fetching)
    progress.started(len(articles))
    for failure in load_failures:
        progress.article_done(failure)
    cache = cache if options.use_cache else None
    usage_before = backend.meter.usage
    planned = plan(articles, backend, options, cache, progress)
    misses = [(article, key) for article, key, cached in planned if cached is None]
    extracted = extract_misses(options)(misses, backend, options, cache, progress)
    result.outcomes.extend(load_failures)
    result.outcomes.extend(o if o is not None else extracted[a.id] for a, _, o in planned)
    result.model_usage = backend.meter.usage - usage_before
    extractions = [o.extraction for o in result.outcomes if o.extraction is not None]
    if extractions:
        result.dossier = merge(extractions, model=backend.model_id, prompt_version=prompt_version())
        result.dossier = write_dossier(options.output, result.dossier, result.outcomes, result.model_usage)
        result.dossier_written = True
    result.seconds = clock() - started
    return result


def plan(articles: list[Article], backend: Backend, options: RunOptions, cache: ExtractionCache | None,
         progress: Progress) -> list[tuple[Article, str, Outcome | None]]:
    """Every article in a fixed order, with its cache key and, when the cache has it, its outcome."""
    planned = []
    for article in sorted(articles, key=lambda a: (_label(a), a.id)):
        key = cache_key(article, backend.model_id, options.settings.generation())
        cached = cache.get(key, article) if cache is not None else None
        outcome = None
        if cached is not None:
            outcome = Outcome(_label(article), "cached", article, cached)
            _finished(outcome, options, progress)
        planned.append((article, key, outcome))
    return planned


def extract_misses(options: RunOptions) -> Callable[..., dict[str, Outcome]]:
    """How the misses are extracted: here, or on Ray (imported only when asked for: an optional extra)."""
    if options.ray is None:
        return extract_all
    from .distributed import extract_all_on_ray

    return extract_all_on_ray


def extract_all(todo: list[tuple[Article, str]], backend: Backend, options: RunOptions,
                cache: ExtractionCache | None, progress: Progress) -> dict[str, Outcome]:
    """Extract the cache's misses, up to ``options.concurrency`` at once; outcomes by article id.

    Each finished extraction is cached and written as it comes. On Ctrl-C
    nothing more is sent, requests in flight are cut off, and the interrupt
    goes up once every worker has stopped."""
    if not todo:
        return {}
    workers = max(1, options.concurrency)
    fatal: list[str] = []
    outcomes: dict[str, Outcome] = {}
    # The article threads wait on question threads: they must stop first.
    with ThreadPoolExecutor(workers, thread_name_prefix="question") as questions, \
            ThreadPoolExecutor(workers, thread_name_prefix="article") as articles:
        pool = QuestionPool(questions) if workers > 1 else in_order

        def extract(article: Article, key: str) -> Outcome:
            progress.article_started(_label(article))
            runner = QuestionRunner(fan_out=pool, answered=lambda: progress.question_answered(_label(article)))
            return extract_one(article, key, backend, options.settings, runner, fatal)

        futures: dict[Future, tuple[Article, str]] = {
            articles.submit(contextvars.copy_context().run, extract, article, key): (article, key) for article, key in todo
        }
        try:
            for future in as_completed(futures):
                article, key = futures[future]
                outcomes[article.id] = kept(future.result(), key, cache, options, progress)
        except BaseException:  # Ctrl-C (or SIGTERM turned into it): stop everything in flight
            backend.cancel()
            for future in futures:
                future.cancel()
            raise
    return outcomes


def kept(outcome: Outcome, key: str, cache: ExtractionCache | None, options: RunOptions, progress: Progress) -> Outcome:
    """A fresh outcome, cached and written as soon as it comes (so a killed run resumes from it)."""
    if outcome.extraction is not None and cache is not None:
        cache.set(key, outcome.extraction)
    _finished(outcome, options, progress)
    return outcome


def _finished(outcome: Outcome, options: RunOptions, progress: Progress) -> None:
    if outcome.extraction is not None and options.extractions_dir is not None:
        write_extraction(options.extractions_dir, outcome.extraction)
    progress.article_done(outcome)


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
