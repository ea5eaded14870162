"""Score summariser's statements (who said what) against PolNeAR gold attributions.

    .venv/bin/python bench/eval_attribution.py --polnear-dir /work/PolNeAR/data/train
    .venv/bin/python bench/eval_attribution.py --out /tmp/polnear-eval -- --base-url http://localhost:11434/v1
    .venv/bin/python bench/eval_attribution.py --extractions /tmp/polnear-eval/extractions --per-doc
    .venv/bin/python bench/eval_attribution.py --self-check
    .venv/bin/python bench/eval_attribution.py --list-sample

Data: PolNeAR's TRAIN split only (never dev/test), read from --polnear-dir or
$POLNEAR_DIR (its data/train folder; see bench/adapters/polnear.py for how to
get it). Gold = the first annotator's attributions (source, cue, content).

Sample: the 40 train documents drawn by bench/adapters/polnear.py (texts of
1,500-6,000 characters, seed 20261129).

Default mode RUNS the tool: each sample text is written verbatim to a temporary
folder as <docid>.txt and `summarise run FOLDER -o OUT/dossier.json
--cache-dir OUT/cache` is called (OUT = --out, default a fresh temp folder;
reuse an --out to hit the cache). Arguments after `--` are passed through to
`summarise run` (e.g. --replay DIR, --base-url URL, --model NAME). With the
embedded model this takes ~1 minute per document on 2 cores.
--extractions DIR scores an existing folder of per-article extraction files
instead (matched to documents by the article path's file stem, else by the
text's sha256). --self-check turns the gold itself into extraction files and
scores them: every F1 must be 1.0 (exit 1 otherwise).

Prediction = each extraction's `statements` item: content is
`content_span.text` / `content_evidence` if present, else `content`, else
`evidence.text`; speaker is `speaker` (a name string).

Scores (bench/adapters/attribution_score.py): per document, greedy one-to-one
matching by content token overlap; content matches when shared \\w+ tokens
(lower-cased, as multisets) are at least half of the shorter span's tokens.
strict = content + speaker (titles/stopwords dropped, containment or a shared
name token); pronoun-lenient = also accepts a pronoun or absent speaker on
either side; content-only = speakers ignored. P/R/F1 are micro-averaged over
the documents (tp/fp/fn summed); a document without an extraction file counts
all its gold as fn.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from bench.adapters.corpus_run import ROOT, description_parser, find_summarise, run_summarise  # noqa: E402
from bench.adapters.corpus_run import split_passthrough  # noqa: E402
from bench.adapters.attribution_score import RULE_LABELS, RULES, DocScore, Item, micro_average, score_document  # noqa: E402
from bench.adapters.polnear import PolnearDoc, PolnearMissing, gold_items, load_sample  # noqa: E402


# --------------------------------------------------------------------------
# Reading extraction files
# --------------------------------------------------------------------------


def _span_text(value) -> str | None:
    """Text of a span-ish value: a string, {"text": ...}, or a list of those (joined by a space)."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        text = value.get("text")
        return text if isinstance(text, str) else None
    if isinstance(value, (list, tuple)):
        parts = [t for t in (_span_text(v) for v in value) if t]
        return " ".join(parts) or None
    return None


def _speaker_name(value) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, dict):
        for key in ("name", "text"):
            if isinstance(value.get(key), str):
                return value[key]
    return None


def statement_items(extraction: dict) -> list[Item]:
    """The extraction's statements as scorer items (see the module docstring for the fields used)."""
    items = []
    for index, statement in enumerate(extraction.get("statements") or []):
        content = (
            _span_text(statement.get("content_span"))
            or _span_text(statement.get("content_evidence"))
            or (statement.get("content") if isinstance(statement.get("content"), str) else None)
            or _span_text(statement.get("evidence"))
            or ""
        )
        evidence = statement.get("evidence") if isinstance(statement.get("evidence"), dict) else {}
        items.append(Item(speaker=_speaker_name(statement.get("speaker")), content=content,
                          ref=f"#{index}@{evidence.get('start')}-{evidence.get('end')}",
                          mention=_span_text(statement.get("source_span"))))
    return items


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def load_extractions(folder: Path, docs: list[PolnearDoc], newer_than: float | None = None) -> dict[str, list[Item]]:
    """doc id -> predicted items, for the sample docs that have an extraction file in ``folder``.

    A file belongs to a document when one of its ``article.paths`` has the doc id as file stem, or
    its ``article.content_hash`` is the sha256 of the document text. The newest file wins.
    """
    by_stem = {doc.doc_id: doc.doc_id for doc in docs}
    by_hash = {_sha256(doc.text): doc.doc_id for doc in docs}
    chosen: dict[str, tuple[float, Path]] = {}
    for path in sorted(folder.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            continue
        if not isinstance(data, dict):
            continue
        article = data.get("article") or {}
        doc_id = None
        for raw in article.get("paths") or []:
            stem = Path(str(raw)).name.rsplit(".", 1)[0]
            if stem in by_stem:
                doc_id = stem
                break
        if doc_id is None:
            doc_id = by_hash.get(article.get("content_hash") or "")
        if doc_id is None:
            continue
        mtime = path.stat().st_mtime
        if newer_than is not None and mtime < newer_than:
            continue
        if doc_id not in chosen or mtime > chosen[doc_id][0]:
            chosen[doc_id] = (mtime, path)
    return {doc_id: statement_items(json.loads(path.read_text(encoding="utf-8")))
            for doc_id, (_, path) in chosen.items()}


# --------------------------------------------------------------------------
# Producing extractions
# --------------------------------------------------------------------------


def run_summariser(docs: list[PolnearDoc], out: Path, passthrough: list[str]) -> tuple[Path, float, int]:
    """Run `summarise run` on the sample texts; returns (extractions folder, start time, exit code)."""
    try:
        summarise = find_summarise()
    except FileNotFoundError as missing:
        raise SystemExit(str(missing)) from None
    return run_summarise(((doc.doc_id, doc.text) for doc in docs), out, passthrough, summarise=summarise,
                         prefix="polnear-texts-", options=["--cache-dir", str(out / "cache")], cwd=ROOT)


def self_check_extractions(docs: list[PolnearDoc], folder: Path) -> None:
    """Write one extraction file per document whose statements ARE the gold attributions."""
    folder.mkdir(parents=True, exist_ok=True)
    for n, doc in enumerate(docs):
        statements = []
        for attribution in doc.attributions:
            first, last = attribution.content[0], attribution.content[-1]
            statements.append({
                "speaker": attribution.source_text,
                "content": attribution.content_text,
                "evidence": {"start": first.start, "end": last.end, "text": doc.text[first.start:last.end]},
                "kind": "paraphrase",
            })
        record = {
            "article": {"id": f"selfcheck{n:04d}", "paths": [f"{doc.doc_id}.txt"], "content_hash": _sha256(doc.text)},
            "statements": statements,
        }
        (folder / f"selfcheck{n:04d}.json").write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")


# --------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------


def evaluate(docs: list[PolnearDoc], predictions: dict[str, list[Item]]) -> tuple[list[DocScore], dict]:
    scores = [score_document(doc.doc_id, predictions.get(doc.doc_id, []), gold_items(doc)) for doc in docs]
    totals = micro_average(scores)
    report = {
        "dataset": "PolNeAR train (first annotator)",
        "sample": [doc.doc_id for doc in docs],
        "documents": len(docs),
        "documents_without_extraction": [doc.doc_id for doc in docs if doc.doc_id not in predictions],
        "gold_attributions": sum(len(doc.attributions) for doc in docs),
        "gold_without_source": sum(1 for doc in docs for a in doc.attributions if not a.source),
        "predicted_statements": sum(len(predictions.get(doc.doc_id, [])) for doc in docs),
        "scores": {RULE_LABELS[rule]: totals[rule].as_dict() for rule in RULES},
        "per_doc": [
            {"doc_id": s.doc_id, "gold": s.n_gold, "predicted": s.n_pred,
             **{RULE_LABELS[rule]: s.counts[rule].as_dict() for rule in RULES}}
            for s in scores
        ],
    }
    return scores, report


def format_table(report: dict, per_doc: bool = False) -> str:
    lines = [
        f"{report['dataset']}: {report['documents']} documents, {report['gold_attributions']} gold attributions "
        f"({report['gold_without_source']} without source), {report['predicted_statements']} predicted statements",
    ]
    missing = report["documents_without_extraction"]
    if missing:
        shown = ", ".join(missing[:5]) + (f", ... ({len(missing) - 5} more; see --json)" if len(missing) > 5 else "")
        lines.append(f"{len(missing)} documents have no extraction file (their gold counts as fn): {shown}")
    lines.append("")
    lines.append(f"{'':24} {'P':>6} {'R':>6} {'F1':>6} {'tp':>5} {'fp':>5} {'fn':>5}")
    for label, s in report["scores"].items():
        lines.append(f"{label:24} {s['precision']:6.3f} {s['recall']:6.3f} {s['f1']:6.3f} "
                     f"{s['tp']:5d} {s['fp']:5d} {s['fn']:5d}")
    if per_doc:
        lines.append("")
        lines.append(f"{'document':48} {'gold':>4} {'pred':>4} {'strict':>7} {'mention':>7} {'lenient':>7} {'content':>7}  (F1)")
        for row in report["per_doc"]:
            lines.append(
                f"{row['doc_id'][:48]:48} {row['gold']:4d} {row['predicted']:4d} "
                + " ".join(f"{row[RULE_LABELS[r]]['f1']:7.3f}" for r in RULES)
            )
    return "\n".join(lines)


def parse_args(argv: list[str]) -> tuple[argparse.Namespace, list[str]]:
    argv, passthrough = split_passthrough(argv)
    parser = description_parser(__doc__, usage="%(prog)s [options] [-- SUMMARISE-RUN-ARGS...]")
    parser.add_argument("--polnear-dir", type=Path, metavar="DIR",
                        help="PolNeAR data/train folder (default: $POLNEAR_DIR)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--extractions", type=Path, metavar="DIR",
                      help="score this existing folder of extraction files; run nothing")
    mode.add_argument("--self-check", action="store_true",
                      help="score the gold against itself (all F1 must be 1.0); run nothing")
    mode.add_argument("--list-sample", action="store_true", help="print the sample's document ids and exit")
    parser.add_argument("--out", type=Path, metavar="DIR",
                        help="where the run writes dossier.json, extractions/ and cache/ (default: a new temp folder)")
    parser.add_argument("--per-doc", action="store_true", help="also print F1 per document")
    parser.add_argument("--json", nargs="?", const="-", metavar="FILE",
                        help="print the report as JSON instead of the table, or write it to FILE and print the table")
    args = parser.parse_args(argv)
    if passthrough and (args.extractions or args.self_check or args.list_sample):
        parser.error("arguments after -- are for `summarise run`; they make no sense with "
                     "--extractions/--self-check/--list-sample")
    return args, passthrough


def main(argv: list[str] | None = None) -> int:
    args, passthrough = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        docs = load_sample(args.polnear_dir)
    except PolnearMissing as missing:
        print(f"error: {missing}", file=sys.stderr)
        return 2
    if args.list_sample:
        print("\n".join(doc.doc_id for doc in docs))
        return 0

    run_code = 0
    if args.self_check:
        with tempfile.TemporaryDirectory(prefix="polnear-selfcheck-") as folder:
            self_check_extractions(docs, Path(folder))
            predictions = load_extractions(Path(folder), docs)
    elif args.extractions:
        if not args.extractions.is_dir():
            print(f"error: {args.extractions} is not a folder", file=sys.stderr)
            return 2
        predictions = load_extractions(args.extractions, docs)
    else:
        out = args.out or Path(tempfile.mkdtemp(prefix="polnear-eval-"))
        extractions, started, run_code = run_summariser(docs, out, passthrough)
        print(f"summarise exited with {run_code}; outputs in {out}", file=sys.stderr)
        predictions = load_extractions(extractions, docs, newer_than=started) if extractions.is_dir() else {}

    _, report = evaluate(docs, predictions)
    if args.json == "-":
        print(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        print(format_table(report, per_doc=args.per_doc))
        if args.json:
            Path(args.json).write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    if args.self_check:
        perfect = all(s["f1"] == 1.0 for s in report["scores"].values())
        print("self-check:", "OK (every F1 is 1.0)" if perfect else "FAILED", file=sys.stderr)
        return 0 if perfect else 1
    if run_code == 2 or (not args.extractions and not predictions):
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
