"""Grounding: from a claimed piece of text to verbatim offsets in the article.

Pure functions, no model and no I/O. Everything kept in a dossier passes
through here: an item is only as good as the span of article text that
supports it, and the span stored is always the article's own characters
(``text[start:end]``), never the model's rendering of them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

from .datamodel import Evidence

# Characters that models (and editors) swap freely for one another.
_EQUIVALENT = str.maketrans(
    {
        "“": '"', "”": '"', "„": '"', "«": '"', "»": '"',
        "‘": "'", "’": "'", "‚": "'", "`": "'", "´": "'",
        "–": "-", "—": "-", "‐": "-", "‑": "-", "−": "-",
        "\u00a0": " ", "\u2009": " ", "\u202f": " ",
    }
)


@dataclass(frozen=True)
class _Folded:
    """Text folded for tolerant matching, with a map back to the original."""

    text: str
    origin: list[int]  # origin[i] = offset in the original of folded char i


def is_invisible(char: str) -> bool:
    """Format characters (soft hyphen, zero-width space and joiners, word joiner,
    BOM): invisible inside a word, so a name written with them is the same name."""
    return unicodedata.category(char) == "Cf"


def _clusters(text: str):
    """(offset, characters): each base character with the combining marks after it,
    so a name written decomposed (NFD) folds like the same name composed (NFC)."""
    start, cluster = 0, ""
    for index, char in enumerate(text):
        if cluster and unicodedata.combining(char):
            cluster += char
            continue
        if cluster:
            yield start, cluster
        start, cluster = index, char
    if cluster:
        yield start, cluster


def _fold(text: str) -> _Folded:
    """Case-fold, compose accents, drop invisible characters, unify quotes and
    dashes, collapse whitespace runs (non-breaking spaces included) to one space."""
    chars: list[str] = []
    origin: list[int] = []
    previous_space = False
    for index, cluster in _clusters(text):
        if len(cluster) == 1 and is_invisible(cluster):
            continue
        folded = unicodedata.normalize("NFKC", cluster).translate(_EQUIVALENT)
        if folded.isspace():
            if previous_space or not chars:
                continue
            folded, previous_space = " ", True
        else:
            previous_space = False
        for piece in folded.casefold():
            chars.append(piece)
            origin.append(index)
    while chars and chars[-1] == " ":
        chars.pop()
        origin.pop()
    return _Folded("".join(chars), origin)


def fold_name(name: str) -> str:
    """A name as names are compared: see ``_fold``."""
    return _fold(name).text


# The format characters of the Basic Multilingual Plane, for str.translate.
_INVISIBLE = dict.fromkeys(cp for cp in range(0x10000) if unicodedata.category(chr(cp)) == "Cf")


def without_invisible(text: str) -> str:
    """``text`` without soft hyphens, zero-width characters and other format characters."""
    return text.translate(_INVISIBLE)


def plain_name(text: str) -> str:
    """Text with names written as the model and the rules write them: composed
    (NFC), without invisible characters. Other characters (and so whitespace,
    quotes and dashes) are kept as written."""
    return unicodedata.normalize("NFC", without_invisible(text))


@lru_cache(maxsize=16)
def plain_article(text: str) -> str:
    """``plain_name`` of a whole article: once per article, however many names are looked for in it."""
    return plain_name(text)


def evidence_at(text: str, start: int, end: int) -> Evidence:
    """Evidence for a span already known to be in the text (e.g. a sentence)."""
    return Evidence(text=text[start:end], start=start, end=end)


def is_grounded(evidence: Evidence, text: str) -> bool:
    """The invariant every kept item satisfies."""
    return 0 <= evidence.start < evidence.end <= len(text) and text[evidence.start : evidence.end] == evidence.text


_TITLE_WORDS = re.compile(r"^(?:the|a|an)\s+", re.I)


def blank_out(text: str, excluded: tuple[tuple[int, int], ...]) -> str:
    """The text with excluded ranges replaced by spaces (offsets unchanged)."""
    if not excluded:
        return text
    chars = list(text)
    for start, end in excluded:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def mentions(name: str, text: str, excluded: tuple[tuple[int, int], ...] = ()) -> bool:
    """Whether a name (person, country, organisation) is written in the text.

    Tolerant of case, whitespace (non-breaking spaces too), invisible
    characters (soft hyphens, zero-width), composed or decomposed accents,
    curly/straight quotes and dash variants; a leading article ("the") is
    ignored, and a multi-word name counts when its last word (a surname) is
    present. Names only in excluded ranges (boilerplate, text addressed to an
    AI) do not count: an injected line cannot lend its names to an extraction.
    """
    name = _TITLE_WORDS.sub("", name.strip())
    if len(name) < 2:
        return False
    folded_text = _searchable(text, excluded)
    folded_name = fold_name(name)
    if re.search(r"(?<!\w)" + re.escape(folded_name) + r"(?!\w)", folded_text):
        return True
    last = folded_name.split(" ")[-1]
    return len(last) >= 4 and re.search(r"(?<!\w)" + re.escape(last) + r"(?!\w)", folded_text) is not None


@lru_cache(maxsize=16)
def _searchable(text: str, excluded: tuple[tuple[int, int], ...]) -> str:
    """The visible text, folded: computed once per article, not once per name checked."""
    return _fold(blank_out(text, excluded)).text


_NAME_WORD = re.compile(r"[^\W_][\w'’\-]*")
RESPELL_MIN_RATIO = 0.88


@dataclass(frozen=True)
class _Words:
    """An article's visible words, indexed by how capitalised ones begin."""

    visible: str
    words: list[tuple[int, int, str]]  # (start, end, word)
    capitalised_by_head: dict[str, list[int]]  # first three letters, casefolded -> word indices


@lru_cache(maxsize=16)
def _words(text: str, excluded: tuple[tuple[int, int], ...]) -> _Words:
    visible = blank_out(text, excluded)
    words = [(m.start(), m.end(), m.group()) for m in _NAME_WORD.finditer(visible)]
    by_head: dict[str, list[int]] = {}
    for index, (_, _, word) in enumerate(words):
        if word[:1].isupper():
            by_head.setdefault(word[:3].casefold(), []).append(index)
    return _Words(visible, words, by_head)


def article_spelling(name: str, text: str, excluded: tuple[tuple[int, int], ...] = ()) -> str | None:
    """The article's own spelling of a name the model wrote a little differently.

    A small model normalises what it copies ('Azeri Ambassador to the US'
    comes back as 'Azerbaijani ambassador to the US') and, re-asked, repeats
    the same answer, so the item would be lost. The closest run of the
    article's words (one word fewer to one more than the name) is taken when
    it is nearly the same text (difflib ratio >= 0.88) and each of its
    capitalised words begins like a word of the name, so 'Israeli' never
    becomes 'Iranian'. Returns the article's characters, or None.

    Only runs starting at a capitalised word that begins like a word of the
    name can qualify, so only those are compared (found through an index
    built once per article).
    """
    wanted_words = _NAME_WORD.findall(name)
    if not wanted_words:
        return None
    wanted = " ".join(wanted_words).casefold()
    heads = {word[:3].casefold() for word in wanted_words}
    index = _words(text, excluded)
    words = index.words
    starts = sorted(i for head in heads for i in index.capitalised_by_head.get(head, ()))
    best: tuple[float, int, int] | None = None
    for size in sorted({max(1, len(wanted_words) - 1), len(wanted_words), len(wanted_words) + 1}):
        for i in starts:
            run = words[i : i + size]
            if len(run) < size:
                continue
            start, end = run[0][0], run[-1][1]
            if "\n" in index.visible[start:end]:
                continue
            candidate = " ".join(w[2] for w in run).casefold()
            matcher = SequenceMatcher(None, wanted, candidate, autojunk=False)
            if matcher.real_quick_ratio() < RESPELL_MIN_RATIO or matcher.quick_ratio() < RESPELL_MIN_RATIO:
                continue
            score = matcher.ratio()
            if score < RESPELL_MIN_RATIO:
                continue
            if any(w[2][:1].isupper() and w[2][:3].casefold() not in heads for w in run):
                continue
            if best is None or score > best[0]:
                best = (score, start, end)
    return text[best[1] : best[2]] if best else None
