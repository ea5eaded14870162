"""A member's 'support' of their own party is no stance; the party is the one
the article writes at their name ("Republican Sen. Cole", "Banks, R-Ind.")."""

from __future__ import annotations

import pytest

from summariser.articles import article_from_text
from summariser.prepass import split_sentences
from summariser.questions import SpeechAct
from summariser.rules import party_named, speaker_party, stance_from

TEXT = (
    "Budget Talks\n"
    "\n"
    "Ohio Republican Sen. Ada Cole told reporters that the plan was a win for Republicans.\n"  # [1]
    "\"This is a base issue for Republicans,\" Rep. Tom Birch, R-Ind., told a radio station.\n"  # [2]
    "Rep. Lena Voss of Oregon, the top Democrat on the panel, said Democrats could work with that figure.\n"  # [3]
    "Cole said Democrats had stalled the talks for weeks.\n"  # [4]
    "Birch said Republicans had failed voters on the budget.\n"  # [5]
    "Mayor Ivo Stark said Republicans had been generous to the city.\n"  # [6]
)


@pytest.fixture(scope="module")
def sentences():
    article = article_from_text(TEXT)
    return article, {s.number: s for s in split_sentences(article)}


def stance(sentences, number: int, speaker: str, polarity: str, target: str):
    article, by_number = sentences
    act = SpeechAct(sentence=number, speaker=speaker, stance=polarity, target=target, topic="budget")
    return stance_from(act, by_number[number], article)


@pytest.mark.parametrize(
    ("speaker", "party"),
    [("Ada Cole", "Republicans"), ("Cole", "Republicans"), ("Tom Birch", "Republicans"), ("Lena Voss", "Democrats"),
     ("Ivo Stark", None)],
)
def test_the_party_written_at_a_speakers_name(speaker, party):
    assert speaker_party(TEXT, speaker) == party


def test_party_words_in_a_name():
    assert party_named("House Democrats") == "Democrats"
    assert party_named("the GOP") == "Republicans"
    assert party_named("Democrats and Republicans") is None
    assert party_named("Trump") is None


@pytest.mark.parametrize(
    ("number", "speaker", "target"),
    [(1, "Ada Cole", "Republicans"), (2, "Tom Birch", "Republicans"), (3, "Lena Voss", "Democrats")],
)
def test_support_of_ones_own_party_is_no_stance(sentences, number, speaker, target):
    assert stance(sentences, number, speaker, "support", target) is None


def test_stances_toward_the_other_party_or_against_ones_own_are_kept(sentences):
    other = stance(sentences, 4, "Cole", "oppose", "Democrats")
    assert (other.holder, other.polarity, other.target) == ("Cole", "oppose", "Democrats")
    own = stance(sentences, 5, "Birch", "oppose", "Republicans")  # criticism of one's own party is a position
    assert (own.holder, own.polarity, own.target) == ("Birch", "oppose", "Republicans")
    unknown = stance(sentences, 6, "Ivo Stark", "support", "Republicans")  # no party at his name
    assert unknown is not None and unknown.target == "Republicans"
