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


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # Withholding permission, asking someone to stop, overriding their veto: against them.
        ("Ankara would not allow Athens to station troops on the islands.", [("Turkey", "oppose", "Greece")]),
        ("The Senate voted to override Obama's veto of the pipeline bill.", [("Senate", "oppose", "Obama")]),
        ("Senator Kay Brandt called on Governor Tom Ellis to end his campaign of chaos.",
         [("Kay Brandt", "oppose", "Tom Ellis")]),
        ("Tehran is wary of Baku's growing ties with the Gulf states.", [("Iran", "oppose", "Azerbaijan")]),
    ],
)
def test_the_polarity_of_a_deed_comes_from_what_it_does_to_the_target(sentence, expected):
    assert stances_in(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # The outlet relays; the deed is the actor's.
        ("NBC reported that Senator Ann Holt slammed Governor Bill Marsh over the delay.",
         [("Ann Holt", "oppose", "Bill Marsh")]),
        # The speaker's own side reports its own position; the state they are posted to is not their side.
        ("The Azeri ambassador to Israel, Mukhtar Mammadov, told The Times that Baku would not allow the Israeli "
         "army to use its airfields.", [("Azerbaijan", "oppose", "Israel")]),
    ],
)
def test_the_holder_is_the_actor_not_whoever_relays_the_deed(sentence, expected):
    assert stances_in(sentence) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The Senate voted against the farm bill on Tuesday.", [("Senate", "oppose", "farm bill")]),
        ("Greenpeace sued ExxonMobil over the spill.", [("Greenpeace", "oppose", "ExxonMobil")]),
        ("Senator Ann Holt endorsed Mayor Bill Marsh in March.", [("Ann Holt", "support", "Bill Marsh")]),
        ("Ellis faced criticism from Democrats over the timing of the vote.", [("Democrats", "oppose", "Ellis")]),
        ("Marsh, who has blasted Holt for months, stayed home.", [("Marsh", "oppose", "Holt")]),
        # A party in a title is not the subject; a bare apostrophe still makes an owner.
        ("Likely GOP nominee Donald Trump slammed Hillary Clinton.", [("Donald Trump", "oppose", "Hillary Clinton")]),
        ("Hosko praised Sessions’ work on law enforcement.", [("Hosko", "support", "Sessions")]),
        ("The Enquirer's owner, David Pecker, is a friend of Trump’s.", [("David Pecker", "support", "Trump")]),
    ],
)
def test_deeds_beyond_speech_toward_actors_and_named_measures(sentence, expected):
    assert stances_in(sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "NBC reported that Holt would attack Marsh if he ran.",  # a condition asserts nothing
        "Reuters said Holt did not criticise Marsh.",  # negated
        "Marsh said Holt slammed the governor's office.",  # reported by another side: Marsh's claim
        "Ankara allowed the ships to dock.",  # no side named in what was allowed
        "Ryan defended his plans on Sunday.",  # a measure a pronoun owns is not named
        "Obama vetoed the first bill sent to him.",  # nor one an ordinal picks out
    ],
)
def test_no_stance_where_the_deed_is_not_given_as_the_holders(sentence):
    assert stances_in(sentence) == []


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The two ministers also discussed Ankara’s trade deal with Athens and its support for Ukraine.",
         [("Turkey", "support", "Ukraine")]),  # "its" is Ankara, not the nearer Athens
        ("The envoys praised Greece’s ties with Cyprus and its support for the Ukraine aid bill.",
         [("Greece", "support", "Ukraine aid bill")]),
    ],
)
def test_a_possessive_pronoun_of_a_conjoined_stance_noun_is_the_first_conjuncts_owner(sentence, expected):
    found = [s for s in stances_in(sentence) if s[1] == "support" and s[2] != "Cyprus"]
    assert found == expected
