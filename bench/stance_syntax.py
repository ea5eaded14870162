"""Fast dev loop for stances from the parse alone (no language model), scored on SEESAW.

    .venv/bin/python bench/stance_syntax.py                 # the 60-doc tune set (train split)
    .venv/bin/python bench/stance_syntax.py --errors 30     # + missed gold and false predictions
    .venv/bin/python bench/stance_syntax.py --sample        # the 30-doc valid sample (a figure only)

Each SEESAW text is built into an Article exactly as the product does
(summariser.articles.article_from_text), parsed, split into sentences and
given to the deterministic stance layers (summariser.deeds.stances_from_deeds),
one stance per position per sentence, as the extractor keeps them. Predictions become triples and are
scored by bench/eval_stance.py's matcher (strict and pair-only, micro).

Sets: the default is the tune set, a fixed seeded draw of 60 documents of the
SEESAW ``train`` split (sorted ids, random.Random(TUNE_SEED).sample); tune on
it only. ``--sample`` is eval_stance.py's measurement sample of the ``valid``
split: for a figure, never for error analysis (``--errors`` is refused with it).
What the model adds to these layers is measured by eval_stance.py on a run.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from bench.adapters.corpus_run import seeded_sample  # noqa: E402
from bench.adapters.seesaw import DataMissing, jsonl_file, load_documents, load_sample  # noqa: E402
from bench.eval_stance import greedy_match, score_sample, stance_triple  # noqa: E402

TUNE_SPLIT = "train"
TUNE_SEED = 15060
TUNE_SIZE = 60


def tune_docs(data: str | None = None):
    docs = load_documents(TUNE_SPLIT, data)
    return [docs[doc_id] for doc_id in seeded_sample(docs, TUNE_SIZE, TUNE_SEED)]


def predict(text: str) -> list:
    """The stances the deterministic layers find in one text, as the extractor keeps them."""
    from summariser.articles import article_from_text
    from summariser.deeds import stances_from_deeds
    from summariser.nlp import parse
    from summariser.prepass import split_sentences
    from summariser.rules import distinct_stances

    article = article_from_text(text)
    doc = parse(article.text)
    return distinct_stances(stances_from_deeds(doc, split_sentences(article, doc), article))


def gold_sentences(data: str | None, doc_ids: set[str]) -> dict[str, dict[tuple[str, str, str], str]]:
    """For error listings: the first sentence each gold triple was annotated on, by document."""
    polarity = {"pos": "positive", "neg": "negative"}
    where: dict[str, dict[tuple[str, str, str], str]] = {}
    with jsonl_file(data).open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            if record["doc_id"] not in doc_ids:
                continue
            text = record["text"]
            found = where.setdefault(record["doc_id"], {})
            for stance in record["stances"]:
                key = ((stance["holder"] or "").strip(), (stance["target"] or "").strip(),
                       polarity.get(stance["polarity"], stance["polarity"]))
                found.setdefault(key, text[stance["char_start"]:stance["char_end"]])
    return where


def _short(text: str, width: int = 220) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[: width - 3] + "..."


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sample", action="store_true", help="the 30-doc valid sample (a figure only)")
    parser.add_argument("--data", help="SEESAW folder or its jsonl (default as bench/eval_stance.py)")
    parser.add_argument("--errors", type=int, default=0, help="print N missed gold and N false predictions (tune only)")
    parser.add_argument("--seed", type=int, default=1, help="seed for choosing which errors to print")
    args = parser.parse_args(argv)
    if args.sample and args.errors:
        parser.error("--errors is for the tune set only: the sample is for measurement")
    try:
        docs = load_sample(args.data) if args.sample else tune_docs(args.data)
    except DataMissing as missing:
        print(f"skipped: {missing}")
        return 0

    predictions, evidence = {}, {}
    for doc in docs:
        stances = predict(doc.text)
        triples = [(t, s) for s in stances if (t := stance_triple(s.model_dump())) is not None]
        predictions[doc.doc_id] = [t for t, _ in triples]
        evidence[doc.doc_id] = triples
    _, strict, pair = score_sample(docs, predictions)
    name = "sample (valid)" if args.sample else f"tune ({TUNE_SPLIT}, seed {TUNE_SEED})"
    gold = sum(len(d.gold) for d in docs)
    print(f"{name}: {len(docs)} docs, {gold} gold triples, {sum(map(len, predictions.values()))} predicted")
    for label, c in (("strict (holder, target, polarity)", strict), ("pair-only (holder, target)", pair)):
        print(f"  {label:<36} P {c.precision:.3f}  R {c.recall:.3f}  F1 {c.f1:.3f}  (tp {c.tp}, fp {c.fp}, fn {c.fn})")
    if args.errors:
        _print_errors(docs, evidence, gold_sentences(args.data, {d.doc_id for d in docs}), args.errors, args.seed)
    return 0


def _print_errors(docs, evidence, sentences, n: int, seed: int) -> None:
    missed, false = [], []
    for doc in docs:
        triples = evidence[doc.doc_id]
        gold = list(doc.gold)
        matched = greedy_match([t for t, _ in triples], gold)
        hit_pred, hit_gold = {i for i, _ in matched}, {j for _, j in matched}
        missed += [(doc.doc_id, g, sentences.get(doc.doc_id, {}).get(g, "")) for j, g in enumerate(gold) if j not in hit_gold]
        false += [(doc.doc_id, t, s) for i, (t, s) in enumerate(triples) if i not in hit_pred]
    rng = random.Random(seed)
    print(f"\n=== missed gold ({len(missed)}) ===")
    for doc_id, (holder, target, polarity), sentence in rng.sample(missed, min(n, len(missed))):
        print(f"- {doc_id} {holder} -{polarity}-> {target}\n    {_short(sentence)}")
    print(f"\n=== false predictions ({len(false)}) ===")
    for doc_id, (holder, target, polarity), stance in rng.sample(false, min(n, len(false))):
        print(f"- {doc_id} {holder} -{polarity}-> {target} ({stance.topic})\n    {_short(stance.evidence.text)}")


if __name__ == "__main__":
    sys.exit(main())
