"""Mine attribution cues (lemma + construction) from PolNeAR train documents.

    .venv/bin/python bench/mine_cues.py                      # table of new (lemma, construction) pairs
    .venv/bin/python bench/mine_cues.py --min-gold 4 --min-precision 0.6 --all

Mining set: every PolNeAR TRAIN document (any length) that is in NEITHER the
40-doc measurement sample (bench/adapters/polnear.py sample_ids) NOR the 80-doc
tune set (bench/attribution_syntax.py tune_ids), first annotator. Neither set
is ever opened here, so cues found here are not fitted to the sets they are
measured on.

Each document is parsed as the product parses it (summariser.nlp.parse). For
every verb with a subject (attribution._subject: subject, passive agent,
inherited through conjunctions and participles) and every noun with a
possessor, each way a dependent attaches to it is a construction:

    ccomp, xcomp, dobj        a clause, an infinitive, a noun-phrase object
    prep:<p>                  a preposition with an object ("speak about X")
    noun:that, noun:to        a noun's "that" clause or infinitive ("his contention that")
    noun:<p>                  a noun's preposition ("her criticism of X")
    object-noun:...           the same for a noun that is the object of a verb with a
                              subject ("made statements about X", "raised questions about X")

An occurrence is GOLD when the token is part of a gold cue whose attribution
has a source and the dependent's words overlap that attribution's content
(shared words >= half of the shorter of the two, the scorer's rule); gold
cues without a source are left out of both counts. A pair is reported with
its gold count, occurrences, precision = gold / occurrences, and whether the
current lexicon (summariser/attribution.py) already takes it.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from bench.adapters.polnear import annotation_files, candidate_ids, load_documents, sample_ids, train_dir  # noqa: E402
from bench.attribution_syntax import DEFAULT_DIR, tune_ids  # noqa: E402

_WORD = re.compile(r"\w+")


def mining_ids(folder: str) -> list[str]:
    """All annotated train documents less the measurement sample and the tune set."""
    held_out = set(sample_ids(candidate_ids(folder))) | set(tune_ids(folder))
    return sorted(i for i in annotation_files(train_dir(folder)) if i not in held_out)


def constructions(token):
    """(construction, dependent token) pairs for a cue-shaped token, or [] when
    it has no subject (verb) or possessor (noun): a statement needs a speaker."""
    from summariser.attribution import _is_verb, _subject

    found = []
    if _is_verb(token):
        if _subject(token) is None:
            return []
        for child in token.children:
            if child.dep_ in ("ccomp", "xcomp", "dobj"):
                found.append((child.dep_, child))
            elif child.dep_ == "prep":
                obj = next((c for c in child.children if c.dep_ in ("pobj", "pcomp")), None)
                if obj is not None:
                    found.append((f"prep:{child.lower_}", child))
    elif token.pos_ == "NOUN":
        if any(c.dep_ == "poss" for c in token.children):
            prefix = "noun"
        elif token.dep_ == "dobj" and _is_verb(token.head) and _subject(token.head) is not None:
            prefix = "object-noun"  # "made statements about X": the verb's subject owns them
        else:
            return []
        for child in token.children:
            if child.dep_ in ("acl", "ccomp", "relcl") and child.i > token.i:
                if any(c.dep_ == "mark" and c.lower_ == "that" for c in child.children):
                    found.append((f"{prefix}:that", child))
                elif any(c.dep_ == "aux" and c.tag_ == "TO" for c in child.children):
                    found.append((f"{prefix}:to", child))
            elif child.dep_ == "prep" and any(c.dep_ in ("pobj", "pcomp") for c in child.children):
                found.append((f"{prefix}:{child.lower_}", child))
    return found


def _words(text: str) -> Counter:
    return Counter(w.lower() for w in _WORD.findall(text))


def overlaps(a: str, b: str) -> bool:
    """The scorer's content rule: shared words at least half of the shorter span's words."""
    wa, wb = _words(a), _words(b)
    shorter = min(sum(wa.values()), sum(wb.values()))
    return shorter > 0 and sum((wa & wb).values()) * 2 >= shorter


def covered(lemma: str, construction: str) -> bool:
    """Whether the current lexicon already takes (lemma, construction)."""
    from summariser import attribution as at

    if construction == "ccomp":
        return lemma in at.SPEECH_VERBS | at.COGNITION_VERBS
    if construction == "xcomp":
        return lemma in at.INFINITIVE_VERBS
    if construction == "dobj":
        return lemma in at.OBJECT_VERBS | at.CLAIM_OBJECT_VERBS | at.DOCUMENT_OBJECT_VERBS
    if construction.startswith("prep:"):
        return construction[5:] in at.PREPOSITION_VERBS.get(lemma, frozenset())
    if construction.startswith("object-noun:"):
        return False
    if construction == "noun:that":
        return lemma in at.NOUN_CUES
    if construction == "noun:to":
        return lemma in at.NOUN_INFINITIVE_CUES
    return construction[5:] in at.NOUN_CUES.get(lemma, frozenset())


def mine(folder: str, ids: list[str]):
    from summariser.attribution import _lemma
    from summariser.nlp import parse

    gold_count: Counter = Counter()
    seen: Counter = Counter()
    examples: dict[tuple[str, str], str] = {}
    docs = load_documents(folder, ids)
    for n, doc_id in enumerate(ids, 1):
        pdoc = docs[doc_id]
        doc = parse(pdoc.text)
        # token index -> contents of the sourced gold attributions whose cue holds it
        cue_contents: dict[int, list[str]] = {}
        unsourced: set[int] = set()
        for attribution in pdoc.attributions:
            for fragment in attribution.cue:
                for token in doc.char_span(fragment.start, fragment.end, alignment_mode="expand") or ():
                    if attribution.source:
                        cue_contents.setdefault(token.i, []).append(attribution.content_text)
                    else:
                        unsourced.add(token.i)
        for token in doc:
            for construction, dependent in constructions(token):
                if token.i in unsourced and token.i not in cue_contents:
                    continue
                key = (_lemma(token), construction)
                said = " ".join(t.text for t in dependent.subtree)
                seen[key] += 1
                if any(overlaps(said, content) for content in cue_contents.get(token.i, ())):
                    gold_count[key] += 1
                    if key not in examples:
                        examples[key] = token.sent.text
        if n % 100 == 0:
            print(f"... {n}/{len(ids)} documents", file=sys.stderr)
    return gold_count, seen, examples


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--polnear-dir", default=DEFAULT_DIR)
    parser.add_argument("--min-gold", type=int, default=4, help="gold occurrences a pair needs (default 4)")
    parser.add_argument("--min-precision", type=float, default=0.6, help="gold / occurrences a pair needs (default 0.6)")
    parser.add_argument("--all", action="store_true", help="list covered pairs too")
    parser.add_argument("--examples", action="store_true", help="print one gold sentence per pair")
    args = parser.parse_args(argv)

    ids = mining_ids(args.polnear_dir)
    print(f"mining set: {len(ids)} train documents (not in the tune set or the sample)")
    gold_count, seen, examples = mine(args.polnear_dir, ids)
    rows = [
        (key, gold_count[key], seen[key]) for key in seen
        if gold_count[key] >= args.min_gold and gold_count[key] / seen[key] >= args.min_precision
        and (args.all or not covered(*key))
    ]
    rows.sort(key=lambda r: (-r[1], r[0]))
    print(f"pairs with >= {args.min_gold} gold and precision >= {args.min_precision}: {len(rows)}")
    for (lemma, construction), gold, total in rows:
        flag = "covered" if covered(lemma, construction) else "NEW"
        print(f"  {lemma:16s} {construction:14s} gold {gold:4d} / {total:4d}  P {gold / total:.2f}  {flag}")
        if args.examples and (lemma, construction) in examples:
            print(f"      e.g. {' '.join(examples[(lemma, construction)].split())[:200]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
