"""The WikiEvents adapter and its lenient scorer, on hand-made documents.

The real data is never needed here except by the tests marked to skip when
``../shared/eval/wikievents`` is absent.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from summariser.canonical import canonical_json
from summariser.evaluate import PredictionLoadError
from summariser.datamodel import ArticleExtraction, ArticleMeta, Event, Evidence, Participant
from bench.adapters.wikievents import (
    ANY_TYPE,
    TYPED,
    DataMissing,
    WikiDocument,
    default_eval_dir,
    document_from_record,
    evaluate_extractor,
    export_texts,
    kairos_compatible,
    keyword_baseline,
    load_documents,
    load_saved_predictions,
    score_documents,
    wikievents_dir,
)

ROOT = Path(__file__).resolve().parents[1]

# Two sentences whose original offsets (10.., 40..) are not those of our text.
RECORD = {
    "doc_id": "doc_1",
    "tokens": ["Bomb", "kills", "two", "Police", "arrested", "Ali", "in", "Kabul", "."],
    "text": "Bomb kills twoPolice arrested Ali in Kabul.",
    "sentences": [
        [[["Bomb", 10, 14], ["kills", 15, 20], ["two", 21, 24]], "Bomb kills two"],
        [
            [["Police", 40, 46], ["arrested", 47, 55], ["Ali", 56, 59], ["in", 60, 62], ["Kabul", 63, 68], [".", 68, 69]],
            "Police arrested Ali in Kabul.",
        ],
    ],
    "entity_mentions": [
        {"id": "doc_1-T1", "sent_idx": 0, "start": 0, "end": 1, "entity_type": "WEA", "mention_type": "UNK", "text": "Bomb"},
        {"id": "doc_1-T2", "sent_idx": 0, "start": 2, "end": 3, "entity_type": "PER", "mention_type": "UNK", "text": "two"},
        {"id": "doc_1-T3", "sent_idx": 1, "start": 3, "end": 4, "entity_type": "PER", "mention_type": "UNK", "text": "Police"},
        {"id": "doc_1-T4", "sent_idx": 1, "start": 5, "end": 6, "entity_type": "PER", "mention_type": "UNK", "text": "Ali"},
        {"id": "doc_1-T5", "sent_idx": 1, "start": 7, "end": 8, "entity_type": "GPE", "mention_type": "UNK", "text": "Kabul"},
    ],
    "relation_mentions": [],
    "event_mentions": [
        {
            "id": "doc_1-E1",
            "event_type": "Life.Die.Unspecified",
            "trigger": {"start": 1, "end": 2, "text": "kills", "sent_idx": 0},
            "arguments": [
                {"entity_id": "doc_1-T1", "role": "Instrument", "text": "Bomb"},
                {"entity_id": "doc_1-T2", "role": "Victim", "text": "two"},
            ],
        },
        {
            "id": "doc_1-E2",
            "event_type": "Justice.ArrestJailDetain.Unspecified",
            "trigger": {"start": 4, "end": 5, "text": "arrested", "sent_idx": 1},
            "arguments": [
                {"entity_id": "doc_1-T3", "role": "Jailer", "text": "Police"},
                {"entity_id": "doc_1-T4", "role": "Detainee", "text": "Ali"},
                {"entity_id": "doc_1-T5", "role": "Place", "text": "Kabul"},
            ],
        },
    ],
}
COREF = {"doc_key": "doc_1", "clusters": [["doc_1-T4"]], "informative_mentions": ["Ali Hassan"]}
DOC = document_from_record(RECORD, COREF)
SENT_1 = "Bomb kills two"
SENT_2 = "Police arrested Ali in Kabul."


def ev(snippet: str) -> Evidence:
    start = DOC.text.index(snippet)
    return Evidence(text=snippet, start=start, end=start + len(snippet))


def event(event_type: str, snippet: str, participants=(), place=None) -> Event:
    return Event(
        summary="s",
        event_type=event_type,
        place=place,
        participants=[Participant(name=n) for n in participants],
        evidence=ev(snippet),
    )


def counts(report, variant):
    s = report.scores[variant]
    return s.tp, s.fp, s.fn


# --------------------------------------------------------------------------
# Reading a document
# --------------------------------------------------------------------------


def test_text_is_one_sentence_per_line():
    assert DOC.text == SENT_1 + "\n" + SENT_2


def test_triggers_and_arguments_are_placed_in_our_text():
    die, arrest = DOC.events
    assert (die.trigger.text, DOC.text[die.trigger.start : die.trigger.end]) == ("kills", "kills")
    assert DOC.text[arrest.trigger.start : arrest.trigger.end] == "arrested"
    kabul = arrest.arguments[2]
    assert DOC.text[kabul.span.start : kabul.span.end] == "Kabul"


def test_informative_mention_comes_from_coref():
    ali = DOC.events[1].arguments[1]
    assert (ali.text, ali.informative) == ("Ali", "Ali Hassan")
    assert DOC.events[1].arguments[0].informative is None


# --------------------------------------------------------------------------
# Type mapping
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "ours, theirs, ok",
    [
        ("attack", "Conflict.Attack.DetonateExplode", True),
        ("attack", "Life.Die.Unspecified", False),
        ("casualties", "Life.Injure.Unspecified", True),
        ("meeting", "Contact.Contact.Meet", True),
        ("phone_call", "Contact.Contact.Meet", False),
        ("arms_transfer", "Transaction.ExchangeBuySell.Unspecified", True),
        ("other", "Justice.ArrestJailDetain.Unspecified", True),
        ("ceasefire", "Conflict.Attack.Unspecified", False),
        ("attack", "Conflict.AttackX.Unspecified", False),  # prefixes end at a dot
    ],
)
def test_kairos_compatibility(ours, theirs, ok):
    assert kairos_compatible(ours, theirs) is ok


# --------------------------------------------------------------------------
# Matching
# --------------------------------------------------------------------------


def test_trigger_inside_evidence_is_a_match():
    report = score_documents({"doc_1": [event("casualties", SENT_1), event("other", SENT_2)]}, [DOC])
    assert counts(report, ANY_TYPE) == (2, 0, 0)
    assert counts(report, TYPED) == (2, 0, 0)


def test_evidence_without_the_trigger_is_a_false_positive():
    report = score_documents({"doc_1": [event("casualties", "Bomb")]}, [DOC])
    assert counts(report, ANY_TYPE) == (0, 1, 2)


def test_incompatible_type_counts_only_in_any_type():
    report = score_documents({"doc_1": [event("meeting", SENT_1)]}, [DOC])
    assert counts(report, ANY_TYPE) == (1, 0, 1)
    assert counts(report, TYPED) == (0, 1, 2)


def test_one_prediction_matches_one_gold_event():
    whole = DOC.text  # both triggers inside one evidence span
    report = score_documents({"doc_1": [event("other", whole)]}, [DOC])
    assert counts(report, ANY_TYPE) == (1, 0, 1)


def test_tighter_evidence_wins_the_trigger():
    wide, tight = event("other", DOC.text), event("other", SENT_2)
    report = score_documents({"doc_1": [wide, tight]}, [DOC])
    # tight takes "arrested"; wide is left with "kills": both match.
    assert counts(report, ANY_TYPE) == (2, 0, 0)


def test_argument_recall_uses_participants_place_and_coref():
    arrest = event("other", SENT_2, participants=["Hassan", "police officers"], place="Kabul")
    report = score_documents({"doc_1": [arrest]}, [DOC])
    # Police (in "police officers"), Ali (via "Ali Hassan" ~ "Hassan"), Kabul (place): 3 of 3.
    assert (report.arguments_matched.hits, report.arguments_matched.total) == (3, 3)
    # The unmatched "kills" event's two arguments count as misses overall.
    assert (report.arguments_overall.hits, report.arguments_overall.total) == (3, 5)


def test_argument_not_named_is_missed():
    report = score_documents({"doc_1": [event("casualties", SENT_1, participants=["Taliban"])]}, [DOC])
    assert report.arguments_matched.hits == 0 and report.arguments_matched.total == 2


def test_missing_document_counts_all_gold_as_misses():
    other = WikiDocument(doc_id="doc_2", text="Nothing.", events=[])
    report = score_documents({"doc_2": []}, [DOC, other])
    assert counts(report, ANY_TYPE) == (0, 0, 2)
    assert report.missing == ["doc_1"]


def test_grounding_and_reanchoring():
    good = event("other", SENT_2)
    shifted = good.model_copy(update={"evidence": Evidence(text=SENT_2, start=0, end=len(SENT_2))})
    report = score_documents({"doc_1": [shifted]}, [DOC])
    assert (report.grounding.hits, report.grounding.total) == (0, 1)
    assert counts(report, ANY_TYPE) == (1, 0, 1)  # matched on its real position


def test_recall_by_family():
    report = score_documents({"doc_1": [event("other", SENT_2)]}, [DOC])
    assert report.recall_by_family["Justice"].rate == 1.0
    assert report.recall_by_family["Life"].rate == 0.0


# --------------------------------------------------------------------------
# Extractors and saved predictions
# --------------------------------------------------------------------------


def test_evaluate_extractor_records_failures():
    def extract(text: str, doc_id: str) -> list[Event]:
        if doc_id == "bad":
            raise RuntimeError("model fell over")
        return [event("casualties", SENT_1)]

    bad = WikiDocument(doc_id="bad", text="x", events=[])
    report = evaluate_extractor(extract, [DOC, bad], source="test")
    assert report.failed == ["bad"]
    assert counts(report, TYPED) == (1, 0, 1)


def test_keyword_baseline_is_grounded_and_finds_cues():
    events = keyword_baseline(DOC.text, DOC.doc_id)
    assert [e.event_type for e in events] == ["casualties", "other"]
    assert all(DOC.text[e.evidence.start : e.evidence.end] == e.evidence.text for e in events)


def test_load_saved_predictions(tmp_path):
    meta = ArticleMeta(id="x", title="t", paths=["/tmp/doc_1.txt"], content_hash=DOC.content_hash, chars=len(DOC.text))
    ax = ArticleExtraction(article=meta, events=[event("other", SENT_2)], model="m", prompt_version="p")
    (tmp_path / "a.json").write_text(canonical_json(ax), encoding="utf-8")
    (tmp_path / "doc_1.json").write_text(json.dumps([event("casualties", SENT_1).model_dump()]), encoding="utf-8")
    loaded = load_saved_predictions(tmp_path, [DOC])
    assert sorted(e.event_type for e in loaded["doc_1"]) == ["casualties", "other"]
    (tmp_path / "z.json").write_text("{broken", encoding="utf-8")
    with pytest.raises(PredictionLoadError, match="z.json"):
        load_saved_predictions(tmp_path, [DOC])


def test_export_texts_round_trip(tmp_path):
    [path] = export_texts([DOC], tmp_path)
    assert path.name == "doc_1.txt" and path.read_text(encoding="utf-8") == DOC.text


# --------------------------------------------------------------------------
# Data location
# --------------------------------------------------------------------------


def test_absent_data_raises_data_missing(tmp_path):
    with pytest.raises(DataMissing, match="WikiEvents not found"):
        wikievents_dir(tmp_path)
    with pytest.raises(DataMissing):
        load_documents("dev", eval_dir=tmp_path)


def test_eval_dir_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("SUMMARISER_EVAL_DIR", str(tmp_path))
    assert default_eval_dir() == tmp_path
    monkeypatch.delenv("SUMMARISER_EVAL_DIR")
    assert default_eval_dir() == ROOT.parent / "shared" / "eval"


def test_loads_hand_made_folder(tmp_path):
    folder = tmp_path / "wikievents"
    folder.mkdir()
    (folder / "dev.jsonl").write_text(json.dumps(RECORD) + "\n", encoding="utf-8")
    (folder / "coref_dev.jsonlines").write_text(json.dumps(COREF) + "\n", encoding="utf-8")
    [doc] = load_documents("dev", eval_dir=tmp_path)
    assert doc == DOC
    with pytest.raises(ValueError):
        load_documents("train", eval_dir=tmp_path)


def _real_data_present() -> bool:
    try:
        wikievents_dir()
        return True
    except DataMissing:
        return False


real_data = pytest.mark.skipif(not _real_data_present(), reason="WikiEvents not found under ../shared/eval")


@real_data
def test_real_data_triggers_land_on_their_words():
    docs = load_documents("dev")
    assert len(docs) == 20 and sum(len(d.events) for d in docs) == 345  # counts from SOURCE.txt
    for doc in docs:
        for e in doc.events:
            assert doc.text[e.trigger.start : e.trigger.end] == e.trigger.text


@real_data
def test_bench_script_runs_baseline(tmp_path):
    out = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "eval_wikievents.py"), "--baseline", "--limit", "2", "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
    )
    report = json.loads(out.stdout)
    assert report["documents"] == 2 and report["source"] == "keyword baseline (not a model)"


def test_bench_script_skips_without_data(tmp_path):
    out = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "eval_wikievents.py"), "--baseline", "--eval-dir", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0 and "skipped" in out.stderr
