"""Stances built from a statement answer: the direction is fixed by rule."""

from __future__ import annotations

import pytest

from summariser.articles import article_from_text
from summariser.rules import stance_from
from summariser.prepass import split_sentences
from summariser.questions import SpeechAct

TEXT = (
    "Airspace Row\n"
    "\n"
    "Azerbaijani President Ilham Aliyev told Iranian President Masoud Pezeshkian that Azerbaijan "
    "would never allow its airspace to be used against Iran.\n"  # [1]
    "Turkey will stay neutral in the dispute, Foreign Minister Hakan Fidan said.\n"  # [2]
    "Aliyev said the weather in Baku was warm.\n"  # [3]
)


@pytest.fixture(scope="module")
def article_and_sentences():
    article = article_from_text(TEXT)
    sentences = {s.number: s for s in split_sentences(article)}
    assert sentences[1].text.startswith("Azerbaijani President Ilham Aliyev told")
    return article, sentences


def build(article_and_sentences, **fields):
    article, sentences = article_and_sentences
    act = SpeechAct(**fields)
    stance = stance_from(act, sentences[act.sentence], article)
    if stance is not None:
        assert TEXT[stance.evidence.start:stance.evidence.end] == stance.evidence.text
    return stance


def test_holder_is_the_side_the_speakers_role_names(article_and_sentences):
    stance = build(article_and_sentences, sentence=1, speaker="Ilham Aliyev", stance="oppose", target="Israel",
                   topic="airspace use")
    assert (stance.holder, stance.target, stance.polarity, stance.speaker) == ("Azerbaijan", "Israel", "oppose", "Ilham Aliyev")


def test_whom_the_sentence_says_was_addressed_is_the_target_when_none_is_given(article_and_sentences):
    stance = build(article_and_sentences, sentence=1, speaker="Ilham Aliyev", stance="support")
    assert stance.target == "Iranian President Masoud Pezeshkian"
    assert build(article_and_sentences, sentence=3, speaker="Aliyev", stance="support") is None  # nobody addressed


def test_a_stance_toward_the_speakers_own_side_is_no_stance(article_and_sentences):
    assert build(article_and_sentences, sentence=1, speaker="Ilham Aliyev", stance="support", target="Azerbaijan") is None


def test_neutral_needs_the_sentence_to_say_so(article_and_sentences):
    said = build(article_and_sentences, sentence=2, speaker="Hakan Fidan", stance="neutral", target="Iran")
    assert said is not None and said.polarity == "neutral"
    assert build(article_and_sentences, sentence=3, speaker="Aliyev", stance="neutral", target="Iran") is None
