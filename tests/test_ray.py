"""Extraction on Ray, on this machine (a local instance with 2 CPUs), against
the fake model server: the same dossier as one process, a worker killed in
the middle costs its article a retry, and a killed driver resumes from the
cache. Without --ray, nothing imports Ray.

One Ray instance serves the whole module (starting one takes seconds)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import psutil
import pytest

from fake_model import Call, FakeModel, Reply, good
from summariser.backends import BackendOptions, EndpointBackend
from summariser.cli import with_default_command
from summariser.pipeline import Progress, RayOptions, RunOptions, run
from test_concurrency import PLACES, story
from test_reliability import run_cli, subprocess_env

ARTICLES = len(PLACES)


def write_corpus(path: Path) -> Path:
    """Every story as a row, and one row that is not JSON."""
    rows = [json.dumps({"id": f"story-{i}", "text": story(i)}) for i in range(ARTICLES)]
    rows.insert(3, '{"text": "no closing brace"')
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def process_of(peer: tuple[str, int]) -> int | None:
    """The local process whose socket is the other end of a request."""
    for connection in psutil.net_connections(kind="tcp4"):
        if connection.laddr and (connection.laddr.ip, connection.laddr.port) == tuple(peer) and connection.pid:
            return connection.pid
    return None


def test_without_ray_a_run_imports_no_ray(tmp_path):
    corpus = write_corpus(tmp_path / "corpus.jsonl")
    script = (
        "import sys\n"
        "from summariser.cli import main\n"
        "try:\n    main(sys.argv[1:])\nexcept SystemExit as done:\n    code = done.code\n"
        "print('ray imported' if any(m == 'ray' or m.startswith('ray.') for m in sys.modules) else 'no ray', code)\n"
    )
    with FakeModel(good) as fake:
        done = subprocess.run(
            [sys.executable, "-c", script, str(corpus), "-o", str(tmp_path / "d.json"), "--base-url", fake.base_url,
             "--model", "fake", "--api-key", "x", "--cache-dir", str(tmp_path / "cache"), "-q"],
            env=subprocess_env(), capture_output=True, text=True, timeout=300,
        )
    assert done.stdout.split() == ["no", "ray", "1"], done.stdout + done.stderr  # 1: the bad row failed


@pytest.mark.parametrize(("argv", "expected"), [
    (["c.jsonl", "--ray"], ["run", "c.jsonl", "--ray="]),
    (["--ray", "c.jsonl"], ["run", "--ray=", "c.jsonl"]),
    (["c.jsonl", "--ray", "auto"], ["run", "c.jsonl", "--ray", "auto"]),
    (["c.jsonl", "--ray", "10.0.0.5:6379", "-q"], ["run", "c.jsonl", "--ray", "10.0.0.5:6379", "-q"]),
    (["c.jsonl", "--ray", "ray://head:10001"], ["run", "c.jsonl", "--ray", "ray://head:10001"]),
    (["c.jsonl", "--ray", "-q"], ["run", "c.jsonl", "--ray=", "-q"]),
])
def test_ray_takes_an_address_only_when_one_follows(argv, expected):
    assert with_default_command(argv) == expected


@pytest.fixture(scope="module")
def local_ray():
    ray = pytest.importorskip("ray", reason="Ray is not installed (pip install 'summariser[ray]')")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, object_store_memory=100 * 1024 * 1024)
    yield
    ray.shutdown()


@pytest.mark.ray
def test_ray_gives_the_dossier_of_one_process(tmp_path, local_ray):
    corpus = write_corpus(tmp_path / "corpus.jsonl")
    with FakeModel(good) as fake:
        alone = run_cli([corpus], tmp_path / "alone" / "dossier.json", fake.base_url, tmp_path / "cache-alone", "-j", "2")
        on_ray = run_cli([corpus, "--ray"], tmp_path / "ray" / "dossier.json", fake.base_url, tmp_path / "cache-ray",
                         "-j", "2", "--ray-workers", "2")
    assert alone.code == on_ray.code == 1, on_ray.output  # the bad row, in both
    assert f"{ARTICLES} articles: 0 cached, {ARTICLES} extracted, 1 failed" in on_ray.output
    assert "not valid JSON" in on_ray.failed_line(f"{corpus}#4")
    assert on_ray.out.read_bytes() == alone.out.read_bytes()
    extractions = {p.name: p.read_bytes() for p in alone.extraction_files()}
    assert len(extractions) == ARTICLES and {p.name: p.read_bytes() for p in on_ray.extraction_files()} == extractions


def killing_the_worker_on_the_first_call_about(marker: str, killed: list[int]):
    """Good answers, except that the first request about ``marker`` kills the process that sent it."""
    lock = threading.Lock()

    def script(call: Call) -> Reply:
        with lock:
            if marker in call.prompt and not killed:
                pid = process_of(call.peer)
                assert pid is not None and pid != os.getpid()
                killed.append(pid)
                os.kill(pid, signal.SIGKILL)
        return good(call)

    return script


def endpoint(fake: FakeModel, concurrency: int = 2) -> EndpointBackend:
    return EndpointBackend(fake.base_url, "fake", "x", BackendOptions(concurrency=concurrency))


@pytest.mark.ray
def test_a_worker_killed_mid_run_costs_its_article_a_retry(tmp_path, local_ray):
    corpus = write_corpus(tmp_path / "corpus.jsonl")
    marker = PLACES[5]
    killed: list[int] = []
    with FakeModel(good) as fake, endpoint(fake) as backend:
        run([corpus], backend, RunOptions(output=tmp_path / "alone.json", extractions_dir=None, concurrency=2))
        asked_when_nothing_dies = len(fake.calls_about(marker))
    with FakeModel(killing_the_worker_on_the_first_call_about(marker, killed)) as fake, endpoint(fake) as backend:
        result = run([corpus], backend, RunOptions(output=tmp_path / "ray.json", extractions_dir=None, concurrency=2,
                                                   ray=RayOptions(workers=2)))
        asked = len(fake.calls_about(marker))
    assert len(killed) == 1 and not psutil.pid_exists(killed[0])
    assert asked > asked_when_nothing_dies  # the article was sent again after its worker died
    assert result.count("extracted") == ARTICLES, [o.error for o in result.failures]
    assert (tmp_path / "ray.json").read_bytes() == (tmp_path / "alone.json").read_bytes()


class StopAfter(Progress):
    """Ctrl-C (as the driver being killed) once ``count`` articles are extracted."""

    def __init__(self, count: int):
        self.count = count
        self.done: list[str] = []

    def article_done(self, outcome) -> None:
        if outcome.status == "extracted":
            self.done.append(outcome.label)
            if len(self.done) == self.count:
                raise KeyboardInterrupt


@pytest.mark.ray
def test_a_stopped_driver_resumes_from_the_cache(tmp_path, local_ray):
    from summariser.cache import ExtractionCache

    corpus = write_corpus(tmp_path / "corpus.jsonl")
    options = RunOptions(output=tmp_path / "d.json", extractions_dir=None, concurrency=1, ray=RayOptions(workers=1))
    stopper = StopAfter(2)
    with FakeModel(good) as fake, ExtractionCache(tmp_path / "cache") as cache:
        with endpoint(fake, 1) as backend, pytest.raises(KeyboardInterrupt):
            run([corpus], backend, options, cache=cache, progress=stopper)
        assert not (tmp_path / "d.json").exists()
        fake.reset()
        with endpoint(fake, 1) as backend:
            result = run([corpus], backend, options, cache=cache)
        asked = {place for place in PLACES if fake.calls_about(place)}
    cached = sorted(o.label for o in result.outcomes if o.status == "cached")
    assert cached == sorted(stopper.done)
    assert result.count("extracted") == ARTICLES - 2
    # The articles finished before the stop were not asked about again.
    assert asked == {place for i, place in enumerate(PLACES) if f"{corpus}#story-{i}" not in stopper.done}
