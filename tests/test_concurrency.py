"""Several requests in flight: the dossier does not depend on the order answers
come back in, each article is charged its own calls, one failing request
costs its article only, Retry-After is honoured without holding the others up,
and Ctrl-C stops requests in flight.

The model is the scripted fake server (tests/fake_model.py); delays vary per
request so that answers come back in an order unlike the order asked."""

from __future__ import annotations

import random
import signal
import subprocess
import time
from pathlib import Path

import pytest

from fake_model import Call, FakeModel, Reply, good
from summariser.backends import BackendOptions, EndpointBackend, RateLimiter
from summariser.pipeline import RunOptions, run
from test_reliability import subprocess_cmd, subprocess_env

PLACES = ["Velgrad", "Ostmark", "Dravik", "Sunmere", "Korvath", "Elstow", "Brannoc", "Qirell"]
PEOPLE = ["Anna Berg", "Tomas Varga", "Lena Kovac", "Marek Holm", "Ines Duarte", "Pavel Ostrov", "Jonas Ekberg",
          "Mira Solberg"]


def story(i: int) -> str:
    """A short article about one invented place, with two attributions and an event."""
    place, speaker, other = PLACES[i], PEOPLE[i], PEOPLE[(i + 3) % len(PEOPLE)]
    return (
        f"Bridge talks in {place}\n\n"
        f"Minister {speaker} said on Monday that the bridge in {place} would reopen.\n"
        f'"We will finish the work in {place} this year," {other} told reporters.\n'
        f"Workers repaired the {place} bridge after the storm.\n"
    )


def write_stories(folder: Path, count: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        path = folder / f"{i:02d}-{PLACES[i].lower()}.txt"
        path.write_text(story(i), encoding="utf-8")
        paths.append(path)
    return paths


def shuffled_delays(seed: int = 7, low: float = 0.0, high: float = 0.12):
    """The good answers, each after a random delay: completion order is scrambled."""
    rng = random.Random(seed)

    def script(call: Call) -> Reply:
        reply = good(call)
        reply.delay = rng.uniform(low, high)
        return reply

    return script


def run_at(tmp_path: Path, server: FakeModel, paths: list[Path], concurrency: int, name: str, **options):
    out = tmp_path / name / "dossier.json"
    backend = EndpointBackend(server.base_url, "fake", "x", BackendOptions(concurrency=concurrency, **options))
    with backend:
        result = run(paths, backend, RunOptions(output=out, extractions_dir=None, concurrency=concurrency))
    return result, out


def test_dossier_is_byte_identical_whatever_the_concurrency(tmp_path):
    paths = write_stories(tmp_path / "in", 8)
    dossiers = []
    with FakeModel(shuffled_delays()) as server:
        for concurrency in (1, 4, 16):
            result, out = run_at(tmp_path, server, paths, concurrency, f"c{concurrency}")
            assert result.count("extracted") == 8, [o.error for o in result.failures]
            dossiers.append(out.read_bytes())
        # Requests really overlapped: some arrived before the previous one was answered.
        arrivals = [c.at for c in server.calls]
    assert dossiers[0] == dossiers[1] == dossiers[2]
    assert len(arrivals) > 3


def test_each_article_is_charged_its_own_calls(tmp_path):
    paths = write_stories(tmp_path / "in", 6)
    with FakeModel(shuffled_delays(seed=3)) as server:
        result, _ = run_at(tmp_path, server, paths, 8, "c8")
        calls = list(server.calls)
    assert result.count("extracted") == 6
    for outcome in result.outcomes:
        place = PLACES[int(Path(outcome.label).name[:2])]
        own = [c for c in calls if c.mentions(place)]
        usage = outcome.extraction.usage
        assert usage.calls == len(own), outcome.label
        assert usage.prompt_tokens == sum(len(c.prompt) // 4 + 50 for c in own), outcome.label
    assert sum(o.extraction.usage.calls for o in result.outcomes) == result.model_usage.calls == len(calls)


def test_one_failing_request_among_many_costs_its_article_only(tmp_path):
    paths = write_stories(tmp_path / "in", 6)

    def script(call: Call) -> Reply:
        if call.mentions("Dravik") and call.kind == "events":
            return Reply(status=500)
        return shuffled_delays(seed=call.index)(call)

    with FakeModel(script) as server:
        result, out = run_at(tmp_path, server, paths, 8, "c8", attempts=2)
        dravik_events = [c for c in server.calls if c.mentions("Dravik") and c.kind == "events"]
    failed = [Path(o.label).name for o in result.failures]
    assert failed == ["02-dravik.txt"], [o.error for o in result.failures]
    assert result.count("extracted") == 5
    assert len(dravik_events) == 2  # --http-attempts 2, then the article fails
    assert out.exists()


def test_retry_after_is_honoured_while_other_requests_go_on(tmp_path):
    paths = write_stories(tmp_path / "in", 8)
    refused: list[float] = []

    def script(call: Call) -> Reply:
        if call.mentions("Velgrad") and call.kind == "events" and not refused:
            refused.append(call.at)
            return Reply(status=429, headers={"Retry-After": "1"})
        reply = good(call)
        reply.delay = 0.2  # enough work left for the other slot while Velgrad waits
        return reply

    with FakeModel(script) as server:
        result, _ = run_at(tmp_path, server, paths, 2, "c2")
        velgrad_events = [c for c in server.calls if c.mentions("Velgrad") and c.kind == "events"]
        others = [c for c in server.calls if not c.mentions("Velgrad")]
    assert result.count("extracted") == 8, [o.error for o in result.failures]
    assert len(velgrad_events) == 2
    first, retry = velgrad_events
    assert retry.at - first.at >= 0.9  # waited as told
    # The wait held no slot: other articles' questions were answered meanwhile.
    assert any(first.at < c.at < retry.at for c in others)


def test_rate_limiter_spaces_starts_evenly():
    now = [100.0]
    limiter = RateLimiter(per_minute=120, clock=lambda: now[0])  # one start every 0.5 s
    assert [limiter.delay() for _ in range(3)] == [0.0, 0.5, 1.0]
    now[0] = 110.0  # after a quiet spell, no debt and no burst credit
    assert [limiter.delay() for _ in range(2)] == [0.0, 0.5]


def test_max_rpm_holds_with_requests_in_flight(tmp_path):
    paths = write_stories(tmp_path / "in", 3)
    with FakeModel(good) as server:
        result, _ = run_at(tmp_path, server, paths, 8, "rpm", max_rpm=300)  # one start every 0.2 s
        starts = sorted(c.at for c in server.calls)
    assert result.count("extracted") == 3
    # Eight could go at once; the limit spreads them out (a little slack for the
    # first request's own travel time).
    assert len(starts) >= 6 and starts[-1] - starts[0] >= 0.2 * (len(starts) - 1) - 0.1, starts


def test_ctrl_c_stops_requests_in_flight(tmp_path):
    paths = write_stories(tmp_path / "in", 8)
    out = tmp_path / "out" / "dossier.json"
    # Every answer takes a minute: an interrupted run that waited for the
    # requests in flight would not end within the 20 s below.
    with FakeModel(good, delay=60) as slow:
        process = subprocess.Popen(subprocess_cmd(paths, out, slow.base_url, tmp_path / "cache", "-j", "4"),
                                   env=subprocess_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 30
        while len(slow.calls) < 4 and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.05)
        in_flight = len(slow.calls)
        process.send_signal(signal.SIGINT)
        try:
            _, stderr = process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            pytest.fail("Ctrl-C did not stop the requests in flight")
        after = len(slow.calls)
    assert in_flight == 4  # four requests were waiting for their answers
    assert after == in_flight  # nothing more was sent after the interrupt
    assert process.returncode == 130, stderr
    assert "finished articles are cached" in stderr
    assert "Traceback" not in stderr, stderr
    assert not out.exists()


def test_waiting_for_a_free_slot_does_not_count_against_the_timeout(tmp_path):
    # One slot, four articles' questions queued for it, each answer 0.5 s, and
    # 1.5 s allowed per answer: a question may wait longer than that for its turn.
    paths = write_stories(tmp_path / "in", 4)
    with FakeModel(good, delay=0.5) as server:
        backend = EndpointBackend(server.base_url, "fake", "x", BackendOptions(concurrency=1, timeout=1.5, attempts=1))
        with backend:
            result = run(paths, backend, RunOptions(output=tmp_path / "out" / "d.json", extractions_dir=None, concurrency=4))
    assert result.count("extracted") == 4, [o.error for o in result.failures]
