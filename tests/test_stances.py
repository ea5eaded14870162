"""Stances built from a statement answer: the direction is fixed by rule."""

from __future__ import annotations

import pytest

from summariser.articles import article_from_text
from summariser.rules import attacked_target, distinct_stances, polarity_conflict, relaying_outlet, stance_from, unnamed_holder
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


def test_a_demonym_or_capital_target_is_its_state(article_and_sentences):
    stance = build(article_and_sentences, sentence=1, speaker="Ilham Aliyev", stance="support", target="Iranian")
    assert stance.target == "Iran"


def with_words(sentence: str, holder: str, polarity: str, target: str):
    from summariser.datamodel import Evidence, Stance

    return Stance(holder=holder, target=target, topic="t", polarity=polarity,
                  evidence=Evidence(start=0, end=len(sentence), text=sentence))


@pytest.mark.parametrize(
    ("sentence", "polarity", "target", "conflicts"),
    [
        # The words next to the target say the opposite of the model's polarity.
        ("He discussed the threat that Iran poses to regional security.", "support", "Iran", "threat"),
        ("The Israeli regime acted in violation of international law.", "support", "Israel", "violation"),
        ("The council voted to override the governor's veto of the bill.", "support", "governor", "override"),
        ("The president called on Maduro to end his campaign of chaos.", "support", "Maduro", "end his campaign"),
        ("Aliyev praised the defense cooperation with Tel Aviv.", "oppose", "Israel", "prais"),
        ("We will not tolerate a Zionist base on our northern border.", "support", "Israel", "not tolerate"),
        ("State television claimed a Zionist presence at the border.", "support", "Israel", "Zionist"),
        # The words agree, or say both, or are about someone else: no conflict.
        ("Aliyev praised the defense cooperation with Tel Aviv.", "support", "Israel", None),
        ("He condemned the strike but thanked Qatar for its support.", "support", "Qatar", None),
        ("Iran condemned Israel, while Baku welcomed the talks with Armenia in a long statement.", "support", "Armenia", None),
    ],
)
def test_polarity_the_words_next_to_the_target_contradict_is_a_conflict(sentence, polarity, target, conflicts):
    found = polarity_conflict(with_words(sentence, "X", polarity, target), sentence)
    if conflicts is None:
        assert found is None
    else:
        assert found is not None and conflicts in found


def test_the_same_position_twice_in_one_sentence_is_one_stance():
    sentence = "Aliyev and Bayramov said Azerbaijan respects Iran."
    twice = [with_words(sentence, "Azerbaijan", "support", "Iran"), with_words(sentence, "azerbaijan", "support", "Iran")]
    other = with_words(sentence, "Azerbaijan", "oppose", "Iran")
    assert distinct_stances(twice + [other]) == [twice[0], other]


POSTED = (
    "Envoy Speaks\n"
    "\n"
    "The Azeri ambassador to Israel, Mukhtar Mammadov, said Israel had let Baku down.\n"  # [1]
    "Ambassador to Israel Karl Vennberg said Israel must stop the raids.\n"  # [2]
)


def test_the_state_a_speaker_is_posted_to_is_not_their_side():
    article = article_from_text(POSTED)
    sentences = {s.number: s for s in split_sentences(article)}
    mammadov = stance_from(SpeechAct(sentence=1, speaker="Mukhtar Mammadov", stance="oppose", target="Israel"),
                           sentences[1], article)
    assert mammadov is not None and (mammadov.holder, mammadov.target) == ("Azerbaijan", "Israel")
    vennberg = stance_from(SpeechAct(sentence=2, speaker="Karl Vennberg", stance="oppose", target="Israel"),
                           sentences[2], article)
    assert vennberg is not None and (vennberg.holder, vennberg.target) == ("Karl Vennberg", "Israel")


def test_a_target_written_with_spaced_initials_is_its_state():
    text = "Talks\n\nIranian President Masoud Pezeshkian criticised the U. S. for the strikes.\n"
    article = article_from_text(text)
    sentence = split_sentences(article)[0]
    stance = stance_from(SpeechAct(sentence=1, speaker="Masoud Pezeshkian", stance="oppose", target="U. S."),
                         sentence, article)
    assert stance is not None and (stance.holder, stance.target) == ("Iran", "United States")


def test_a_news_outlet_relaying_a_claim_holds_no_stance_and_is_counted():
    from summariser.extract import _held_by_actors

    sentence = "NBC reported that the senator told The Daily Herald she backs Ellis."
    relayed = [with_words(sentence, "NBC", "support", "Ellis"), with_words(sentence, "Ann Holt", "support", "The Daily Herald"),
               with_words(sentence, "Ann Holt", "support", "Ellis")]
    dropped = []
    assert _held_by_actors(relayed, article_from_text("News\n\n" + sentence + "\n"), dropped) == [relayed[2]]
    assert [d.kind for d in dropped] == ["stance", "stance"]
    assert "NBC" in dropped[0].reason and "Daily Herald" in dropped[1].reason


@pytest.mark.parametrize(
    ("sentence", "outlet"),
    [
        ("In an interview with a Turkish news agency, Aliyev said he respects sovereign rights.", "Turkish news agency"),
        ("Ibrahim informed Israeli media that Baku values its ties.", "Israeli media"),
        ("Ibrahim informed Israeli media that Baku values its ties with Israel.", None),  # Israel named as itself too
    ],
)
def test_a_state_named_only_as_an_outlets_is_that_outlet(sentence, outlet):
    found = relaying_outlet(with_words(sentence, "Azerbaijan", "support", "Turkey" if "Turkish" in sentence else "Israel"),
                            sentence)
    assert found == outlet


def test_where_the_parse_reads_the_opposite_polarity_the_parse_wins_and_the_model_is_counted():
    from summariser.extract import _parse_agrees

    sentence = "Ankara would not allow Athens to station troops on the islands."
    model = [with_words(sentence, "Turkey", "support", "Greece"), with_words(sentence, "Turkey", "support", "Cyprus")]
    parse = [with_words(sentence, "Turkey", "oppose", "Greece")]
    dropped = []
    assert _parse_agrees(model, parse, dropped) == [model[1]]
    assert len(dropped) == 1 and "'support' of Greece" in dropped[0].reason and "'oppose'" in dropped[0].reason


@pytest.mark.parametrize(
    ("sentence", "target", "polarity", "dropped"),
    [
        ("The rebels said Oslo was using drones to attack the northern regions of Sweden.", "Sweden", "oppose", True),
        ("The militia claimed it had proof of plans to attack and target a French base.", "France", "support", True),
        ("Oslo said it would not allow Berlin to attack Sweden from its soil.", "Sweden", "support", False),
        ("The minister praised Sweden for its help after the storm.", "Sweden", "support", False),
    ],
    ids=["victim", "victim by demonym", "attack not allowed", "no attack"],
)
def test_a_stance_toward_the_one_attacked_is_no_stance(sentence, target, polarity, dropped):
    found = attacked_target(with_words(sentence, "X", polarity, target), sentence)
    assert (found is not None) == dropped, found


@pytest.mark.parametrize(
    ("holder", "named"),
    [("events", False), ("escalating probe", False), ("President", False), ("Joe Biden - for", False),
     ("the witness who saw it", False), ("Anna Berg", True), ("Abu Mahdi al-Muhandis", True),
     ("Republican lawmakers", True), ("France", True), ("the city council", True)],
)
def test_a_stance_needs_a_holder_the_text_names(holder, named):
    sentence = f"{holder} criticised the plan."
    found = unnamed_holder(with_words(sentence, holder, "oppose", "plan"))
    assert (found is None) == named, found


@pytest.mark.parametrize(
    ("words", "target", "named"),
    [
        ("dismissed claims put forward by the Greek president", "Greece", True),  # a demonym
        ("said that the drills were lawful", "Greece", False),
        ("criticised the “double standards” of the U.S.", "United States", True),  # dotted initials
        ("thanked Athens for its help", "Greece", True),  # a capital
        ("praised Masoud Pezeshkian", "President Masoud Pezeshkian", True),  # a name word
        ("welcomed the ceasefire", "Greece", False),
    ],
)
def test_a_stance_from_a_statement_is_toward_someone_it_speaks_of(words, target, named):
    from summariser.rules import target_not_spoken_of

    found = target_not_spoken_of(with_words(words, "Turkey", "support", target), words)
    assert (found is None) == named, found


def test_of_two_statements_in_one_sentence_only_the_one_naming_the_target_gives_a_stance_toward_it():
    from summariser.extract import _spoken_of
    from summariser.nlp import parse
    from summariser.prepass import speech_candidates

    text = ("Border\n\nThe Turkish minister dismissed claims put forward by the Greek president about the border "
            "and said that the drills were lawful.\n")
    article = article_from_text(text)
    doc = parse(article.text)
    candidates = speech_candidates(doc, split_sentences(article, doc))
    assert [c.attribution.cue.text for c in candidates] == ["dismissed", "said"]
    said = [(c, stance_from(SpeechAct(sentence=1, speaker="minister", stance="deny" if c.attribution.cue.text == "dismissed"
                                      else "support", target="Greece"), c.sentence, article)) for c in candidates]
    assert all(s is not None for _, s in said)
    dropped = []
    kept = _spoken_of(said, [(c, "minister") for c in candidates], article, dropped)
    assert [s.polarity for s in kept] == ["deny"]
    assert len(dropped) == 1 and "Greece is not named" in dropped[0].reason


@pytest.mark.parametrize(
    ("sentence", "polarity", "dropped"),
    [
        ("The Turkish minister urged Athens to investigate the reports.", "support", True),
        ("Ankara called on Greece to open the talks again.", "support", True),
        ("Ankara called on Greece to end its campaign.", "oppose", False),  # a hostile demand is read elsewhere
        ("The minister urged the EU to press Athens on the islands.", "support", False),  # Athens is not the one asked
        ("The minister praised Athens for its help.", "support", False),
    ],
)
def test_support_of_the_one_asked_to_do_something_is_the_models_guess(sentence, polarity, dropped):
    from summariser.rules import asked_of_target

    found = asked_of_target(with_words(sentence, "Turkey", polarity, "Greece"), sentence)
    assert (found is not None) == dropped, found
