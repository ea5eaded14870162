"""Score predicted statements against gold attributions (speaker + content), as pure functions.

Nothing here reads files or knows about PolNeAR: both sides are plain
``Item(speaker, content)`` records (speaker may be None = no source).

Rules (bench/eval_attribution.py reports all three figures):

* Tokens: ``re.findall(r"\\w+", text.lower())``, compared as MULTISETS
  (``collections.Counter`` intersection), so a word shared twice counts twice
  only if both sides have it twice.
* Content match: shared tokens >= half of the SHORTER span's token count
  (``2 * shared >= min(len_a, len_b)``), both spans non-empty. The pair score
  is ``shared / min(len_a, len_b)`` (1.0 when one span lies inside the other).
* Speaker match (strict): lower-case, tokenise, drop stop/function words
  (STOPWORDS) and titles (TITLES: Mr, Mrs, Dr, President, Sen., Senator, Rep.,
  Gov., Secretary, ...). Then the names match when one token sequence occurs
  inside the other or they share a token. A name made of titles only
  ("the President") keeps its title words instead, and is then compared with
  the other name's words including titles ("President Obama" matches, "Mr.
  Trump" does not). Two absent speakers agree; absent vs present does not.
* Pronoun-lenient: as strict, but a speaker that is only a pronoun (he, she,
  they, it, we, I, ...; see PRONOUNS) on EITHER side, or an absent speaker on
  either side, is accepted as matching the other.
* Content-only: speakers ignored.
* Strict, name or mention: as strict, but a prediction may also match by its
  source mention (``Item.mention``: the words the text uses for the source,
  "he", "the senator"), since PolNeAR's gold source is that mention, not the
  person it refers to: a system that resolves "he" to "Trump" is right under
  this rule and wrong under strict.

Matching (per document, separately for each of the three rules): every
(prediction, gold) pair that satisfies the rule is a candidate; candidates are
taken best first by (content score desc, Jaccard of token multisets desc,
gold index, prediction index) and kept when neither side is matched yet
(greedy one-to-one: summariser.evaluate.greedy_match, via scoring.py).
tp = kept pairs, fp = predictions left over, fn = gold left over. Corpus
figures are micro-averaged: tp/fp/fn summed over documents.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Iterable, Sequence

from .scoring import Counts, ranked
from .scoring import greedy_match as _one_to_one

_WORD = re.compile(r"\w+")

TITLES = frozenset(
    """
    mr mrs ms miss mx dr prof professor rev reverend sir dame lord lady
    president vice prime minister sen senator rep representative congressman
    congresswoman gov governor lt secretary attorney general gen adm admiral
    col colonel maj sgt capt captain judge justice mayor chairman chairwoman
    chair speaker ambassador former candidate nominee jr sr
    """.split()
)

STOPWORDS = frozenset(
    """
    the a an of and or in on at for to from by with as 's s de
    """.split()
)

PRONOUNS = frozenset(
    """
    i me my we us our you your he him his she her it its they them their
    who whom this that these those one someone somebody
    """.split()
)

RULES = ("strict", "strict_mention", "pronoun_lenient", "content_only")
RULE_LABELS = {"strict": "strict", "strict_mention": "strict, name or mention", "pronoun_lenient": "pronoun-lenient",
               "content_only": "content-only"}


@dataclass(frozen=True)
class Item:
    """One attribution (gold) or statement (prediction): who said what."""

    speaker: str | None
    content: str
    ref: str = ""  # free-form pointer back to the source record (id, offsets), for reports
    mention: str | None = None  # predictions: the text's own words for the source ("he"), if known


@dataclass
class DocScore:
    doc_id: str
    counts: dict[str, Counts] = field(default_factory=dict)
    matches: dict[str, list[tuple[int, int]]] = field(default_factory=dict)  # (pred index, gold index)
    n_pred: int = 0
    n_gold: int = 0


# --------------------------------------------------------------------------
# Tokens and content
# --------------------------------------------------------------------------


def tokens(text: str | None) -> list[str]:
    return _WORD.findall((text or "").lower())


def shared_tokens(a: Sequence[str], b: Sequence[str]) -> int:
    """Size of the multiset intersection."""
    return sum((Counter(a) & Counter(b)).values())


def content_score(a: str, b: str) -> float:
    """Shared tokens over the shorter span's token count (0.0 if either is empty)."""
    ta, tb = tokens(a), tokens(b)
    shorter = min(len(ta), len(tb))
    if not shorter:
        return 0.0
    return shared_tokens(ta, tb) / shorter


def content_matches(a: str, b: str) -> bool:
    ta, tb = tokens(a), tokens(b)
    shorter = min(len(ta), len(tb))
    return bool(shorter) and 2 * shared_tokens(ta, tb) >= shorter


def _jaccard(a: str, b: str) -> float:
    ca, cb = Counter(tokens(a)), Counter(tokens(b))
    union = sum((ca | cb).values())
    return sum((ca & cb).values()) / union if union else 0.0


# --------------------------------------------------------------------------
# Speakers
# --------------------------------------------------------------------------


def _is_absent(name: str | None) -> bool:
    return not tokens(name)


def is_pronoun(name: str | None) -> bool:
    """True when every word of the name is a pronoun ("he", "They", "I")."""
    words = [w for w in tokens(name) if w not in STOPWORDS]
    return bool(words) and all(w in PRONOUNS for w in words)


def name_tokens(name: str | None) -> tuple[list[str], bool]:
    """(words without stopwords and titles, False) or, if only titles remain, (words with titles, True)."""
    words = [w for w in tokens(name) if w not in STOPWORDS]
    core = [w for w in words if w not in TITLES]
    return (core, False) if core else (words, True)


def _contains(outer: Sequence[str], inner: Sequence[str]) -> bool:
    n = len(inner)
    return n > 0 and any(list(outer[i : i + n]) == list(inner) for i in range(len(outer) - n + 1))


def speaker_matches(a: str | None, b: str | None) -> bool:
    """Strict speaker rule (see the module docstring)."""
    if _is_absent(a) or _is_absent(b):
        return _is_absent(a) and _is_absent(b)
    ta, only_titles_a = name_tokens(a)
    tb, only_titles_b = name_tokens(b)
    if only_titles_a != only_titles_b:
        # "the President" vs "President Obama": compare with the titles kept on both sides.
        ta = [w for w in tokens(a) if w not in STOPWORDS]
        tb = [w for w in tokens(b) if w not in STOPWORDS]
    if not ta or not tb:
        return False
    return _contains(ta, tb) or _contains(tb, ta) or bool(set(ta) & set(tb))


def speaker_matches_lenient(a: str | None, b: str | None) -> bool:
    """Pronoun-lenient: a pronoun or absent speaker on either side is accepted."""
    if _is_absent(a) or _is_absent(b) or is_pronoun(a) or is_pronoun(b):
        return True
    return speaker_matches(a, b)


def _rule_speaker(rule: str) -> Callable[[Item, Item], bool]:
    if rule == "strict":
        return lambda p, g: speaker_matches(p.speaker, g.speaker)
    if rule == "strict_mention":
        return lambda p, g: speaker_matches(p.speaker, g.speaker) or (
            p.mention is not None and speaker_matches(p.mention, g.speaker))
    if rule == "pronoun_lenient":
        return lambda p, g: speaker_matches_lenient(p.speaker, g.speaker)
    if rule == "content_only":
        return lambda p, g: True
    raise ValueError(f"unknown rule {rule!r}; expected one of {RULES}")


# --------------------------------------------------------------------------
# Matching
# --------------------------------------------------------------------------


def greedy_match(predicted: Sequence[Item], gold: Sequence[Item], rule: str = "strict") -> list[tuple[int, int]]:
    """One-to-one (pred index, gold index) pairs, best content score first (Jaccard breaks ties), under ``rule``."""
    speaker_ok = _rule_speaker(rule)
    keys = {
        (i, j): (content_score(p.content, g.content), _jaccard(p.content, g.content))
        for i, p in enumerate(predicted)
        for j, g in enumerate(gold)
        if content_matches(p.content, g.content) and speaker_ok(p, g)
    }
    return _one_to_one(ranked(keys))


def score_document(doc_id: str, predicted: Sequence[Item], gold: Sequence[Item],
                   rules: Iterable[str] = RULES) -> DocScore:
    result = DocScore(doc_id=doc_id, n_pred=len(predicted), n_gold=len(gold))
    for rule in rules:
        pairs = greedy_match(predicted, gold, rule)
        result.matches[rule] = pairs
        result.counts[rule] = Counts(tp=len(pairs), fp=len(predicted) - len(pairs), fn=len(gold) - len(pairs))
    return result


def micro_average(doc_scores: Iterable[DocScore], rules: Iterable[str] = RULES) -> dict[str, Counts]:
    totals = {rule: Counts() for rule in rules}
    for doc in doc_scores:
        for rule, total in totals.items():
            total.add(doc.counts[rule])
    return totals
