"""Score the merge's cross-document event clustering on ECB+ (topics 12, 19, 20, 41).

    .venv/bin/python bench/eval_ecbplus.py [--eval-dir DIR]

Every gold event mention becomes an extracted Event (summary = its words,
evidence = its sentence, participants/time/place = gold mentions of the same
sentence); all documents are merged at once, without their topics; the
resulting clusters are scored against the gold CROSS_DOC_COREF chains with
MUC, B-cubed, CEAF-e and CoNLL F1, per topic and overall. Baselines for
context: every mention alone; one cluster per gold topic; same stemmed
trigger within a gold topic ("lemma per topic") and across the corpus.

The corpus lives outside the repository: $SUMMARISER_EVAL_DIR, else
../shared/eval next to the repository. Without it the script says so and
exits 0.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.adapters.ecbplus import CorpusMissing, corpus_dir, evaluate, format_table  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--eval-dir", type=Path, help="folder containing ecbplus/ (default: see above)")
    args = parser.parse_args()
    try:
        folder = corpus_dir(args.eval_dir)
    except CorpusMissing as missing:
        print(f"skipped: {missing}")
        return 0
    started = time.perf_counter()
    rows = evaluate(folder)
    print(format_table(rows))
    print(f"\n{len({r.topic for r in rows}) - 1} topics, {rows[-1].mentions} gold event mentions, "
          f"{time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
