"""Attributions found by syntax: who said what, with exact offsets.

One class per kind of error the statement finder has made: the wrong
speaker, one attribution where there are several (or several where there
is one), cues beyond "said", quotation marks that are not speech, sources
that are not persons, sentences cut at abbreviations, offsets that drift.
All sentences are made up for these tests.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from summariser import nlp
from summariser.attribution import (
    Attribution,
    Span,
    find_attributions,
    find_quotes,
    name_of,
    resolve_pronoun_candidates,
)

SEEDS = sorted((Path(__file__).resolve().parent.parent / "seeds").glob("*.txt"))


def check_offsets(text: str, found: list[Attribution]) -> None:
    for attribution in found:
        spans = [attribution.cue, attribution.content] + ([attribution.source] if attribution.source else [])
        for span in spans:
            assert text[span.start : span.end] == span.text, span
            assert span.text == span.text.strip() and span.text
        low, high = attribution.sentences
        assert low <= min(s.start for s in spans) and max(s.end for s in spans) <= high
        assert text[low:high] == text[low:high].strip()
        if attribution.source is None:
            assert attribution.source_kind == "none"


def find(text: str) -> list[Attribution]:
    doc = nlp.parse(text)
    found = find_attributions(doc, nlp.sentence_spans(doc))
    check_offsets(text, found)
    return found


def brief(found: list[Attribution]) -> list[tuple[str, str | None, str, str]]:
    return [(a.cue.text, a.source.text if a.source else None, a.content.text, a.kind) for a in found]


# --------------------------------------------------------------------------
# 1. The speaker is the one the sentence names
# --------------------------------------------------------------------------


class TestSpeakerIsTheSubject:
    def test_addressee_is_not_the_speaker(self) -> None:
        found = find('Jane Roe told CBS, "We will win this race."')
        assert brief(found) == [("told", "Jane Roe", "We will win this race.", "quote")]
        assert found[0].source_kind == "name" and found[0].source_type == "person"

    def test_addressee_of_a_paraphrase(self) -> None:
        found = find("Maria Lopez told the Boston Globe that the mayor had lied.")
        assert brief(found) == [("told", "Maria Lopez", "the mayor had lied", "paraphrase")]

    def test_a_name_inside_the_quote_is_not_the_speaker(self) -> None:
        found = find('Roe said: "Smith is wrong about the budget and he knows it."')
        assert brief(found) == [("said", "Roe", "Smith is wrong about the budget and he knows it.", "quote")]

    def test_a_third_person_cue_inside_a_quote_is_the_quoted_speakers_words(self) -> None:
        # PolNeAR annotates no attribution whose cue lies inside a quotation.
        found = find("“He wants to win by stoking fear,” Maria Lopez said.")
        assert brief(found) == [("said", "Maria Lopez", "He wants to win by stoking fear", "quote")]

    def test_the_quoted_speakers_own_i_think_is_not_another_attribution(self) -> None:
        found = find('Roe said: "I think Smith is wrong about the budget."')
        assert brief(found) == [("said", "Roe", "I think Smith is wrong about the budget.", "quote")]

    def test_inverted_cue_after_the_quote(self) -> None:
        found = find("“The economy is strong and getting stronger,” said Governor Tom Baker.")
        assert brief(found) == [("said", "Governor Tom Baker", "The economy is strong and getting stronger", "quote")]

    def test_appositive_name_is_the_source(self) -> None:
        found = find("The city's police chief, Anna Kowalski, told reporters that the suspect had fled.")
        assert brief(found) == [("told", "Anna Kowalski", "the suspect had fled", "paraphrase")]

    def test_appositive_description_is_not_the_source(self) -> None:
        found = find("The mayor, a veteran Democrat, said the bridge would reopen in May.")
        assert brief(found) == [("said", "The mayor", "the bridge would reopen in May", "paraphrase")]

    def test_relative_clause_is_not_part_of_the_source(self) -> None:
        found = find("Maria Lopez, who chairs the committee, said the bill would fail.")
        assert brief(found) == [("said", "Maria Lopez", "the bill would fail", "paraphrase")]

    def test_passive_agent_is_the_source(self) -> None:
        found = find("The plan was criticized by Maria Lopez.")
        assert brief(found) == [("criticized", "Maria Lopez", "The plan", "paraphrase")]

    def test_passive_without_agent_has_no_source(self) -> None:
        found = find("It was announced that the factory would close.")
        assert brief(found) == [("announced", None, "the factory would close", "paraphrase")]
        assert (found[0].source_kind, found[0].source_type) == ("none", "unknown")

    def test_conjoined_speech_verb_keeps_the_speaker_of_the_first(self) -> None:
        # The parser hangs "added" off "initiated", inside the first clause.
        text = "Karl Weber emphasized that Norland has never started a war and added that the raid broke international law."
        assert brief(find(text)) == [
            ("emphasized", "Karl Weber", "Norland has never started a war", "paraphrase"),
            ("added", "Karl Weber", "the raid broke international law", "paraphrase"),
        ]

    def test_dateline_city_is_not_the_speaker(self) -> None:
        found = find("BOSTON (AP) — Maria Lopez and Tom Baker pledged to work together.")
        assert brief(found) == [("pledged", "Maria Lopez and Tom Baker", "to work together", "paraphrase")]

    def test_participle_after_an_addressee_keeps_the_sender(self) -> None:
        found = find("The senator emailed supporters saying that the fight goes on.")
        assert brief(found) == [("saying", "The senator", "the fight goes on", "paraphrase")]

    def test_pronoun_source_and_its_candidates(self) -> None:
        text = "Maria Lopez met Governor Tom Baker in Boston on Friday. She said the talks went well."
        doc = nlp.parse(text)
        (found,) = find_attributions(doc, nlp.sentence_spans(doc))
        assert (found.source.text, found.source_kind, found.source_type) == ("She", "pronoun", "person")
        candidates = resolve_pronoun_candidates(doc, found)
        assert [c.text for c in candidates] == ["Boston", "Tom Baker", "Maria Lopez"]
        assert all(text[c.start : c.end] == c.text for c in candidates)

    def test_name_of_a_titled_source(self) -> None:
        text = "Governor Tom Baker said the budget was balanced."
        doc = nlp.parse(text)
        (found,) = find_attributions(doc, nlp.sentence_spans(doc))
        assert found.source.text == "Governor Tom Baker"
        assert name_of(doc, found.source) == "Tom Baker"
        assert name_of(doc, None) is None


# --------------------------------------------------------------------------
# 2. Several attributions in a sentence; one over several sentences
# --------------------------------------------------------------------------


class TestHowManyAttributions:
    def test_two_cues_in_one_sentence(self) -> None:
        found = find("Maria Lopez accused Tom Baker of lying, and Baker said that the claim was absurd.")
        assert brief(found) == [
            ("accused", "Maria Lopez", "Tom Baker of lying", "paraphrase"),
            ("said", "Baker", "the claim was absurd", "paraphrase"),
        ]

    def test_quote_over_three_sentences_is_one_attribution(self) -> None:
        text = "Maria Lopez said: “We will win. Nobody can stop us. The voters are with us.”"
        found = find(text)
        assert brief(found) == [
            ("said", "Maria Lopez", "We will win. Nobody can stop us. The voters are with us.", "quote")
        ]
        assert found[0].sentences == (0, len(text))

    def test_added_colon_then_the_quote_on_the_next_line(self) -> None:
        text = "Maria Lopez spoke after the vote. She added:\n“We will keep fighting for every family in this state.”"
        found = find(text)
        assert brief(found) == [
            ("added", "She", "We will keep fighting for every family in this state.", "quote")
        ]
        assert found[0].sentences == (text.index("She"), len(text))

    def test_quote_going_on_after_the_cue_is_one_attribution(self) -> None:
        # PolNeAR's convention: a quotation split by its cue is one attribution
        # (content in two pieces); the content span runs over the cue, parts are the pieces.
        found = find("“I will never resign,” Maria Lopez said. “This is my job and I will keep doing it.”")
        assert brief(found) == [
            ("said", "Maria Lopez", "I will never resign,” Maria Lopez said. “This is my job and I will keep doing it.", "quote"),
        ]
        assert [p.text for p in found[0].parts] == ["I will never resign", "This is my job and I will keep doing it."]

    def test_quote_split_by_the_cue(self) -> None:
        found = find("“We will win,” she said, “and nobody can stop us now.”")
        assert brief(found) == [
            ("said", "she", "We will win,” she said, “and nobody can stop us now.", "quote"),
        ]
        assert [p.text for p in found[0].parts] == ["We will win", "and nobody can stop us now."]

    def test_a_quoted_title_after_the_cue_is_not_more_of_the_quote(self) -> None:
        for text in ('"The plan is dead," Baker said on NBC\'s "Meet the Press."',
                     '"The bridge will reopen soon," Baker said on NBC\'s "Meet the Press."'):
            assert [a.content.text for a in find(text)] == [text[1 : text.index(',"')]]

    def test_a_quote_closed_on_a_comma_ends_the_content(self) -> None:
        found = find('Lopez had previously said, "We will see," when asked whether she would run again.')
        assert ("said", "Lopez", "We will see", "quote") in brief(found)

    def test_an_unsplit_quote_has_no_parts(self) -> None:
        found = find("“We will win this race,” she said.")
        assert brief(found) == [("said", "she", "We will win this race", "quote")]
        assert found[0].parts == ()

    def test_nested_speech_gives_inner_and_outer(self) -> None:
        text = "The foreign ministry said President Karl Weber told Prime Minister Anna Kowalski that the border would stay open."
        assert brief(find(text)) == [
            (
                "said",
                "The foreign ministry",
                "President Karl Weber told Prime Minister Anna Kowalski that the border would stay open",
                "paraphrase",
            ),
            ("told", "President Karl Weber", "the border would stay open", "paraphrase"),
        ]

    def test_paraphrase_with_a_partial_quote_is_mixed(self) -> None:
        text = "Tom Baker declared that the city “will never allow its parks to be sold.”"
        assert brief(find(text)) == [
            ("declared", "Tom Baker", "the city “will never allow its parks to be sold.”", "mixed")
        ]

    def test_quote_after_a_paraphrase_goes_to_that_speaker(self) -> None:
        found = find("Tom Baker said he would run. “We are ready for this fight and we will win.”")
        assert brief(found) == [
            ("said", "Tom Baker", "he would run", "paraphrase"),
            ("said", "Tom Baker", "We are ready for this fight and we will win.", "quote"),
        ]

    def test_quote_continued_in_the_next_paragraph(self) -> None:
        text = (
            "“We will rebuild every road in this county,” Maria Lopez said. “It will take years.\n\n"
            "“But we will not give up on anyone who lives here,” she added."
        )
        found = find(text)
        assert brief(found) == [
            ("said", "Maria Lopez", "We will rebuild every road in this county,” Maria Lopez said. “It will take years.", "quote"),
            ("added", "she", "But we will not give up on anyone who lives here", "quote"),
        ]

    def test_contrasting_speakers_in_one_sentence(self) -> None:
        text = "Democrats say the plan will hurt the middle class, while Republicans say it will create jobs."
        assert brief(find(text)) == [
            ("say", "Democrats", "the plan will hurt the middle class", "paraphrase"),
            ("say", "Republicans", "it will create jobs", "paraphrase"),
        ]

    def test_question_put_to_the_speaker_is_not_his_statement(self) -> None:
        # PolNeAR's convention: "asked" is an attribution of its own, by someone unnamed.
        found = find('Asked whether he would run, Tom Baker said, "I have not decided yet."')
        assert brief(found) == [
            ("Asked", None, "whether he would run", "paraphrase"),
            ("said", "Tom Baker", "I have not decided yet.", "quote"),
        ]

    def test_three_sentences_three_attributions(self) -> None:
        text = "Tom Baker said he would run again. He added that the party was behind him. “We are ready,” he said."
        assert brief(find(text)) == [
            ("said", "Tom Baker", "he would run again", "paraphrase"),
            ("added", "He", "the party was behind him", "paraphrase"),
            ("said", "he", "We are ready", "quote"),
        ]


# --------------------------------------------------------------------------
# 3. Cues beyond say and tell
# --------------------------------------------------------------------------


class TestCues:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("Maria Lopez wrote in the letter that the plan was doomed.", ("wrote", "Maria Lopez", "the plan was doomed")),
            ("Tom Baker questioned the wisdom of the new highway plan.", ("questioned", "Tom Baker", "the wisdom of the new highway plan")),
            ("Maria Lopez complimented the chef on the excellent soup.", ("complimented", "Maria Lopez", "the chef on the excellent soup")),
            ("Tom Baker maintains that he never saw the documents.", ("maintains", "Tom Baker", "he never saw the documents")),
            ("The governor vows to veto the budget.", ("vows", "The governor", "to veto the budget")),
            ("The film documents the collapse of the steel industry in Ohio.", ("documents", "The film", "the collapse of the steel industry in Ohio")),
            ("The book chronicles the rise of the party.", ("chronicles", "The book", "the rise of the party")),
            ("Maria Lopez is against the new fuel tax.", ("is against", "Maria Lopez", "the new fuel tax")),
            ("Maria Lopez is opposed to the new fuel tax.", ("is opposed to", "Maria Lopez", "the new fuel tax")),
            ("According to the police, the driver fled the scene.", ("According to", "the police", "the driver fled the scene")),
            ("Tom Baker: “I have nothing to hide from the voters.”", (":", "Tom Baker", "I have nothing to hide from the voters.")),
            ("The campaign said in a statement that it had raised $5 million.", ("said", "The campaign", "it had raised $5 million")),
            ("Maria Lopez thinks that the tax will pass.", ("thinks", "Maria Lopez", "the tax will pass")),
            ("The senator refused to say whether she would run.", ("refused", "The senator", "to say whether she would run")),
            ("Governor Tom Baker endorsed Maria Lopez on Friday.", ("endorsed", "Governor Tom Baker", "Maria Lopez")),
            ("A new poll showed Maria Lopez with a narrow lead.", ("showed", "A new poll", "Maria Lopez with a narrow lead")),
            ("Tom Baker added: the plan is dead and buried.", ("added", "Tom Baker", "the plan is dead and buried")),
            # "'s said" is "has said", not a passive: the subject speaks.
            ("He's said he'll fight all the way to the convention.", ("said", "He", "he'll fight all the way to the convention")),
            # the lemmatiser's "hoping" -> "hop" is mended
            ("State officials are hoping they will win the appeal next year.", ("hoping", "State officials", "they will win the appeal next year")),
            ("“We will never give up on this fight,” Baker barked.", ("barked", "Baker", "We will never give up on this fight")),
            ("Maria Lopez is seeking the party's nomination.", ("seeking", "Maria Lopez", "the party's nomination")),
            ("Two senators have publicly stated their interest in the seat.", ("stated", "Two senators", "their interest in the seat")),
            # any noun can be the source of "according to"; a phrase at the end is not in the content
            ("London was the capital of finance in 2015, according to one global index.", ("according to", "one global index", "London was the capital of finance in 2015")),
            ("Tom Baker writes:\n\nThe movie names neither the mayor nor the governor.", ("writes", "Tom Baker", "The movie names neither the mayor nor the governor.")),
            ("''We will win this race,'' Maria Lopez said.", ("said", "Maria Lopez", "We will win this race")),
            ("Tom Baker credited the mayor with saving the old bridge.", ("credited", "Tom Baker", "the mayor with saving the old bridge")),
            ("Maria Lopez railed against the new fuel tax.", ("railed", "Maria Lopez", "the new fuel tax")),
            ("Tom Baker spoke out against the new fuel tax.", ("spoke out", "Tom Baker", "the new fuel tax")),
            ("The campaign is expecting to air a new ad in Ohio.", ("expecting", "The campaign", "to air a new ad in Ohio")),
            ("Maria Lopez hopes to win the race in Ohio.", ("hopes", "Maria Lopez", "to win the race in Ohio")),
            ("Tom Baker has referred to the protesters as thugs.", ("referred", "Tom Baker", "the protesters as thugs")),
            ("Maria Lopez groused that the network ignores her.", ("groused", "Maria Lopez", "the network ignores her")),
            ("Maria Lopez chided him for siding with the council.", ("chided", "Maria Lopez", "him for siding with the council")),
            ("Tom Baker bragged about his new golf club.", ("bragged", "Tom Baker", "his new golf club")),
            ("Maria Lopez blasted the council for raising taxes.", ("blasted", "Maria Lopez", "the council for raising taxes")),
            ("Tom Baker lashed out at the judge on Friday.", ("lashed out", "Tom Baker", "the judge")),
            ("Tom Baker echoed the governor's promise on Monday.", ("echoed", "Tom Baker", "the governor's promise")),
        ],
    )
    def test_cue(self, text: str, expected: tuple[str, str, str]) -> None:
        found = find(text)
        assert [(a.cue.text, a.source.text if a.source else None, a.content.text) for a in found] == [expected]

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("Maria Lopez's call for a recount angered the mayor.", ("call", "Maria Lopez", "a recount")),
            ("His support for the fuel tax angered the voters.", ("support", "His", "the fuel tax")),
            ("Her claim that the bridge was unsafe proved wrong.", ("claim", "Her", "the bridge was unsafe")),
            ("The senator's pledge to cut taxes won him votes.", ("pledge", "The senator", "to cut taxes")),
            ("Tom Baker's criticism of the budget surprised his allies.", ("criticism", "Tom Baker", "the budget")),
        ],
    )
    def test_noun_cue_with_its_possessor_as_source(self, text: str, expected: tuple[str, str, str]) -> None:
        found = find(text)
        assert [(a.cue.text, a.source.text if a.source else None, a.content.text) for a in found] == [expected]

    def test_noun_cue_without_possessor_or_inside_a_report_gives_nothing_more(self) -> None:
        assert find("The call for a recount angered the mayor.") == []
        found = find("Tom Baker mocked Maria Lopez's call for a recount.")
        assert brief(found) == [("mocked", "Tom Baker", "Maria Lopez's call for a recount", "paraphrase")]

    def test_speech_after_a_preposition_or_spent_time_keeps_the_subject(self) -> None:
        found = find("Tom Baker is facing doubts after saying in a debate that he views himself as neutral.")
        assert brief(found) == [("saying", "Tom Baker", "he views himself as neutral", "paraphrase")]
        found = find("Tom Baker accused Maria Lopez of threatening to close the bridge.")
        assert [a.cue.text for a in found] == ["accused"]
        found = find("Maria Lopez spent an hour explaining why she opposes the plan.")
        assert ("explaining", "Maria Lopez", "why she opposes the plan", "paraphrase") in brief(found)

    def test_speech_verb_under_a_verb_of_purpose(self) -> None:
        found = find("Tom Baker wanted to make clear that the deal was dead.")
        assert ("make", "Tom Baker", "the deal was dead", "paraphrase") not in brief(found)
        found = find("Tom Baker wanted to say that the deal was dead.")
        assert ("say", "Tom Baker", "the deal was dead", "paraphrase") in brief(found)
        found = find("The senator refused to say whether she would run.")
        assert [a.cue.text for a in found] == ["refused"]

    def test_glued_that_from_scraping(self) -> None:
        found = find("Maria Lopez remarkedthat the vote was close.")
        assert brief(found) == [("remarked", "Maria Lopez", "the vote was close", "paraphrase")]


# --------------------------------------------------------------------------
# 4. Quotation marks that are not speech
# --------------------------------------------------------------------------


class TestNotSpeech:
    @pytest.mark.parametrize(
        "text",
        [
            'The couple watched "The Long Night of the Fox" on Friday evening.',
            'The so-called "reform" left many families worse off.',
            "The museum opened its “Winter Light and Shadow” exhibition on Sunday.",
            "The war claimed over 6,000 lives.",
            "The drills were conducted according to the plan.",
            "A readout from the ministry did not mention the allegations.",
            "Azerbaijan warmly welcomed the defence minister to discuss cooperation.",
            "Mr. Obama is expected to announce the plan on Friday.",
            "Said Ahmed arrived in Boston on Monday.",
        ],
    )
    def test_nothing_is_attributed(self, text: str) -> None:
        assert find(text) == []

    def test_a_title_beside_a_real_cue_is_not_the_content(self) -> None:
        found = find('He watched "The Long Night of the Fox" and said it was too long.')
        assert brief(found) == [("said", "He", "it was too long", "paraphrase")]

    def test_scare_quote_in_a_paraphrase_does_not_make_it_mixed(self) -> None:
        found = find("Tom Baker said the “reform” had failed the city.")
        assert brief(found) == [("said", "Tom Baker", "the “reform” had failed the city", "paraphrase")]

    def test_quotes_are_found_in_both_styles(self) -> None:
        text = 'He said "one two" and “three four” and ‘five six’ but not Iran’s.'
        assert [text[q.inner_start : q.inner_end] for q in find_quotes(text)] == ["one two", "three four", "five six"]


# --------------------------------------------------------------------------
# 5. Sources that are not persons
# --------------------------------------------------------------------------


class TestNonPersonSources:
    @pytest.mark.parametrize(
        ("text", "source", "source_type"),
        [
            ("The report said that unemployment had risen.", "The report", "document"),
            ("A Times article found that the agency had ignored warnings.", "A Times article", "document"),
            ("According to the video, the officer fired first.", "the video", "document"),
            ("The campaign said it had raised $5 million.", "The campaign", "organisation"),
            ("Officials said the bridge would reopen in May.", "Officials", "organisation"),
            ("The foreign ministry said the border would stay open.", "The foreign ministry", "organisation"),
            (
                "According to people familiar with the matter, the deal is close.",
                "people familiar with the matter",
                "organisation",
            ),
        ],
    )
    def test_kept_with_type(self, text: str, source: str, source_type: str) -> None:
        (found,) = find(text)
        assert (found.source.text, found.source_kind, found.source_type) == (source, "nominal", source_type)

    def test_a_blast_without_a_reason_is_not_speech(self) -> None:
        assert find("Rockets blasted the army base overnight.") == []

    def test_what_was_discussed_is_a_meeting_not_a_statement(self) -> None:
        assert find("The two leaders discussed the new pipeline and its security.") == []

    def test_in_a_poll_the_poll_is_the_source(self) -> None:
        found = find("In a new Gallup poll, the governor leads his rival by six points.")
        assert brief(found) == [("In", "a new Gallup poll", "the governor leads his rival by six points", "paraphrase")]
        assert found[0].source_type == "document"
        found = find("In a memo, Lopez wrote that the plan was dead.")
        assert brief(found) == [("wrote", "Lopez", "the plan was dead", "paraphrase")]

    def test_reports_alleging(self) -> None:
        # Bare reports name no one: only the officials' rejection is an attribution.
        found = find("Officials rejected reports alleging that the army had used the airport.")
        assert brief(found) == [("rejected", "Officials", "reports alleging that the army had used the airport", "paraphrase")]
        found = find("A Pentagon report alleging that the army had used the airport was leaked.")
        assert ("alleging", "A Pentagon report", "the army had used the airport", "paraphrase") in brief(found)


# --------------------------------------------------------------------------
# 6. Sentences cut at abbreviations
# --------------------------------------------------------------------------


class TestAbbreviations:
    def test_titles_months_and_us_stay_in_one_sentence(self) -> None:
        text = "Sen. Jane Roe told Gov. Bill Smith on Dec. 5 that the U.S. Army would stay."
        found = find(text)
        assert brief(found) == [("told", "Sen. Jane Roe", "the U.S. Army would stay", "paraphrase")]
        assert found[0].sentences == (0, len(text))

    def test_quote_after_an_abbreviation(self) -> None:
        text = "Gov. Bill Smith said on Jan. 3: “The U.S. economy is strong and growing.”"
        found = find(text)
        assert brief(found) == [("said", "Gov. Bill Smith", "The U.S. economy is strong and growing.", "quote")]


# --------------------------------------------------------------------------
# 7. Exact offsets
# --------------------------------------------------------------------------


class TestOffsets:
    def test_paraphrase_offsets(self) -> None:
        text = "Intro line.\n\nOn Monday, Maria Lopez told reporters that the bridge would reopen in May. More text."
        (found,) = find(text)
        assert found.cue == Span(text.index("told"), text.index("told") + 4, "told")
        assert found.source == Span(text.index("Maria"), text.index("Maria") + len("Maria Lopez"), "Maria Lopez")
        content = "the bridge would reopen in May"
        assert found.content == Span(text.index(content), text.index(content) + len(content), content)
        assert found.sentences == (text.index("On Monday"), text.index("May.") + 4)

    def test_quote_offsets_are_inside_the_marks(self) -> None:
        text = "“We will not stop now,” Maria Lopez said."
        (found,) = find(text)
        assert found.content == Span(1, 21, "We will not stop now")
        assert found.cue == Span(text.index("said"), text.index("said") + 4, "said")
        assert found.sentences == (0, len(text))

    def test_non_ascii_text_before_keeps_offsets(self) -> None:
        text = "Café owners — “naïve” ones — met. Zoë Martín said that prices would rise."
        (found,) = find(text)
        assert found.content.text == "prices would rise"
        assert text[found.content.start : found.content.end] == "prices would rise"


# --------------------------------------------------------------------------
# The seeds: offsets hold on real articles
# --------------------------------------------------------------------------


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name[:3])
def test_seed_attributions_slice_the_text(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    found = find(text)
    assert found, "every seed reports speech"
    assert len({(a.cue.start, a.content.start, a.content.end) for a in found}) == len(found)


def test_seed_multi_sentence_quote_is_one_attribution() -> None:
    text = next(p for p in SEEDS if p.name.startswith("003")).read_text(encoding="utf-8")
    found = find(text)
    quote = [a for a in found if a.content.text.startswith("Every country can conduct")]
    assert len(quote) == 1
    assert quote[0].content.text.endswith("why on our border?")
    assert (quote[0].source.text, quote[0].kind) == ("Aliyev", "quote")


def test_a_pronoun_far_from_any_name_gets_the_names_further_back() -> None:
    from summariser.articles import article_from_text
    from summariser.prepass import speech_candidates, split_sentences

    text = (
        "Maria Lopez opened the new bridge on Monday.\n\n"
        "The bridge cost $40 million. It took five years to build. Traffic was heavy. Crowds came early.\n\n"
        "She said the city would build two more bridges."
    )
    article = article_from_text(text)
    doc = nlp.parse(article.text)
    candidates = speech_candidates(doc, split_sentences(article, doc), article.excluded)
    assert [(c.attribution.source.text, c.speaker, c.choices) for c in candidates] == [("She", "Maria Lopez", ())]
