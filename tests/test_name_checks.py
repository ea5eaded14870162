"""Names are the same names whatever invisible or normalisation differences the
text carries, and checking them costs one pass over the article, not one per check."""

from __future__ import annotations

import unicodedata

import pytest

from summariser import grounding, nlp
from summariser.articles import article_from_text
from summariser.datamodel import Evidence, Participant, Statement
from summariser.entities import normalise_text
from summariser.grounding import article_spelling, mentions
from summariser.prepass import _surname, speech_candidates, split_sentences
from summariser.questions import QuestionContext, SpeechAct, repair_speech_act
from summariser.rules import _unique_participants, addressee_in, entities_of, same_side, speaker_role

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


# --------------------------------------------------------------------------
# The other places names are compared
# --------------------------------------------------------------------------


@pytest.mark.parametrize("pronoun", [f"he{ZWSP}", f"H{SHY}e", f"she{WJ}", f"{NBSP}they"])
def test_a_pronoun_with_invisible_characters_is_still_a_pronoun(pronoun):
    text = "Talks in Vienna\n\nAnna Berg met Tomas Varga. He said the talks would go on.\n"
    art = article_from_text(text)
    ctx = QuestionContext(article=art, sentences={s.number: s for s in split_sentences(art)})
    kept, problems = repair_speech_act(SpeechAct(sentence=2, speaker=pronoun), ctx)
    assert kept is None and "is a pronoun" in problems[0]


def test_participants_and_entities_written_two_ways_are_one():
    people = _unique_participants([Participant(name=f"Ilham Ali{SHY}yev", role="agent"),
                                   Participant(name="Ilham Aliyev", role="target")])
    assert len(people) == 1
    evidence = Evidence(text="x", start=0, end=1)
    statements = [Statement(speaker=name, content="x", kind="quote", evidence=evidence)
                  for name in (NFD("José Peña"), NFC("José Peña"), f"José{NBSP}Peña")]
    assert len(entities_of(statements, [], [])) == 1


# --------------------------------------------------------------------------
# The parse's tokens, entities and sentences: indexed once per article
# --------------------------------------------------------------------------


LONG_NEWS = "".join(
    f"Foreign Minister Jeyhun Bayramov{i} told Iran's envoy on Monday that Azerbaijan would not allow "
    f"its territory to be used against Iran. He said the talks with Tehran would go on. "
    f"“We will not accept threats,” the minister added.\n"
    for i in range(60)
)


def test_token_and_entity_look_ups_match_a_full_scan():
    doc = nlp.parse(LONG_NEWS)
    for start, end in [(0, 40), (17, 18), (100, 100), (250, 900), (len(LONG_NEWS) - 30, len(LONG_NEWS) + 5)]:
        assert [t.i for t in nlp.tokens_between(doc, start, end)] == [t.i for t in doc if start <= t.idx < end]
    for char in range(0, 400, 7):
        expected = next((t for t in doc if t.idx <= char < t.idx + len(t.text)), None)
        got = nlp.token_at(doc, char)
        assert (got.i if got is not None else None) == (expected.i if expected is not None else None)
    assert [(e.start, e.end, e.label_) for e in nlp.doc_entities(doc)] == [(e.start, e.end, e.label_) for e in doc.ents]
    assert [(s.start, s.end) for s in nlp.doc_sentences(doc)] == [(s.start, s.end) for s in doc.sents]


def test_finding_attributions_indexes_the_parse_once(monkeypatch):
    doc = nlp.parse(LONG_NEWS)
    built = []
    real_once = nlp._once

    def once(doc, key, build):
        def counted(d):
            built.append(key)
            return build(d)

        return real_once(doc, key, counted)

    monkeypatch.setattr(nlp, "_once", once)
    art = article_from_text("Talks in Baku\n\n" + LONG_NEWS)
    doc = nlp.parse(art.text)
    sentences = split_sentences(art, doc)
    candidates = speech_candidates(doc, sentences, art.excluded)
    assert len(candidates) >= 100, "many attributions, each looking names up"
    assert sorted(built) == sorted(set(built)), f"an index was built more than once: {built}"


def test_nearby_names_written_two_ways_are_one_choice():
    assert _surname(f"Ilham Ali{SHY}yev") == _surname("Aliyev") == _surname(NFD("Ilham ALIYEV"))
    assert _surname("") == ""
