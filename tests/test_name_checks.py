"""Names are the same names whatever invisible or normalisation differences the
text carries, and checking them costs one pass over the article, not one per check."""

from __future__ import annotations

import unicodedata

import pytest

from summariser import grounding
from summariser.entities import normalise_text
from summariser.grounding import article_spelling, mentions
from summariser.rules import addressee_in, same_side, speaker_role

NFD = lambda s: unicodedata.normalize("NFD", s)  # noqa: E731
NFC = lambda s: unicodedata.normalize("NFC", s)  # noqa: E731
SHY, ZWSP, ZWJ, WJ, NBSP, NNBSP = "\u00ad", "\u200b", "\u200d", "\u2060", "\u00a0", "\u202f"

# (how the article writes the name, how the model or the rules write it)
VARIANTS = [
    (NFD("José Peña"), NFC("José Peña")),
    (NFC("José Peña"), NFD("José Peña")),
    (f"Ilham Ali{SHY}yev", "Ilham Aliyev"),
    (f"Ilham Ali{ZWSP}yev", "Ilham Aliyev"),
    (f"Ilham{NBSP}Aliyev", "Ilham Aliyev"),
    (f"Ilham{NNBSP}Aliyev", "Ilham Aliyev"),
    ("Ilham Aliyev", f"Ilham{NBSP}Ali{ZWJ}yev"),
    (f"Hossein Amir{WJ}-Abdollahian", "Hossein Amir-Abdollahian"),
]


def article(name: str) -> str:
    return f"Talks in Vienna\n\nForeign Minister {name} said on Monday that the talks would go on.\n"


@pytest.mark.parametrize("written, asked", VARIANTS)
def test_a_name_is_found_however_its_characters_are_encoded(written, asked):
    assert mentions(asked, article(written))


@pytest.mark.parametrize("written, asked", VARIANTS)
def test_the_speakers_role_is_found_however_the_name_is_encoded(written, asked):
    assert speaker_role(article(written), asked) == "Foreign Minister"


@pytest.mark.parametrize("written, asked", VARIANTS)
def test_a_speaker_is_not_their_own_addressee_or_opponent(written, asked):
    sentence = f"{written} told {asked.split()[-1]} supporters that the talks would go on."
    assert addressee_in(sentence, asked) is None, "the speaker's own name is not whom they told"
    assert same_side(written, asked, None)


@pytest.mark.parametrize("written, asked", VARIANTS)
def test_names_merge_however_they_are_encoded(written, asked):
    assert normalise_text(written) == normalise_text(asked)


def test_different_names_stay_different():
    assert not mentions("Ilham Aliyevich", article(f"Ilham Ali{SHY}yev"))
    assert not mentions("Jose Pena Nieto", article(NFD("Juan Peña")))
    assert speaker_role(article(f"Ilham Ali{SHY}yev"), "Ramiz Mehdiyev") is None


# --------------------------------------------------------------------------
# Cost: once per article
# --------------------------------------------------------------------------


def long_article(chars: int = 190_000) -> str:
    paragraph = ("Foreign Minister Jeyhun Bayramov said on Monday that Azerbaijan would not allow its "
                 "territory to be used against any neighbour, and Iran's envoy welcomed the pledge.\n")
    return "Talks in Baku\n\n" + paragraph * (chars // len(paragraph))


@pytest.fixture
def counted(monkeypatch):
    """Counts how often a whole article (anything over 10,000 characters) is folded or plained."""
    calls = {"fold": 0, "plain": 0}
    real_fold = grounding._fold
    real_plain = getattr(grounding, "plain_name", lambda text: text)

    def fold(text):
        calls["fold"] += len(text) > 10_000
        return real_fold(text)

    def plain(text):
        calls["plain"] += len(text) > 10_000
        return real_plain(text)

    monkeypatch.setattr(grounding, "_fold", fold)
    monkeypatch.setattr(grounding, "plain_name", plain, raising=False)
    for name in ("_searchable", "_words", "plain_article"):
        if hasattr(grounding, name):  # the per-article caches start empty
            getattr(grounding, name).cache_clear()
    return calls


def test_2000_name_checks_fold_the_article_once(counted):
    text = long_article()
    assert len(text) > 180_000
    excluded = ((0, 13),)
    names = ["Jeyhun Bayramov", "Bayramov", "Azerbaijan", "Iran", "Ilham Aliyev"] * 400
    found = [mentions(name, text, excluded) for name in names]
    assert found[:5] == [True, True, True, True, False]
    assert counted["fold"] == 1


def test_respelling_indexes_the_article_once_and_compares_only_likely_runs(counted, monkeypatch):
    text = long_article()
    compared = []
    real = grounding.SequenceMatcher

    def matcher(*args, **kwargs):
        compared.append(args[2])
        return real(*args, **kwargs)

    monkeypatch.setattr(grounding, "SequenceMatcher", matcher)
    for _ in range(10):
        assert article_spelling("Foreign Minister Jeyhun Bayramow", text) == "Foreign Minister Jeyhun Bayramov"
    paragraphs = text.count("\n") - 2
    # Only runs starting at a capitalised word beginning like a word of the name
    # ("For", "Min", "Jey", "Bay": not "Monday", "Azerbaijan", "Iran's") are
    # compared, each at three run lengths.
    assert len(compared) <= 10 * 3 * 4 * paragraphs
    assert {c.split()[0][:3] for c in compared} == {"for", "min", "jey", "bay"}
    assert counted["fold"] == 0, "respelling compares the article's own characters"


def test_role_look_ups_normalise_the_article_once(counted):
    text = long_article()
    roles = {speaker_role(text, name) for name in ["Jeyhun Bayramov", "Bayramov"] * 100}
    assert roles == {"Foreign Minister"}
    assert counted["plain"] == 1
