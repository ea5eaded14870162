"""Events the article reports, once each: a quotation that tells no past
happening is someone's words, and two answers the rules turn into the same
words in one sentence are one happening."""

from __future__ import annotations

import pytest

from summariser.articles import article_from_text
from summariser.datamodel import Event, Participant
from summariser.extract import _not_quoted, _one_event_each
from summariser.grounding import evidence_at
from summariser.nlp import parse

TEXT = (
    "Harbor Blast\n"
    "\n"
    "\"There was an explosion and I thought it was a car crash,\" said one resident.\n"  # a quoted account: kept
    "He said: \"I am going to make an immediate response to the attack.\"\n"  # a promise: not an event
    "\"If you shoot it down, it could fall on the crowd,\" the officer warned.\n"  # a condition
    "Police said the blast damaged three buildings on Monday.\n"  # no quotation at all
    "\"The city deserves a port that meets the highest standards,\" the mayor said.\n"  # a wish, words rearranged
    "\"The port is shut. We will rebuild the pier by spring,\" she added.\n"  # a quotation over two sentences
)


@pytest.fixture(scope="module")
def article_and_doc():
    article = article_from_text(TEXT)
    return article, parse(article.text)


def event_of(article, words: str, **fields) -> Event:
    start = article.text.index(words)
    line_start = article.text.rfind("\n", 0, start) + 1
    line_end = article.text.index("\n", start)
    return Event(summary=words, event_type=fields.pop("event_type", "attack"),
                 evidence=evidence_at(article.text, line_start, line_end), **fields)


@pytest.mark.parametrize(
    ("words", "kept"),
    [
        ("There was an explosion", True),
        ("I am going to make an immediate response to the attack", False),
        ("If you shoot it down", False),
        ("the blast damaged three buildings", True),
    ],
    ids=["quoted account of the past", "quoted promise", "quoted condition", "not quoted"],
)
def test_a_quotation_that_tells_no_past_happening_is_no_event(article_and_doc, words, kept):
    article, doc = article_and_doc
    dropped = []
    found = _not_quoted([event_of(article, words)], doc, article, dropped)
    assert (found != []) == kept
    assert len(dropped) == (0 if kept else 1)
    if not kept:
        assert dropped[0].kind == "event" and "quotation" in dropped[0].reason


def test_a_summary_in_other_words_is_checked_against_the_quotation_it_comes_from(article_and_doc):
    article, doc = article_and_doc
    wish = event_of(article, "the highest standards", event_type="other").model_copy(
        update={"summary": "a port meets the highest standards"})  # the model's wording, not the article's
    dropped = []
    assert _not_quoted([wish], doc, article, dropped) == [] and len(dropped) == 1
    said_outside = event_of(article, "the blast damaged three buildings").model_copy(
        update={"summary": "the blast damaged buildings"})
    assert _not_quoted([said_outside], doc, article, []) == [said_outside]


def test_a_quotation_begun_in_an_earlier_sentence_counts_in_the_next(article_and_doc):
    article, doc = article_and_doc
    start = article.text.index("We will rebuild")
    end = article.text.index("\n", start)
    promise = Event(summary="We will rebuild the pier by spring", event_type="other",
                    evidence=evidence_at(article.text, start, end))
    dropped = []
    assert _not_quoted([promise], doc, article, dropped) == [] and len(dropped) == 1


def test_one_event_per_sentence_and_summary_keeping_the_one_that_says_most(article_and_doc):
    article, _ = article_and_doc
    bare = event_of(article, "the blast damaged three buildings")
    dated = event_of(article, "the blast damaged three buildings", date_text="on Monday",
                     participants=[Participant(name="Police", role="agent")])
    other = event_of(article, "There was an explosion")
    dropped = []
    kept = _one_event_each([bare, other, dated], dropped)
    assert kept == [other, dated]  # in the order given, the fuller of the two alike
    assert len(dropped) == 1 and dropped[0].reason == "the same happening as another event of its sentence"
    assert _one_event_each([bare, other], []) == [bare, other]  # different words: both stand
    assert TEXT[dated.evidence.start:dated.evidence.end] == dated.evidence.text


@pytest.mark.parametrize(
    ("sentence", "summary", "told"),
    [
        ("Reportedly, internal sources have claimed that Baku has bought weapons worth billions.",
         "Baku has bought weapons worth billions", "internal sources have claimed that Baku has bought weapons worth billions"),
        ("Rejecting the reports suggesting that drones had crossed the border, the minister spoke of control.",
         "drones had crossed the border", "reports suggesting that drones had crossed the border"),
        ("Ankara denied claims that it allowed the jets to refuel, the ministry said.",
         "it allowed the jets to refuel", "claims that it allowed the jets to refuel"),
        # Not in doubt: the summary stands as it is.
        ("The group claimed responsibility for the attack on the base.", "the attack on the base", "the attack on the base"),
        ("Police said the blast damaged three buildings.", "the blast damaged three buildings",
         "the blast damaged three buildings"),
    ],
    ids=["claimed that", "reports suggesting", "denied claims that", "claimed responsibility", "said"],
)
def test_an_event_told_only_inside_a_claim_keeps_the_claim_in_its_summary(sentence, summary, told):
    from summariser.extract import _allegations_as_such

    article = article_from_text("News\n\n" + sentence + "\n")
    start = article.text.index(sentence)
    event = Event(summary=summary, event_type="other", evidence=evidence_at(article.text, start, start + len(sentence)))
    (kept,) = _allegations_as_such([event], parse(article.text), article)
    assert kept.summary == told
    assert told in article.text[kept.evidence.start:kept.evidence.end]  # still the sentence's own words
