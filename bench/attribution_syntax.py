"""Fast dev loop for attributions from syntax alone (no language model).

    .venv/bin/python bench/attribution_syntax.py --tune                 # 80 tune docs
    .venv/bin/python bench/attribution_syntax.py --tune --errors 30     # + missed / false items
    .venv/bin/python bench/attribution_syntax.py --sample               # the 40-doc measurement sample

Each PolNeAR TRAIN text is built into an Article exactly as the product does
(summariser.articles.article_from_text), parsed, split into sentences
(summariser.prepass.split_sentences) and turned into statement candidates
(summariser.prepass.speech_candidates). A candidate becomes a prediction with
speaker = ``candidate.speaker``, else the first of ``candidate.choices`` (the
nearest name: what rules give without the model), and content = the
attribution's content span. Scored with bench/adapters/attribution_score.py
(strict / pronoun-lenient / content-only, micro-averaged).

Sets: ``--tune`` is a fixed seeded draw of 80 train documents of 1,500-6,000
characters, DISJOINT from the measurement sample (bench/adapters/polnear.py);
tune on it only. ``--sample`` is the measurement sample: for a final figure,
never for error analysis (``--errors`` is refused with it).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from bench.adapters.attribution_score import RULE_LABELS, RULES, Item, content_score, micro_average, score_document  # noqa: E402
from bench.adapters.polnear import candidate_ids, gold_items, load_documents, sample_ids  # noqa: E402

TUNE_SEED = 71553
TUNE_SIZE = 80
DEFAULT_DIR = "/work/polnear/data/train"


def tune_ids(folder: str) -> list[str]:
    """80 seeded train docs of 1,500-6,000 chars, none of them in the measurement sample."""
    ids = candidate_ids(folder)
    held_out = set(sample_ids(ids))
    pool = sorted(i for i in ids if i not in held_out)
    return random.Random(TUNE_SEED).sample(pool, TUNE_SIZE)


def predict(text: str) -> list[tuple[Item, object]]:
    from summariser.articles import article_from_text
    from summariser.nlp import parse
    from summariser.prepass import speech_candidates, split_sentences

    article = article_from_text(text)
    doc = parse(article.text)
    sentences = split_sentences(article, doc)
    items = []
    for candidate in speech_candidates(doc, sentences, article.excluded):
        speaker = candidate.speaker or (candidate.choices[0] if candidate.choices else None)
        a = candidate.attribution
        items.append((Item(speaker=speaker, content=a.content.text, ref=f"{a.content.start}-{a.content.end}",
                            mention=a.source.text if a.source else None), candidate))
    return items


def _short(text: str | None, width: int = 160) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[: width - 3] + "..."


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--tune", action="store_true", help="the 80-doc tune set (disjoint from the sample)")
    which.add_argument("--sample", action="store_true", help="the 40-doc measurement sample (final figure only)")
    parser.add_argument("--polnear-dir", default=DEFAULT_DIR)
    parser.add_argument("--errors", type=int, default=0, help="print N missed gold and N false predictions (tune only)")
    parser.add_argument("--rule", default="content_only", choices=RULES, help="rule for --errors (default content_only)")
    parser.add_argument("--seed", type=int, default=1, help="seed for choosing which errors to print")
    args = parser.parse_args(argv)
    if args.sample and args.errors:
        parser.error("--errors is for the tune set only: the sample is for measurement")

    ids = tune_ids(args.polnear_dir) if args.tune else sample_ids(candidate_ids(args.polnear_dir))
    docs = load_documents(args.polnear_dir, ids)
    started = time.perf_counter()
    scores, missed, false = [], [], []
    for doc_id in ids:
        doc = docs[doc_id]
        gold = gold_items(doc)
        pairs = predict(doc.text)
        predicted = [p for p, _ in pairs]
        score = score_document(doc_id, predicted, gold)
        scores.append(score)
        if args.errors:
            matched = score.matches[args.rule]
            hit_pred = {i for i, _ in matched}
            hit_gold = {j for _, j in matched}
            for j, g in enumerate(gold):
                if j not in hit_gold:
                    # the closest prediction, to tell boundary errors from misses
                    best = max(predicted, key=lambda p: content_score(p.content, g.content), default=None)
                    missed.append((doc_id, g, best))
            for i, (p, candidate) in enumerate(pairs):
                if i not in hit_pred:
                    best = max(gold, key=lambda g: content_score(p.content, g.content), default=None)
                    false.append((doc_id, p, candidate, best))
    elapsed = time.perf_counter() - started
    totals = micro_average(scores)
    n_gold = sum(s.n_gold for s in scores)
    n_pred = sum(s.n_pred for s in scores)
    print(f"{'tune' if args.tune else 'sample'}: {len(ids)} docs, {n_gold} gold, {n_pred} predicted, {elapsed:.1f} s")
    for rule in RULES:
        c = totals[rule]
        print(f"  {RULE_LABELS[rule]:24s} P {c.precision:.3f}  R {c.recall:.3f}  F1 {c.f1:.3f}  (tp {c.tp} fp {c.fp} fn {c.fn})")
    if args.errors:
        rng = random.Random(args.seed)
        print(f"\n=== missed gold ({len(missed)}; {args.rule}) ===")
        for doc_id, g, best in rng.sample(missed, min(args.errors, len(missed))):
            print(f"- {doc_id} {g.ref} SRC={_short(g.speaker, 40)!r}\n    GOLD: {_short(g.content)}")
            if best is not None and content_score(best.content, g.content) > 0:
                print(f"    NEAR({content_score(best.content, g.content):.2f}) spk={_short(best.speaker, 40)!r}: {_short(best.content)}")
        print(f"\n=== false predictions ({len(false)}; {args.rule}) ===")
        for doc_id, p, candidate, best in rng.sample(false, min(args.errors, len(false))):
            a = candidate.attribution
            print(f"- {doc_id} cue={a.cue.text!r} src={_short(a.source.text if a.source else None, 40)!r} "
                  f"({a.source_kind}/{a.source_type}) spk={_short(p.speaker, 40)!r} kind={a.kind}\n    PRED: {_short(p.content)}")
            if best is not None and content_score(p.content, best.content) > 0:
                print(f"    NEAR({content_score(p.content, best.content):.2f}) src={_short(best.speaker, 40)!r}: {_short(best.content)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
