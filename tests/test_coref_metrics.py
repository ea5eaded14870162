"""Coreference metrics on hand-made clusterings with known values."""

from __future__ import annotations

import itertools
import random

import pytest

from bench.adapters.coref_metrics import (
    _max_weight_assignment,
    b_cubed,
    ceaf_e,
    clusters_from_labels,
    muc,
    score_all,
)

# The worked example of Pradhan et al. (2014), section 4 / figure 1.
KEY = [{"a", "b", "c"}, {"d", "e", "f", "g"}]
RESPONSE = [{"a", "b"}, {"c", "d"}, {"f", "g", "h", "i"}]


def test_muc_worked_example():
    score = muc(KEY, RESPONSE)
    assert score.recall == pytest.approx(2 / 5)
    assert score.precision == pytest.approx(2 / 5)


def test_b_cubed_worked_example():
    score = b_cubed(KEY, RESPONSE)
    # recall: (2^2/3 + 1^2/3 + 1^2/4 + 2^2/4) / 7 mentions
    assert score.recall == pytest.approx((5 / 3 + 5 / 4) / 7)
    # precision: (2^2/2 + (1+1)/2 + 2^2/4) / 8 mentions
    assert score.precision == pytest.approx(4 / 8)


def test_ceaf_e_worked_example():
    score = ceaf_e(KEY, RESPONSE)
    # best alignment: {a,b,c}-{a,b} (0.8) + {d,e,f,g}-{f,g,h,i} (0.5)
    assert score.recall == pytest.approx(1.3 / 2)
    assert score.precision == pytest.approx(1.3 / 3)


def test_perfect_response_scores_one():
    scores = score_all(KEY, KEY)
    assert scores.muc.f1 == scores.b_cubed.f1 == scores.ceaf_e.f1 == pytest.approx(1.0)
    assert scores.conll_f1 == pytest.approx(1.0)


def test_singleton_response():
    mentions = ["a", "b", "c", "d", "e", "f", "g"]
    scores = score_all(KEY, [{m} for m in mentions])
    assert scores.muc.recall == 0 and scores.muc.f1 == 0
    assert scores.b_cubed.precision == pytest.approx(1.0)
    assert scores.b_cubed.recall == pytest.approx((3 * (1 / 3) + 4 * (1 / 4)) / 7)
    # phi4({a,b,c},{a}) = 2/4 is the best any singleton does for cluster 1, 2/5 for cluster 2
    assert scores.ceaf_e.recall == pytest.approx((2 / 4 + 2 / 5) / 2)
    assert scores.ceaf_e.precision == pytest.approx((2 / 4 + 2 / 5) / 7)


def test_all_in_one_response():
    scores = score_all(KEY, [{"a", "b", "c", "d", "e", "f", "g"}])
    assert scores.muc.recall == pytest.approx(1.0)
    assert scores.muc.precision == pytest.approx(5 / 6)
    assert scores.b_cubed.recall == pytest.approx(1.0)
    assert scores.b_cubed.precision == pytest.approx((9 + 16) / 49)


def test_muc_ignores_singletons_and_conll_averages():
    scores = score_all([{"a", "b"}, {"c"}], [{"a", "b"}, {"c"}])
    assert scores.conll_f1 == pytest.approx(1.0)
    scores = score_all(KEY, RESPONSE)
    assert scores.conll_f1 == pytest.approx((scores.muc.f1 + scores.b_cubed.f1 + scores.ceaf_e.f1) / 3)


def test_clusters_from_labels():
    assert clusters_from_labels({"a": 1, "b": 1, "c": 2}) == [frozenset({"a", "b"}), frozenset({"c"})]


def test_overlapping_clusters_are_rejected():
    with pytest.raises(ValueError):
        muc([{"a", "b"}, {"b"}], [{"a"}])


def brute_force_assignment(weights):
    rows, cols = len(weights), len(weights[0])
    if rows > cols:
        weights = [list(c) for c in zip(*weights)]
        rows, cols = cols, rows
    return max(sum(weights[i][p[i]] for i in range(rows)) for p in itertools.permutations(range(cols), rows))


def test_hungarian_matches_brute_force():
    rng = random.Random(3)
    for _ in range(200):
        rows, cols = rng.randint(1, 5), rng.randint(1, 5)
        weights = [[rng.choice([0.0, rng.random()]) for _ in range(cols)] for _ in range(rows)]
        assert _max_weight_assignment(weights) == pytest.approx(brute_force_assignment(weights))


# --------------------------------------------------------------------------
# The ECB+ adapter (skipped when the corpus is not next to the repository)
# --------------------------------------------------------------------------

from bench.adapters import ecbplus  # noqa: E402


@pytest.fixture(scope="module")
def ecb_docs():
    try:
        folder = ecbplus.corpus_dir()
    except ecbplus.CorpusMissing as missing:
        pytest.skip(str(missing))
    return ecbplus.load_corpus(folder)


def test_missing_corpus_is_reported_clearly(tmp_path):
    with pytest.raises(ecbplus.CorpusMissing, match="SUMMARISER_EVAL_DIR"):
        ecbplus.corpus_dir(tmp_path)


def test_ecbplus_extractions_have_verbatim_evidence(ecb_docs):
    assert len(ecb_docs) == 91
    for doc in ecb_docs:
        extraction, keys = ecbplus.to_extraction(doc)
        assert len(extraction.events) == len(keys)
        for event, (_, m_id) in zip(extraction.events, keys):
            evidence = event.evidence
            assert doc.text[evidence.start:evidence.end] == evidence.text
            mention = doc.mentions[m_id]
            assert evidence.start <= mention.start < mention.end <= evidence.end
            assert "\n" not in evidence.text  # exactly one sentence


def test_ecbplus_gold_links_documents(ecb_docs):
    gold = ecbplus.gold_labels(ecb_docs)
    docs_per_chain: dict[str, set[str]] = {}
    for (doc_id, _), label in gold.items():
        docs_per_chain.setdefault(label, set()).add(doc_id)
    assert len(gold) == 641
    assert max(len(d) for d in docs_per_chain.values()) >= 10  # real cross-document chains


def test_ecbplus_merge_beats_baselines(ecb_docs):
    gold = ecbplus.gold_labels(ecb_docs)
    keys = sorted(gold)
    merged = ecbplus.score_labels(gold, ecbplus.merge_labels(ecb_docs), keys)
    singletons = ecbplus.score_labels(gold, ecbplus.singleton_labels(ecb_docs), keys)
    lemma = ecbplus.score_labels(gold, ecbplus.lemma_labels(ecb_docs, use_topics=False), keys)
    assert merged.conll_f1 >= 0.60
    assert merged.conll_f1 > max(singletons.conll_f1, lemma.conll_f1)
