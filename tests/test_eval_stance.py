"""bench/eval_stance.py and bench/adapters/seesaw.py on hand-built examples.

Only the tests marked below read the real SEESAW data (../shared/eval/seesaw or
$SEESAW_DIR); they skip when it is absent. The synthetic records here are
written for these tests in SEESAW's converted format, not taken from it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.adapters.seesaw import (  # noqa: E402
    DataMissing,
    SeesawDoc,
    data_path,
    gold_triples,
    jsonl_file,
    load_documents,
    load_sample,
    sample_ids,
)
from bench.eval_stance import (  # noqa: E402
    PREDICTED_POLARITY,
    load_extractions,
    main,
    name_score,
    names_match,
    normalise_name,
    score_document,
    score_sample,
    stance_triple,
)

P, N = "positive", "negative"


# ------------------------------------------------------------ name matching

def test_titles_and_leading_the_are_dropped():
    assert normalise_name("President Joe Biden") == "joe biden"
    assert normalise_name("Sen. Elizabeth Warren") == "elizabeth warren"
    assert normalise_name("Former President Donald Trump") == "donald trump"
    assert normalise_name("the Senate") == "senate"
    assert normalise_name("Dr. Anthony Fauci") == "anthony fauci"
    # A bare title is not dropped to nothing.
    assert normalise_name("The President") == "president"
    assert names_match("Secretary Mike Pompeo", "Mike Pompeo")
    assert names_match("Gov. Andrew Cuomo", "Andrew Cuomo")


def test_title_only_dropped_at_the_start():
    # "general" inside a name is kept: "Attorney General" is not a prefix here.
    assert normalise_name("Surgeon General") == "surgeon general"


def test_word_boundary_containment():
    assert name_score("Trump", "Donald Trump") == 101.0
    assert names_match("Pelosi", "Nancy Pelosi")
    assert names_match("White House", "the White House press office")
    # Decision: a demonym is not its country, and containment needs whole words.
    assert not names_match("Iran", "Iranian")
    assert not names_match("Iranian", "Iran")
    assert not names_match("Sen", "Senate")


def test_fuzzy_threshold():
    assert names_match("Mitch McConnell", "Mitch McConnel")  # typo: ratio ~96
    assert not names_match("Joe Biden", "Hunter Biden")  # ratio ~71 < 80
    assert not names_match("Barack Obama", "Michelle Obama")
    assert not names_match("Democrats", "Republicans")


def test_alias_table():
    for variant in ("US", "U.S.", "United States", "America", "the United States of America", "USA"):
        assert normalise_name(variant) == "united states", variant
        assert name_score(variant, "United States") == 102.0
    assert names_match("Britain", "United Kingdom") and names_match("U.K.", "Britain")
    assert names_match("UN", "United Nations") and names_match("U.N.", "the United Nations")
    assert names_match("GOP", "Republican Party") and names_match("Republicans", "GOP")
    assert names_match("Dems", "Democratic Party") and names_match("Democrats", "Democratic Party")
    assert not names_match("GOP", "Democratic Party")
    assert not names_match("US", "United Kingdom")


# ------------------------------------------------------------ scoring

def test_exact_match_scores_one():
    strict, pair = score_document([("Trump", "Congress", N)], [("Donald Trump", "Congress", N)])
    assert (strict.tp, strict.fp, strict.fn) == (1, 0, 0)
    assert (pair.tp, pair.fp, pair.fn) == (1, 0, 0)


def test_polarity_mismatch_counts_for_pair_only_not_strict():
    strict, pair = score_document([("Trump", "Congress", P)], [("Donald Trump", "Congress", N)])
    assert (strict.tp, strict.fp, strict.fn) == (0, 1, 1)
    assert (pair.tp, pair.fp, pair.fn) == (1, 0, 0)


def test_swapped_holder_and_target_do_not_match():
    strict, pair = score_document([("Congress", "Trump", N)], [("Donald Trump", "Congress", N)])
    assert strict.tp == 0 and pair.tp == 0


def test_duplicate_prediction_is_a_false_positive():
    gold = [("Donald Trump", "Congress", N)]
    strict, pair = score_document([("Trump", "Congress", N), ("President Trump", "Congress", N)], gold)
    assert (strict.tp, strict.fp, strict.fn) == (1, 1, 0)
    assert (pair.tp, pair.fp) == (1, 1)


def test_identical_predictions_are_deduplicated_first():
    gold = [("Donald Trump", "Congress", N)]
    strict, _ = score_document([("Trump", "Congress", N), ("trump ", "Congress", N)], gold)
    assert (strict.tp, strict.fp, strict.fn) == (1, 0, 0)


def test_greedy_prefers_the_better_pairing():
    # "Biden" fits both gold holders by containment; taken in order it would grab "Joe Biden" and leave
    # "President Joe Biden" nothing. Best pairs first: the exact pair wins and both predictions match.
    gold = [("Joe Biden", "Senate", P), ("Hunter Biden", "Senate", P)]
    strict, _ = score_document([("Biden", "Senate", P), ("President Joe Biden", "Senate", P)], gold)
    assert (strict.tp, strict.fp, strict.fn) == (2, 0, 0)


def test_micro_totals_and_missing_documents():
    docs = [SeesawDoc("a", "valid", "x", ((("Obama", "Congress", P)),)),
            SeesawDoc("b", "valid", "y", (("Pelosi", "Trump", N), ("Pelosi", "GOP", N)))]
    results, strict, pair = score_sample(docs, {"a": [("Barack Obama", "Congress", P), ("Obama", "Senate", P)]})
    assert (strict.tp, strict.fp, strict.fn) == (1, 1, 2)
    assert strict.precision == 0.5 and strict.recall == pytest.approx(1 / 3)
    assert strict.f1 == pytest.approx(0.4)
    assert [r.missing for r in results] == [False, True]


def test_polarity_mapping_is_the_documented_one():
    assert PREDICTED_POLARITY == {"support": P, "oppose": N, "deny": N, "neutral": None}
    assert stance_triple({"holder": "Iran", "target": "Azerbaijan", "polarity": "support"}) == ("Iran", "Azerbaijan", P)
    assert stance_triple({"holder": "Iran", "target": "Azerbaijan", "polarity": "neutral"}) is None
    assert stance_triple({"holder": " ", "target": "Azerbaijan", "polarity": "oppose"}) is None
    speaker = {"holder": "Azerbaijan", "speaker": "President Aliyev", "target": "Iran", "polarity": "deny"}
    assert stance_triple(speaker) == ("Azerbaijan", "Iran", N)
    assert stance_triple(speaker, "speaker-first") == ("President Aliyev", "Iran", N)


# ------------------------------------------------------------ loader (synthetic file)

def _record(doc_id: str, split: str, stances: list[dict]) -> dict:
    return {"doc_id": doc_id, "triplet_id": doc_id[8:11], "split": split, "title": "Made-up title",
            "text": "Made-up title\n\nAlpha praised Beta. Gamma attacked Beta.", "stances": stances}


@pytest.fixture()
def tiny_seesaw(tmp_path: Path) -> Path:
    stances = [
        {"holder": "Alpha", "target": "Beta", "polarity": "pos", "sent_idx": 0},
        {"holder": "Alpha", "target": "Beta", "polarity": "pos", "sent_idx": 1},  # duplicate triple
        {"holder": "Alpha", "target": "Beta", "polarity": "neg", "sent_idx": 1},  # same pair, other polarity
        {"holder": None, "target": "Beta", "polarity": "neg", "sent_idx": 1},  # author's voice: dropped
        {"holder": "", "target": "Gamma", "polarity": "pos", "sent_idx": 1},  # empty holder: dropped
        {"holder": "Gamma", "target": "Beta", "polarity": "neg", "sent_idx": 1},
    ]
    lines = [_record("TRIPLET_900_DOCUMENT_0", "valid", stances),
             _record("TRIPLET_900_DOCUMENT_1", "train", stances[:1])]
    (tmp_path / "seesaw_made_up.jsonl").write_text("\n".join(json.dumps(r) for r in lines) + "\n", encoding="utf-8")
    return tmp_path


def test_loader_dedupes_drops_null_holders_and_normalises_polarity(tiny_seesaw: Path):
    docs = load_documents("valid", tiny_seesaw)
    assert list(docs) == ["TRIPLET_900_DOCUMENT_0"]
    doc = docs["TRIPLET_900_DOCUMENT_0"]
    assert doc.gold == (("Alpha", "Beta", P), ("Alpha", "Beta", N), ("Gamma", "Beta", N))
    assert doc.dropped_null_holder == 2
    assert doc.text.startswith("Made-up title\n\n")
    assert len(load_documents(None, tiny_seesaw)) == 2
    assert jsonl_file(tiny_seesaw / "seesaw_made_up.jsonl").name == "seesaw_made_up.jsonl"


def test_gold_triples_direct():
    gold, dropped = gold_triples([{"holder": "None", "target": "X", "polarity": "NEG"},
                                  {"holder": "Y", "target": "X", "polarity": "NEG"}])
    assert gold == (("Y", "X", N),) and dropped == 1


def test_data_path_precedence(monkeypatch, tmp_path: Path):
    monkeypatch.setenv("SEESAW_DIR", str(tmp_path / "env"))
    assert data_path() == tmp_path / "env"
    assert data_path(tmp_path / "explicit") == tmp_path / "explicit"
    monkeypatch.delenv("SEESAW_DIR")
    monkeypatch.setenv("SUMMARISER_EVAL_DIR", str(tmp_path / "eval"))
    assert data_path() == tmp_path / "eval" / "seesaw"
    with pytest.raises(DataMissing):
        jsonl_file(tmp_path / "nowhere")


def test_sample_rule_is_deterministic_and_order_independent():
    ids = [f"TRIPLET_{i:03d}_DOCUMENT_{d}" for i in range(40, 80) for d in range(3)]
    first = sample_ids(ids)
    assert len(first) == 30 and len(set(first)) == 30
    assert sample_ids(list(reversed(ids))) == first
    assert sample_ids(ids, seed=1) != first
    assert sample_ids(ids[:5]) == sorted(ids[:5])


def test_scoring_an_extractions_folder_end_to_end(tiny_seesaw: Path, tmp_path: Path, capsys):
    folder = tmp_path / "extractions"
    folder.mkdir()
    extraction = {"article": {"id": "abc", "paths": ["/tmp/texts/TRIPLET_900_DOCUMENT_0.txt"]},
                  "stances": [{"holder": "Mr. Alpha", "target": "Beta", "polarity": "support"},
                              {"holder": "Gamma", "target": "the Beta", "polarity": "support"},
                              {"holder": "Delta", "target": "Beta", "polarity": "neutral"}]}
    (folder / "abc.json").write_text(json.dumps(extraction), encoding="utf-8")
    predictions, stats = load_extractions(folder)
    assert predictions == {"TRIPLET_900_DOCUMENT_0": [("Mr. Alpha", "Beta", P), ("Gamma", "the Beta", P)]}
    assert stats == {"files": 1, "stances": 3, "unscored": 1}
    assert main(["--data", str(tiny_seesaw), "--extractions", str(folder), "--json"]) == 0
    rep = json.loads(capsys.readouterr().out)
    assert rep["strict"]["tp"] == 1 and rep["strict"]["fp"] == 1 and rep["strict"]["fn"] == 2
    assert rep["pair_only"]["tp"] == 2 and rep["pair_only"]["fn"] == 0
    assert main(["--data", str(tiny_seesaw), "--self-check"]) == 0


def test_missing_data_is_skipped(tmp_path: Path, capsys):
    assert main(["--data", str(tmp_path / "absent"), "--self-check"]) == 0
    assert capsys.readouterr().out.startswith("skipped:")


# ------------------------------------------------------------ real data (skipped when absent)

def _real_or_skip() -> Path:
    try:
        return jsonl_file()
    except DataMissing as missing:
        pytest.skip(str(missing))


def test_real_sample_is_fixed_and_self_check_passes():
    _real_or_skip()
    docs = load_sample()
    assert len(docs) == 30 and all(d.split == "valid" for d in docs)
    assert docs[0].doc_id == "TRIPLET_042_DOCUMENT_2" and docs[-1].doc_id == "TRIPLET_073_DOCUMENT_0"
    assert all(h and t and p in (P, N) for d in docs for h, t, p in d.gold)
    _, strict, pair = score_sample(docs, {d.doc_id: list(d.gold) for d in docs})
    assert strict.f1 == 1.0 and pair.f1 == 1.0 and strict.tp == sum(len(d.gold) for d in docs)


def test_cli_self_check_and_help():
    _real_or_skip()
    script = str(ROOT / "bench" / "eval_stance.py")
    done = subprocess.run([sys.executable, script, "--self-check"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "F1 1.000" in done.stdout
    helped = subprocess.run([sys.executable, script, "--help"], capture_output=True, text=True, timeout=60)
    assert "--extractions" in helped.stdout and "random.Random(20261129)" in helped.stdout
