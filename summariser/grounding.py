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


def _fold(text: str) -> _Folded:
    """Case-fold, unify quotes and dashes, collapse whitespace runs to one space."""
    chars: list[str] = []
    origin: list[int] = []
    previous_space = False
    for index, char in enumerate(text):
        char = unicodedata.normalize("NFKC", char).translate(_EQUIVALENT)
        if char.isspace():
            if previous_space or not chars:
                continue
            char, previous_space = " ", True
        else:
            previous_space = False
        for piece in char.casefold():
            chars.append(piece)
            origin.append(index)
    while chars and chars[-1] == " ":
        chars.pop()
        origin.pop()
    return _Folded("".join(chars), origin)


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

    Tolerant of case, whitespace, curly/straight quotes and dash variants; a leading article ("the") is ignored, and a
    multi-word name counts when its last word (a surname) is present. Names
    only in excluded ranges (boilerplate, text addressed to an AI) do not
    count: an injected line cannot lend its names to an extraction.
    """
    name = _TITLE_WORDS.sub("", name.strip())
    if len(name) < 2:
        return False
    text = blank_out(text, excluded)
    folded_text = _fold(text).text
    folded_name = _fold(name).text
    if re.search(r"(?<!\w)" + re.escape(folded_name) + r"(?!\w)", folded_text):
        return True
    last = folded_name.split(" ")[-1]
    return len(last) >= 4 and re.search(r"(?<!\w)" + re.escape(last) + r"(?!\w)", folded_text) is not None


_NAME_WORD = re.compile(r"[^\W_][\w'’\-]*")
RESPELL_MIN_RATIO = 0.88


def article_spelling(name: str, text: str, excluded: tuple[tuple[int, int], ...] = ()) -> str | None:
    """The article's own spelling of a name the model wrote a little differently.

    A small model normalises what it copies ('Azeri Ambassador to the US'
    comes back as 'Azerbaijani ambassador to the US') and, re-asked, repeats
    the same answer, so the item would be lost. The closest run of the
    article's words (one word fewer to one more than the name) is taken when
    it is nearly the same text (difflib ratio >= 0.88) and each of its
    capitalised words begins like a word of the name, so 'Israeli' never
    becomes 'Iranian'. Returns the article's characters, or None.
    """
    wanted_words = _NAME_WORD.findall(name)
    if not wanted_words:
        return None
    wanted = " ".join(wanted_words).casefold()
    heads = {word[:3].casefold() for word in wanted_words}
    visible = blank_out(text, excluded)
    words = list(_NAME_WORD.finditer(visible))
    best: tuple[float, int, int] | None = None
    for size in sorted({max(1, len(wanted_words) - 1), len(wanted_words), len(wanted_words) + 1}):
        for i in range(len(words) - size + 1):
            run = words[i : i + size]
            if not run[0].group()[:1].isupper():
                continue  # a name starts with a capital
            start, end = run[0].start(), run[-1].end()
            if "\n" in visible[start:end]:
                continue
            candidate = " ".join(w.group() for w in run).casefold()
            matcher = SequenceMatcher(None, wanted, candidate, autojunk=False)
            if matcher.real_quick_ratio() < RESPELL_MIN_RATIO or matcher.quick_ratio() < RESPELL_MIN_RATIO:
                continue
            score = matcher.ratio()
            if score < RESPELL_MIN_RATIO:
                continue
            if any(w.group()[:1].isupper() and w.group()[:3].casefold() not in heads for w in run):
                continue
            if best is None or score > best[0]:
                best = (score, start, end)
    return text[best[1] : best[2]] if best else None
