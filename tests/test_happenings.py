"""Events from syntax for the sentences the model's events answer left out:
summaries are the trigger's clause in the article's words, never a sentence
cut mid-phrase; types, agents and dates come from the sentence itself."""

from __future__ import annotations

import pytest

from summariser.articles import article_from_text
from summariser.happenings import event_of_sentence, events_left_out
from summariser.nlp import parse
from summariser.prepass import split_sentences

TEXT = (
    "Border Tensions\n"
    "\n"
    "Iran reportedly used drones to kill two people on a cargo ship near Oman.\n"  # [1]
    "Israel launched a wave of airstrikes on Iranian nuclear sites on June 13, officials in Jerusalem said.\n"  # [2]
    "Relations between the two neighbours remain difficult.\n"  # [3]
    "The ministers met in Baku on Friday and signed a trade deal.\n"  # [4]
    "The war that lasted six weeks claimed over 6,000 lives.\n"  # [5]
)


@pytest.fixture(scope="module")
def parsed():
    article = article_from_text(TEXT)
    doc = parse(article.text)
    sentences = {s.number: s for s in split_sentences(article, doc)}
    assert sentences[1].text.startswith("Iran reportedly")
    return article, doc, sentences


def event(parsed, number):
    article, doc, sentences = parsed
    return event_of_sentence(doc, sentences[number], article)


@pytest.mark.parametrize(
    ("number", "summary", "event_type", "agents", "date"),
    [
        (1, "Iran used drones to kill two people", "casualties", ["Iran"], None),
        (2, "Israel launched a wave of airstrikes on Iranian nuclear sites", "attack", ["Israel"], "June 13"),
        (4, "The ministers met in Baku", "meeting", [], "on Friday"),
        (5, "The war claimed over 6,000 lives", "casualties", [], None),
    ],
)
def test_the_event_is_the_triggers_clause_in_the_sentences_words(parsed, number, summary, event_type, agents, date):
    found = event(parsed, number)
    assert found is not None
    assert found.summary == summary
    assert found.event_type == event_type
    assert [p.name for p in found.participants if p.role == "agent"] == agents
    assert found.date_text == date
    assert TEXT[found.evidence.start:found.evidence.end] == found.evidence.text == parsed[2][number].text


def test_summary_words_are_the_sentences_words_in_order(parsed):
    article, doc, sentences = parsed
    for number in (1, 2, 4, 5):
        words, sentence = event(parsed, number).summary.split(), sentences[number].text
        position = 0
        for word in words:
            position = sentence.index(word, position) + len(word)


def test_a_sentence_without_a_word_for_a_happening_gives_none(parsed):
    assert event(parsed, 3) is None


def test_only_sentences_no_answered_event_cites_are_filled_in(parsed):
    article, doc, sentences = parsed
    found = events_left_out(doc, list(sentences.values()), article, cited={1, 4})
    starts = {e.evidence.start for e in found}
    assert starts == {sentences[2].start, sentences[5].start}


# A happening named in a verb's prepositional phrase, between participants
# named in appositions; "newly elected" describes the president and reports nothing.
CALL_TEXT = (
    "Gas Talks\n"
    "\n"
    "According to a readout from the Chilean presidency, the offer came during a phone call between "
    "Chile’s newly elected President Gabriel Boric and Argentine President Javier Milei.\n"  # [1]
    "The newly appointed governor signed a water deal with Peru.\n"  # [2]
)


def test_a_call_named_in_a_prepositional_phrase_is_the_event_with_everyone_it_names():
    article = article_from_text(CALL_TEXT)
    doc = parse(article.text)
    sentences = {s.number: s for s in split_sentences(article, doc)}
    found = event_of_sentence(doc, sentences[1], article)
    assert found is not None
    assert found.event_type == "phone_call"
    assert "came during a phone call between" in found.summary
    names = {p.name for p in found.participants}
    assert {"Gabriel Boric", "Javier Milei"} <= names
    assert "elected" not in {p.name for p in found.participants}


def test_a_participle_describing_a_noun_is_not_the_happening():
    article = article_from_text(CALL_TEXT)
    doc = parse(article.text)
    sentences = {s.number: s for s in split_sentences(article, doc)}
    found = event_of_sentence(doc, sentences[2], article)  # "appointed" only describes the governor
    assert found is not None
    assert found.summary == "The newly appointed governor signed a water deal"
    assert found.event_type == "agreement"
