"""Run the main job over the seeds on a cold cache and print per-article figures.

    python bench/bench_seeds.py [--model qwen2.5-coder-1.5b] [--record DIR] [--articles seeds/] [--concurrency N]

Prints, per article: seconds, model calls, prompt (prefill) and completion
tokens, items kept and dropped; then the median seconds per article, the
model load time, and the peak RSS of this process (the model runs in it).
The cache is a fresh temporary folder, so every article is really extracted.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

import psutil  # noqa: E402

from summariser.backends import BackendOptions, EmbeddedBackend  # noqa: E402
from summariser.cache import ExtractionCache  # noqa: E402
from summariser.extract import ExtractionSettings  # noqa: E402
from summariser.pipeline import Progress, RunOptions, run, summary_lines  # noqa: E402


class Peak(Progress):
    def __init__(self) -> None:
        self.peak = 0
        self.process = psutil.Process()

    def sample(self) -> None:
        self.peak = max(self.peak, self.process.memory_info().rss)

    def article_started(self, label: str) -> None:
        self.sample()

    def article_done(self, outcome) -> None:
        self.sample()
        x = outcome.extraction
        if x is None:
            print(f"{Path(outcome.label).name:<34} FAILED {outcome.error}")
            return
        print(f"{Path(outcome.label).name:<34} {outcome.seconds:6.1f}s {x.usage.calls:3d} calls "
              f"{x.usage.prompt_tokens:6d} prompt {x.usage.completion_tokens:5d} completion  "
              f"{len(x.statements):2d} st {len(x.events):2d} ev {len(x.stances):2d} sn {len(x.dropped):2d} dropped", flush=True)

    def say(self, message: str) -> None:
        print(f"  ({message})", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="qwen2.5-coder-1.5b")
    parser.add_argument("--articles", default=str(Path(__file__).resolve().parents[1] / "seeds"))
    parser.add_argument("--record", type=Path, default=None, help="also save every exchange (fixtures)")
    parser.add_argument("--output", type=Path, default=None, help="write the dossier and extractions here")
    parser.add_argument("--threads", type=int, default=None)
    parser.add_argument("--concurrency", type=int, default=1,
                        help="requests in flight; the embedded server gets as many slots (default 1)")
    args = parser.parse_args()
    import logging

    logging.getLogger("instructor").setLevel(logging.ERROR)

    progress = Peak()
    backend = EmbeddedBackend(args.model, threads=args.threads, options=BackendOptions(record_dir=args.record, concurrency=args.concurrency), say=progress.say)
    with tempfile.TemporaryDirectory() as tmp:
        out = args.output or Path(tmp) / "out"
        options = RunOptions(output=out / "dossier.json", extractions_dir=out / "extractions",
                             settings=ExtractionSettings(), concurrency=backend.concurrency)
        started = time.perf_counter()
        backend.client()  # start the server first so load time is separate
        load = time.perf_counter() - started
        progress.sample()
        with ExtractionCache(Path(tmp) / "cache") as cache, backend:
            result = run([args.articles], backend, options, cache=cache, progress=progress)
    seconds = [o.seconds for o in result.outcomes if o.status == "extracted"]
    print()
    for line in summary_lines(result):
        print(line)
    if seconds:
        print(f"median {statistics.median(seconds):.1f}s per article (min {min(seconds):.1f}, max {max(seconds):.1f}); "
              f"model load {load:.1f}s; peak RSS {progress.peak / 2**30:.2f} GiB; model {args.model}; "
              f"{psutil.cpu_count(logical=True)} CPUs; concurrency {backend.concurrency}")
    return 0 if not result.failures else 1


if __name__ == "__main__":
    raise SystemExit(main())
