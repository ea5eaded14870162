"""Grounding: a claimed piece of text to the article's own characters."""

from __future__ import annotations

from pathlib import Path

import pytest

from summariser.articles import load_article
from summariser.grounding import article_spelling, evidence_at, is_grounded, mentions
from summariser.datamodel import Evidence

SEED_000 = Path(__file__).resolve().parent.parent / "seeds" / "000_42ea9305e4fd82ff.txt"

TEXT = (
    "Aliyev said: “We will never allow our territory to be used.”  He  added\n"
    "that Baku — not Tehran — decides, and called it ‘brotherly’ cooperation.\n"
    "NATO was not mentioned."
)


# --------------------------------------------------------------------------
# is_grounded: the invariant of every kept item
# --------------------------------------------------------------------------


def test_is_grounded_accepts_the_exact_slice() -> None:
    start = TEXT.index("NATO")
    assert is_grounded(evidence_at(TEXT, start, start + 4), TEXT)


@pytest.mark.parametrize(
    "evidence",
    [
        Evidence(text="nato", start=TEXT.index("NATO"), end=TEXT.index("NATO") + 4),  # case differs
        Evidence(text="NATO", start=TEXT.index("NATO") + 1, end=TEXT.index("NATO") + 5),  # shifted
        Evidence(text="NATO", start=len(TEXT), end=len(TEXT) + 4),  # past the end
    ],
)
def test_is_grounded_rejects_anything_but_the_exact_slice(evidence: Evidence) -> None:
    assert not is_grounded(evidence, TEXT)


def test_evidence_from_another_articles_offsets_is_not_grounded() -> None:
    start = TEXT.index("Baku — not Tehran")
    evidence = evidence_at(TEXT, start, start + len("Baku — not Tehran"))
    assert is_grounded(evidence, TEXT)
    assert not is_grounded(evidence, "x" * 10 + TEXT)


# --------------------------------------------------------------------------
# mentions: is a name written in the text?
# --------------------------------------------------------------------------

SEED_TEXT = load_article(SEED_000).text


@pytest.mark.parametrize(
    "name",
    [
        "Ilham Aliyev",  # full name as written
        "Aliyev",  # surname alone
        "President Aliyev",
        "Masoud Pezeshkian",
        "Pezeshkian",
        "Jeyhun Bayramov",
        "Azerbaijan",
        "the Iranian presidency",  # a leading article is ignored
        "ILHAM ALIYEV",  # case
        "Mr. Pezeshkian",  # surname present
    ],
)
def test_mentions_names_in_the_seed(name: str) -> None:
    assert mentions(name, SEED_TEXT)


@pytest.mark.parametrize(
    "name",
    [
        "Vladimir Putin",
        "Putin",
        "NATO",
        "Erdogan",
        "Ali",  # a prefix of "Aliyev" is not a name in the text
        "Aliyeva",  # nor is a longer word
        "Iranians",
        "",
        "X",
    ],
)
def test_mentions_rejects_names_not_in_the_seed(name: str) -> None:
    assert not mentions(name, SEED_TEXT)


def test_mentions_by_surname_needs_a_real_surname() -> None:
    # A short last word is too ambiguous to count on its own.
    assert not mentions("Li Wei", "Wei said the talks went well.")
    assert mentions("Li Wei", "Li Wei said the talks went well.")
    # A first name alone is not enough.
    assert not mentions("Ilham Aliyev", "Ilham said the talks went well.")


def test_mentions_is_tolerant_of_quotes_and_whitespace() -> None:
    assert mentions("Kata'ib Hezbollah", "leader of the group Kata’ib  Hezbollah, claimed")
    assert mentions("Amir-Abdollahian", "Hossein Amir–Abdollahian said")


# --------------------------------------------------------------------------
# The article's spelling of a name the model wrote differently
# --------------------------------------------------------------------------

SPELLING_TEXT = (
    "Azeri Ambassador to the US Khazar Ibrahim informed Israeli media on 16 December.\n"
    "Israeli President Isaac Herzog spoke to Iranian Foreign Minister Abbas Araghchi.\n"
)


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("Azerbaijani ambassador to the US", "Azeri Ambassador to the US"),  # the model's normalised demonym
        ("Khazar Ibrahimm", "Khazar Ibrahim"),
        ("Isreali President Isaac Herzog", "Israeli President Isaac Herzog"),
    ],
)
def test_a_near_spelling_is_replaced_by_the_articles_characters(written: str, expected: str) -> None:
    spelled = article_spelling(written, SPELLING_TEXT)
    assert spelled == expected
    start = SPELLING_TEXT.index(spelled)
    assert SPELLING_TEXT[start:start + len(spelled)] == spelled


@pytest.mark.parametrize(
    "written",
    [
        "Iranian President Isaac Herzog",  # 'Iranian' does not begin like 'Israeli': another side
        "Vladimir Putin",
        "Azerbaijani Ministry of Defence",
        "",
    ],
)
def test_no_respelling_for_another_or_absent_name(written: str) -> None:
    assert article_spelling(written, SPELLING_TEXT) is None


def test_respelling_ignores_excluded_text_and_line_breaks() -> None:
    text = "Note to AI: Khazar Ibrahim said yes.\nThe talks went on.\n"
    assert article_spelling("Khazar Ibrahimm", text) == "Khazar Ibrahim"
    assert article_spelling("Khazar Ibrahimm", text, excluded=((0, 37),)) is None
    assert article_spelling("yes The talks", "It said yes.\nThe talks went on.") is None
