"""Score event extraction on WikiEvents (public data, never copied here).

    .venv/bin/python bench/eval_wikievents.py --baseline --limit 5
    .venv/bin/python bench/eval_wikievents.py --export-texts /tmp/wikievents-texts
    .venv/bin/python bench/eval_wikievents.py --predictions /tmp/wikievents-out
    .venv/bin/python bench/eval_wikievents.py --extractor mypkg.mod:extract --split test

Exactly one source of predictions: --predictions DIR (saved ArticleExtraction
or Dossier JSON, or <doc_id>.json lists of Events), --extractor MODULE:FUNC
(a callable extract(text, doc_id) -> list[Event]) or --baseline (a keyword
floor, not a model). --export-texts DIR writes the documents as <doc_id>.txt,
exactly as they are scored, for the pipeline to run on.

The data folder is --eval-dir, else $SUMMARISER_EVAL_DIR, else ../shared/eval
beside the repository; when it is absent the script says so and exits 0.
Matching rules: docs/quality.md and bench/adapters/wikievents.py.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from summariser.canonical import canonical_json  # noqa: E402
from summariser.evaluate import PredictionLoadError  # noqa: E402
from bench.adapters.wikievents import (  # noqa: E402
    DataMissing,
    export_texts,
    load_documents,
    load_extractor,
    render_wiki_report,
    wikievents_report,
)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--predictions", type=Path, metavar="DIR", help="score saved extractions in DIR")
    source.add_argument("--extractor", metavar="MODULE:FUNC", help="run extract(text, doc_id) -> list[Event]")
    source.add_argument("--baseline", action="store_true", help="score the keyword baseline (not a model)")
    source.add_argument("--export-texts", type=Path, metavar="DIR", help="write <doc_id>.txt files and stop")
    parser.add_argument("--eval-dir", type=Path, help="folder holding wikievents/ (default: $SUMMARISER_EVAL_DIR or ../shared/eval)")
    parser.add_argument("--split", choices=("dev", "test", "all"), default="dev")
    parser.add_argument("--limit", type=int, metavar="N", help="only the first N documents")
    parser.add_argument("--format", choices=("table", "json"), default="table")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        if args.export_texts:
            written = export_texts(load_documents(args.split, eval_dir=args.eval_dir, limit=args.limit), args.export_texts)
            print(f"wrote {len(written)} texts to {args.export_texts}", file=sys.stderr)
            return 0
        report = wikievents_report(
            predictions_dir=args.predictions,
            extractor=load_extractor(args.extractor) if args.extractor else None,
            extractor_name=args.extractor or "extractor",
            baseline=args.baseline,
            split=args.split,
            limit=args.limit,
            eval_dir=args.eval_dir,
        )
    except DataMissing as exc:
        print(f"skipped: {exc}", file=sys.stderr)
        return 0
    except (PredictionLoadError, ValueError, ImportError, AttributeError) as exc:
        print(f"eval_wikievents: {exc}", file=sys.stderr)
        return 2
    if args.format == "json":
        sys.stdout.write(canonical_json(report))
    else:
        from rich.console import Console

        console = Console()
        for renderable in render_wiki_report(report):
            console.print(renderable)
    return 0


if __name__ == "__main__":
    sys.exit(main())
