"""One statement per speech act: what the syntax layer must not count twice
or count at all. All sentences are made up for these tests."""

from __future__ import annotations

from summariser import nlp
from summariser.attribution import Attribution, find_attributions


def find(text: str) -> list[Attribution]:
    doc = nlp.parse(text)
    found = find_attributions(doc, nlp.sentence_spans(doc))
    for attribution in found:
        for span in (attribution.cue, attribution.content) + ((attribution.source,) if attribution.source else ()):
            assert text[span.start:span.end] == span.text
    return found


def cues(text: str) -> list[str]:
    return [a.cue.text for a in find(text)]


class TestContentThatOnlyPointsBack:
    def test_a_demonstrative_noun_phrase_is_not_what_was_said(self) -> None:
        assert cues("The ministry disclosed this information after weeks of rumours.") == []

    def test_a_pronoun_is_not_what_was_said(self) -> None:
        assert cues("The mayor denied it on Monday.") == []
        assert cues("Marta Kowalski confirmed that during the hearing.") == []

    def test_a_noun_phrase_with_more_words_is_kept(self) -> None:
        found = find("The ministry disclosed the new budget figures.")
        assert [(a.cue.text, a.content.text) for a in found] == [("disclosed", "the new budget figures")]


class TestNounCues:
    def test_a_states_support_is_aid_not_words(self) -> None:
        found = find("The two ministers discussed Norway's trade deal with Chile and its support for Ukraine.")
        assert "support" not in [a.cue.text for a in found]
        found = find("Norway's support for Ukraine grew last year.")
        assert "support" not in [a.cue.text for a in found]

    def test_a_persons_support_is_a_stance_she_voiced(self) -> None:
        found = find("Amy Hale's support for the farm bill surprised her colleagues.")
        assert [(a.cue.text, a.source.text, a.content.text) for a in found] == [("support", "Amy Hale", "the farm bill")]

    def test_the_possessive_ending_is_not_part_of_the_source(self) -> None:
        found = find("Despite Oleg Marin's denial of the charges, the committee met on Friday.")
        assert [(a.cue.text, a.source.text) for a in found] == [("denial", "Oleg Marin")]


class TestOneActToldByAVerbAndItsParticiple:
    def test_a_fronted_participle_frames_the_main_act(self) -> None:
        found = find("Stressing the cost of the delays, Nora Field criticized the council for its slow work.")
        assert [(a.cue.text, a.source.text) for a in found] == [("criticized", "Nora Field")]

    def test_the_clause_wins_over_a_fronted_noun_phrase(self) -> None:
        found = find("Reiterating the party's long-held position, Nora Field said that the tariffs would fall.")
        assert [(a.cue.text, a.content.text) for a in found] == [("said", "the tariffs would fall")]

    def test_a_trailing_participle_with_a_clause_spells_out_a_bare_noun_phrase(self) -> None:
        found = find("The mayor denied the reports, insisting that the bridge would stay open.")
        assert [(a.cue.text, a.content.text) for a in found] == [("insisting", "the bridge would stay open")]

    def test_conjoined_cues_stay_two(self) -> None:
        found = find("The mayor praised the builders and insisted that the bridge would stay open.")
        assert [a.cue.text for a in found] == ["praised", "insisted"]

    def test_a_participle_with_its_own_subject_is_another_speaker(self) -> None:
        found = find("Nora Field said that the tariffs would fall, with her rival arguing that they would rise.")
        assert sorted(a.cue.text for a in found) == ["arguing", "said"]


class TestSourcesThatNameNoOne:
    def test_bare_reports_with_a_participle_are_nobody(self) -> None:
        found = find("The mayor urged the police to examine reports alleging that the bridge had been sabotaged.")
        assert [a.cue.text for a in found] == ["urged"]
        found = find("Rejecting the claims suggesting that the bridge was unsafe, the mayor said it would stay open.")
        assert "suggesting" not in [a.cue.text for a in found]

    def test_reports_that_say_whose_they_are_keep_their_source(self) -> None:
        found = find("Local media reports alleging that the bridge had been sabotaged spread quickly.")
        assert [(a.cue.text, a.source.text) for a in found] == [("alleging", "Local media reports")]


class TestACueInsideTheSameSpeakersWords:
    def test_the_speaker_reporting_her_own_earlier_words_is_one_statement(self) -> None:
        found = find("She also said that later she explained to the council that the money was gone.")
        assert [(a.cue.text, a.content.text) for a in found] == [
            ("said", "later she explained to the council that the money was gone")
        ]

    def test_another_speaker_inside_the_words_is_kept(self) -> None:
        found = find("She also said that later he explained to the council that the money was gone.")
        assert [a.cue.text for a in found] == ["said", "explained"]


def speakers(text: str) -> list[tuple[str, str | None, str]]:
    from summariser.articles import article_from_text
    from summariser.prepass import speech_candidates, split_sentences

    article = article_from_text(text)
    doc = nlp.parse(article.text)
    return [(c.attribution.cue.text, c.speaker, c.speaker_type) for c in speech_candidates(doc, split_sentences(article, doc))]


class TestADocumentsIssuerNamedEarlier:
    def test_the_statement_is_the_issuers_named_earlier(self) -> None:
        text = ("Port Deal\n\nAccording to a statement from the Chilean presidency, the deal was signed on Monday.\n\n"
                "The Chilean statement said the port would open in May.\n")
        assert ("said", "Chilean presidency", "organization") in speakers(text)

    def test_without_an_earlier_issuer_the_document_stays_the_source(self) -> None:
        text = "Port Deal\n\nThe deal was signed on Monday.\n\nThe Chilean statement said the port would open in May.\n"
        assert ("said", "Chilean statement", "document") in speakers(text)

    def test_an_issuer_of_another_document_is_not_taken(self) -> None:
        text = ("Port Deal\n\nAccording to a report by the Chilean presidency, the deal was signed on Monday.\n\n"
                "The Chilean statement said the port would open in May.\n")
        assert ("said", "Chilean statement", "document") in speakers(text)


class TestAStanceInsideAnotherReport:
    def test_a_stance_verb_inside_what_someone_said_is_part_of_it(self) -> None:
        found = find("Nora Field stressed that the city remains hopeful and will endorse the new stadium.")
        assert [a.cue.text for a in found] == ["stressed"]

    def test_a_stance_verb_on_its_own_is_kept(self) -> None:
        found = find("The city council endorsed the new stadium on Monday.")
        assert [(a.cue.text, a.content.text) for a in found] == [("endorsed", "the new stadium")]


class TestFoundWhereTheParserHangsThem:
    def test_informed_someone_of_something(self) -> None:
        found = find("The ministry informed the farmers in the valley of a new tax.")
        assert [(a.cue.text, a.source.text, a.content.text) for a in found] == [("informed", "The ministry", "a new tax")]
        found = find("The embassy warned travellers in the region of a storm.")
        assert [(a.cue.text, a.content.text) for a in found] == [("warned", "a storm")]

    def test_raising_concerns_is_saying_something(self) -> None:
        found = find("The union raised concerns about the new shift rules.")
        assert [(a.cue.text, a.source.text, a.content.text) for a in found] == [
            ("raised", "The union", "concerns about the new shift rules")
        ]
        assert find("The city raised taxes on Monday.") == []

    def test_affirming_something_is_saying_it(self) -> None:
        found = find("The council affirmed its commitment to the river project.")
        assert [(a.cue.text, a.content.text) for a in found] == [("affirmed", "its commitment to the river project")]

    def test_inviting_someone_to_act_is_a_request_like_urging(self) -> None:
        found = find("The mayor invited her rival to join the debate on Friday.")
        assert [(a.cue.text, a.source.text, a.content.text) for a in found] == [
            ("invited", "The mayor", "her rival to join the debate on Friday")
        ]

    def test_claims_made_by_someone_are_that_ones(self) -> None:
        found = find("The ruling came after claims made by the mayor about the budget.")
        assert [(a.cue.text, a.source.text, a.content.text) for a in found] == [("claims", "the mayor", "the budget")]
        found = find("The ruling came in response to allegations put forward by the mayor, Ana Ruiz, regarding the budget.")
        assert [(a.cue.text, a.content.text) for a in found] == [("allegations", "the budget")]

    def test_claims_made_by_someone_inside_another_report_are_part_of_it(self) -> None:
        found = find("The judge dismissed allegations put forward by the mayor regarding the budget.")
        assert [a.cue.text for a in found] == ["dismissed"]


def test_a_description_that_names_its_person_gives_the_name() -> None:
    text = "Border Drills\n\nThe drills followed claims made by the governor of Aurland, Ola Berg, about the border.\n"
    assert [(cue, speaker) for cue, speaker, _ in speakers(text)] == [("claims", "Ola Berg")]
