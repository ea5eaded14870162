"""Merge tests on hand-built extractions of the real seed articles.

Every extraction below is what a careful extractor could return for the seed
texts: evidence is located with ``text.index`` so ``text[start:end]`` is the
evidence verbatim, exactly as the per-article validator requires.
"""

from __future__ import annotations

import difflib
import json
import random
import re
from pathlib import Path

import pytest

from summariser.articles import article_from_text
from summariser.canonical import canonical_json, review_json, sha256_text
from summariser.diff import diff_dossiers
from summariser.happenings import events_left_out
from summariser.nlp import parse
from summariser.prepass import split_sentences
from summariser.rules import entities_of, speaker_role, speaker_side
from summariser.merge import (
    EVENT_SIM_WITH_SHARED_PARTICIPANT,
    _same_doing,
    STATEMENT_SIM,
    figures,
    merge,
    merge_traced,
    similarity,
    statements_match,
    text_key,
    topics_match,
)
from summariser.datamodel import (
    ArticleExtraction,
    ArticleMeta,
    Entity,
    Event,
    Evidence,
    Participant,
    Stance,
    Statement,
    Usage,
)

SEEDS = Path(__file__).resolve().parents[1] / "seeds"

A000 = "42ea9305e4fd82ff"  # Iran says Azerbaijan denies ... (June 2025)
A001 = "301e08e2ee5a4c49"  # Azerbaijan will not allow Israel ... (Dec 2022)
A002 = "6dd892b7e9f94d3a"  # Pezeshkian/Aliyev phone conversation (no date)
A003 = "7e6c0d4b9196c354"  # Tensions elevate between Iran and Azerbaijan (no date)
A004 = "196baa326f068f44"  # Azerbaijan, Israel discuss 'Iranian threat' (June 2023)

PUBLISHED = {A000: "2025-06-26", A001: "2022-12-16", A002: None, A003: None, A004: "2023-06-01"}


def seed_text(article_id: str) -> str:
    (path,) = SEEDS.glob(f"*_{article_id}.txt")
    return path.read_text(encoding="utf-8").replace("\r\n", "\n")


def ev(text: str, quote: str) -> Evidence:
    """The evidence span of ``quote`` in ``text``, verbatim.

    The seeds contain non-breaking spaces; a plain space in ``quote`` matches
    any single space character so the tests stay readable, and the evidence
    keeps the article's own characters.
    """
    pattern = r"\s".join(re.escape(part) for part in quote.split(" "))
    match = re.search(pattern, text)
    assert match, f"not in the article: {quote!r}"
    start = match.start()
    assert text.index(match.group()) == start
    return Evidence(text=match.group(), start=start, end=match.end())


def extraction(article_id: str, *, statements=(), events=(), stances=(), entities=(), calls=1) -> ArticleExtraction:
    text = seed_text(article_id)
    return ArticleExtraction(
        article=ArticleMeta(
            id=article_id, title=text.strip().splitlines()[0][:80], published=PUBLISHED[article_id],
            paths=[f"seeds/{article_id}.txt"], content_hash=sha256_text(text), chars=len(text),
        ),
        statements=list(statements), events=list(events), stances=list(stances), entities=list(entities),
        usage=Usage(calls=calls, prompt_tokens=100 * calls, completion_tokens=10 * calls),
        model="test-model", prompt_version="p1",
    )


def x000() -> ArticleExtraction:
    t = seed_text(A000)
    return extraction(
        A000,
        entities=[
            Entity(name="Masoud Pezeshkian", type="person",
                   mentions=["Iran’s newly elected President Masoud Pezeshkian", "Pezeshkian"]),
            Entity(name="Ilham Aliyev", type="person", mentions=["Azerbaijani President Ilham Aliyev", "President Aliyev"]),
            Entity(name="Jeyhun Bayramov", type="person"),
            Entity(name="Azerbaijan", type="country", mentions=["Baku"]),
            Entity(name="Iran", type="country", mentions=["Tehran"]),
            Entity(name="Israel", type="country"),
            Entity(name="Tehran", type="place"),  # where the debate took place
        ],
        events=[
            Event(summary="Phone call between Pezeshkian and Aliyev", event_type="phone_call", date_text="Thursday",
                  participants=[Participant(name="Masoud Pezeshkian"), Participant(name="Ilham Aliyev")],
                  evidence=ev(t, "the clarification came during a phone call between Iran’s newly elected President "
                                 "Masoud Pezeshkian and Azerbaijani President Ilham Aliyev")),
            Event(summary="Israel launched airstrikes on Iranian military and nuclear facilities", event_type="attack",
                  date_text="June 13",
                  participants=[Participant(name="Israel", role="agent"), Participant(name="Iran", role="target")],
                  evidence=ev(t, "Israel launched a wave of coordinated airstrikes on June 13 targeting Iranian "
                                 "military and nuclear facilities")),
            Event(summary="Ceasefire between Israel and Iran came into effect", event_type="ceasefire",
                  date_text="on Tuesday",
                  participants=[Participant(name="Israel"), Participant(name="Iran")],
                  evidence=ev(t, "A ceasefire between the two nations was brokered and came into effect on Tuesday.")),
        ],
        statements=[
            Statement(speaker="President Aliyev", content="the Azerbaijani government would not in any way allow its "
                      "skies to be used against the friendly and brotherly country", kind="quote", addressee="Tehran",
                      evidence=ev(t, "the Azerbaijani government would not in any way allow its skies to be used "
                                     "against the friendly and brotherly country")),
            Statement(speaker="Azerbaijan’s Foreign Minister Jeyhun Bayramov", speaker_role="Foreign Minister",
                      content="will never allow its territory to be used for attacks on third countries, including "
                      "friendly Iran", kind="quote", date_text="At the onset of the war",
                      evidence=ev(t, "will never allow its territory to be used for attacks on third countries, "
                                     "including friendly Iran")),
            Statement(speaker="Pezeshkian", content="urged Baku to investigate reports alleging that Israel had used "
                      "Azerbaijani airspace", kind="paraphrase", addressee="Baku",
                      evidence=ev(t, "Pezeshkian urged Baku to investigate reports alleging that Israel had used "
                                     "Azerbaijani airspace")),
        ],
        stances=[
            Stance(holder="Azerbaijan", target="Iran", topic="use of Azerbaijani airspace against Iran",
                   polarity="oppose", speaker="President Aliyev",
                   evidence=ev(t, "President Aliyev dismissed the reports, assuring Tehran")),
            Stance(holder="Azerbaijan", target="Iran", topic="use of its territory for attacks on Iran",
                   polarity="oppose", speaker="Jeyhun Bayramov", date_text="At the onset of the war",
                   evidence=ev(t, "Azerbaijan “will never allow its territory to be used for attacks on third "
                                  "countries, including friendly Iran.”")),
        ],
    )


def x001() -> ArticleExtraction:
    t = seed_text(A001)
    return extraction(
        A001,
        entities=[
            Entity(name="Khazar Ibrahim", type="person", mentions=["Azeri Ambassador to the US Khazar Ibrahim", "Ibrahim"]),
            Entity(name="Azerbaijan", type="country", mentions=["Baku", "Azeri"]),
            Entity(name="Israel", type="country", mentions=["Tel Aviv"]),
            Entity(name="Benny Gantz", type="person", mentions=["Israel’s outgoing Defense Minister Benny Gantz"]),
        ],
        statements=[
            Statement(speaker="Azeri Ambassador to the US Khazar Ibrahim", content="Baku would not allow Tel Aviv to "
                      "attack Iran from its soil", kind="paraphrase", date_text="on 16 December",
                      evidence=ev(t, "Baku would not allow Tel Aviv to attack Iran from its soil")),
        ],
        stances=[
            Stance(holder="Baku", target="Iran", topic="use of its soil to attack Iran", polarity="oppose",
                   speaker="Khazar Ibrahim", date_text="on 16 December",
                   evidence=ev(t, "Baku would not allow Tel Aviv to attack Iran from its soil")),
        ],
        events=[
            Event(summary="Azerbaijan welcomed Israeli Defense Minister Benny Gantz", event_type="visit",
                  date_text="Back in October",
                  participants=[Participant(name="Benny Gantz", role="agent"), Participant(name="Azerbaijan", role="target")],
                  evidence=ev(t, "Back in October, Azerbaijan warmly welcomed Israel’s outgoing Defense Minister "
                                 "Benny Gantz")),
            Event(summary="Azerbaijan's parliament approved opening an embassy in Israel",
                  event_type="diplomatic_action", date_text="last month",
                  participants=[Participant(name="Baku", role="agent"), Participant(name="Israel", role="target")],
                  evidence=ev(t, "last month, it announced its parliament’s approval of opening an embassy in Israel")),
        ],
    )


def x002() -> ArticleExtraction:
    t = seed_text(A002)
    return extraction(
        A002,
        entities=[
            Entity(name="Masoud Pezeshkian", type="person", mentions=["President Pezeshkian", "Pezeshkian"]),
            Entity(name="Ilham Aliyev", type="person", mentions=["Azerbaijani President Ilham Aliyev", "President Aliyev"]),
            Entity(name="Israel", type="country", mentions=["Israeli regime"]),
        ],
        events=[
            Event(summary="Pezeshkian and Aliyev phone conversation", event_type="phone_call", date_text="on Thursday",
                  participants=[Participant(name="President Pezeshkian"),
                                Participant(name="Azerbaijani President Ilham Aliyev")],
                  evidence=ev(t, "President Pezeshkian made the remarks in a phone conversation with Azerbaijani "
                                 "President Ilham Aliyev on Thursday.")),
            Event(summary="Israeli regime attacked Iran, including nuclear facilities", event_type="attack",
                  participants=[Participant(name="Israeli regime", role="agent"), Participant(name="Iran", role="target")],
                  evidence=ev(t, "the Israeli regime acted in violation of international law by attacking Iran, "
                                 "including targeting nuclear facilities")),
            Event(summary="US bombed Iranian nuclear sites", event_type="attack",
                  date_text="on the eighth day of the conflict",
                  participants=[Participant(name="U.S.", role="agent"), Participant(name="Iran", role="target")],
                  evidence=ev(t, "the U.S., which later bombed Iranian nuclear sites on the eighth day of the conflict")),
            Event(summary="Iran struck a US base in Qatar", event_type="attack",
                  participants=[Participant(name="Iran", role="agent"), Participant(name="U.S.", role="target")],
                  evidence=ev(t, "Iran was then compelled to strike a U.S. base in Qatar")),
        ],
        statements=[
            Statement(speaker="Aliyev", content="his government maintains full control over its airspace and would "
                      "never permit it to be used against Iran", kind="paraphrase",
                      evidence=ev(t, "his government maintains full control over its airspace and would never permit "
                                     "it to be used against Iran")),
            Statement(speaker="Pezeshkian", content="Iran has never initiated any war", kind="paraphrase",
                      evidence=ev(t, "Iran has never initiated any war")),
        ],
        stances=[
            Stance(holder="Azerbaijan", target="Iran", topic="airspace use against Iran", polarity="oppose",
                   speaker="Aliyev",
                   evidence=ev(t, "would never permit it to be used against Iran")),
        ],
    )


def x003() -> ArticleExtraction:
    t = seed_text(A003)
    return extraction(
        A003,
        entities=[
            Entity(name="Ilham Aliyev", type="person", mentions=["Aliyev", "the president of Azerbaijan", "the Azeri president"]),
            Entity(name="Hossein Amir-Abdollahian", type="person",
                   mentions=["Iran’s Foreign Minister Hossein Amir-Abdollahian"]),
            Entity(name="Israel", type="country", mentions=["Zionist regime", "the Jewish state"]),
            Entity(name="Kata'ib Hezbollah", type="organization"),
            Entity(name="Abu Mahdi al-Muhandis", type="person"),
        ],
        statements=[
            Statement(speaker="Aliyev", content="Every country can conduct military drill, it’s their sovereign "
                      "right. But why now and why on our border?", kind="quote",
                      evidence=ev(t, "Every country can conduct military drill, it’s their sovereign right. But why "
                                     "now and why on our border?")),
            Statement(speaker="Iran’s Foreign Minister Hossein Amir-Abdollahian", content="We do not tolerate active "
                      "presence of Zionist regime in Azerbaijan against Iran.", kind="quote",
                      evidence=ev(t, "We do not tolerate active presence of Zionist regime in Azerbaijan against Iran.")),
            Statement(speaker="the president of Azerbaijan", content="We respect our sovereign rights and non "
                      "interference in our internal matters.", kind="quote",
                      evidence=ev(t, "We respect our sovereign rights and non interference in our internal matters.")),
        ],
        stances=[
            Stance(holder="Iran", target="Azerbaijan", topic="Zionist presence in Azerbaijan", polarity="oppose",
                   speaker="Hossein Amir-Abdollahian",
                   evidence=ev(t, "We do not tolerate active presence of Zionist regime in Azerbaijan against Iran.")),
            Stance(holder="Azerbaijan", target="Israel", topic="Israeli presence at the border", polarity="deny",
                   speaker="the president of Azerbaijan",
                   evidence=ev(t, "He denied the presence of Israel")),
        ],
        events=[
            Event(summary="Iranian army drills at the Azerbaijani border", event_type="military_activity",
                  participants=[Participant(name="Tehran", role="agent")],
                  evidence=ev(t, "The drills conducted by Tehran signal the recent escalations at the borders.")),
            Event(summary="Nagorno-Karabakh war claimed over 6,000 lives", event_type="casualties",
                  date_text="in September 2020",
                  participants=[Participant(name="Azerbaijan"), Participant(name="Armenia")],
                  evidence=ev(t, "The war that lasted over six weeks claimed over 6,000 lives.")),
        ],
    )


def x004() -> ArticleExtraction:
    t = seed_text(A004)
    return extraction(
        A004,
        entities=[
            Entity(name="Isaac Herzog", type="person", mentions=["Israeli President Isaac Herzog", "Herzog"]),
            Entity(name="Ilham Aliyev", type="person", mentions=["the Azeri President, Ilham Aliyev", "Aliyev"]),
            Entity(name="Mukhtar Mammadov", type="person", mentions=["the Azeri ambassador to Israel, Mukhtar Mammadov"]),
            Entity(name="Nikol Pashinyan", type="person", mentions=["Armenian Prime Minister Nikol Pashinyan"]),
            Entity(name="Azerbaijan", type="country", mentions=["Baku"]),
            Entity(name="Israel", type="country", mentions=["Tel Aviv"]),
            Entity(name="Armenia", type="country", mentions=["Yerevan"]),
            Entity(name="Baku", type="place"),  # the city Herzog visited
        ],
        statements=[
            Statement(speaker="Herzog", content="Visiting Azerbaijan is a dream come true for me and my nation",
                      kind="quote", evidence=ev(t, "Visiting Azerbaijan is a dream come true for me and my nation")),
            Statement(speaker="Armenian Prime Minister Nikol Pashinyan", content="Yerevan is ready to recognize the "
                      "disputed Nagorno-Karabakh as part of Azerbaijan", kind="paraphrase", date_text="On 22 May",
                      evidence=ev(t, "Yerevan is ready to recognize the disputed Nagorno-Karabakh as part of Azerbaijan")),
            Statement(speaker="the Azeri ambassador to Israel, Mukhtar Mammadov", content="Baku would not allow the "
                      "Israeli military to use Azerbaijan as a refueling base during a future attack against Iran",
                      kind="paraphrase", date_text="on 10 March",
                      evidence=ev(t, "Baku would not allow the Israeli military to use Azerbaijan as a refueling base "
                                     "during a future attack against Iran")),
        ],
        stances=[
            Stance(holder="Baku", target="Iran",
                   topic="use of Azerbaijani territory as a refueling base for attacks on Iran", polarity="oppose",
                   speaker="Mukhtar Mammadov", date_text="on 10 March",
                   evidence=ev(t, "Baku would not allow the Israeli military to use Azerbaijan as a refueling base "
                                  "during a future attack against Iran")),
        ],
        events=[
            Event(summary="Herzog visited Baku at Aliyev's invitation", event_type="visit",
                  participants=[Participant(name="Isaac Herzog", role="agent"), Participant(name="Ilham Aliyev")],
                  evidence=ev(t, "during his recent visit to Baku, at the invitation of the Azeri President, Ilham Aliyev")),
            Event(summary="Armenia accused Azerbaijan of threatening to resort to force", event_type="accusation",
                  date_text="on 29 May",
                  participants=[Participant(name="Armenia", role="agent"), Participant(name="Azerbaijan", role="target")],
                  evidence=ev(t, "on 29 May, Armenia accused Azerbaijan of threatening to resort to force")),
            Event(summary="Israel's Foreign Minister met his counterpart", event_type="meeting", date_text="Last month",
                  participants=[Participant(name="Israel’s Foreign Minister", role="agent")],
                  evidence=ev(t, "Last month, Israel’s Foreign Minister met with his Israeli counterpart")),
        ],
    )


ALL = (x000, x001, x002, x003, x004)


def dossier_of(*builders):
    return merge([b() for b in builders], model="test-model", prompt_version="p1")


@pytest.fixture(scope="module")
def dossier():
    return dossier_of(*ALL)


def entity_named(dossier, name):
    (entity,) = [e for e in dossier.entities if e.name == name]
    return entity


def source_articles(item) -> set[str]:
    return {s.article_id for s in item.sources}


# --------------------------------------------------------------------------
# Evidence of the builders themselves
# --------------------------------------------------------------------------


def test_hand_built_evidence_is_verbatim():
    for build in ALL:
        x = build()
        text = seed_text(x.article.id)
        for item in [*x.statements, *x.events, *x.stances]:
            assert text[item.evidence.start:item.evidence.end] == item.evidence.text


# --------------------------------------------------------------------------
# Entities
# --------------------------------------------------------------------------


def test_aliyev_is_one_entity_with_his_aliases(dossier):
    aliyev = entity_named(dossier, "Ilham Aliyev")
    assert aliyev.type == "person"
    for alias in ["Aliyev", "President Aliyev", "Azerbaijani President Ilham Aliyev", "the president of Azerbaijan"]:
        assert alias in aliyev.aliases
    assert aliyev.articles == sorted([A000, A002, A003, A004])
    assert not [e for e in dossier.entities if "Aliyev" in e.name and e.id != aliyev.id]


def test_capitals_are_state_aliases_but_places_stay_places(dossier):
    azerbaijan = entity_named(dossier, "Azerbaijan")
    assert azerbaijan.type == "country"
    assert {"Baku", "Azeri"} <= set(azerbaijan.aliases)
    assert "Tel Aviv" in entity_named(dossier, "Israel").aliases
    assert "Zionist regime" in entity_named(dossier, "Israel").aliases
    baku_city = entity_named(dossier, "Baku")
    assert baku_city.type == "place" and baku_city.articles == [A004]
    assert entity_named(dossier, "Tehran").type == "place"


# --------------------------------------------------------------------------
# Events
# --------------------------------------------------------------------------


def events_of_type(dossier, event_type):
    return [e for e in dossier.events if e.event_type == event_type]


def test_phone_call_is_one_event_from_both_articles(dossier):
    (call,) = events_of_type(dossier, "phone_call")
    assert source_articles(call) == {A000, A002}
    assert call.date is not None and call.date.iso == "2025-06-26"  # 000's Thursday; 002 has no date
    names = {e.id: e.name for e in dossier.entities}
    assert {names[p] for p in call.participants} == {"Masoud Pezeshkian", "Ilham Aliyev"}


def test_israeli_strikes_are_one_event_and_other_attacks_stay_apart(dossier):
    attacks = events_of_type(dossier, "attack")
    names = {e.id: e.name for e in dossier.entities}
    israeli = [e for e in attacks if "Israel" in {names[p] for p in e.participants} ]
    assert len(israeli) == 1 and source_articles(israeli[0]) == {A000, A002}
    assert israeli[0].date.iso == "2025-06-13"
    # The US strike and Iran's strike on the US base: same type, different agents.
    assert len(attacks) == 3
    assert all(len(e.sources) == 1 for e in attacks if e is not israeli[0])


def test_same_type_same_actors_different_days_stay_apart():
    first, second = x000(), x000()
    second = second.model_copy(update={"article": second.article.model_copy(update={"id": "later"}),
                                       "events": [second.events[0].model_copy(update={"date_text": "June 2"})]})
    d = merge([first, second], model="m", prompt_version="p")
    calls = events_of_type(d, "phone_call")
    assert len(calls) == 2
    assert sorted(c.date.iso for c in calls) == ["2025-06-02", "2025-06-26"]


def test_different_agents_keep_similar_attacks_apart():
    """Israel's and the US's strikes on Iranian nuclear sites read alike and
    share the target; the agent rule keeps them two events."""
    x = x002()
    israeli, us = x.events[1], x.events[2]
    israeli = israeli.model_copy(update={"summary": "strikes on Iranian nuclear sites", "date_text": None})
    us = us.model_copy(update={"summary": "strikes on Iranian nuclear sites", "date_text": None})
    d = merge([x.model_copy(update={"events": [israeli, us]})], model="m", prompt_version="p")
    assert len(events_of_type(d, "attack")) == 2
    same_agent = us.model_copy(update={"participants": israeli.participants})
    d = merge([x.model_copy(update={"events": [israeli, same_agent]})], model="m", prompt_version="p")
    assert len(events_of_type(d, "attack")) == 1


def test_different_sentences_of_one_article_stay_different_events():
    """One article tells several things about the same actor; loosely similar
    wording is enough across outlets, not within one article."""
    t = seed_text(A002)
    pezeshkian = [Participant(name="Pezeshkian", role="agent")]
    events = [
        Event(summary="Pezeshkian emphasized that Iran has never initiated any war", event_type="other",
              participants=pezeshkian, evidence=ev(t, "During the conversation, Pezeshkian emphasized that Iran has never initiated any war")),
        Event(summary="Pezeshkian said Iran was compelled to strike a U.S. base", event_type="other",
              participants=pezeshkian, evidence=ev(t, "Pezeshkian said Iran was then compelled to strike a U.S. base in Qatar.")),
    ]
    assert similarity(text_key(events[0].summary), text_key(events[1].summary)) >= EVENT_SIM_WITH_SHARED_PARTICIPANT
    d = merge([extraction(A002, events=events)], model="m", prompt_version="p")
    assert len(events_of_type(d, "other")) == 2
    # The same two summaries from two outlets do merge: the rule is per article.
    other = extraction(A002, events=events[1:])
    other = other.model_copy(update={"article": other.article.model_copy(update={"id": "another-outlet"})})
    d = merge([extraction(A002, events=events[:1]), other], model="m", prompt_version="p")
    assert len(events_of_type(d, "other")) == 1


# --------------------------------------------------------------------------
# One real event from several outlets: time, parties and type agree, wording differs
# --------------------------------------------------------------------------


def outlet_reporting(text: str, published: str) -> ArticleExtraction:
    """An article (not a seed) whose events are what the parse finds in it."""
    article = article_from_text(text, published=published)
    doc = parse(article.text)
    events = events_left_out(doc, split_sentences(article, doc), article, cited=set())
    return ArticleExtraction(article=article.meta, events=events, entities=entities_of([], events, []),
                             model="test-model", prompt_version="p1")


BORIC_MILEI_THURSDAY = (
    "Boric and Milei Talk Gas\n\nChilean President Gabriel Boric held a phone call with Argentine President "
    "Javier Milei on Thursday.\n")
# Another outlet, the same call: its own wording, no date in the sentence.
READOUT = (
    "Gas Talks\n\nAccording to a readout from the Chilean presidency, the offer came during a phone call between "
    "Chile’s newly elected President Gabriel Boric and Argentine President Javier Milei.\n")
BORIC_LULA_THURSDAY = (
    "Boric and Lula\n\nChilean President Gabriel Boric held a phone call with Brazilian President Luiz Inacio "
    "Lula da Silva on Thursday.\n")
BORIC_MILEI_A_WEEK_LATER = (
    "Boric and Milei Again\n\nChilean President Gabriel Boric held a phone call with Argentine President Javier "
    "Milei on March 20.\n")


def calls_by_sources(*articles: tuple[str, str]) -> tuple[list[frozenset[str]], list[str]]:
    """Each phone call of the merged dossier as the set of its sources' titles; and the titles by article."""
    extractions = [outlet_reporting(text, published) for text, published in articles]
    d = merge(extractions, model="m", prompt_version="p")
    titles = {x.article.id: x.article.title for x in extractions}
    calls = [frozenset(titles[s.article_id] for s in e.sources) for e in events_of_type(d, "phone_call")]
    return calls, [x.article.title for x in extractions]


def test_one_call_reported_by_two_outlets_in_different_words_is_one_event():
    calls, _ = calls_by_sources((BORIC_MILEI_THURSDAY, "2025-03-14"), (READOUT, "2025-03-14"))
    assert calls == [frozenset({"Boric and Milei Talk Gas", "Gas Talks"})]


def test_calls_with_different_parties_or_on_different_days_stay_apart():
    calls, _ = calls_by_sources(
        (BORIC_MILEI_THURSDAY, "2025-03-14"), (READOUT, "2025-03-14"),
        (BORIC_LULA_THURSDAY, "2025-03-14"), (BORIC_MILEI_A_WEEK_LATER, "2025-03-21"),
    )
    assert sorted(calls, key=sorted) == sorted([
        frozenset({"Boric and Milei Talk Gas", "Gas Talks"}),  # the undated readout was out before March 20
        frozenset({"Boric and Lula"}),  # the same day and the same caller, another party
        frozenset({"Boric and Milei Again"}),  # the same parties, another day
    ], key=sorted)


def test_every_list_is_in_id_order(dossier):
    # Not by date or name: an item whose date or name changes stays where it is in the file.
    for section in ("articles", "entities", "events", "statements", "stances", "disputes"):
        ids = [item.id for item in getattr(dossier, section)]
        assert ids == sorted(ids), section


# --------------------------------------------------------------------------
# Statements
# --------------------------------------------------------------------------


def test_aliyev_denial_is_one_statement_with_both_sources(dossier):
    aliyev = entity_named(dossier, "Ilham Aliyev")
    denial = [s for s in dossier.statements if s.speaker == aliyev.id and source_articles(s) == {A000, A002}]
    assert len(denial) == 1
    (statement,) = denial
    # One source quotes, the other paraphrases: both kinds stay visible.
    assert statement.kind == "quote"
    assert {s.kind for s in statement.sources} == {"quote", "paraphrase"}
    assert statement.content.startswith("the Azerbaijani government would not")
    # Aliyev's other statements (drills, sovereignty) were not swallowed.
    assert len([s for s in dossier.statements if s.speaker == aliyev.id]) == 3


def test_two_sentences_of_one_article_are_two_statements():
    t = seed_text(A002)
    said = [
        Statement(speaker="Pezeshkian", content="Iran was then compelled to strike a U.S. base in Qatar",
                  kind="paraphrase", evidence=ev(t, "Pezeshkian said Iran was then compelled to strike a U.S. base in Qatar.")),
        Statement(speaker="Pezeshkian", content="he clarified to the Qatari Emir that the action on the U.S. base was "
                  "limited to the American facility", kind="paraphrase",
                  evidence=ev(t, "He also said that later he clarified to the Qatari Emir that the action was limited to the American facility")),
    ]
    keys = [text_key(x.content) for x in said]
    assert statements_match(*keys) and similarity(*keys) < 80, "loosely alike, as paraphrases across outlets are"
    d = merge([extraction(A002, statements=said)], model="m", prompt_version="p")
    assert len(d.statements) == 2
    # From two outlets, the same pair is one statement with two sources.
    other = extraction(A002, statements=said[1:])
    other = other.model_copy(update={"article": other.article.model_copy(update={"id": "another-outlet"})})
    d = merge([extraction(A002, statements=said[:1]), other], model="m", prompt_version="p")
    assert len(d.statements) == 1 and len(d.statements[0].sources) == 2


def test_statements_sharing_few_words_stay_apart():
    praised = text_key("Aliyev praised the defense cooperation between Tel Aviv and Baku, accrediting Azerbaijan’s "
                       "access to modern military equipment to its strong relations with Israel.")
    hoped = text_key("He also voiced hope for expanded cooperation between Iran and Azerbaijan.")
    assert similarity(praised, hoped) >= STATEMENT_SIM, "token_set_ratio alone would merge them"
    assert not statements_match(praised, hoped)


def test_the_speakers_own_name_does_not_make_statements_alike():
    """'President Aliyev invited ...' and '... claims made by the president of
    Azerbaijan, Ilham Aliyev, regarding drills' share only Aliyev's own name
    and title; they are two statements."""
    invited = "President Aliyev also invited his Iranian counterpart to attend the upcoming ECO summit in Azerbaijan"
    claims = ("This accusation came in response to claims made by the president of Azerbaijan, Ilham Aliyev, "
              "regarding the military presence and subsequent drills conducted at the borders, by the Iranian army.")
    assert statements_match(text_key(invited), text_key(claims)), "with the name words they look alike"
    a = extraction(A002, statements=[Statement(speaker="Ilham Aliyev", content=invited, kind="paraphrase",
                                               evidence=ev(seed_text(A002), invited))])
    b = extraction(A003, statements=[Statement(speaker="Ilham Aliyev", content=claims, kind="paraphrase",
                                               evidence=ev(seed_text(A003), claims))])
    d = merge([a, b], model="m", prompt_version="p")
    (aliyev,) = {s.speaker for s in d.statements}
    assert len(d.statements) == 2


def test_statement_threshold_separates_seed_pairs():
    same = similarity(
        text_key("the Azerbaijani government would not in any way allow its skies to be used against the friendly "
                 "and brotherly country"),
        text_key("his government maintains full control over its airspace and would never permit it to be used "
                 "against Iran"),
    )
    different = similarity(
        text_key("Every country can conduct military drill, it’s their sovereign right. But why now and why on our border?"),
        text_key("We respect our sovereign rights and non interference in our internal matters."),
    )
    assert different < STATEMENT_SIM <= same
    assert not statements_match(text_key("denied"), text_key("denied the reports of Israeli drones"))


# --------------------------------------------------------------------------
# Stances
# --------------------------------------------------------------------------


def test_azerbaijan_non_use_stance_is_a_dated_timeline(dossier):
    azerbaijan, iran = entity_named(dossier, "Azerbaijan"), entity_named(dossier, "Iran")
    (timeline,) = [s for s in dossier.stances if s.holder == azerbaijan.id and s.target == iran.id]
    assert len(timeline.assertions) == 5
    dated = [a.date.iso for a in timeline.assertions if a.date and a.date.iso]
    assert dated == ["2022-12-16", "2023-03-10"]
    assert [a.source.article_id for a in timeline.assertions][:2] == [A001, A004]
    names = {e.id: e.name for e in dossier.entities}
    speakers = {names[a.speaker] for a in timeline.assertions}
    assert speakers == {"Khazar Ibrahim", "Mukhtar Mammadov", "Jeyhun Bayramov", "Ilham Aliyev"}
    assert timeline.latest_polarity == "oppose" and timeline.changed is False


def test_a_stance_toward_ones_own_side_makes_no_timeline():
    t = seed_text(A001)
    stance = Stance(holder="Azerbaijan", target="Baku", topic="relations", polarity="support",
                    evidence=ev(t, "Baku would not allow Tel Aviv to attack Iran from its soil"))
    d = merge([extraction(A001, stances=[stance])], model="m", prompt_version="p")
    assert d.stances == []
    other = stance.model_copy(update={"target": "Tel Aviv"})
    assert len(merge([extraction(A001, stances=[other])], model="m", prompt_version="p").stances) == 1


def test_topic_grouping_rule():
    assert topics_match(text_key("use territory"), text_key("airspace use"))
    assert not topics_match(text_key("use territory"), text_key("relations with Israel"))


def test_changed_polarity_is_flagged():
    x = x001()
    flipped = x.stances[0].model_copy(update={"polarity": "support", "date_text": "June 2025"})
    later = x.model_copy(update={"article": x.article.model_copy(update={"id": "zz-later"}), "stances": [flipped]})
    d = merge([x, later], model="m", prompt_version="p")
    (timeline,) = d.stances
    assert [a.polarity for a in timeline.assertions] == ["oppose", "support"]
    assert timeline.changed and timeline.latest_polarity == "support"


# --------------------------------------------------------------------------
# Disputes
# --------------------------------------------------------------------------


def test_accusation_and_denial_are_kept_side_by_side(dossier):
    iran, azerbaijan = entity_named(dossier, "Iran"), entity_named(dossier, "Azerbaijan")
    presence = [d for d in dossier.disputes if {c.by for c in d.claims} == {iran.id, azerbaijan.id}]
    assert len(presence) == 1
    claims = {c.by: c for c in presence[0].claims}
    assert "deny" in claims[azerbaijan.id].claim and "oppose" in claims[iran.id].claim
    assert all(c.sources and c.sources[0].article_id == A003 for c in presence[0].claims)


def test_conflicting_figures_make_a_dispute():
    x = x003()
    t = seed_text(A003)
    other = x.model_copy(update={
        "article": x.article.model_copy(update={"id": "zz-other"}),
        "events": [x.events[1].model_copy(update={"summary": "Nagorno-Karabakh war claimed over 5,000 lives"})],
        "statements": [], "stances": [],
    })
    d = merge([x, other], model="m", prompt_version="p")
    (war,) = events_of_type(d, "casualties")
    assert source_articles(war) == {A003, "zz-other"}
    (dispute,) = [p for p in d.disputes if p.topic == war.summary]
    assert sorted(c.claim for c in dispute.claims) == [
        "Nagorno-Karabakh war claimed over 5,000 lives", "Nagorno-Karabakh war claimed over 6,000 lives"]
    assert t  # the seed text is the evidence of both sides


def test_figures_ignore_years_and_dates():
    assert figures("killed 40 people on June 13 in 2025", ignore="June 13") == frozenset({"40"})


# --------------------------------------------------------------------------
# Determinism and stability
# --------------------------------------------------------------------------


def test_metadata_without_run_bookkeeping(dossier):
    assert [a.id for a in dossier.articles] == sorted(PUBLISHED)
    # Calls and tokens differ between runs that give the same story: they are
    # in the run record beside the dossier, not in it.
    assert dossier.run.model_dump() == {"model": "test-model", "prompt_version": "p1", "schema_version": "1"}


def test_order_independent(dossier):
    expected = canonical_json(dossier)
    rng = random.Random(7)
    for _ in range(5):
        xs = [b() for b in ALL]
        rng.shuffle(xs)
        xs = [x.model_copy(update={"events": rng.sample(x.events, len(x.events)),
                                   "stances": rng.sample(x.stances, len(x.stances))}) for x in xs]
        assert canonical_json(merge(xs, model="test-model", prompt_version="p1")) == expected


SECTIONS = ("articles", "disputes", "entities", "events", "stances", "statements")


def line_owners(dossier) -> list[str]:
    """For each line of the dossier as written (review_json): "section:item-id", or the top-level key."""
    lines = review_json(dossier).splitlines()
    plain = dossier.model_dump(mode="json")
    owners = ["dossier"] * len(lines)
    number = 1
    for key in sorted(plain):  # review_json sorts keys
        value = plain[key]
        height = len(review_json(value).splitlines())
        owners[number:number + height] = [key] * height
        if key in SECTIONS and value:
            row = number + 1  # after the opening bracket
            for item in value:
                item_height = len(review_json(item).splitlines())
                owners[row:row + item_height] = [f"{key}:{item['id']}"] * item_height
                row += item_height
        number += height
    return owners


def related_ids(dossier, article_id: str) -> set[str]:
    """IDs of every dossier item that article contributes to."""
    ids = {a.id for a in dossier.articles if a.id == article_id}
    ids |= {e.id for e in dossier.entities if article_id in e.articles}
    ids |= {e.id for e in [*dossier.events, *dossier.statements] if article_id in source_articles(e)}
    ids |= {s.id for s in dossier.stances if article_id in {a.source.article_id for a in s.assertions}}
    ids |= {d.id for d in dossier.disputes if article_id in {s.article_id for c in d.claims for s in c.sources}}
    return ids


def without_items(dossier, ids: set[str]) -> dict:
    plain = dossier.model_dump(mode="json")
    for section in SECTIONS:
        plain[section] = [item for item in plain[section] if item["id"] not in ids]
    del plain["run"]
    return plain


def test_adding_an_article_only_changes_lines_of_its_items():
    before, after = dossier_of(x001, x003), dossier_of(x001, x003, x004)
    touched = related_ids(after, A004)
    after_ids = {item.id for section in SECTIONS for item in getattr(after, section)}
    # Items of A+B that C touched, or whose ID C moved (C's source now sorts first).
    replaced = {item.id for section in SECTIONS for item in getattr(before, section)
                if item.id in touched or item.id not in after_ids}
    # Everything C does not touch is byte-identical, IDs included.
    assert canonical_json(without_items(before, replaced)) == canonical_json(without_items(after, touched))
    untouched = {item.id for section in SECTIONS for item in getattr(before, section)} - replaced
    assert len(untouched) >= 10  # so the check above compares something

    # The textual unified diff of the file shows only lines of C's items: no run totals.
    before_lines, after_lines = review_json(before).splitlines(), review_json(after).splitlines()
    allowed_minus = {line for line, owner in zip(before_lines, line_owners(before))
                     if owner.split(":", 1)[-1] in replaced}
    allowed_plus = {line for line, owner in zip(after_lines, line_owners(after))
                    if owner.split(":", 1)[-1] in touched}
    diff = [line for line in difflib.unified_diff(before_lines, after_lines, lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert any(A004 in line for line in diff)
    for line in diff:
        allowed = allowed_plus if line.startswith("+") else allowed_minus
        assert line[1:] in allowed, line


def test_event_trace_maps_every_input_event():
    xs = [b() for b in ALL]
    result = merge_traced(xs, model="m", prompt_version="p")
    assert len(result.event_ids) == sum(len(x.events) for x in xs)
    assert set(result.event_ids.values()) == {e.id for e in result.dossier.events}
    assert result.event_ids[(A000, 0)] == result.event_ids[(A002, 0)]  # the phone call


# --------------------------------------------------------------------------
# Negations and figures: never agreeing sources; across articles, a dispute
# --------------------------------------------------------------------------


def said_in(article_id: str, *contents: str, speaker: str = "Boris Pistorius") -> ArticleExtraction:
    """An article (not a seed) in which ``speaker`` said each of ``contents``, one sentence each."""
    text, statements = "", []
    for content in contents:
        sentence = f"{speaker} said Germany {content}."
        start = len(text)
        text += sentence + " "
        statements.append(Statement(speaker=speaker, content=f"Germany {content}", kind="paraphrase",
                                    evidence=Evidence(text=sentence, start=start, end=start + len(sentence))))
    return ArticleExtraction(
        article=ArticleMeta(id=article_id, title="Tanks", paths=[f"{article_id}.txt"],
                            content_hash=sha256_text(text), chars=len(text)),
        statements=statements, usage=Usage(calls=1), model="test-model", prompt_version="p1",
    )


@pytest.mark.parametrize("one, other", [
    ("will send 100 tanks to Ukraine", "will not send 100 tanks to Ukraine"),
    ("will send 100 tanks to Ukraine", "won't send 100 tanks to Ukraine"),
    ("would never send tanks to Ukraine", "would send tanks to Ukraine"),
    ("will send 100 tanks to Ukraine", "will send 5,000 tanks to Ukraine"),
    ("will send 100 tanks to Ukraine this year", "will send 120 tanks to Ukraine this year"),
])
def test_a_negation_or_another_figure_is_a_dispute_not_a_second_source(one, other):
    d = merge([said_in("article-a", one), said_in("article-b", other)], model="m", prompt_version="p")
    assert len(d.statements) == 2, "never merged as agreeing sources"
    assert all(len(s.sources) == 1 for s in d.statements)
    (dispute,) = d.disputes
    assert sorted(c.claim for c in dispute.claims) == sorted([f"Germany {one}", f"Germany {other}"])
    assert {c.sources[0].article_id for c in dispute.claims} == {"article-a", "article-b"}
    (speaker,) = {c.by for c in dispute.claims}
    assert speaker == d.statements[0].speaker


def test_a_negation_in_one_article_is_two_statements_and_no_dispute():
    d = merge([said_in("article-a", "will send 100 tanks to Ukraine", "will not send 100 tanks to Ukraine")],
              model="m", prompt_version="p")
    assert len(d.statements) == 2 and d.disputes == []


def test_agreeing_reports_still_merge():
    pairs = [
        ("will send 100 tanks to Ukraine", "will send 100 tanks to Ukraine soon"),
        ("will not send tanks to Ukraine", "would never send tanks to Ukraine"),
        ("will send tanks to Ukraine", "will send 100 tanks to Ukraine"),  # one adds a figure: no conflict
    ]
    for one, other in pairs:
        d = merge([said_in("article-a", one), said_in("article-b", other)], model="m", prompt_version="p")
        assert len(d.statements) == 1 and len(d.statements[0].sources) == 2, (one, other)
        assert d.disputes == []


def test_different_matters_do_not_make_a_dispute():
    d = merge([said_in("article-a", "will send 100 tanks to Ukraine"),
               said_in("article-b", "will not raise taxes next year")], model="m", prompt_version="p")
    assert len(d.statements) == 2 and d.disputes == []


# --------------------------------------------------------------------------
# Disputes are incompatible assertions of one proposition, each in its holder's own voice
# --------------------------------------------------------------------------


def span_of(text: str, words: str, after: int = 0) -> Evidence:
    start = text.index(words, after)
    return Evidence(text=words, start=start, end=start + len(words))


def article_saying(article_id: str, text: str, *, statements=(), stances=(), published: str | None = None,
                   ) -> ArticleExtraction:
    return ArticleExtraction(
        article=ArticleMeta(id=article_id, title=article_id, published=published, paths=[f"{article_id}.txt"],
                            content_hash=sha256_text(text), chars=len(text)),
        statements=list(statements), stances=list(stances), usage=Usage(calls=1), model="test-model",
        prompt_version="p1",
    )


RELAYED = "Armenia said Georgia had denied that its territory was used for the strikes on Armenia."
ASSURED = "Georgian President Salome Zourabichvili assured Yerevan that Georgia would never allow its territory to be used for strikes."


def relaying_article(article_id: str = "relaying", published: str | None = None) -> ArticleExtraction:
    """Armenia reports Georgia's denial; Georgia's own assurance is the next sentence."""
    text = RELAYED + " " + ASSURED
    relayed, assured = span_of(text, RELAYED), span_of(text, ASSURED)
    statements = [
        Statement(speaker="Armenia", content="Georgia had denied that its territory was used for the strikes on Armenia",
                  kind="paraphrase", evidence=relayed, speaker_type="organization",
                  content_span=span_of(text, "Georgia had denied that its territory was used for the strikes on Armenia"),
                  source_span=span_of(text, "Armenia"), cue_span=span_of(text, "said")),
        Statement(speaker="Georgia", content="that its territory was used for the strikes on Armenia", kind="paraphrase",
                  evidence=relayed, speaker_type="organization",
                  content_span=span_of(text, "that its territory was used for the strikes on Armenia"),
                  source_span=span_of(text, "Georgia"), cue_span=span_of(text, "denied")),
        Statement(speaker="Salome Zourabichvili", speaker_role="Georgian President",
                  content="Georgia would never allow its territory to be used for strikes", kind="paraphrase",
                  evidence=assured, speaker_type="person",
                  content_span=span_of(text, "Georgia would never allow its territory to be used for strikes"),
                  source_span=span_of(text, "Salome Zourabichvili"), cue_span=span_of(text, "assured")),
    ]
    stances = [
        # What a stance question can make of Armenia's report: the denial, as if it were Armenia's.
        Stance(holder="Armenia", target="Georgia", topic="territory used for the strikes", polarity="deny",
               evidence=relayed),
        Stance(holder="Georgia", target="Armenia", topic="territory used for strikes", polarity="support",
               speaker="Salome Zourabichvili", evidence=assured),
    ]
    return article_saying(article_id, text, statements=statements, stances=stances, published=published)


def test_reporting_a_denial_is_not_disagreeing_with_the_denier():
    d = merge([relaying_article()], model="m", prompt_version="p")
    assert d.disputes == []
    names = {e.id: e.name for e in d.entities}
    assert [(names[t.holder], names[t.target]) for t in d.stances] == [("Georgia", "Armenia")]


def test_a_speaker_reporting_their_own_sides_denial_holds_it():
    text = "Iranian President Masoud Pezeshkian said Iran denies that it sent drones to Armenia."
    content = "Iran denies that it sent drones to Armenia"
    statements = [
        Statement(speaker="Masoud Pezeshkian", content=content, kind="paraphrase", evidence=span_of(text, text),
                  content_span=span_of(text, content), source_span=span_of(text, "Masoud Pezeshkian"),
                  cue_span=span_of(text, "said"), speaker_type="person"),
        Statement(speaker="Iran", content="that it sent drones to Armenia", kind="paraphrase",
                  evidence=span_of(text, text), content_span=span_of(text, "that it sent drones to Armenia"),
                  source_span=span_of(text, "Iran", after=text.index("said")), cue_span=span_of(text, "denies"),
                  speaker_type="organization"),
    ]
    stance = Stance(holder="Iran", target="Armenia", topic="drones sent to Armenia", polarity="deny",
                    speaker="Masoud Pezeshkian", evidence=span_of(text, text))
    d = merge([article_saying("own-side", text, statements=statements, stances=[stance])], model="m", prompt_version="p")
    names = {e.id: e.name for e in d.entities}
    assert [(names[t.holder], t.latest_polarity) for t in d.stances] == [("Iran", "deny")]


def test_the_diff_does_not_headline_a_reported_denial_as_the_reporters_change_of_position():
    text = "Armenia welcomed reports that Georgian territory was used for the strikes."
    own = article_saying("earlier", text, published="2025-05-01", stances=[
        Stance(holder="Armenia", target="Georgia", topic="territory used for the strikes", polarity="support",
               evidence=span_of(text, text))])
    old = merge([own], model="m", prompt_version="p")
    new = merge([own, relaying_article(published="2025-06-01")], model="m", prompt_version="p")
    assert diff_dossiers(old, new).polarity_flips() == []
    (armenia,) = [t for t in new.stances if t.holder == old.stances[0].holder]
    assert [a.polarity for a in armenia.assertions] == ["support"]


def test_a_denial_answering_the_accusation_is_still_a_dispute():
    text = ("Armenia accused Georgia of letting Turkey use its territory for the strikes. "
            "Georgia denied that its territory was used for the strikes.")
    accusation, denial = text.split(". ")
    d = merge([article_saying("both-sides", text, stances=[
        Stance(holder="Armenia", target="Georgia", topic="territory used for the strikes", polarity="oppose",
               evidence=span_of(text, accusation)),
        Stance(holder="Georgia", target="Armenia", topic="territory used for strikes", polarity="deny",
               evidence=span_of(text, denial)),
    ])], model="m", prompt_version="p")
    (dispute,) = d.disputes
    names = {e.id: e.name for e in d.entities}
    assert sorted(names[c.by] for c in dispute.claims) == ["Armenia", "Georgia"]


def test_a_denial_toward_someone_else_does_not_answer_a_criticism():
    """Georgia denies toward Iran that its airspace was used by Turkish drones;
    Armenia criticised Georgia for deploying Turkish drones. Same words, two matters."""
    text = ("Armenia has criticised Georgia for deploying Turkish made attack drones. "
            "Georgia rejected reports that its airspace had been used by Turkish drones to attack Iran.")
    criticism, rejection = text.split(". ")
    d = merge([article_saying("two-matters", text, stances=[
        Stance(holder="Armenia", target="Georgia", topic="deploying Turkish made attack drones", polarity="oppose",
               evidence=span_of(text, criticism)),
        Stance(holder="Georgia", target="Iran", topic="airspace use by Turkish drones to attack", polarity="deny",
               evidence=span_of(text, rejection)),
    ])], model="m", prompt_version="p")
    assert d.disputes == []


def test_positions_toward_one_target_on_different_propositions_are_no_dispute():
    """Both topics name Turkey and Iran and say 'attacks'; one is about retaliating, the other about airspace."""
    text = ("Armenia backed Iran's retaliation for the Turkish attacks. "
            "Georgia rejected reports that Turkish attacks on Iran came from Georgian airspace.")
    backing, rejection = text.split(". ")
    retaliation, airspace = "retaliation for Turkish attacks on Iran", "Turkish attacks on Iran from Georgian airspace"
    assert topics_match(text_key(retaliation), text_key(airspace))  # alike as words go
    d = merge([article_saying("two-propositions", text, stances=[
        Stance(holder="Armenia", target="Iran", topic=retaliation, polarity="support", evidence=span_of(text, backing)),
        Stance(holder="Georgia", target="Iran", topic=airspace, polarity="deny", evidence=span_of(text, rejection)),
    ])], model="m", prompt_version="p")
    assert d.disputes == []


@pytest.mark.parametrize(("topic", "disputes"), [("relations", 0), ("troops on the border", 1)])
def test_positions_without_a_topic_of_the_texts_own_are_no_dispute(topic, disputes):
    """The default topic only says the text gave none: two holders' opposite
    positions toward one target dispute a proposition only when there is one."""
    from summariser.datamodel import DEFAULT_TOPIC

    assert DEFAULT_TOPIC == "relations"
    text = "Armenia backed Iran over the troops on the border. Georgia criticised Iran over the troops on the border."
    backing, criticism = text.split(". ")
    d = merge([article_saying("no-topic", text, stances=[
        Stance(holder="Armenia", target="Iran", topic=topic, polarity="support", evidence=span_of(text, backing)),
        Stance(holder="Georgia", target="Iran", topic=topic, polarity="oppose", evidence=span_of(text, criticism)),
    ])], model="m", prompt_version="p")
    assert len(d.disputes) == disputes


def test_positions_without_a_topic_of_the_texts_own_make_no_change_of_position():
    text = "Georgia backed Iran in the talks. Georgia criticised Iran after the talks. Georgia backed Iran again."
    first, second, third = text.split(". ")
    stances = [Stance(holder="Georgia", target="Iran", topic="relations", polarity=polarity, evidence=span_of(text, words))
               for polarity, words in (("support", first), ("oppose", second), ("support", third))]
    d = merge([article_saying("no-topic", text, stances=stances)], model="m", prompt_version="p")
    assert sorted([a.polarity for a in t.assertions] for t in d.stances) == [["oppose"], ["support", "support"]]
    assert not any(t.changed for t in d.stances)


# --------------------------------------------------------------------------
# IDs that do not move
# --------------------------------------------------------------------------


def _by_sources(dossier) -> dict[str, tuple[str, frozenset]]:
    """Each event, statement and stance timeline: id -> (kind, its sources)."""
    found = {}
    for kind in ("events", "statements"):
        for item in getattr(dossier, kind):
            found[item.id] = (kind, frozenset((s.article_id, s.evidence.start) for s in item.sources))
    for stance in dossier.stances:
        found[stance.id] = ("stances", frozenset((a.source.article_id, a.source.evidence.start) for a in stance.assertions))
    return found


def test_an_item_keeps_its_id_when_a_later_article_adds_a_source():
    # A000 (June 2025) reports the phone call, the airspace denial and
    # Azerbaijan's stance that A002 (undated) and A004 (2023) report too.
    before, after = dossier_of(x002, x004), dossier_of(x000, x002, x004)
    old, new = _by_sources(before), _by_sources(after)
    grown = 0
    for item_id, (kind, sources) in old.items():
        (successor,) = [i for i, (k, s) in new.items() if k == kind and sources <= s]
        assert successor == item_id, (kind, sorted(sources))
        grown += len(new[successor][1]) > len(sources)
    assert grown >= 2  # so the check covers items A000 added a source to


def _pezeshkian_said() -> ArticleExtraction:
    x = x000()
    typed_wrong = [e.model_copy(update={"type": "organization", "mentions": []}) if e.name == "Masoud Pezeshkian" else e
                   for e in x.entities]
    return x.model_copy(update={"entities": typed_wrong})


def test_an_entity_keeps_its_id_when_a_new_article_adds_an_alias_and_corrects_its_type():
    before = merge([_pezeshkian_said()], model="m", prompt_version="p")
    later = [extraction(A002, entities=[Entity(name="Masoud Pezeshkian", type="person", mentions=["President Pezeshkian"])]),
             extraction(A004, entities=[Entity(name="Masoud Pezeshkian", type="person")])]
    after = merge([_pezeshkian_said(), *later], model="m", prompt_version="p")

    old, new = entity_named(before, "Masoud Pezeshkian"), entity_named(after, "Masoud Pezeshkian")
    assert (old.type, new.type) == ("organization", "person")  # a better type guess
    assert "President Pezeshkian" in set(new.aliases) - set(old.aliases)  # an added alias
    assert new.id == old.id
    # So everything pointing at him points at the same ID: the phone call he took part in is unchanged.
    with_him = [e for e in before.events if old.id in e.participants]
    assert with_him and all(e in after.events for e in with_him)


def test_entity_ids_come_from_the_name_alone_and_namesakes_within_one_article_stand_apart():
    from summariser.entities import _DraftEntity, _identity_keys

    def draft(name, first_key, scoped):
        return _DraftEntity(name=name, type="person", aliases=[], articles=[], first_key=first_key, article_scoped=scoped)

    plain = draft("Ilham Aliyev", "name:ilham aliyev", False)
    assert _identity_keys([plain]) == [("ilham aliyev",)]
    # A bare "President" known across articles keeps its plain key however many
    # article-scoped namesakes appear beside it; the namesakes carry their scope.
    office = draft("President", "role:president|iran", False)
    here = draft("President", "role:president|@a1", True)
    there = draft("President", "role:president|@a2", True)
    assert _identity_keys([office]) == _identity_keys([office, here, there])[:1] == [("president",)]
    assert _identity_keys([office, here, there])[1:] == [("president", here.first_key), ("president", there.first_key)]


# --------------------------------------------------------------------------
# Layout: a change touches few lines
# --------------------------------------------------------------------------


def _changed_lines(before: str, after: str) -> list[str]:
    return [line for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def test_a_new_source_on_an_item_touches_a_line_or_three_of_it(dossier):
    event = next(e for e in dossier.events if len(e.sources) == 1)
    other = next(s for e in dossier.events for s in e.sources if s.article_id != event.sources[0].article_id)
    for extra in (other, other.model_copy(update={"article_id": "zzzz-sorts-last"})):  # inserted, appended
        grown = event.model_copy(update={"sources": sorted([*event.sources, extra], key=lambda s: (s.article_id, s.evidence.start))})
        after = dossier.model_copy(update={"events": [grown if e.id == event.id else e for e in dossier.events]})
        changed = _changed_lines(review_json(dossier), review_json(after))
        # One line for the source; appended last, the line before it gains a comma.
        assert any(line[1:].strip().startswith(f'{{"article_id": "{extra.article_id}"') for line in changed)
        assert len(changed) <= 3, changed


def test_review_layout_is_canonical_json_that_reads_back_the_same(dossier):
    text = review_json(dossier)
    assert text.endswith("}\n") and json.loads(text) == json.loads(canonical_json(dossier))
    lines = text.splitlines()
    # One line per source, assertion and alias; items spread one field per line.
    sources = sum(len(e.sources) for e in [*dossier.events, *dossier.statements])
    sources += sum(len(c.sources) for d in dossier.disputes for c in d.claims)
    assert sum(1 for line in lines if line.strip().startswith('{"article_id"')) == sources
    assert sum(1 for line in lines if line.strip().startswith('{"date"')) == sum(len(s.assertions) for s in dossier.stances)
    assert sum(1 for line in lines if line.strip().startswith('"id": "ev-')) == len(dossier.events)


def test_an_office_holder_takes_no_side_toward_the_state_another_article_says_he_serves():
    # Seed 002 writes only "President Pezeshkian"; seed 000 "Iran’s newly elected President Masoud Pezeshkian".
    t = seed_text(A002)
    call = extraction(
        A002,
        entities=[Entity(name="Pezeshkian", type="person"), Entity(name="Iran", type="country"),
                  Entity(name="United States", type="country", mentions=["U.S."])],
        stances=[
            Stance(holder="Pezeshkian", target="Iran", topic="Iran's response to the attacks", polarity="support",
                   evidence=ev(t, "Pezeshkian said Iran was then compelled to strike a U.S. base in Qatar.")),
            Stance(holder="Pezeshkian", target="U.S.", topic="double standards", polarity="oppose",
                   evidence=ev(t, "He also mentioned the “double standards” of the U.S.")),
        ],
    )
    d = merge([x000(), call], model="m", prompt_version="p")
    names = {e.id: e.name for e in d.entities}
    pairs = {(names[s.holder], names[s.target]) for s in d.stances}
    assert ("Masoud Pezeshkian", "Iran") not in pairs
    assert ("Masoud Pezeshkian", "United States") in pairs


def test_a_possessive_state_before_an_office_is_the_speakers_role():
    text = "France’s newly elected President Anne Morel said the talks would go on."
    assert speaker_role(text, "Anne Morel") == "France’s newly elected President"
    assert speaker_side("Anne Morel", speaker_role(text, "Anne Morel")) == "France"


def test_two_event_summaries_sharing_only_the_states_they_name_are_not_compared():
    clashes = text_key("This meeting came after renewed clashes between France and Germany")
    talks = text_key("France and Germany are engaging in peace talks")
    # token_set_ratio alone would merge them on the two states.
    assert similarity(clashes, talks) >= EVENT_SIM_WITH_SHARED_PARTICIPANT
    assert not _same_doing(clashes, talks)
    assert _same_doing(text_key("France and Germany held peace talks in Paris"), talks)
    assert _same_doing(text_key("shooting"), text_key("shot"))  # triggers alone are left to the score


# --------------------------------------------------------------------------
# Two acts of one story are not one event: the kind of act and who did it must agree
# --------------------------------------------------------------------------


def reported(text: str, *events: tuple[str, str, str, list[tuple[str, str]]], article_id: str) -> ArticleExtraction:
    """An article (not a seed) with hand-built events: (sentence quoted, summary, type, [(name, role)])."""
    article = article_from_text(text)
    built = [
        Event(summary=summary, event_type=event_type, participants=[Participant(name=n, role=r) for n, r in people],
              evidence=span_of(article.text, quote))
        for quote, summary, event_type, people in events
    ]
    meta = article.meta.model_copy(update={"id": article_id})
    return ArticleExtraction(article=meta, events=built, entities=entities_of([], built, []),
                             model="test-model", prompt_version="p1")


ARMS = "Arms in the Andes\n\nChile has supplied arms to Peru since 2016.\nPeru supplied arms to Bolivia with help from Chile.\n"


def test_who_did_it_in_one_report_being_whom_it_was_done_to_in_the_other_makes_two_acts():
    sales = ("Chile has supplied arms to Peru since 2016.", "Chile supplied arms to Peru", "arms_transfer",
             [("Chile", "agent"), ("Peru", "target")])
    onward = ("Peru supplied arms to Bolivia with help from Chile.", "Peru supplied arms to Bolivia with Chile",
              "arms_transfer", [("Peru", "agent"), ("Chile", "agent"), ("Bolivia", "target")])
    d = merge([reported(ARMS, sales, article_id="one"), reported(ARMS, onward, article_id="two")],
              model="m", prompt_version="p")
    assert len(events_of_type(d, "arms_transfer")) == 2
    # The same act told with the same roles by the second outlet is one event with both sources.
    same = (onward[0], "Chile supplied arms to Peru", "arms_transfer", [("Chile", "agent"), ("Peru", "target")])
    d = merge([reported(ARMS, sales, article_id="one"), reported(ARMS, same, article_id="two")],
              model="m", prompt_version="p")
    (one,) = events_of_type(d, "arms_transfer")
    assert {s.article_id for s in one.sources} == {"one", "two"}


TRUCKS = ("Border Fuel\n\nEarlier, Peru supplied fuel to Bolivia.\n"
          "Chile taxed illegal Peruvian trucks supplying fuel to Bolivia.\n")


def test_an_act_of_no_one_named_is_not_someones_act_when_the_type_says_no_kind():
    peru = ("Earlier, Peru supplied fuel to Bolivia.", "Peru supplied fuel to Bolivia", "other",
            [("Peru", "agent"), ("Bolivia", "target")])
    trucks = ("Chile taxed illegal Peruvian trucks supplying fuel to Bolivia.", "supplying fuel to Bolivia", "other",
              [("Bolivia", "target")])
    d = merge([reported(TRUCKS, peru, trucks, article_id="one")], model="m", prompt_version="p")
    assert len(events_of_type(d, "other")) == 2
    # Two reports that name no agent are still matched on their words and participants.
    unnamed = (peru[0], "supplying fuel to Bolivia", "other", [("Bolivia", "target")])
    d = merge([reported(TRUCKS, unnamed, trucks, article_id="one")], model="m", prompt_version="p")
    assert len(events_of_type(d, "other")) == 1
