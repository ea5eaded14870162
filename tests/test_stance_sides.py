"""A stance's holder and target are who the sentence says, or the stance is dropped and counted.

Each sentence goes through the parse and the attribution finder; the model's
answer is given as a SpeechAct, as the statement question would return it.
"""

from __future__ import annotations

import json

import pytest

from summariser.articles import article_from_text
from summariser.datamodel import Evidence, Stance
from summariser.nlp import parse
from summariser.prepass import speech_candidates, split_sentences
from summariser.questions import SpeechAct
from summariser.rules import cut_off_name, relaying_outlet, stance_from, support_of_the_told, unnamed_holder


def sides_as_written(sentence: str, speaker: str, polarity: str, target: str):
    """(kept stances, dropped reasons) for the model answering ``polarity`` toward
    ``target`` for the sentence's one attribution."""
    from summariser.extract import _sides_as_written

    article = article_from_text("News\n\n" + sentence + "\n")
    doc = parse(article.text)
    candidates = speech_candidates(doc, split_sentences(article, doc))
    assert len(candidates) == 1, [c.attribution.cue.text for c in candidates]
    (candidate,) = candidates
    stance = stance_from(SpeechAct(sentence=1, speaker=speaker, stance=polarity, target=target), candidate.sentence,
                         article)
    assert stance is not None and stance.target == target
    dropped = []
    kept = [s for _, s in _sides_as_written([(candidate, stance)], doc, article, dropped)]
    assert [d.kind for d in dropped] == ["stance"] * len(dropped)
    return kept, [d.reason for d in dropped]


def with_words(sentence: str, holder: str, polarity: str, target: str, speaker: str | None = None) -> Stance:
    return Stance(holder=holder, target=target, topic="t", polarity=polarity, speaker=speaker,
                  evidence=Evidence(start=0, end=len(sentence), text=sentence))


# --------------------------------------------------------------------------
# The speaker's own affiliation, named only where the sentence says who they are
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "speaker", "polarity", "target"),
    [
        # A quotation split by its cue: what was said runs on over the speaker's description.
        ("“The new rule is cruel,” said Dr. Maria Olsen, president of the Northfield Family Health Alliance. "
         "“It is also unlawful.”", "Maria Olsen", "support", "Northfield Family Health Alliance"),
        ("“We would not be in this mess but for his choices,” said Pruitt, who ran the Army in the Clinton "
         "administration. “He knows it.”", "Pruitt", "oppose", "Clinton"),
        ("“We would not be in this mess but for his choices,” said Pruitt, who ran the Army in the Clinton "
         "administration. “He knows it.”", "Pruitt", "support", "Army"),
        ("“It was a setback,” said Tom Reyes, a lawyer for the Coastal Fishers Union. “We will appeal.”", "Tom Reyes",
         "support", "Coastal Fishers Union"),
    ],
    ids=["appositive", "relative clause", "relative clause object", "lawyer for"],
)
def test_a_target_named_only_in_the_speakers_description_is_dropped(sentence, speaker, polarity, target):
    kept, reasons = sides_as_written(sentence, speaker, polarity, target)
    assert kept == []
    assert len(reasons) == 1 and "description of the speaker" in reasons[0] and target in reasons[0]


@pytest.mark.parametrize(
    ("sentence", "speaker", "target"),
    [
        ("Maria Olsen said the Northfield Alliance would sue the Health Department.", "Maria Olsen", "Health Department"),
        ("“The Health Department has failed us,” said Maria Olsen, president of the Northfield Alliance.", "Maria Olsen",
         "Health Department"),
        # Named in the description and in what was said: spoken of.
        ("Pruitt, who ran the Army under Clinton, said Clinton had been right about the base.", "Pruitt", "Clinton"),
    ],
)
def test_a_target_named_in_what_was_said_is_kept(sentence, speaker, target):
    kept, reasons = sides_as_written(sentence, speaker, "support", target)
    assert reasons == [] and [(s.holder, s.target) for s in kept] == [(speaker, target)]


# --------------------------------------------------------------------------
# Being told something, or being the channel, is no sign of support
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "target", "dropped"),
    [
        ("Ramirez told a Senate panel that she had sold the shares in 2015.", "Senate", True),
        ("Dunn said in a letter to the House and Senate Budget committees that the audit was complete.", "House", True),
        ("Dunn said in a letter to the House and Senate Budget committees that the audit was complete.",
         "Senate Budget", True),
        ("In a release from the Commerce Department, Ms. Olsen said she was grateful to her staff.",
         "Commerce Department", True),
        ("Ramirez testified before the Senate Finance Committee that the fund was sound.", "Senate Finance Committee",
         True),
        # A clarification is more than being told: it may be conciliatory.
        ("He said he later clarified to the Omani Sultan that the strike was not aimed at friendly neighbours.",
         "Oman", False),
        # What was said names the target: a position toward it, whoever was told.
        ("Aliyev told Tehran that Baku would not allow Tel Aviv to attack Iran from its soil.", "Iran", False),
        ("Ramirez told the Senate panel that the Senate deserved better answers.", "Senate", False),
        # Words of goodwill toward the one addressed.
        ("Aliyev assured Tehran that Baku would never act against its neighbour.", "Iran", False),
        ("Ramirez thanked the Senate for its patience.", "Senate", False),
    ],
)
def test_support_of_whom_was_only_told_something_is_dropped(sentence, target, dropped):
    found = support_of_the_told(with_words(sentence, "Ramirez", "support", target), sentence)
    assert (found is not None) == dropped, found


def test_being_told_is_checked_for_support_only():
    sentence = "Ramirez told a Senate panel that she had sold the shares in 2015."
    assert support_of_the_told(with_words(sentence, "Ramirez", "oppose", "Senate"), sentence) is None


def test_support_of_the_panel_told_is_counted_in_a_run():
    kept, reasons = sides_as_written("Ramirez told a Senate panel that she had sold the shares in 2015.", "Ramirez",
                                     "support", "Senate")
    assert kept == [] and len(reasons) == 1 and "told" in reasons[0]


# --------------------------------------------------------------------------
# A cut-off piece of a longer name is no name of its own
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "sentence", "longer"),
    [
        ("Rear Adm", "The post will go to Rear Adm. Lena Holt, the White House said.", "Rear Adm. Lena"),
        ("Office of the Vice", "The Office of the Vice President said it had not been told.", "Office of the Vice President"),
        ("Citizens", "“Citizens Alliance for Freedom is glad the agency acted,” Jane Ross said.", "Citizens Alliance"),
        ("United States", "“I accept my dismissal as United States Secretary of the Army,” Harlan wrote.",
         "United States Secretary"),
        # A name of its own somewhere in the sentence.
        ("Citizens", "Citizens Alliance for Freedom said Citizens deserve answers.", None),
        ("Trump", "The senator said Trump Tuesday had misled the country.", None),  # a day follows any name
        ("Biden", "The Biden Administration said the rule stands.", None),  # a side's government
        ("Iran", "Iranian President Masoud Pezeshkian spoke with Aliyev.", None),  # a demonym stands alone
        ("Senate", "Ramirez told a Senate panel that she had sold the shares.", None),
        ("Iran", "Iran Says Baku Must Not Allow Israel To Use Its Airspace", None),  # a title-case headline
    ],
)
def test_a_cut_off_piece_of_a_longer_name_is_no_name(name, sentence, longer):
    assert cut_off_name(name, sentence) == longer


def test_a_stance_toward_a_cut_off_name_is_counted_in_a_run():
    kept, reasons = sides_as_written(
        "“I hereby accept my dismissal as United States Secretary of the Army,” Harlan wrote.", "Harlan", "support",
        "United States")
    assert kept == [] and len(reasons) == 1 and "'United States' is only part of the name" in reasons[0]


# --------------------------------------------------------------------------
# A reporter relays; a common word or a home state is no holder
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "holder", "relays"),
    [
        ("The court will hear the case in March, according to Peter Lund of the Chicago Tribune.", "Peter Lund", True),
        ("Chicago Tribune reporter Peter Lund wrote that the court would hear the case.", "Peter Lund", True),
        ("CNN's Jake Tapper said the court would hear the case.", "Jake Tapper", True),
        ("Peter Lund, a columnist for the Chicago Tribune, said the court would hear the case.", "Peter Lund", True),
        ("Peter Lund of the Supreme Court said the court would hear the case.", "Peter Lund", False),
        ("Iran's Zarif said the court would hear the case.", "Zarif", False),
    ],
)
def test_a_reporter_of_a_news_outlet_holds_no_stance(sentence, holder, relays):
    found = relaying_outlet(with_words(sentence, holder, "support", "Supreme Court"), sentence)
    assert (found is not None) == relays, found
    if relays:
        assert holder in found


@pytest.mark.parametrize(
    ("sentence", "holder", "named"),
    [
        ("Weeks after Lopez restored Ortega’s pension, Army officials said they would review the case.", "Weeks", False),
        ("“The bill is a disgrace,” the Ohio Democrat said.", "Ohio", False),
        ("“The bill is a disgrace,” said the Iowa senator.", "Iowa", False),
        # Names of their own.
        ("Lopez said the Army would review the case.", "Lopez", True),
        ("Pezeshkian said Iran was then forced to strike the base.", "Pezeshkian", True),  # the parse reads ADJ
        ("Trump gave no sign of backing down on Tuesday.", "Trump", True),  # the parse reads a noun
        ("Army officials said they would review the case.", "Army", True),
        ("Republican senators said the bill was a disgrace.", "Republican", True),
        ("Ohio said the bill was a disgrace, and the Ohio Democrat agreed.", "Ohio", True),
    ],
)
def test_a_holder_the_sentence_shows_is_no_actor(sentence, holder, named):
    from summariser.extract import _common_words

    found = unnamed_holder(with_words(sentence, holder, "oppose", "bill"), sentence, _common_words(parse(sentence)))
    assert (found is None) == named, found


# --------------------------------------------------------------------------
# In a run: the model's answers are kept as asked, the stances checked after
# --------------------------------------------------------------------------

RUN_ARTICLE = (
    "Shares Row Reaches Congress\n"
    "\n"
    "“The new rule is cruel,” said Dr. Maria Olsen, president of the Northfield Family Health Alliance. "  # [1]
    "“It is also unlawful.”\n"  # [2]
    "Ramirez told a Senate panel that she had sold the shares in 2015.\n"  # [3]
    "“I hereby accept my dismissal as United States Secretary of the Army,” Harlan wrote.\n"  # [4]
    "The Supreme Court will hear the case in March, according to Peter Lund of the Chicago Tribune.\n"  # [5]
    "“The bill Senator Kemp wrote is a disgrace,” the Ohio Democrat said.\n"  # [6]
    "Olsen said the Northfield Family Health Group would sue the Health Department.\n"  # [7]
    "Aliyev told Tehran that Baku would not allow Tel Aviv to attack Iran from its soil.\n"  # [8]
)
# The model's answer for each sentence's statement: (stance, target).
ANSWERS = {
    1: ("support", "Northfield Family Health Alliance"),  # the speaker's own group, in her description
    3: ("support", "Senate"),  # only told
    4: ("support", "United States"),  # a piece of his title
    5: ("support", "Supreme Court"),  # held by a reporter
    6: ("oppose", "Kemp"),  # held by "Ohio"
    7: ("oppose", "Health Department"),  # right
    8: ("support", "Iran"),  # named in what was said
}


def test_in_a_run_only_stances_between_the_sides_the_sentences_name_are_kept(tmp_path):
    from fake_model import FakeModel, Reply, good, statement_answer
    from test_reliability import articles, run_cli

    def script(call):
        if call.about_statements and call.allowed and call.allowed[0] in ANSWERS:
            stance, target = ANSWERS[call.allowed[0]]
            return Reply(content=statement_answer(call, stance=stance, target=target, topic="the rule"))
        return good(call)

    with FakeModel(script) as fake:
        ran = run_cli(articles(tmp_path, RUN_ARTICLE), tmp_path / "out" / "dossier.json", fake.base_url,
                      tmp_path / "cache")
        asked = sorted(c.allowed[0] for c in fake.calls if c.about_statements and not c.reask)
    assert ran.code == 0, ran.output
    assert asked == sorted(ANSWERS), asked  # every answer above was asked for and given
    (path,) = ran.extraction_files()
    extraction = json.loads(path.read_text(encoding="utf-8"))
    kept = sorted((s["holder"], s["polarity"], s["target"]) for s in extraction["stances"])
    assert kept == [("Aliyev", "support", "Iran"), ("Olsen", "oppose", "Health Department")], kept
    reasons = [d["reason"] for d in extraction["dropped"] if d["kind"] == "stance"]
    expected = ["Northfield Family Health Alliance is named only in the description of the speaker",
                "'support' of Senate, but the sentence only says something was told to it",
                "'United States' is only part of the name 'United States Secretary",
                "'Peter Lund of the Chicago Tribune' is a news outlet or its reporter",
                "'Ohio' only says where the 'Democrat' who spoke is from"]
    for words in expected:
        assert sum(words in r for r in reasons) == 1, (words, reasons)
    assert len(reasons) == len(expected), reasons


# --------------------------------------------------------------------------
# A target named only in what someone else is reported to have said
# --------------------------------------------------------------------------


def spoken_of(sentence: str, speaker: str, polarity: str, target: str):
    """(kept, dropped reasons) for a stance read from the sentence's first (outer)
    attribution, with every attribution in it answered as a statement."""
    from summariser.extract import _spoken_of

    article = article_from_text("News\n\n" + sentence + "\n")
    doc = parse(article.text)
    candidates = speech_candidates(doc, split_sentences(article, doc))
    outer = min(candidates, key=lambda c: c.attribution.cue.start)
    stance = stance_from(SpeechAct(sentence=1, speaker=speaker, stance=polarity, target=target), outer.sentence, article)
    assert stance is not None
    statements = [(c, c.speaker or speaker) for c in candidates]
    dropped = []
    kept = _spoken_of([(outer, stance)], statements, article, dropped)
    return kept, [d.reason for d in dropped], len(candidates)


def test_a_target_named_only_in_anothers_reported_words_is_not_the_speakers():
    kept, reasons, found = spoken_of(
        "Aliyev said that Turkish officials had claimed Greece would not act without Turkish approval.",
        "Aliyev", "support", "Turkey")
    assert found == 2  # Aliyev's statement, and the officials' claim inside it
    assert kept == [] and len(reasons) == 1 and "Turkey is not named in what was said" in reasons[0], reasons


def test_a_target_the_speaker_names_in_their_own_words_is_kept():
    kept, reasons, found = spoken_of(
        "Aliyev said that Turkey had always backed Baku, while Greek officials claimed that Ankara had wavered.",
        "Aliyev", "support", "Turkey")
    assert found == 2
    assert [s.target for s in kept] == ["Turkey"] and reasons == []
