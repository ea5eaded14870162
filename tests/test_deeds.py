"""Stances from deeds: a verb or noun that takes a side, with named actors as
subject and object, in what the sentence asserts."""

from __future__ import annotations

import pytest

from summariser.articles import article_from_text
from summariser.deeds import stances_from_deeds
from summariser.nlp import parse
from summariser.prepass import split_sentences


def stances_in(sentence: str) -> list[tuple[str, str, str]]:
    article = article_from_text("Regional News\n\n" + sentence + "\n")
    doc = parse(article.text)
    found = stances_from_deeds(doc, split_sentences(article, doc), article)
    for stance in found:
        assert article.text[stance.evidence.start:stance.evidence.end] == stance.evidence.text
    return sorted((s.holder, s.polarity, s.target) for s in found)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Armenia has criticised Azerbaijan since 2016 for its use of drones.", [("Armenia", "oppose", "Azerbaijan")]),
        ("Israel and Turkey are both supporters of Azerbaijan.",
         [("Israel", "support", "Azerbaijan"), ("Turkey", "support", "Azerbaijan")]),
        ("Tehran provided war supplies to Armenia during the conflict.", [("Iran", "support", "Armenia")]),
        ("Armenia was attacked by Azerbaijan in September.", [("Azerbaijan", "oppose", "Armenia")]),
        ("Azerbaijani President Ilham Aliyev praised Israel for its help.", [("Azerbaijan", "support", "Israel")]),
        ("Armenia condemned the United Nations for its silence.", [("Armenia", "oppose", "United Nations")]),
    ],
)
def test_a_deed_toward_a_named_actor_is_a_stance(sentence, expected):
    assert stances_in(sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "Baku said it would never let Israel attack Iran from its soil.",  # hypothetical, reported
        "Armenia did not criticise Azerbaijan at the summit.",  # negated
        "Armenia criticised the delay in the talks.",  # the object is not an actor
        "He criticised Azerbaijan in a long speech.",  # the subject is a pronoun
        "Azerbaijan criticised Azerbaijani officials.",  # one side
    ],
)
def test_no_stance_without_an_asserted_deed_between_two_named_sides(sentence):
    assert stances_in(sentence) == []
