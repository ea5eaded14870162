"""Score the tool's stances against SEESAW gold (holder -> target, positive/negative).

    .venv/bin/python bench/eval_stance.py --self-check
    .venv/bin/python bench/eval_stance.py --list-sample
    .venv/bin/python bench/eval_stance.py --out /tmp/stance -- --replay DIR
    .venv/bin/python bench/eval_stance.py --out /tmp/stance -- --base-url http://localhost:11434/v1 --model qwen2.5:7b
    .venv/bin/python bench/eval_stance.py --extractions /tmp/stance/extractions --per-doc
    .venv/bin/python bench/eval_stance.py --extractions /tmp/stance/extractions --json

Data: SEESAW (third-party, CC BY-NC-SA 4.0, never copied into the repository),
read from --data, else $SEESAW_DIR, else $SUMMARISER_EVAL_DIR/seesaw, else
../shared/eval/seesaw beside the repository. Absent data: "skipped", exit 0.

Sample: 30 documents of the `valid` split: sorted doc ids, then
random.Random(20261129).sample(ids, 30) (bench/adapters/seesaw.py). Gold per
document: its distinct (holder, target, polarity) triples; null holders dropped.

Without --extractions the script writes each sample text to a temp folder as
<doc_id>.txt, runs `summarise run FOLDER -o OUT/dossier.json [ARGS after --]`
(the embedded model takes roughly a minute per document on 2 cores) and
scores OUT/extractions/. With --extractions DIR nothing is run.

Predictions: every extraction's `stances` entry, polarity mapped by
PREDICTED_POLARITY (support -> positive; oppose, deny -> negative; neutral
dropped), identical triples de-duplicated per document.

Matching, per document, greedy one-to-one (best-scoring pairs first): a
prediction matches a gold triple when its holder matches, its target matches
and its polarity is equal. Two names match when, after normalisation
(lower-case, dotted abbreviations undotted, punctuation dropped, a leading
"the" and leading titles such as Mr/Dr/President/Sen./Rep./Gov./Secretary
dropped), they are equal after the alias table (US = U.S. = United States =
America; UK = Britain; UN; GOP = Republicans; Dems = Democrats), or one is a
contiguous run of the other's words ("Trump" in "Donald Trump", but "Iran" is
not in "Iranian"), or rapidfuzz token_set_ratio >= 80. Pair-only: the same on
distinct (holder, target) pairs, polarity ignored. Micro P/R/F1 over the
sample: a second prediction of an already matched gold triple is a false
positive; a sample document without an extraction file counts as predicting
nothing (all its gold are misses) and is reported as missing.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from bench.adapters.corpus_run import description_parser, find_summarise, run_summarise, split_passthrough  # noqa: E402
from bench.adapters.scoring import Counts, greedy_match as one_to_one  # noqa: E402
from bench.adapters.seesaw import SAMPLE_SEED, SAMPLE_SIZE, DataMissing, SeesawDoc, data_path, load_sample  # noqa: E402

Triple = tuple[str, str, str]

# The one place where the tool's stance polarity meets SEESAW's. "deny" (rejects
# the target's claim or accusation) is a negative stance toward the target;
# SEESAW has no neutral label, so neutral stances are not scored at all.
PREDICTED_POLARITY: dict[str, str | None] = {
    "support": "positive",
    "oppose": "negative",
    "deny": "negative",
    "neutral": None,
}

FUZZY_THRESHOLD = 80  # rapidfuzz fuzz.token_set_ratio, 0-100

# Leading words dropped from a name (as whole words, repeatedly, after a leading
# "the"); multi-word titles are written with spaces. Never drops a name to nothing.
TITLES: tuple[str, ...] = (
    "mr", "mrs", "ms", "miss", "dr", "prof", "former", "president", "vice president", "president elect",
    "sen", "senator", "rep", "representative", "congressman", "congresswoman", "gov", "governor",
    "secretary", "attorney general", "speaker", "prime minister", "minister", "judge", "justice",
    "gen", "general", "lt", "col", "mayor", "sir",
)

# Names that are the same actor. Keys are the canonical form; every variant is
# compared after normalisation (so "U.S." is "us", "the United States" is
# "united states"). Applied to whole names only, not to words inside a name.
ALIASES: dict[str, tuple[str, ...]] = {
    "united states": ("us", "usa", "america", "united states of america"),
    "united kingdom": ("uk", "britain", "great britain"),
    "united nations": ("un",),
    "republican party": ("gop", "republicans"),
    "democratic party": ("dems", "democrats"),
}
_ALIAS_OF = {variant: canon for canon, variants in ALIASES.items() for variant in (canon, *variants)}
_TITLE_TOKENS = sorted((tuple(t.split()) for t in TITLES), key=len, reverse=True)
_DOTTED = re.compile(r"(?<![\w.])((?:[a-z]\.){2,})")  # u.s. / u.n. / u.s.a.
_NON_WORD = re.compile(r"[^\w\s]+")


# ---------------------------------------------------------------- matching

def name_tokens(name: str) -> tuple[str, ...]:
    """Normalised words of a name: lower-case, undotted, no punctuation, no leading "the"/titles."""
    text = unicodedata.normalize("NFKC", name or "").lower().replace("\u2019", "'").replace("\u2018", "'")
    text = _DOTTED.sub(lambda m: m.group(1).replace(".", ""), text)
    tokens = tuple(_NON_WORD.sub(" ", text).replace("_", " ").split())
    if len(tokens) > 1 and tokens[0] == "the":
        tokens = tokens[1:]
    changed = True
    while changed:
        changed = False
        for title in _TITLE_TOKENS:
            if len(tokens) > len(title) and tokens[: len(title)] == title:
                tokens = tokens[len(title):]
                changed = True
                break
    return tokens


def normalise_name(name: str) -> str:
    """The compared form of a name: normalised words, then the alias table on the whole name."""
    joined = " ".join(name_tokens(name))
    return _ALIAS_OF.get(joined, joined)


def _contains_words(outer: tuple[str, ...], inner: tuple[str, ...]) -> bool:
    n = len(inner)
    return 0 < n <= len(outer) and any(outer[i:i + n] == inner for i in range(len(outer) - n + 1))


def name_score(predicted: str, gold: str) -> float | None:
    """How well two names match, or None. Ranks: equal 102 > word containment 101 > fuzzy 80..100."""
    a, b = normalise_name(predicted), normalise_name(gold)
    if not a or not b:
        return None
    if a == b:
        return 102.0
    ta, tb = tuple(a.split()), tuple(b.split())
    if _contains_words(ta, tb) or _contains_words(tb, ta):
        return 101.0
    ratio = fuzz.token_set_ratio(a, b)
    return float(ratio) if ratio >= FUZZY_THRESHOLD else None


def names_match(predicted: str, gold: str) -> bool:
    return name_score(predicted, gold) is not None


def _identity(value: str) -> str:
    return " ".join(value.split()).casefold()


def distinct(items) -> list:
    """Items with identical ones (after case-folding and whitespace collapsing) removed, first kept."""
    seen: dict[tuple, object] = {}
    for item in items:
        seen.setdefault(tuple(_identity(v) for v in item), item)
    return list(seen.values())


def greedy_match(predicted: list[tuple], gold: list[tuple]) -> list[tuple[int, int]]:
    """One-to-one (pred index, gold index) pairs. Items are (holder, target[, polarity]); a
    candidate needs holder and target to match and, if present, equal polarity. Highest summed
    name score first; ties by gold then prediction order (summariser.evaluate.greedy_match)."""
    scores: dict[tuple[int, int], float] = {}
    for pi, p in enumerate(predicted):
        for gi, g in enumerate(gold):
            if len(p) > 2 and p[2] != g[2]:
                continue
            holder = name_score(p[0], g[0])
            if holder is None:
                continue
            target = name_score(p[1], g[1])
            if target is None:
                continue
            scores[pi, gi] = holder + target
    return one_to_one(scores)


def score_items(predicted: list[tuple], gold: list[tuple]) -> Counts:
    predicted, gold = distinct(predicted), distinct(gold)
    tp = len(greedy_match(predicted, gold))
    return Counts(tp=tp, fp=len(predicted) - tp, fn=len(gold) - tp)


def score_document(predicted: list[Triple], gold: list[Triple]) -> tuple[Counts, Counts]:
    """(strict, pair-only) counts for one document. Pair-only compares distinct (holder, target) pairs."""
    strict = score_items(predicted, gold)
    pairs = score_items([t[:2] for t in predicted], [t[:2] for t in gold])
    return strict, pairs


@dataclass
class DocResult:
    doc_id: str
    gold: int
    predicted: int
    strict: Counts
    pair: Counts
    missing: bool = False


def score_sample(docs: list[SeesawDoc], predictions: dict[str, list[Triple]]) -> tuple[list[DocResult], Counts, Counts]:
    """Per-document results and micro (strict, pair-only) totals over ``docs``."""
    results, strict_total, pair_total = [], Counts(), Counts()
    for doc in docs:
        predicted = distinct(predictions.get(doc.doc_id, []))
        strict, pair = score_document(predicted, list(doc.gold))
        strict_total.add(strict)
        pair_total.add(pair)
        results.append(DocResult(doc.doc_id, len(doc.gold), len(predicted), strict, pair,
                                 missing=doc.doc_id not in predictions))
    return results, strict_total, pair_total


# ---------------------------------------------------------------- predictions

def stance_triple(stance: dict, holder_field: str = "holder") -> Triple | None:
    """(holder, target, positive|negative) of one extracted stance, or None if unscoreable."""
    polarity = PREDICTED_POLARITY.get(str(stance.get("polarity", "")).strip().lower())
    holder = stance.get("holder") or ""
    if holder_field == "speaker-first" and stance.get("speaker"):
        holder = stance["speaker"]
    holder, target = holder.strip(), (stance.get("target") or "").strip()
    if polarity is None or not holder or not target:
        return None
    return holder, target, polarity


def load_extractions(folder: Path, holder_field: str = "holder") -> tuple[dict[str, list[Triple]], dict[str, int]]:
    """Predicted triples by doc id (the stem of the article file) from ArticleExtraction JSON files."""
    if not folder.is_dir():
        raise FileNotFoundError(f"no extractions folder at {folder}")
    predictions: dict[str, list[Triple]] = {}
    stats = {"files": 0, "stances": 0, "unscored": 0}
    for path in sorted(folder.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or "stances" not in data:
            continue
        stats["files"] += 1
        triples = []
        for stance in data.get("stances") or []:
            stats["stances"] += 1
            triple = stance_triple(stance, holder_field)
            if triple is None:
                stats["unscored"] += 1
            else:
                triples.append(triple)
        article = data.get("article") or {}
        names = [Path(p).stem for p in article.get("paths") or []] or [path.stem]
        for name in names:
            predictions.setdefault(name, []).extend(triples)
    return predictions, stats


def run_pipeline(docs: list[SeesawDoc], out: Path, extra: list[str], summarise: str) -> Path:
    """Write the texts, run `summarise run`, return the extractions folder."""
    texts = ((doc.doc_id, doc.text) for doc in docs)
    extractions, _, code = run_summarise(texts, out, extra, summarise=summarise, prefix="seesaw_texts_")
    if code == 1:
        print("summarise: some articles failed; they count as predicting nothing", file=sys.stderr)
    elif code != 0:
        raise RuntimeError(f"summarise run exited {code}")
    return extractions


# ---------------------------------------------------------------- report

def gold_stats(docs: list[SeesawDoc]) -> dict:
    chars = [len(d.text) for d in docs]
    gold = [len(d.gold) for d in docs]
    return {
        "docs": len(docs), "gold_triples": sum(gold),
        "gold_positive": sum(t[2] == "positive" for d in docs for t in d.gold),
        "gold_negative": sum(t[2] == "negative" for d in docs for t in d.gold),
        "gold_pairs": sum(len(distinct([t[:2] for t in d.gold])) for d in docs),
        "null_holder_dropped": sum(d.dropped_null_holder for d in docs),
        "gold_per_doc_min": min(gold, default=0), "gold_per_doc_max": max(gold, default=0),
        "chars_total": sum(chars), "chars_per_doc_mean": round(sum(chars) / len(chars)) if chars else 0,
        "chars_per_doc_min": min(chars, default=0), "chars_per_doc_max": max(chars, default=0),
    }


def report(docs, results, strict, pair, extra: dict) -> dict:
    return {
        "sample": {"split": "valid", "seed": SAMPLE_SEED, "size": SAMPLE_SIZE, "ids": [d.doc_id for d in docs]},
        "gold": gold_stats(docs),
        "strict": strict.as_dict(),
        "pair_only": pair.as_dict(),
        "missing_docs": [r.doc_id for r in results if r.missing],
        "per_doc": [{"doc_id": r.doc_id, "gold": r.gold, "predicted": r.predicted, "missing": r.missing,
                     "strict": r.strict.as_dict(), "pair_only": r.pair.as_dict()} for r in results],
        **extra,
    }


def format_text(rep: dict, per_doc: bool) -> str:
    lines = []
    if per_doc:
        lines.append(f"{'doc':<26} {'gold':>5} {'pred':>5} {'tp':>4} {'F1':>6} {'pairTP':>6} {'pairF1':>6}")
        for r in rep["per_doc"]:
            lines.append(f"{r['doc_id']:<26} {r['gold']:>5} {r['predicted']:>5} {r['strict']['tp']:>4} "
                         f"{r['strict']['f1']:>6.3f} {r['pair_only']['tp']:>6} {r['pair_only']['f1']:>6.3f}"
                         + ("  (no extraction)" if r["missing"] else ""))
        lines.append("")
    g = rep["gold"]
    lines.append(f"sample: {g['docs']} docs (valid, seed {rep['sample']['seed']}), {g['gold_triples']} gold triples "
                 f"({g['gold_positive']} pos / {g['gold_negative']} neg), {g['gold_pairs']} gold pairs, "
                 f"{g['chars_per_doc_mean']} chars/doc")
    for label, key in (("strict (holder, target, polarity)", "strict"), ("pair-only (holder, target)", "pair_only")):
        c = rep[key]
        lines.append(f"{label:<36} P {c['precision']:.3f}  R {c['recall']:.3f}  F1 {c['f1']:.3f}  "
                     f"(tp {c['tp']}, fp {c['fp']}, fn {c['fn']})")
    if rep["missing_docs"]:
        lines.append(f"{len(rep['missing_docs'])} sample docs had no extraction: {', '.join(rep['missing_docs'])}")
    return "\n".join(lines)


def parse_args(argv: list[str]) -> tuple[argparse.Namespace, list[str]]:
    argv, extra = split_passthrough(argv)
    parser = description_parser(
        __doc__,
        epilog="Arguments after -- go to `summarise run` unchanged (e.g. -- --replay DIR, "
               "-- --base-url URL --model M).")
    parser.add_argument("--data", help="SEESAW folder or its jsonl (default: $SEESAW_DIR, then ../shared/eval/seesaw)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--extractions", type=Path, metavar="DIR", help="score this extractions folder; run nothing")
    mode.add_argument("--self-check", action="store_true", help="score the gold against itself (F1 must be 1.0)")
    mode.add_argument("--list-sample", action="store_true", help="print the sample ids with gold and char counts")
    parser.add_argument("--out", type=Path, metavar="DIR",
                        help="where summarise writes dossier.json and extractions/ (default: a new temp folder)")
    parser.add_argument("--summarise", default=None, help="the summarise executable (default: .venv/bin/summarise)")
    parser.add_argument("--holder-field", choices=("holder", "speaker-first"), default="holder",
                        help="predicted holder: the stance's holder, or its speaker when one is given")
    parser.add_argument("--per-doc", action="store_true", help="also print one line per document")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    return parser.parse_args(argv), extra


def main(argv: list[str] | None = None) -> int:
    args, extra = parse_args(sys.argv[1:] if argv is None else list(argv))
    try:
        docs = load_sample(args.data)
    except DataMissing as missing:
        print(f"skipped: {missing}")
        return 0
    notes: dict = {"data": str(data_path(args.data))}
    if args.list_sample:
        for doc in docs:
            print(f"{doc.doc_id}\t{len(doc.gold)} gold\t{len(doc.text)} chars")
        print(json.dumps(gold_stats(docs)))
        return 0
    if args.self_check:
        predictions = {d.doc_id: list(d.gold) for d in docs}
        notes["mode"] = "self-check"
    else:
        try:
            if args.extractions is None:
                summarise = find_summarise(args.summarise)
                out = args.out or Path(tempfile.mkdtemp(prefix="eval_stance_"))
                folder = run_pipeline(docs, out, extra, summarise)
                notes["mode"] = "run"
                notes["summarise_args"] = extra
            else:
                folder = args.extractions
                notes["mode"] = "extractions"
            predictions, stats = load_extractions(folder, args.holder_field)
        except (FileNotFoundError, RuntimeError, json.JSONDecodeError) as exc:
            print(f"eval_stance: {exc}", file=sys.stderr)
            return 2
        notes.update(extractions=str(folder), holder_field=args.holder_field, extraction_stats=stats)
    results, strict, pair = score_sample(docs, predictions)
    rep = report(docs, results, strict, pair, notes)
    if args.json:
        print(json.dumps(rep, indent=2, ensure_ascii=False))
    else:
        print(format_text(rep, args.per_doc))
        if notes.get("extractions"):
            print(f"extractions: {notes['extractions']} (re-score with --extractions)")
    if args.self_check and (strict.f1 != 1.0 or pair.f1 != 1.0):
        print("self-check FAILED: gold does not score F1 1.0 against itself", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
