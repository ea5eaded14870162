"""Throughput against an OpenAI-compatible server with a fixed latency.

    .venv/bin/python bench/bench_throughput.py [--articles 200] [--latency 0.3] [--jitter 0.05] [--levels 1,4,16,64]

Generates short articles (two attributions and an event each), starts the
scripted fake model server (tests/fake_model.py) in a separate process, each
answer after latency ± jitter seconds, and runs the whole pipeline at each
concurrency level from an empty cache. Prints articles/minute, model calls/s
and the dossier's sha256 per level: the fake answers the same whatever the
order, so every level must print the same hash.

No figure here is asserted by a test; the machine's other load changes them.
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from summariser.backends import BackendOptions, EndpointBackend  # noqa: E402
from summariser.pipeline import RunOptions, run  # noqa: E402

SYLLABLES = ["ka", "lo", "mer", "vin", "dra", "sol", "tep", "ruk", "an", "bel", "cor", "ist"]


def invented_name(i: int, parts: int) -> str:
    rng = random.Random(i * 7919 + parts)
    return "".join(rng.choice(SYLLABLES) for _ in range(parts)).capitalize()


def article(i: int) -> str:
    place = invented_name(i, 3) + f"{i}"
    speaker, other = f"{invented_name(i, 2)} {invented_name(i + 1000, 3)}", f"{invented_name(i + 2000, 2)} {invented_name(i + 3000, 2)}"
    return (
        f"Bridge talks in {place}\n\n"
        f"Minister {speaker} said on Monday that the bridge in {place} would reopen.\n"
        f'"We will finish the work in {place} this year," {other} told reporters.\n'
        f"Workers repaired the {place} bridge after the storm.\n"
    )


def serve(port_queue, latency: float, jitter: float, stop) -> None:
    """The fake server, in its own process so its threads do not share our GIL."""
    from fake_model import FakeModel, good

    rng = random.Random(1)

    def script(call):
        reply = good(call)
        reply.delay = max(0.0, rng.uniform(latency - jitter, latency + jitter))
        return reply

    with FakeModel(script) as server:
        port_queue.put(server.port)
        stop.wait()


def run_level(paths: list[Path], base_url: str, concurrency: int, workdir: Path) -> dict:
    out = workdir / f"c{concurrency}" / "dossier.json"
    backend = EndpointBackend(base_url, "fake", "x", BackendOptions(concurrency=concurrency, attempts=3))
    started = time.perf_counter()
    with backend:
        result = run(paths, backend, RunOptions(output=out, extractions_dir=None, concurrency=concurrency))
    seconds = time.perf_counter() - started
    return {
        "concurrency": concurrency,
        "seconds": seconds,
        "articles_per_minute": 60 * result.count("extracted") / seconds,
        "calls_per_second": result.model_usage.calls / seconds,
        "calls": result.model_usage.calls,
        "failed": len(result.failures),
        "sha256": hashlib.sha256(out.read_bytes()).hexdigest()[:16] if out.exists() else "-",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--latency", type=float, default=0.3)
    parser.add_argument("--jitter", type=float, default=0.05)
    parser.add_argument("--levels", default="1,4,16,64")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        folder = workdir / "articles"
        folder.mkdir()
        paths = []
        for i in range(args.articles):
            path = folder / f"{i:05d}.txt"
            path.write_text(article(i), encoding="utf-8")
            paths.append(path)

        ports, stop = multiprocessing.Queue(), multiprocessing.Event()
        server = multiprocessing.Process(target=serve, args=(ports, args.latency, args.jitter, stop), daemon=True)
        server.start()
        base_url = f"http://127.0.0.1:{ports.get(timeout=30)}/v1"
        print(f"{args.articles} articles, fake server latency {args.latency:g} ± {args.jitter:g} s per call")
        print(f"{'concurrency':>11} {'seconds':>8} {'articles/min':>12} {'calls/s':>8} {'calls':>6} {'failed':>6}  dossier sha256")
        rows = []
        try:
            for level in (int(x) for x in args.levels.split(",")):
                row = run_level(paths, base_url, level, workdir)
                rows.append(row)
                print(f"{row['concurrency']:>11} {row['seconds']:>8.1f} {row['articles_per_minute']:>12.1f} "
                      f"{row['calls_per_second']:>8.2f} {row['calls']:>6} {row['failed']:>6}  {row['sha256']}", flush=True)
        finally:
            stop.set()
            server.join(timeout=10)
        base = rows[0]["articles_per_minute"]
        for row in rows[1:]:
            print(f"concurrency {row['concurrency']}: {row['articles_per_minute'] / base:.1f}x concurrency {rows[0]['concurrency']}")
        print("dossiers identical at every level:", len({r["sha256"] for r in rows}) == 1)


if __name__ == "__main__":
    main()
