"""Events from syntax for the sentences the model's events answer left out:
summaries are the trigger's clause in the article's words, never a sentence
cut mid-phrase; types, agents and dates come from the sentence itself."""

from __future__ import annotations

import pytest

from summariser.articles import article_from_text
from summariser.happenings import _text, checked_event, event_of_sentence, events_left_out
from summariser.questions import Happening
from summariser.rules import event_from
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


def parsed_article(text: str):
    """The article, its parse and its sentences by number."""
    article = article_from_text(text)
    doc = parse(article.text)
    return article, doc, {s.number: s for s in split_sentences(article, doc)}


@pytest.fixture(scope="module")
def parsed():
    article, doc, sentences = parsed_article(TEXT)
    assert sentences[1].text.startswith("Iran reportedly")
    return article, doc, sentences


def event(parsed, number):
    article, doc, sentences = parsed
    return event_of_sentence(doc, sentences[number], article)


@pytest.mark.parametrize(
    ("number", "summary", "event_type", "agents", "date"),
    [
        (1, "Iran used drones to kill two people on a cargo ship near Oman", "casualties", ["Iran"], None),
        (2, "Israel launched a wave of airstrikes on Iranian nuclear sites on June 13", "attack", ["Israel"], "June 13"),
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


# --------------------------------------------------------------------------
# The model's events, checked against the parse (happenings.checked_event)
# --------------------------------------------------------------------------

ANSWERED = (
    "Harbour Talks\n"
    "\n"
    "Lena Ortiz, the Chilean envoy to Peru, told the Lima Times that Santiago would not allow Bolivia to attack Peru from its soil.\n"  # [1]
    "Minister Ortiz made the remarks in a phone conversation with Foreign Minister Ana Ruiz on Monday.\n"  # [2]
    "Ortiz said that Chile seeks calm and respects the borders of all its neighbours.\n"  # [3]
    "Chile and Argentina both sold grain to Peru, officials said.\n"  # [4]
    "The navy\u00a0launched drills near Arica on Tuesday.\n"  # [5]
    "It was not until May that Chile appointed an ambassador to Lima.\n"  # [6]
    "The navy launched drills near Arica after the attack on its base.\n"  # [7]
    "Relations between Chile and Peru have become a source of quiet worry.\n"  # [8]
    "According to the Lima Times in 2019, rebels said that Bolivia was using drones to attack Peru.\n"  # [9]
    "Recently surfaced videos show the new Harop aircraft in launch formation on the backs of trucks, "
    "demonstrated by the president, Ana Ruiz.\n"  # [10]
)


@pytest.fixture(scope="module")
def answered():
    article, doc, sentences = parsed_article(ANSWERED)
    assert sentences[5].text.startswith("The navy")
    return article, doc, sentences


def checked(answered, number, what, event_type="other"):
    article, doc, sentences = answered
    model_event = event_from(Happening(sentence=number, what=what, type=event_type), sentences[number], article)
    return checked_event(model_event, doc, sentences[number])


def test_a_happening_the_sentence_says_will_not_happen_is_no_event(answered):
    # The model's words: the sentence's start, cut by the 60-character cap.
    event, reason = checked(answered, 1, "Lena Ortiz, told the Lima Times that Santiago would", "attack")
    assert event is None
    assert "did not or may not happen" in reason


def test_a_summary_cut_by_the_cap_becomes_the_clause_of_the_word_for_the_happening(answered):
    event, reason = checked(answered, 2, "Minister Ortiz made the remarks in a phone conversation w", "phone_call")
    assert reason is None
    assert event.summary == "a phone conversation with Foreign Minister Ana Ruiz on Monday"
    assert event.summary in ANSWERED


def test_a_remark_with_no_word_for_a_happening_is_no_event(answered):
    event, reason = checked(answered, 3, "Ortiz said that Chile seeks calm and respects the borders", "attack")
    assert event is None
    assert "remark" in reason


def test_a_short_summary_of_the_models_own_is_kept(answered):
    event, reason = checked(answered, 5, "The navy held drills near Arica", "military_activity")
    assert reason is None
    assert event.summary == "The navy held drills near Arica"


def test_summaries_join_words_with_one_plain_space_and_keep_conjoined_names(answered):
    article, doc, sentences = answered
    drills = event_of_sentence(doc, sentences[5], article)
    assert drills.summary == "The navy launched drills near Arica"
    grain = event_of_sentence(doc, sentences[4], article)
    assert grain is not None and grain.summary.startswith("Chile and Argentina")


def test_the_parse_alone_makes_no_event_of_a_happening_that_will_not_happen(answered):
    article, doc, sentences = answered
    assert event_of_sentence(doc, sentences[1], article) is None


def test_not_until_is_no_negation(answered):
    article, doc, sentences = answered
    found = event_of_sentence(doc, sentences[6], article)
    assert found is not None and found.summary == "Chile appointed an ambassador to Lima"


def test_the_word_for_the_happening_settles_the_type_over_the_models(answered):
    # A small model's catch-all: drills typed as an attack.
    event, reason = checked(answered, 7, "The navy launched drills near Arica", "attack")
    assert reason is None and event.event_type == "military_activity"
    call, _ = checked(answered, 2, "Minister Ortiz made the remarks in a phone conversation w", "attack")
    assert call.event_type == "phone_call"


def test_an_appointment_is_a_diplomatic_action(answered):
    article, doc, sentences = answered
    assert event_of_sentence(doc, sentences[6], article).event_type == "diplomatic_action"


def test_commentary_with_no_word_for_a_happening_is_no_event(answered):
    event, reason = checked(answered, 8, "Relations between Chile and Peru have become a source", "other")
    assert event is None and "names a happening" in reason


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
    article, doc, sentences = parsed_article(CALL_TEXT)
    found = event_of_sentence(doc, sentences[1], article)
    assert found is not None
    assert found.event_type == "phone_call"
    assert found.summary.startswith("a phone call between")
    names = {p.name for p in found.participants}
    assert {"Gabriel Boric", "Javier Milei"} <= names
    assert "elected" not in {p.name for p in found.participants}


def test_a_participle_describing_a_noun_is_not_the_happening():
    article, doc, sentences = parsed_article(CALL_TEXT)
    found = event_of_sentence(doc, sentences[2], article)  # "appointed" only describes the governor
    assert found is not None
    assert found.summary == "The newly appointed governor signed a water deal with Peru"
    assert found.event_type == "agreement"


def test_the_sentences_opening_words_stopping_short_are_a_cut_summary(answered):
    event, reason = checked(answered, 9, "According to the Lima Times in 2019, rebels", "attack")
    assert reason is None
    assert event.summary == "Bolivia was using drones to attack Peru"


def test_a_word_for_a_happening_that_only_describes_a_thing_names_no_happening(answered):
    # "launch" only says what kind of formation: no word in the sentence names a happening.
    event, reason = checked(answered, 10, "Recently surfaced videos show the new Harop aircraft in", "other")
    assert event is None and "names a happening" in reason


# --------------------------------------------------------------------------
# Summaries are whole pieces of their sentence
# --------------------------------------------------------------------------

PIECES = (
    "Coastal Tensions\n"
    "\n"
    "The army deployed Chilean-made patrol boats near the non-military port of Arica on Monday.\n"  # [1]
    "Rebels attacked the northern and southern police stations of the remote mountain town of Tacna "
    "near the border with Bolivia.\n"  # [2]
    "Bolivia denied claims that it allowed Chile to use its ports to carry out raids against smugglers "
    "during the long dry season of the mountain regions.\n"  # [3]
    "Peru has criticised Chile since 2019 for deploying Israeli made attack drones and using them against rebels.\n"  # [4]
    "Reportedly, local sources have claimed that Chile has bought millions of dollars worth of grain "
    "instead of providing the Peruvian state with copper.\n"  # [5]
    "At the onset of the war, Chile’s foreign minister declared that the country would stay neutral.\n"  # [6]
    "After the war of 1879, Tacna became a province of Chile.\n"  # [7]
    "Peru has long been wary of Chile’s close ties with Brazil, a key arms supplier to Santiago, "
    "especially since the 2019 crisis.\n"  # [8]
    "The minister criticised the double standards of the U.S., which later bombed rebel camps in the north "
    "of the country.\n"  # [9]
    "Previously, various attempts were made by Lima to attack Chile-linked ships.\n"  # [10]
    "The council voiced concern about subsequent drills conducted at the borders.\n"  # [11]
)


@pytest.fixture(scope="module")
def pieces():
    article, doc, sentences = parsed_article(PIECES)
    assert sentences[11].text.startswith("The council")
    return article, doc, sentences


def summaries(pieces, number):
    """The summary the parse makes of the sentence, and the one that replaces the model's cut opening words."""
    article, doc, sentences = pieces
    own = event_of_sentence(doc, sentences[number], article)
    cut = " ".join(sentences[number].text.split()[:8])[:52]
    model, reason = checked(pieces, number, cut)
    return own, model, reason


def contiguous_pieces(summary: str, sentence: str) -> bool:
    """Whether the summary is whole pieces of the sentence, in order, each
    beginning and ending at word boundaries (no word cut or altered)."""
    position = 0
    for piece in summary.split(" "):
        found = sentence.find(piece, position)
        if found < 0:
            return False
        position = found + len(piece)
    return True


@pytest.mark.parametrize(("number", "words"), [
    (1, ["Chilean-made", "non-military"]),
    (2, ["northern and southern police stations", "of the remote mountain town of Tacna"]),
    (3, ["to carry out raids"]),
    (10, ["Chile-linked ships"]),
])
def test_a_summary_keeps_every_word_of_the_stretch_it_covers(pieces, number, words):
    own, model, _ = summaries(pieces, number)
    for event in (own, model):
        assert event is not None
        for phrase in words:
            assert phrase in event.summary
        assert contiguous_pieces(event.summary, pieces[2][number].text)


def test_a_modifier_cut_from_its_noun_by_the_parse_gets_its_noun(pieces):
    # The parse makes "Israeli" the object of "deploying": the summary goes on to the noun.
    own, model, _ = summaries(pieces, 4)
    for event in (own, model):
        assert event is not None
        assert not event.summary.endswith("Israeli")
        assert event.summary.endswith("Israeli made attack drones")


def test_a_long_summary_drops_a_whole_phrase_never_the_end_of_one(pieces):
    # "instead of providing the Peruvian state" without "with copper" says something else.
    own, model, _ = summaries(pieces, 5)
    for event in (own, model):
        assert event is not None
        assert event.summary.startswith("Chile has bought millions of dollars worth of grain")
        assert "providing" not in event.summary or event.summary.endswith("with copper")


@pytest.mark.parametrize("number", [6, 7])
def test_a_happening_named_without_who_took_part_is_no_event(pieces, number):
    own, model, reason = summaries(pieces, number)
    assert own is None
    assert model is None and "not who took part" in reason


def test_a_phrase_naming_its_actors_stays_an_event():
    article, doc, sentences = parsed_article("Border\n\nLima warned the militias of a drone attack by Bolivia.\n")
    found = event_of_sentence(doc, sentences[1], article)
    assert found is not None and found.summary.startswith("a drone attack by Bolivia")


def test_a_noun_for_a_happening_without_actors_is_no_event_even_from_a_remark(pieces):
    own, model, reason = summaries(pieces, 11)
    assert own is None and model is None


def test_an_apposition_describing_an_actor_is_no_event(pieces):
    own, model, reason = summaries(pieces, 8)
    assert own is None
    assert model is None and "apposition" in reason


def test_a_relative_clause_takes_its_antecedent_as_subject(pieces):
    own, model, _ = summaries(pieces, 9)
    for event in (own, model):
        assert event is not None
        assert event.summary.startswith("the U.S. bombed rebel camps")
        assert contiguous_pieces(event.summary, pieces[2][9].text)
    assert [p.name for p in own.participants if p.role == "agent"] == ["U.S."]


def test_the_agent_of_a_passive_is_who_did_it(pieces):
    own, _, _ = summaries(pieces, 10)
    assert "made by Lima to attack" in own.summary
    assert [p.name for p in own.participants if p.role == "agent"] == ["Lima"]


def test_a_gerund_after_by_takes_the_subject_of_the_verb_it_explains():
    article, doc, sentences = parsed_article(
        "Port Talks\n\nOrtiz added that the Bolivian government acted in breach of the treaty by attacking Peru, "
        "including targeting its ports.\n")
    found = event_of_sentence(doc, sentences[1], article)
    assert found is not None
    assert found.summary.startswith("the Bolivian government acted by attacking Peru")
    assert contiguous_pieces(found.summary, sentences[1].text)


def test_only_separating_punctuation_is_left_off_a_summarys_edges():
    article, doc, sentences = parsed_article("Markets\n\nRebels seized 40% of the northern mines, officials said.\n")
    found = event_of_sentence(doc, sentences[1], article)
    assert found is not None and found.summary == "Rebels seized 40% of the northern mines"
    words = [t for t in doc if t.text in ("seized", "40", "%")]
    assert _text(words) == "seized 40%"


# --------------------------------------------------------------------------
# What counts as an event: not what is only ahead, commented on or remarked on
# --------------------------------------------------------------------------

NOT_EVENTS = (
    "Coast Watch\n"
    "\n"
    "Ortiz and the Peruvian delegates also stressed the importance of holding joint naval exercises in the future.\n"  # [1]
    "He proposed sending a Chilean delegation to Lima for upcoming talks on the river project.\n"  # [2]
    "Minister Ruiz also sent two frigates to join the upcoming Pacific exercises off Chile.\n"  # [3]
    "The exercises held by the navy signal a new tension along the coast.\n"  # [4]
    "Santiago's arms deal with Lima stirred new tensions between Peru and Bolivia.\n"  # [5]
    "This includes attacks on the fishing ports near Arica.\n"  # [6]
    "This meeting came shortly after renewed clashes between Peru and Bolivia.\n"  # [7]
    "The assault occurred during the talks.\n"  # [8]
    "She welcomed the ceasefire and thanked the mediators.\n"  # [9]
    "Rebel leader Omar Diaz, head of the Andes Front, claimed in 2020 that Bolivia had shelled the port of Arica.\n"  # [10]
    "Officials said Bolivia launched strikes on the port.\n"  # [11]
    "President Ana Ruiz announced on 12 March that Chile has deepened ties with Peru during her recent visit to Lima.\n"  # [12]
    "Chile announced on 12 March its approval of opening an embassy in Lima.\n"  # [13]
    "The biggest worries in Lima are about Chile's diplomatic ties with Bolivia.\n"  # [14]
    "Relations between Peru and Chile have shown a series of warning signs.\n"  # [15]
)


@pytest.fixture(scope="module")
def not_events():
    article, doc, sentences = parsed_article(NOT_EVENTS)
    assert sentences[15].text.startswith("Relations")
    return article, doc, sentences


@pytest.mark.parametrize(
    ("number", "what", "event_type"),
    [
        (1, "holding joint naval exercises in the future", "military_activity"),
        (2, "upcoming talks on the river project", "meeting"),
    ],
)
def test_a_happening_only_wished_for_or_ahead_is_no_event(not_events, number, what, event_type):
    event, reason = checked(not_events, number, what, event_type)
    assert event is None and "did not or may not happen" in reason
    article, doc, sentences = not_events
    assert event_of_sentence(doc, sentences[number], article) is None


def test_an_act_done_about_what_is_ahead_is_an_event(not_events):
    # (An invitation to what is ahead is a request: a statement, not an event.)
    what = "Ruiz sent two frigates to join the exercises"
    event, reason = checked(not_events, 3, what, "military_activity")
    assert reason is None and event.summary == what


@pytest.mark.parametrize(
    ("number", "what", "event_type"),
    [
        (4, "The exercises signal a new tension along the coast", "military_activity"),
        (5, "Santiago's arms deal with Lima stirred new tensions", "arms_transfer"),
        (7, "This meeting came after renewed clashes", "meeting"),
        (9, "She welcomed the ceasefire", "ceasefire"),
    ],
)
def test_a_comment_or_remark_about_a_happening_is_no_event(not_events, number, what, event_type):
    event, reason = checked(not_events, number, what, event_type)
    assert event is None and reason
    article, doc, sentences = not_events
    assert event_of_sentence(doc, sentences[number], article) is None


@pytest.mark.parametrize("number", [14, 15])
def test_a_sentence_that_names_a_kind_of_happening_but_tells_none_is_no_event(not_events, number):
    event, reason = checked(not_events, number, " ".join(not_events[2][number].text.split()[:6]), "diplomatic_action")
    assert event is None and "happening" in reason


def test_a_happening_whose_subject_it_is_that_it_occurred_is_an_event(not_events):
    event, reason = checked(not_events, 8, "The assault occurred during the talks", "attack")
    assert reason is None and event.summary == "The assault occurred during the talks"


def test_a_claim_under_another_type_is_a_remark_and_the_event_is_what_it_reports(not_events):
    event, reason = checked(not_events, 10, "Omar Diaz claimed in 2020", "attack")
    assert reason is None
    assert event.summary == "Bolivia had shelled the port of Arica"


def test_a_happening_someone_reports_is_the_event_not_the_report(not_events):
    event, reason = checked(not_events, 11, "Officials said Bolivia launched strikes on the port", "attack")
    assert reason is None and event.summary == "Bolivia launched strikes on the port"


def test_the_date_of_an_announcement_is_not_the_date_of_what_it_reports(not_events):
    visit, reason = checked(not_events, 12, "her recent visit to Lima", "visit")
    assert reason is None and visit.date_text is None
    article, doc, sentences = not_events
    assert event_of_sentence(doc, sentences[12], article).date_text is None
    # What is announced as the act itself keeps the day it was announced.
    approval, _ = checked(not_events, 13, "Chile announced its approval of opening an embassy", "diplomatic_action")
    assert approval.date_text == "12 March"


@pytest.mark.parametrize(
    "sentence",
    ["There was an explosion near the port of Arica.", "The border talks came to nothing in the end.",
     "Killings of local leaders rocked the north of Peru.", "The aim of the attack on Arica was the fuel depot."],
)
def test_a_predicate_that_tells_what_happened_keeps_the_event(sentence):
    article, doc, sentences = parsed_article(f"Border News\n\n{sentence}\n")
    assert event_of_sentence(doc, sentences[1], article) is not None


# --------------------------------------------------------------------------
# Descriptions are not happenings: "X is one of Y's suppliers", "trucks supplying goods"
# --------------------------------------------------------------------------

DESCRIPTIONS = (
    "Coastal Trade\n"
    "\n"
    "Brazil is one of Chile’s biggest arms suppliers, as it has provided Santiago with 40 percent of its "
    "weapons since 2015.\n"  # [1]
    "Brazil is one of Chile’s biggest arms suppliers.\n"  # [2]
    "The firm is one of Chile’s biggest arms suppliers, as it has provided the navy with patrol boats.\n"  # [3]
    "Lima fined unlicensed Bolivian trucks supplying fuel to Chile.\n"  # [4]
    "Dozens of trucks supplying fuel to Chile wait at the border.\n"  # [5]
)


@pytest.fixture(scope="module")
def descriptions():
    article, doc, sentences = parsed_article(DESCRIPTIONS)
    assert sentences[5].text.startswith("Dozens")
    return article, doc, sentences


def both_ways(descriptions, number, what, event_type="other"):
    """The parse's event of the sentence, and the model's event with this summary once checked."""
    article, doc, sentences = descriptions
    model, reason = checked(descriptions, number, what, event_type)
    return event_of_sentence(doc, sentences[number], article), model, reason


def test_a_predicate_nominal_gives_way_to_the_clause_that_tells_the_happening(descriptions):
    own, model, _ = both_ways(descriptions, 1, "Brazil is one of Chile’s biggest arms suppliers", "arms_transfer")
    for event in (own, model):
        assert event is not None
        # The pronoun's antecedent is the name the sentence gives it.
        assert event.summary.startswith("Brazil has provided Santiago with 40 percent")
        assert contiguous_pieces(event.summary, descriptions[2][1].text)
    assert [p.name for p in own.participants if p.role == "agent"] == ["Brazil"]
    assert "Santiago" in [p.name for p in own.participants if p.role == "target"]


@pytest.mark.parametrize("number", [2, 3])
def test_a_predicate_nominal_without_a_clause_telling_a_named_actors_act_is_no_event(descriptions, number):
    own, model, reason = both_ways(descriptions, number, "one of Chile’s biggest arms suppliers", "arms_transfer")
    assert own is None
    assert model is None and "describes" in reason


def test_a_participle_describing_a_noun_gives_way_to_the_main_clause_that_tells_the_happening(descriptions):
    own, model, _ = both_ways(descriptions, 4, "supplying fuel to Chile")
    for event in (own, model):
        assert event is not None
        assert event.summary == "Lima fined unlicensed Bolivian trucks"
    assert [p.name for p in own.participants if p.role == "agent"] == ["Lima"]


def test_a_noun_a_participle_describes_is_no_happening_without_a_main_clause_telling_one(descriptions):
    own, model, reason = both_ways(descriptions, 5, "supplying fuel to Chile")
    assert own is None
    assert model is None and "describes" in reason


def test_a_range_keeps_both_its_ends_when_the_parse_splits_them():
    article, doc, sentences = parsed_article(
        "Coastal Trade\n\nBrazil is one of Chile’s most prominent arms suppliers, as it has provided Santiago with "
        "69 percent of its arms imports between 2016 to 2020, accounting for 17 percent of Brazil’s exports.\n")
    found = event_of_sentence(doc, sentences[1], article)
    assert found is not None
    assert found.summary.endswith("between 2016 to 2020")


@pytest.mark.parametrize("sentence", [
    "It was the first reported death of a Chilean general since 2017, when a colonel was killed near Arica.",
    "The Arica bombing was an attack on the port which killed 13 people.",
])
def test_a_complement_saying_what_a_happening_was_tells_it(sentence):
    article, doc, sentences = parsed_article(f"Border News\n\n{sentence}\n")
    assert event_of_sentence(doc, sentences[1], article) is not None


def test_a_happening_a_sentence_lists_is_the_phrase_when_it_names_where(not_events):
    article, doc, sentences = not_events
    for event in (event_of_sentence(doc, sentences[6], article),
                  checked(not_events, 6, "This includes attacks on the fishing ports near Arica", "attack")[0]):
        assert event is not None
        assert event.summary == "attacks on the fishing ports near Arica"
        assert event.event_type == "attack"


def test_a_listed_happening_naming_neither_who_nor_where_or_only_planned_is_no_event():
    article, doc, sentences = parsed_article(
        "Coast Watch\n\nThis includes attacks on fishing boats.\nThe plan includes strikes on Arica.\n")
    assert event_of_sentence(doc, sentences[1], article) is None
    assert event_of_sentence(doc, sentences[2], article) is None


# --------------------------------------------------------------------------
# Casualties told as another happening's outcome
# --------------------------------------------------------------------------

OUTCOMES = (
    "Border War\n"
    "\n"
    "Bolivia launched a wave of airstrikes on May 2 targeting rebel camps, killing several senior commanders and fighters.\n"  # [1]
    "Peru increased its grain exports to Chile during the 2019 Kashmir conflict between Lima and La Paz, "
    "which resulted in the deaths of over 300 soldiers.\n"  # [2]
)


@pytest.fixture(scope="module")
def outcomes():
    article, doc, sentences = parsed_article(OUTCOMES)
    assert sentences[2].text.startswith("Peru")
    return article, doc, sentences


def casualties_of(outcomes, number, told=()):
    article, doc, sentences = outcomes
    found = events_left_out(doc, [sentences[number]], article, cited={number}, told=told)
    return [e for e in found if e.event_type == "casualties"]


def test_a_participle_of_outcome_is_a_second_event_done_by_the_main_subject(outcomes):
    [killing] = casualties_of(outcomes, 1)
    assert killing.summary.startswith("Bolivia launched a wave of airstrikes")
    assert killing.summary.endswith("killing several senior commanders and fighters")
    assert contiguous_pieces(killing.summary, outcomes[2][1].text)
    assert [p.name for p in killing.participants if p.role == "agent"] == ["Bolivia"]
    assert killing.date_text == "May 2"


def test_a_relative_clause_of_outcome_on_a_happening_is_a_second_event(outcomes):
    [deaths] = casualties_of(outcomes, 2)
    assert deaths.summary.startswith("the 2019 Kashmir conflict between Lima and La Paz resulted in the deaths")
    assert contiguous_pieces(deaths.summary, outcomes[2][2].text)
    # Who took part is the parties, not the place the conflict is named after.
    assert [p.name for p in deaths.participants if p.role == "agent"] == ["Lima", "La Paz"]


def test_an_outcome_an_event_of_the_sentence_already_says_is_not_repeated(outcomes):
    [killing] = casualties_of(outcomes, 1)
    told = killing.model_copy(update={"summary": "Bolivian airstrikes killing several senior commanders"})
    assert casualties_of(outcomes, 1, told=[told]) == []


@pytest.mark.parametrize(("sentence", "summary"), [
    ("Lately, Bolivia has also conquered the Tacna corridor.", "Bolivia has conquered the Tacna corridor"),
    ("In 2019, Bolivia annexed the Tacna corridor.", "Bolivia annexed the Tacna corridor"),
])
def test_a_named_actor_taking_a_place_is_an_event_though_no_cue_word_marks_it(sentence, summary):
    article, doc, sentences = parsed_article(f"Border News\n\n{sentence}\n")
    assert not sentences[1].event_cue
    [found] = events_left_out(doc, list(sentences.values()), article, cited=set())
    assert found.summary == summary
    assert found.event_type == "military_activity"
    assert [p.name for p in found.participants if p.role == "agent"] == ["Bolivia"]


@pytest.mark.parametrize("sentence", ["The army may retake the corridor.", "Conquered lands were given back to Peru."])
def test_taking_a_place_only_possible_or_by_nobody_named_is_no_event(sentence):
    article, doc, sentences = parsed_article(f"Border News\n\n{sentence}\n")
    assert events_left_out(doc, list(sentences.values()), article, cited=set()) == []


# --------------------------------------------------------------------------
# Mentions the parse finds; where and when told by "be"
# --------------------------------------------------------------------------

MENTIONS = (
    "Market Blast\n"
    "\n"
    "Police are still searching for the suspect in the bombing.\n"  # [1]
    "After the explosion, the police closed the road.\n"  # [2]
    "The mayor voiced concern about the explosion.\n"  # [3]
    "The worst explosion was at the bus station of Arica.\n"  # [4]
    "The bombing was an attack on 13 September.\n"  # [5]
    "The bombing was retaliation for the raids.\n"  # [6]
    "Six Chilean soldiers were killed with two other Chileans and a Peruvian injured.\n"  # [7]
)


@pytest.fixture(scope="module")
def mentions():
    return parsed_article(MENTIONS)


def test_a_happening_the_parse_finds_named_by_its_noun_alone_is_a_mention_of_it(mentions):
    article, doc, sentences = mentions
    found = event_of_sentence(doc, sentences[1], article)
    assert found is not None and found.summary == "the bombing"


@pytest.mark.parametrize("number", [2, 3], ids=["a time it sets", "what a remark is about"])
def test_a_happening_named_only_in_passing_is_no_mention(mentions, number):
    article, doc, sentences = mentions
    assert event_of_sentence(doc, sentences[number], article) is None


@pytest.mark.parametrize(
    ("number", "what", "kept"),
    [(4, "The worst explosion was at the bus station of Arica", True),
     (5, "The bombing was an attack on 13 September", True),
     (6, "The bombing was retaliation for the raids", False)],
    ids=["where", "when", "what it meant"],
)
def test_be_saying_where_or_when_tells_the_happening_and_what_it_meant_comments(mentions, number, what, kept):
    event, reason = checked(mentions, number, what, "attack")
    assert (event is not None) == kept, reason


def test_a_people_word_with_its_determiner_ends_a_summary(mentions):
    article, doc, sentences = mentions
    found = event_of_sentence(doc, sentences[7], article)
    assert found is not None and found.summary.startswith("Six Chilean soldiers were killed")


@pytest.mark.parametrize(
    ("line", "summary"),
    [
        ("Hamas pushed a new attack into the south on Monday.", "Hamas pushed a new attack into the south"),
        ("Police listed the bombing as a terrorist attack.", "Police listed the bombing as a terrorist attack"),
    ],
)
def test_a_verb_that_reports_only_in_one_construction_still_tells_an_act(line, summary) -> None:
    """"pushed for X" and "listed X as Y" are cues of attribution; "pushed an
    attack south" is a deed, and so is a listing done by the police."""
    article, doc, sentences = parsed_article(f"Front Lines\n\n{line}\n")
    found = event_of_sentence(doc, sentences[1], article)
    assert found is not None and found.summary == summary
