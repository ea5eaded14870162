"""A corpus at scale: one process against Ray workers, with a fixed-latency model.

    .venv/bin/python bench/bench_scale.py [--articles 10000] [--latency 0.3] [--concurrency 16] [--ray-workers 2,4]

Writes the generated articles (bench_throughput's) as one JSONL corpus,
starts the fake model server in its own process (each answer after latency ±
jitter seconds), then runs the whole pipeline from an empty cache: in one
process at ``--concurrency``, and on a local Ray instance with each number of
workers (each worker with ``--concurrency`` requests in flight). Each run is
a child process of its own, so its peak RSS is the driver's alone (Ray's
workers are other processes). Prints articles/minute, the driver's peak RSS,
the time of the final merge and write, and the dossier's sha256: every run
must print the same one.

No figure here is asserted by a test; the machine's other load changes them.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench"), str(ROOT / "tests")]

from bench_throughput import article, serve  # noqa: E402


def write_corpus(path: Path, count: int) -> None:
    with path.open("w", encoding="utf-8") as corpus:
        for i in range(count):
            corpus.write(json.dumps({"id": f"a{i:05d}", "text": article(i)}) + "\n")


def one_run(corpus: Path, base_url: str, concurrency: int, workers: int, out: Path) -> dict:
    """A run in this process (a child of main): the figures of one row."""
    from summariser import pipeline
    from summariser.backends import BackendOptions, EndpointBackend

    merging = []
    merge = pipeline.merge

    def timed_merge(*args, **kwargs):
        started = time.perf_counter()
        try:
            return merge(*args, **kwargs)
        finally:
            merging.append(time.perf_counter() - started)

    pipeline.merge = timed_merge
    ray = pipeline.RayOptions(workers=workers) if workers else None
    backend = EndpointBackend(base_url, "fake", "x", BackendOptions(concurrency=concurrency, attempts=3))
    options = pipeline.RunOptions(output=out, extractions_dir=None, concurrency=concurrency, ray=ray)
    with backend:
        result = pipeline.run([corpus], backend, options)
    # What writing the dossier costs besides the disk: its canonical JSON.
    started = time.perf_counter()
    text = pipeline.canonical_json(result.dossier)
    serialise = time.perf_counter() - started
    return {
        "mode": f"Ray, {workers} workers" if workers else "one process",
        "in_flight": concurrency * (workers or 1),
        "seconds": result.seconds,
        "articles_per_minute": 60 * result.count("extracted") / result.seconds,
        "extracted": result.count("extracted"),
        "failed": len(result.failures),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "merge_seconds": merging[-1] if merging else float("nan"),
        "serialise_seconds": serialise,
        "sha256": hashlib.sha256(text.encode()).hexdigest()[:16],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--latency", type=float, default=0.3)
    parser.add_argument("--jitter", type=float, default=0.05)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--ray-workers", default="2,4", help="comma-separated; empty for none")
    parser.add_argument("--child", nargs=4, metavar=("CORPUS", "URL", "WORKERS", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:  # one row, measured in its own process
        corpus, url, workers, out = args.child
        print(json.dumps(one_run(Path(corpus), url, args.concurrency, int(workers), Path(out))))
        return

    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        corpus = workdir / "corpus.jsonl"
        write_corpus(corpus, args.articles)
        ports, stop = multiprocessing.Queue(), multiprocessing.Event()
        server = multiprocessing.Process(target=serve, args=(ports, args.latency, args.jitter, stop), daemon=True)
        server.start()
        url = f"http://127.0.0.1:{ports.get(timeout=30)}/v1"
        print(f"{args.articles:,} articles in one JSONL corpus, fake server latency {args.latency:g} ± {args.jitter:g} s "
              f"per call, --concurrency {args.concurrency}")
        print(f"{'mode':<16} {'in flight':>9} {'seconds':>8} {'articles/min':>12} {'failed':>6} {'driver RSS MB':>13} "
              f"{'merge s':>8} {'json s':>8}  dossier sha256")
        rows = []
        try:
            for workers in [0] + [int(w) for w in args.ray_workers.split(",") if w.strip()]:
                child = subprocess.run(
                    [sys.executable, __file__, "--concurrency", str(args.concurrency),
                     "--child", str(corpus), url, str(workers), str(workdir / f"w{workers}.json")],
                    capture_output=True, text=True, check=False)
                if child.returncode != 0:
                    print(f"workers={workers}: failed\n{child.stderr[-2000:]}", flush=True)
                    continue
                row = json.loads(child.stdout.strip().splitlines()[-1])
                rows.append(row)
                print(f"{row['mode']:<16} {row['in_flight']:>9} {row['seconds']:>8.1f} {row['articles_per_minute']:>12.1f} "
                      f"{row['failed']:>6} {row['peak_rss_mb']:>13.0f} {row['merge_seconds']:>8.2f} "
                      f"{row['serialise_seconds']:>8.2f}  {row['sha256']}", flush=True)
        finally:
            stop.set()
            server.join(timeout=10)
        print("dossiers identical in every mode:", len({r["sha256"] for r in rows}) == 1)


if __name__ == "__main__":
    main()
