"""The PolNeAR attribution scorer and BRAT loader (bench/adapters), on hand-made examples.

No PolNeAR data is needed; the one test that uses it skips when $POLNEAR_DIR is unset.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.adapters.attribution_score import (  # noqa: E402
    Item,
    content_matches,
    content_score,
    greedy_match,
    is_pronoun,
    micro_average,
    score_document,
    speaker_matches,
    speaker_matches_lenient,
)
from bench.adapters import polnear  # noqa: E402

SCRIPT = ROOT / "bench" / "eval_attribution.py"


# --------------------------------------------------------------------------
# Content rule
# --------------------------------------------------------------------------


def test_content_half_of_shorter_span_is_enough():
    # shorter span has 4 tokens; 2 shared = exactly half -> match
    assert content_score("taxes will rise soon", "the senator said taxes will fall later this year") == 0.5
    assert content_matches("taxes will rise soon", "the senator said taxes will fall later this year")


def test_content_below_half_does_not_match():
    # shorter span has 5 tokens; 2 shared < 2.5
    assert not content_matches("taxes will rise very soon", "the senator said taxes will fall later this year")


def test_content_tokens_are_case_insensitive_words_and_multisets():
    assert content_matches("WALL, wall!", "the wall")  # 1 shared of 2 -> half
    # multiset: "no no no" shares only one "no" with "no way" -> 1 of 2 -> still half
    assert content_score("no no no", "no way") == 0.5
    # as sets, {"no"} vs {"no", "way", "out"} would share 1 of 1; as multisets it is 1 of 3
    assert not content_matches("no no no", "no way out")
    assert not content_matches("", "anything")
    assert not content_matches("—", "—")


# --------------------------------------------------------------------------
# Speaker rule
# --------------------------------------------------------------------------


def test_titles_are_dropped():
    assert speaker_matches("Sen. Ted Cruz", "Cruz")
    assert speaker_matches("Mr. Trump", "Donald J. Trump")
    assert speaker_matches("Secretary of State Hillary Clinton", "Clinton")
    # only the titles in common: no match
    assert not speaker_matches("President Obama", "President Trump")
    assert not speaker_matches("Mr. Trump", "Mrs. Clinton")


def test_shared_name_token_and_containment():
    assert speaker_matches("a spokesman for the Clinton campaign", "Hillary Clinton")
    assert speaker_matches("The New York Times", "New York Times")
    # stop words alone do not make a match
    assert not speaker_matches("the Department of Justice", "the Governor of Texas")
    assert not speaker_matches("Sanders", "Jeb Bush")


def test_title_only_speakers_keep_their_titles():
    assert speaker_matches("the president", "President Obama")
    assert not speaker_matches("the president", "Mr. Trump")


def test_absent_speakers():
    assert speaker_matches(None, None)
    assert not speaker_matches(None, "Trump")
    assert speaker_matches_lenient(None, "Trump")


def test_pronoun_lenient_vs_strict():
    assert is_pronoun("He") and is_pronoun("they") and is_pronoun("I")
    assert not is_pronoun("Trump") and not is_pronoun("his campaign")
    assert not speaker_matches("he", "Donald Trump")
    assert speaker_matches_lenient("he", "Donald Trump")
    assert speaker_matches_lenient("Donald Trump", "We")
    # lenient is still a speaker check for two names
    assert not speaker_matches_lenient("Jeb Bush", "Donald Trump")

    gold = [Item("she", "we will win the nomination")]
    pred = [Item("Hillary Clinton", "We will win the nomination.")]
    doc = score_document("d", pred, gold)
    assert doc.counts["strict"].tp == 0 and doc.counts["strict"].fp == 1 and doc.counts["strict"].fn == 1
    assert doc.counts["pronoun_lenient"].tp == 1
    assert doc.counts["content_only"].tp == 1


# --------------------------------------------------------------------------
# Greedy one-to-one matching and micro-averaging
# --------------------------------------------------------------------------


def test_duplicate_prediction_is_a_false_positive():
    gold = [Item("Trump", "the wall will be built")]
    pred = [Item("Trump", "the wall will be built"), Item("Donald Trump", "the wall will be built")]
    doc = score_document("d", pred, gold)
    for rule in ("strict", "pronoun_lenient", "content_only"):
        assert (doc.counts[rule].tp, doc.counts[rule].fp, doc.counts[rule].fn) == (1, 1, 0)


def test_greedy_takes_best_pair_first():
    gold = [Item("Cruz", "taxes should be flat and simple"), Item("Cruz", "taxes should be lower")]
    # pred 0 half-matches gold 0 (4/6 tokens) but fully matches gold 1; best first gives 0->1, 1->0
    pred = [Item("Cruz", "taxes should be lower"), Item("Cruz", "taxes should be flat and simple for everyone")]
    assert greedy_match(pred, gold, "strict") == [(0, 1), (1, 0)]


def test_strict_matching_does_not_block_on_wrong_speaker():
    # a better content pair with the wrong speaker must not steal the gold item under the strict rule
    gold = [Item("Clinton", "the economy is growing")]
    pred = [Item("Trump", "the economy is growing"), Item("Clinton", "the economy is growing fast now")]
    assert greedy_match(pred, gold, "content_only") == [(0, 0)]
    assert greedy_match(pred, gold, "strict") == [(1, 0)]


def test_micro_average_sums_counts_over_documents():
    a = score_document("a", [Item("X", "one two")], [Item("X", "one two"), Item("Y", "three four")])
    b = score_document("b", [Item("Z", "five six"), Item("Z", "seven")], [])
    total = micro_average([a, b])["strict"]
    assert (total.tp, total.fp, total.fn) == (1, 2, 1)
    assert total.precision == pytest.approx(1 / 3)
    assert total.recall == pytest.approx(1 / 2)
    assert total.f1 == pytest.approx(0.4)


# --------------------------------------------------------------------------
# BRAT loader
# --------------------------------------------------------------------------

TEXT = (
    "Council votes on the bridge\n\n"
    "The mayor said the bridge, which opened in 1990, will be repaired next spring. "
    "Residents have long complained about the potholes.\n"
)


def _offsets(part: str, start_at: int = 0) -> tuple[int, int]:
    start = TEXT.index(part, start_at)
    return start, start + len(part)


def _write_corpus(root: Path) -> Path:
    train = root / "data" / "train"
    (train / "text").mkdir(parents=True)
    (train / "attributions").mkdir()
    (train / "text" / "city_2016-01-01_bridge.txt").write_text(TEXT, encoding="utf-8")
    s = _offsets("The mayor")
    c = _offsets("said")
    k1 = _offsets("the bridge,", s[1])
    k1 = (k1[0], k1[1] - 1)  # "the bridge"
    k2 = _offsets("will be repaired next spring")
    cue2 = _offsets("have long complained about")
    content2 = _offsets("the potholes")
    ann = "\n".join([
        f"T1\tSource {s[0]} {s[1]}\tThe mayor",
        f"T2\tCue {c[0]} {c[1]}\tsaid",
        f"T3\tContent {k1[0]} {k1[1]};{k2[0]} {k2[1]}\tthe bridge will be repaired next spring",
        f"T4\tAttribution {c[0]} {c[1]}\tsaid",
        "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1",
        f"T5\tCue {cue2[0]} {cue2[1]}\thave long complained about",
        f"T6\tContent {content2[0]} {content2[1]}\tthe potholes",
        f"T7\tAttribution-no-source {cue2[0]} {cue2[1]}\thave long complained about",
        "E2\tAttribution-no-source:T7 Cue:T5 Content:T6 ",
        f"T8\tDiscuss {s[0]} {s[1]}\tThe mayor",
        "#1\tAnnotatorNotes T8\tcheck this one",
        "E3\tAttribution:T4 Cue:T2 ",  # no content: skipped
    ]) + "\n"
    (train / "attributions" / "city_2016-01-01_bridge_b2c3.ann").write_text(ann, encoding="utf-8")
    # a second annotator who found nothing; the first (sorted) annotator is b2c3
    (train / "attributions" / "city_2016-01-01_bridge_e9f0.ann").write_text("", encoding="utf-8")
    return train


def test_loader_reads_discontinuous_spans_and_missing_sources(tmp_path):
    train = _write_corpus(tmp_path)
    docs = polnear.load_documents(train)
    doc = docs["city_2016-01-01_bridge"]
    assert doc.text == TEXT
    assert doc.annotator == "b2c3"
    assert doc.skipped_no_content == 1
    first, second = doc.attributions
    assert first.id == "E1"
    assert first.source_text == "The mayor"
    assert first.cue_text == "said"
    assert [f.text for f in first.content] == ["the bridge", "will be repaired next spring"]
    assert first.content_text == "the bridge will be repaired next spring"
    for fragment in first.content + first.source + first.cue:
        assert TEXT[fragment.start:fragment.end] == fragment.text
    assert second.source == () and second.source_text is None
    assert second.content_text == "the potholes"
    items = polnear.gold_items(doc)
    assert [(i.speaker, i.content) for i in items] == [
        ("The mayor", "the bridge will be repaired next spring"), (None, "the potholes")]


def test_loader_accepts_repository_root_and_env_var(tmp_path, monkeypatch):
    train = _write_corpus(tmp_path)
    assert polnear.train_dir(tmp_path) == train
    monkeypatch.setenv("POLNEAR_DIR", str(train))
    assert list(polnear.load_documents()) == ["city_2016-01-01_bridge"]


def test_loader_explains_how_to_get_the_data(tmp_path, monkeypatch):
    monkeypatch.delenv("POLNEAR_DIR", raising=False)
    with pytest.raises(polnear.PolnearMissing, match="POLNEAR_DIR.*data/train"):
        polnear.train_dir()
    with pytest.raises(polnear.PolnearMissing, match="github.com/networkdynamics/PolNeAR"):
        polnear.train_dir(tmp_path / "nowhere")


def test_sample_rule_is_deterministic_and_filters_length():
    ids = [f"doc{n:03d}" for n in range(100)]
    first = polnear.sample_ids(reversed(ids))
    assert first == polnear.sample_ids(ids)
    assert len(first) == 40 and len(set(first)) == 40
    assert polnear.sample_ids(ids[:7]) == ids[:7]


def test_candidate_ids_respect_length_bounds(tmp_path):
    train = _write_corpus(tmp_path)
    assert polnear.candidate_ids(train, min_chars=10, max_chars=10_000) == ["city_2016-01-01_bridge"]
    assert polnear.candidate_ids(train) == []  # the toy text is shorter than 1,500 characters


# --------------------------------------------------------------------------
# The script's extraction reader
# --------------------------------------------------------------------------


def _load_script():
    import importlib.util

    spec = importlib.util.spec_from_file_location("eval_attribution", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_extraction_files_are_matched_to_documents_and_scored(tmp_path):
    script = _load_script()
    doc = polnear.load_documents(_write_corpus(tmp_path / "corpus"))["city_2016-01-01_bridge"]
    out = tmp_path / "extractions"
    out.mkdir()
    record = {
        "article": {"id": "abc", "paths": ["/tmp/whatever/city_2016-01-01_bridge.txt"]},
        "statements": [
            {"speaker": "Mayor", "content": "ignored because content_span wins",
             "content_span": {"start": 0, "end": 1, "text": "The bridge will be repaired in the spring"},
             "evidence": {"start": 0, "end": 1, "text": "x"}},
            {"speaker": "Residents", "content": "the potholes are terrible"},
            {"speaker": "Someone", "content": "", "evidence": {"start": 0, "end": 5, "text": "unrelated words here"}},
        ],
    }
    (out / "abc.json").write_text(json.dumps(record), encoding="utf-8")
    (out / "other.json").write_text(json.dumps({"article": {"paths": ["x/unrelated.txt"]}, "statements": []}))
    predictions = script.load_extractions(out, [doc])
    assert list(predictions) == [doc.doc_id]
    assert [i.content for i in predictions[doc.doc_id]] == [
        "The bridge will be repaired in the spring", "the potholes are terrible", "unrelated words here"]
    _, report = script.evaluate([doc], predictions)
    # "Mayor" vs "The mayor": title-only names keep the title -> strict match; "Residents" vs no source: lenient only
    assert report["scores"]["strict"]["tp"] == 1
    assert report["scores"]["pronoun-lenient"]["tp"] == 2
    assert report["scores"]["content-only"]["fp"] == 1


def test_self_check_scores_gold_against_itself(tmp_path):
    train = _write_corpus(tmp_path)
    # the toy text is too short for the real sample rule, so drive the pieces directly
    script = _load_script()
    docs = list(polnear.load_documents(train).values())
    script.self_check_extractions(docs, tmp_path / "fake")
    _, report = script.evaluate(docs, script.load_extractions(tmp_path / "fake", docs))
    assert all(s["f1"] == 1.0 for s in report["scores"].values())
    assert report["gold_attributions"] == 2 and report["gold_without_source"] == 1


@pytest.mark.skipif(not os.environ.get("POLNEAR_DIR"), reason="PolNeAR not available (set POLNEAR_DIR)")
def test_self_check_on_real_sample():
    result = subprocess.run([sys.executable, str(SCRIPT), "--self-check", "--json"], capture_output=True,
                            text=True, cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["documents"] == 40
    assert all(s["f1"] == 1.0 for s in report["scores"].values())


def test_strict_name_or_mention_accepts_the_texts_own_words_for_the_source():
    from bench.adapters.attribution_score import Item, greedy_match

    gold = [Item(speaker="he", content="the tax plan would hurt working families")]
    resolved = [Item(speaker="Bernie Sanders", content="the tax plan would hurt working families", mention="he")]
    assert greedy_match(resolved, gold, "strict") == []
    assert greedy_match(resolved, gold, "strict_mention") == [(0, 0)]
    wrong_mention = [Item(speaker="Bernie Sanders", content="the tax plan would hurt working families", mention="the report")]
    assert greedy_match(wrong_mention, gold, "strict_mention") == []
