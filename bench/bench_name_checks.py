"""Client CPU of checking names against one long article.

    .venv/bin/python bench/bench_name_checks.py                 # 190,000 characters, 2,000 checks
    .venv/bin/python bench/bench_name_checks.py --chars 50000 --checks 500

Every name an answer gives is checked against the article (grounding.mentions),
respelled when the model wrote it a little differently
(grounding.article_spelling) and looked up for the role written before it
(rules.speaker_role). Each article is folded, indexed and normalised once;
after that a check costs the search for that name. Printed: seconds per
kind of check, and how many times the whole article was folded.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from summariser import grounding  # noqa: E402
from summariser.rules import speaker_role  # noqa: E402

PARAGRAPH = (
    "Foreign Minister Jeyhun Bayramov said on Monday that Azerbaijan would not allow its territory "
    "to be used against any neighbour, and Iran's envoy welcomed the pledge.\n"
)
NAMES = ["Jeyhun Bayramov", "Bayramov", "Azerbaijan", "Iran", "Ilham Aliyev", "the envoy"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chars", type=int, default=190_000)
    parser.add_argument("--checks", type=int, default=2_000)
    args = parser.parse_args()
    text = "Talks in Baku\n\n" + PARAGRAPH * (args.chars // len(PARAGRAPH))
    excluded = ((0, 13),)
    folds = 0
    real_fold = grounding._fold

    def counting_fold(piece: str):
        nonlocal folds
        folds += len(piece) == len(text)
        return real_fold(piece)

    grounding._fold = counting_fold
    names = [NAMES[i % len(NAMES)] for i in range(args.checks)]
    for label, check in (
        ("mentions", lambda name: grounding.mentions(name, text, excluded)),
        ("article_spelling", lambda name: grounding.article_spelling(name + "w", text, excluded)),
        ("speaker_role", lambda name: speaker_role(text, name)),
    ):
        started = time.perf_counter()
        for name in names:
            check(name)
        print(f"{label:<17} {args.checks:,} checks on {len(text):,} characters: {time.perf_counter() - started:.2f}s")
    print(f"whole-article folds: {folds}")


if __name__ == "__main__":
    main()
