"""Extraction on a Ray cluster: ``summarise run ARTICLES --ray [ADDRESS]``.

Needs the optional extra: ``pip install 'summariser[ray]'``, on the driver and
on every node. This module (and so Ray) is imported only when a run asks for
Ray; ``pipeline.run`` stays the same plan -> extract -> assemble, with the
extract step done here instead of in local threads:

* the driver (this process) has planned: loaded the articles, looked each up
  in the cache; only the misses are sent to Ray;
* each worker is a Ray actor holding one backend, rebuilt from the driver's
  plain description (``backends.BackendSpec``): an endpoint client, or one
  embedded server that uses its node's cores. Workers spread over the nodes,
  one per node unless told otherwise, each with ``--concurrency`` articles
  (and questions of one article) in flight;
* results stream back as they finish; the driver alone writes the cache, the
  per-article files and, once, the dossier. Killing the driver loses only
  what was in flight: the same command again resumes from the cache;
* a worker process that dies is restarted and the articles it was working on
  are sent again, up to ``RayOptions.retries`` times each; an article whose
  worker keeps dying fails alone, the run goes on.
"""

from __future__ import annotations

import itertools
import logging
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

from .articles import Article
from .backends import Backend, BackendSpec, backend_spec, build_backend, counting_calls
from .cache import ExtractionCache
from .datamodel import ArticleExtraction, Usage
from .extract import ExtractionSettings, QuestionRunner, in_order
from .pipeline import Outcome, Progress, QuestionPool, RayOptions, RunOptions, Status, _label, extract_one, kept

try:
    import ray
except ImportError:  # reported when a run asks for Ray, not at import
    ray = None

# Articles queued per request slot, so that no worker waits for the driver
# while the driver never holds the whole corpus in Ray's object store.
QUEUED_PER_SLOT = 2


class RayMissing(RuntimeError):
    def __init__(self) -> None:
        super().__init__("--ray needs Ray on this machine and on every node: pip install 'summariser[ray]'")


@dataclass
class Answer:
    """What a worker sends back for one article (the driver knows the article)."""

    status: Status
    extraction: ArticleExtraction | None
    error: str | None
    seconds: float
    usage: Usage  # every call made for this article, failed ones included
    fatal: str | None  # the model cannot be used at all: send nothing more


class ExtractionWorker:
    """One backend, answering for the articles it is sent; writes nothing."""

    def __init__(self, spec: BackendSpec, settings: ExtractionSettings, concurrency: int):
        self.backend = build_backend(spec)
        self.settings = settings
        self.fan_out = QuestionPool(ThreadPoolExecutor(concurrency, thread_name_prefix="question")) if concurrency > 1 else in_order
        self.fatal: list[str] = []

    def extract(self, article: Article, key: str) -> Answer:
        with counting_calls() as meter:
            outcome = extract_one(article, key, self.backend, self.settings, QuestionRunner(fan_out=self.fan_out), self.fatal)
        return Answer(outcome.status, outcome.extraction, outcome.error, outcome.seconds, meter.usage,
                      self.fatal[0] if self.fatal else None)


def extract_all_on_ray(todo: list[tuple[Article, str]], backend: Backend, options: RunOptions,
                       cache: ExtractionCache | None, progress: Progress) -> dict[str, Outcome]:
    """``pipeline.extract_all``, with the questions asked by Ray workers; outcomes by article id."""
    if not todo:
        return {}
    if ray is None:
        raise RayMissing()
    settings = options.ray or RayOptions()
    started_here = connect(settings.address)
    try:
        workers = start_workers(backend, options, settings)
        try:
            return _stream(todo, workers, backend, options, settings, cache, progress)
        finally:
            for worker in workers:
                ray.kill(worker)
    finally:
        if started_here:
            ray.shutdown()


def connect(address: str | None) -> bool:
    """Join the cluster at ``address`` (or Ray's default); whether this call started the connection."""
    if ray.is_initialized():  # the caller runs Ray already (a notebook, a test): use it as it is
        return False
    # Workers' own logs stay in Ray's session folder: what the user needs comes back in each answer.
    ray.init(address=address, include_dashboard=False, log_to_driver=False, logging_level=logging.WARNING)
    return True


def start_workers(backend: Backend, options: RunOptions, settings: RayOptions) -> list:
    nodes = sum(1 for node in ray.nodes() if node.get("Alive"))
    count = max(1, settings.workers or nodes)
    spec = backend_spec(backend)
    if spec.options.max_rpm:  # the limit is the user's, for the whole run: each worker gets its share
        spec = replace(spec, options=replace(spec.options, max_rpm=spec.options.max_rpm / count))
    per_worker = max(1, options.concurrency)
    actor = ray.remote(ExtractionWorker).options(
        max_concurrency=per_worker,
        max_restarts=-1,  # a worker that dies comes back; each article's retries are bounded below
        max_task_retries=settings.retries,
        scheduling_strategy="SPREAD",
    )
    return [actor.remote(spec, options.settings, per_worker) for _ in range(count)]


def _stream(todo: list[tuple[Article, str]], workers: list, backend: Backend, options: RunOptions, settings: RayOptions,
            cache: ExtractionCache | None, progress: Progress) -> dict[str, Outcome]:
    queue = deque(todo)
    pending: dict = {}  # Ray ref -> (article, key)
    outcomes: dict[str, Outcome] = {}
    fatal: str | None = None
    room = len(workers) * max(1, options.concurrency) * QUEUED_PER_SLOT
    turns = itertools.cycle(workers)
    try:
        while queue or pending:
            while queue and fatal is None and len(pending) < room:
                article, key = queue.popleft()
                progress.article_started(_label(article))
                pending[next(turns).extract.remote(article, key)] = (article, key)
            if fatal is not None:  # no later article can do better: say so, send nothing more
                while queue:
                    article, key = queue.popleft()
                    outcomes[article.id] = kept(Outcome(_label(article), "failed", article, error=f"not attempted: {fatal}"),
                                                key, cache, options, progress)
            if not pending:
                break
            done, _ = ray.wait(list(pending), num_returns=1)
            for ref in done:
                article, key = pending.pop(ref)
                answer = _answer(ref, settings)
                backend.meter.add(answer.usage)
                fatal = fatal or answer.fatal
                outcome = Outcome(_label(article), answer.status, article, answer.extraction, answer.error, answer.seconds)
                outcomes[article.id] = kept(outcome, key, cache, options, progress)
    except BaseException:  # Ctrl-C: nothing more is sent, what is queued is dropped
        for ref in pending:
            ray.cancel(ref)
        raise
    return outcomes


def _answer(ref, settings: RayOptions) -> Answer:
    try:
        return ray.get(ref)
    except ray.exceptions.RayActorError as error:
        tries = settings.retries + 1
        return Answer("failed", None, f"its worker died {tries} time{'s' if tries != 1 else ''} while extracting it "
                      f"({_first_line(error)}) — not cached: re-run to retry it", 0.0, Usage(), None)
    except ray.exceptions.RayError as error:  # a fault of ours inside the worker: this article fails alone
        return Answer("failed", None, f"internal error on a Ray worker: {_first_line(error)} — not cached; "
                      "please report it with this article", 0.0, Usage(), None)


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return (text.splitlines()[0] if text else type(error).__name__)[:200]
