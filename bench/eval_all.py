"""Every evaluation in one go: the seed gold and WikiEvents.

    .venv/bin/python bench/eval_all.py --seed-predictions out/extractions --wikievents-baseline
    .venv/bin/python bench/eval_all.py --seed-predictions dossier.json \\
        --wikievents-predictions /tmp/wikievents-out --format json

Seeds: --seed-predictions is a folder of per-article ArticleExtraction JSON
files or a dossier JSON, scored against seeds/gold (or --gold).
WikiEvents: --wikievents-predictions DIR, --wikievents-extractor MODULE:FUNC
or --wikievents-baseline; skipped with a message when the data is absent.
A section with no predictions given is skipped, not scored as zero.
Record real runs in docs/quality.md.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from bench.adapters.corpus_run import ROOT  # noqa: E402
from summariser.canonical import canonical_json  # noqa: E402
from summariser.evaluate import (  # noqa: E402
    PredictionLoadError,
    evaluate,
    load_gold,
    load_gold_texts,
    load_predictions,
    render_report,
)
from bench.adapters.wikievents import DataMissing, load_extractor, render_wiki_report, wikievents_report  # noqa: E402


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed-predictions", type=Path, metavar="PATH", help="extractions folder or dossier JSON")
    parser.add_argument("--gold", type=Path, default=ROOT / "seeds" / "gold")
    parser.add_argument("--only-predicted", action="store_true", help="score only gold articles that have predictions")
    wiki = parser.add_mutually_exclusive_group()
    wiki.add_argument("--wikievents-predictions", type=Path, metavar="DIR")
    wiki.add_argument("--wikievents-extractor", metavar="MODULE:FUNC")
    wiki.add_argument("--wikievents-baseline", action="store_true")
    parser.add_argument("--eval-dir", type=Path)
    parser.add_argument("--split", choices=("dev", "test", "all"), default="dev")
    parser.add_argument("--limit", type=int, metavar="N")
    parser.add_argument("--format", choices=("table", "json"), default="table")
    return parser.parse_args(argv)


def seed_section(args: argparse.Namespace):
    if args.seed_predictions is None:
        return None, "seeds: skipped (no --seed-predictions)"
    gold = load_gold(args.gold)
    texts = load_gold_texts(gold, ROOT)
    report = evaluate(load_predictions(args.seed_predictions), gold, texts, only_predicted=args.only_predicted)
    return report, None


def wikievents_section(args: argparse.Namespace):
    chosen = args.wikievents_predictions or args.wikievents_extractor or args.wikievents_baseline
    if not chosen:
        return None, "wikievents: skipped (no --wikievents-predictions/--wikievents-extractor/--wikievents-baseline)"
    try:
        report = wikievents_report(
            predictions_dir=args.wikievents_predictions,
            extractor=load_extractor(args.wikievents_extractor) if args.wikievents_extractor else None,
            extractor_name=args.wikievents_extractor or "extractor",
            baseline=args.wikievents_baseline,
            split=args.split,
            limit=args.limit,
            eval_dir=args.eval_dir,
        )
    except DataMissing as exc:
        return None, f"wikievents: skipped: {exc}"
    return report, None


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        seeds, seed_note = seed_section(args)
        wiki, wiki_note = wikievents_section(args)
    except (PredictionLoadError, FileNotFoundError, ValueError, ImportError, AttributeError) as exc:
        print(f"eval_all: {exc}", file=sys.stderr)
        return 2
    for note in (seed_note, wiki_note):
        if note:
            print(note, file=sys.stderr)
    if args.format == "json":
        sys.stdout.write(canonical_json({"seeds": seeds, "wikievents": wiki}))
        return 0
    from rich.console import Console

    console = Console()
    for renderable in [*(render_report(seeds) if seeds else []), *(render_wiki_report(wiki) if wiki else [])]:
        console.print(renderable)
    return 0


if __name__ == "__main__":
    sys.exit(main())
