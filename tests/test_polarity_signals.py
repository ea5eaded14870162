"""A stance's polarity and topic checked against the sentence, after the model answers."""

from __future__ import annotations

import pytest

from summariser.datamodel import Evidence, Stance


def said(sentence: str, holder: str, polarity: str, target: str, start: int = 0) -> Stance:
    return Stance(holder=holder, target=target, topic="t", polarity=polarity,
                  evidence=Evidence(start=start, end=start + len(sentence), text=sentence))


# --------------------------------------------------------------------------
# Two readings of one sentence that contradict each other
# --------------------------------------------------------------------------

BOTH_WAYS = ("Harlan told reporters that “we have to fight back” against the inquiry, saying the Greens “are ruthless "
             "and they stick together.”")


def test_opposite_readings_of_one_sentence_are_both_dropped_and_counted():
    from summariser.extract import _one_reading_each

    readings = [said(BOTH_WAYS, "Harlan", "support", "Greens"), said(BOTH_WAYS, "harlan", "oppose", "Greens"),
                said(BOTH_WAYS, "Harlan", "oppose", "Ellis")]
    dropped = []
    assert _one_reading_each(readings, dropped) == [readings[2]]
    assert [d.kind for d in dropped] == ["stance", "stance"]
    assert all("does not say which" in d.reason for d in dropped)
    assert "'support' of Greens" in dropped[0].reason and "'oppose'" in dropped[0].reason


def test_readings_that_agree_or_are_in_other_sentences_stand():
    from summariser.extract import _one_reading_each

    readings = [said(BOTH_WAYS, "Harlan", "oppose", "Greens"), said(BOTH_WAYS, "Harlan", "oppose", "Greens"),
                said(BOTH_WAYS, "Harlan", "support", "Greens", start=500),  # another sentence
                said(BOTH_WAYS, "Moss", "support", "Greens"),  # another holder
                said(BOTH_WAYS, "Harlan", "deny", "Ellis"), said(BOTH_WAYS, "Harlan", "oppose", "Ellis")]  # not opposite
    dropped = []
    assert _one_reading_each(readings, dropped) == readings
    assert dropped == []


def test_where_the_parse_settles_the_polarity_the_reading_that_agrees_stands():
    from summariser.extract import _one_reading_each, _parse_agrees

    sentence = "Ankara would not allow Athens to station troops on the islands, the minister said."
    readings = [said(sentence, "Turkey", "support", "Greece"), said(sentence, "Turkey", "oppose", "Greece")]
    deed = said(sentence, "Turkey", "oppose", "Greece")
    dropped = []
    assert _one_reading_each(_parse_agrees(readings, [deed], dropped), dropped) == [readings[1]]
    assert len(dropped) == 1 and "'support' of Greece" in dropped[0].reason


# --------------------------------------------------------------------------
# Words that set the target as the one opposed
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "target", "dropped"),
    [
        ("“The verdict is a victory in the fight against the Halvorsen administration’s plans,” said Mira Cole.",
         "Halvorsen", True),
        ("“I understand political attacks by Liberals, but the trip was planned long ago,” Varga said.", "Liberals", True),
        ("Senior Greens plan to investigate claims the Halvorsen government sold state land to donors.",
         "Halvorsen government", True),
        ("The summonses were issued to harass Governor Halvorsen, his lawyer said.", "Halvorsen", True),
        ("Moss said the ruling would upend the Clean Water Act.", "Clean Water Act", True),
        ("Moss called for a probe into Halvorsen over the land sales.", "Halvorsen", True),
        ("Moss said the corrupt Halvorsen government had to go.", "Halvorsen", True),
        ("Moss said Halvorsen was deeply corrupt.", "Halvorsen", True),
        ("Moss has called for Governor Halvorsen's impeachment, her campaign said.", "Halvorsen", True),
        ("Moss said it was time to impeach Halvorsen.", "Halvorsen", True),
        ("Moss demanded Governor Halvorsen’s resignation over the land sales.", "Halvorsen", True),
        # Of the same shape, but the target is not the one opposed: kept.
        ("Moss praised Varga for standing against Halvorsen.", "Varga", False),
        ("Britain will stand with the United States in the fight against terrorism, the minister said.",
         "United States", False),
        ("Moss said the investigation by Halvorsen was thorough.", "Halvorsen", False),
        ("Moss said she had nothing against Halvorsen and would vote for him.", "Halvorsen", False),
        ("Moss accepted Halvorsen's resignation with regret.", "Halvorsen", False),
        ("“The rule is unconscionable and unethical,” said Dr. Ann Lee, president of the Rivers Clinic.",
         "Rivers Clinic", False),
    ],
    ids=["fight against", "attacks by", "investigate claims", "harass", "upend", "probe into", "corrupt before",
         "corrupt after", "called for impeachment", "impeach", "demanded resignation", "praised for standing against another", "fight against terrorism beside an ally",
         "investigation by the target", "nothing against", "resignation accepted", "condemnation of something else"],
)
def test_support_of_the_one_the_words_oppose_is_a_conflict(sentence, target, dropped):
    from summariser.rules import polarity_conflict

    found = polarity_conflict(said(sentence, "X", "support", target), sentence)
    assert (found is not None) == dropped, found
    if dropped:
        assert found.startswith(f"polarity: 'support' of {target}, but the sentence says")


def test_an_oppose_next_to_words_against_the_target_stands():
    from summariser.rules import polarity_conflict

    sentence = "Senior Greens plan to investigate claims the Halvorsen government sold state land to donors."
    assert polarity_conflict(said(sentence, "Greens", "oppose", "Halvorsen government"), sentence) is None


# --------------------------------------------------------------------------
# Asking is no support
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "dropped"),
    [
        ("The Greens could also formally ask Halvorsen to hand over the files.", True),
        ("Moss asked Governor Halvorsen to resign.", True),
        ("The committee requested Halvorsen to release his accounts.", True),
        ("Moss implored Halvorsen to reconsider.", True),
        # Of the same shape, but no request of the target: kept.
        ("Moss asked whether Halvorsen had helped the town, and praised him.", False),
        ("Moss thanked Halvorsen for agreeing to help.", False),
    ],
)
def test_support_of_the_one_asked_is_no_stance(sentence, dropped):
    from summariser.rules import asked_of_target

    found = asked_of_target(said(sentence, "Greens", "support", "Halvorsen"), sentence)
    assert (found is not None) == dropped, found


# --------------------------------------------------------------------------
# Topics in the sentence's own words
# --------------------------------------------------------------------------

TOPIC_SENTENCE = ("Conservative Supreme Court Justices Neil Gorsuch and Brett Kavanaugh said the state fast-tracked "
                  "sensitive details on U.S. nuclear technologies to its allies.")


@pytest.mark.parametrize(
    ("topic", "kept"),
    [
        ("fast-tracked sensitive details on U.S.核", None),  # a character the sentence does not hold
        ("nuclear talks with Riyadh", None),  # words the sentence does not hold
        ("Conservative Supreme Court Justices Neil", "Conservative Supreme Court Justices"),  # cut at the cap
        ("Gorsuch and Brett Kavanaugh said the sta", "Gorsuch and Brett Kavanaugh"),  # and what dangles before the cut
        ("the state fast-tracked sensitive details", "the state fast-tracked sensitive details"),  # at the cap, but whole
        ("technology details", "technology details"),  # an inflection of the sentence's word
        ("sensitive nuclear details for allies", "sensitive nuclear details for allies"),
        ("U.S. nuclear technologies", "U.S. nuclear technologies"),
        ("Kavanaugh's sensitive details,", "Kavanaugh's sensitive details"),  # a possessive is no word of its own
    ],
)
def test_a_topic_is_kept_only_in_the_sentences_words(topic, kept):
    from summariser.questions import grounded_topic

    assert grounded_topic(topic, TOPIC_SENTENCE) == kept


def test_an_ungrounded_topic_gives_the_stance_the_default_topic():
    from summariser.articles import article_from_text
    from summariser.prepass import split_sentences
    from summariser.questions import QuestionContext, SpeechAct, repair_speech_act
    from summariser.rules import stance_from

    text = "Talks\n\nMoss criticised Halvorsen for selling state land to donors.\n"
    article = article_from_text(text)
    sentences = {s.number: s for s in split_sentences(article)}
    ctx = QuestionContext(article=article, sentences=sentences)
    topics = {}
    for topic in ("state land sales核", "selling state land"):
        act, _ = repair_speech_act(SpeechAct(sentence=1, speaker="Moss", stance="oppose", target="Halvorsen", topic=topic), ctx)
        topics[topic] = stance_from(act, sentences[1], article).topic
    assert topics == {"state land sales核": "relations", "selling state land": "selling state land"}


@pytest.mark.parametrize(
    ("sentence", "dropped"),
    [
        ("He declined to comment on a report in The Harbor Ledger that Moss had left the country.", True),
        ("A spokesman for Moss did not immediately respond to the Harbor Ledger.", True),
        ("Moss refused to discuss the Harbor Ledger report.", True),
        # More was said than no comment: the words decide.
        ("He declined to comment on the timing, but said the Harbor Ledger report was false.", False),
        ("Moss told the Harbor Ledger that the report was false.", False),
    ],
    ids=["declined to comment", "did not respond", "refused to discuss", "declined but said", "told"],
)
def test_declining_to_comment_takes_no_position(sentence, dropped):
    from summariser.rules import said_nothing

    found = said_nothing(said(sentence, "Moss", "deny", "Harbor Ledger"), sentence)
    assert (found is not None) == dropped, found
