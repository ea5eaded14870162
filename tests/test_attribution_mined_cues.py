"""Cues mined from annotated news (bench/mine_cues.py): each construction
gives one attribution with its source and content, and the words' other
senses give none. All sentences are made up for these tests."""

from __future__ import annotations

import pytest

from summariser import nlp
from summariser.attribution import Attribution, find_attributions


def find(text: str) -> list[Attribution]:
    doc = nlp.parse(text)
    return find_attributions(doc, nlp.sentence_spans(doc))


def only(text: str) -> tuple[str, str | None, str]:
    """The one attribution of ``text`` as (cue, source, content), each checked
    against its offsets."""
    found = find(text)
    assert len(found) == 1, found
    a = found[0]
    for span in (a.cue, a.content, a.source):
        assert span is not None
        assert text[span.start : span.end] == span.text
    return a.cue.text, a.source.text, a.content.text


@pytest.mark.parametrize(
    "text, expected",
    [
        ("The senator implied that the deal was dead.", ("implied", "The senator", "the deal was dead")),
        ("Ms. Ortiz learned that the vote had been delayed.", ("learned", "Ms. Ortiz", "the vote had been delayed")),
        ("The letter read that the council had violated the rules.",
         ("read", "The letter", "the council had violated the rules")),
        ("The aide declined to specify the nature of the talks.",
         ("declined", "The aide", "to specify the nature of the talks")),
        ("The governor prefers to negotiate with the unions.",
         ("prefers", "The governor", "to negotiate with the unions")),
    ],
)
def test_a_clause_or_an_infinitive_after_a_mined_cue(text, expected) -> None:
    assert only(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("He listed three reasons for the veto.", ("listed", "He", "three reasons for the veto")),
        ("The mayor repeated his claim about the budget.", ("repeated", "The mayor", "his claim about the budget")),
        ("The candidate retweeted a post mocking the mayor.",
         ("retweeted", "The candidate", "a post mocking the mayor")),
        ("The senator bemoaned the lack of progress on the bill.",
         ("bemoaned", "The senator", "the lack of progress on the bill")),
        ("The governor outlined a plan to cut property taxes.",
         ("outlined", "The governor", "a plan to cut property taxes")),
        ("She articulated a vision of a smaller state.", ("articulated", "She", "a vision of a smaller state")),
        ("The senator declared victory in the primary.", ("declared", "The senator", "victory in the primary")),
        ("The protesters chanted slogans against the new tax.",
         ("chanted", "The protesters", "slogans against the new tax")),
        ("The judge deemed the evidence inadmissible.", ("deemed", "The judge", "the evidence inadmissible")),
        ('The senator dubbed the plan "a tax on the poor."', ("dubbed", "The senator", 'the plan "a tax on the poor."')),
    ],
)
def test_an_object_after_a_mined_cue(text, expected) -> None:
    assert only(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Sanders cast the Clintons as part of the establishment.",
         ("cast", "Sanders", "the Clintons as part of the establishment")),
        ("She portrayed the governor as a coward.", ("portrayed", "She", "the governor as a coward")),
        ("He framed the vote as a test of loyalty.", ("framed", "He", "the vote as a test of loyalty")),
        ("Rivera cited the report as proof of fraud.", ("cited", "Rivera", "the report as proof of fraud")),
        ("They dismissed him as a showman.", ("dismissed", "They", "him as a showman")),
        ("She defended the plan as a fair compromise.", ("defended", "She", "the plan as a fair compromise")),
        ("He likened the airport to a third-world terminal.",
         ("likened", "He", "the airport to a third-world terminal")),
        ("Lee thanked the volunteers for their hard work.", ("thanked", "Lee", "the volunteers for their hard work")),
        ("She slammed the mayor for the delays.", ("slammed", "She", "the mayor for the delays")),
        ("The senator hinted at a run for governor.", ("hinted", "The senator", "a run for governor")),
        ("Diaz pushed for a higher minimum wage.", ("pushed", "Diaz", "a higher minimum wage")),
        ("He vouched for the nominee.", ("vouched", "He", "the nominee")),
        ("The company balked at the proposed merger.", ("balked", "The company", "the proposed merger")),
        ("Kim opened up about her struggle with depression.", ("opened up", "Kim", "her struggle with depression")),
    ],
)
def test_a_prepositional_object_after_a_mined_cue(text, expected) -> None:
    assert only(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Iran recalled its ambassador from Baku.",  # a diplomat withdrawn, not a memory told
        "The troops pushed the rebels out of the valley.",  # "push" with no "for": force, not a stance
        "The voters cast their ballots early.",  # "cast" with no "as": a vote, not a portrayal
        "Azerbaijan's efforts portray their desire to lead the region.",  # "portray" with no "as": shows
        "Oil prices declined to their lowest level in a decade.",  # "decline" without an infinitive
        "He read the book twice.",  # "read" without a clause
        "She opened the door and left.",  # "open" with no "about"
        "The two leaders discussed whether the talks should resume.",  # a meeting's topic, not a statement
    ],
)
def test_other_senses_of_the_mined_cues_give_nothing(text) -> None:
    assert find(text) == []
