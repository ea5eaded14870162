"""Coreference scores: MUC, B-cubed, CEAF-e and the CoNLL average.

Pure functions over clusterings given as lists of mention sets. Definitions
follow Pradhan et al. (2014), "Scoring Coreference Partitions of Predicted
Mentions: A Reference Implementation":

* MUC (Vilain et al. 1995) counts links: recall = sum(|K| - p(K)) / sum(|K| - 1)
  where p(K) is the number of pieces the response cuts key cluster K into
  (mentions the response lacks are pieces of their own). Singletons add nothing.
* B-cubed (Bagga & Baldwin 1998) averages per mention: recall =
  sum over K, R of |K & R|^2 / |K|, divided by the number of key mentions.
* CEAF-e (Luo 2005) aligns key and response clusters one-to-one to maximise
  the summed similarity phi4 = 2|K & R| / (|K| + |R|); recall divides by the
  number of key clusters, precision by the number of response clusters.
* CoNLL F1 = mean of the three F1s.

Precision is the same formula with key and response swapped.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Hashable, Iterable, Mapping, Sequence

from summariser.unionfind import UnionFind

Cluster = frozenset
Clustering = Sequence[frozenset]


@dataclass(frozen=True)
class Score:
    recall: float
    precision: float

    @property
    def f1(self) -> float:
        if self.recall + self.precision == 0:
            return 0.0
        return 2 * self.recall * self.precision / (self.recall + self.precision)


def clusters_from_labels(labels: Mapping[Hashable, Hashable]) -> list[frozenset]:
    """{mention: cluster label} -> list of clusters, in a stable order."""
    groups: dict[Hashable, set] = defaultdict(set)
    for mention, label in labels.items():
        groups[label].add(mention)
    return sorted((frozenset(g) for g in groups.values()), key=lambda c: sorted(map(str, c)))


def _normalise(clusters: Iterable[Iterable[Hashable]]) -> list[frozenset]:
    result = [frozenset(c) for c in clusters]
    seen: set = set()
    for cluster in result:
        if seen & cluster:
            raise ValueError("a mention belongs to two clusters")
        seen |= cluster
    return [c for c in result if c]


def _safe_div(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else 0.0


# -- MUC -----------------------------------------------------------------


def _muc_recall(key: list[frozenset], response: list[frozenset]) -> float:
    cluster_of = {m: i for i, c in enumerate(response) for m in c}
    numerator = denominator = 0
    for cluster in key:
        pieces = {cluster_of.get(m, ("missing", m)) for m in cluster}
        numerator += len(cluster) - len(pieces)
        denominator += len(cluster) - 1
    return _safe_div(numerator, denominator)


def muc(key: Clustering, response: Clustering) -> Score:
    k, r = _normalise(key), _normalise(response)
    return Score(recall=_muc_recall(k, r), precision=_muc_recall(r, k))


# -- B-cubed ---------------------------------------------------------------


def _b3_recall(key: list[frozenset], response: list[frozenset]) -> float:
    cluster_of = {m: i for i, c in enumerate(response) for m in c}
    numerator = 0.0
    total = 0
    for cluster in key:
        overlaps: dict[int, int] = defaultdict(int)
        for mention in cluster:
            if mention in cluster_of:
                overlaps[cluster_of[mention]] += 1
        numerator += sum(n * n for n in overlaps.values()) / len(cluster)
        total += len(cluster)
    return _safe_div(numerator, total)


def b_cubed(key: Clustering, response: Clustering) -> Score:
    k, r = _normalise(key), _normalise(response)
    return Score(recall=_b3_recall(k, r), precision=_b3_recall(r, k))


# -- CEAF-e ----------------------------------------------------------------


def phi4(a: frozenset, b: frozenset) -> float:
    return 2 * len(a & b) / (len(a) + len(b))


def _max_weight_assignment(weights: list[list[float]]) -> float:
    """Maximum total weight of a one-to-one assignment (rows <= columns).

    The Hungarian algorithm with potentials, O(rows^2 * columns), on costs
    = -weight. Unassigned pairs weigh 0, which never hurts since weights >= 0.
    """
    rows = len(weights)
    cols = len(weights[0]) if rows else 0
    if rows == 0 or cols == 0:
        return 0.0
    if rows > cols:
        weights = [list(col) for col in zip(*weights)]
        rows, cols = cols, rows
    inf = float("inf")
    u = [0.0] * (rows + 1)
    v = [0.0] * (cols + 1)
    match = [0] * (cols + 1)  # column -> row (1-based, 0 = free)
    way = [0] * (cols + 1)
    for row in range(1, rows + 1):
        match[0] = row
        col0 = 0
        minv = [inf] * (cols + 1)
        used = [False] * (cols + 1)
        while True:
            used[col0] = True
            row0 = match[col0]
            delta = inf
            col1 = 0
            for col in range(1, cols + 1):
                if used[col]:
                    continue
                current = -weights[row0 - 1][col - 1] - u[row0] - v[col]
                if current < minv[col]:
                    minv[col] = current
                    way[col] = col0
                if minv[col] < delta:
                    delta = minv[col]
                    col1 = col
            for col in range(cols + 1):
                if used[col]:
                    u[match[col]] += delta
                    v[col] -= delta
                else:
                    minv[col] -= delta
            col0 = col1
            if match[col0] == 0:
                break
        while col0:
            col1 = way[col0]
            match[col0] = match[col1]
            col0 = col1
    return sum(weights[match[col] - 1][col - 1] for col in range(1, cols + 1) if match[col])


def _connected_blocks(key: list[frozenset], response: list[frozenset]) -> list[tuple[list[int], list[int]]]:
    """Groups of key and response clusters linked by shared mentions.

    The optimal alignment decomposes over these groups (clusters of different
    groups have similarity 0), which keeps each Hungarian problem small.
    """
    blocks: UnionFind[int] = UnionFind(range(len(key) + len(response)))
    key_of = {m: i for i, c in enumerate(key) for m in c}
    for j, cluster in enumerate(response):
        for mention in cluster:
            if mention in key_of:
                blocks.union(key_of[mention], len(key) + j)
    groups: dict[int, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
    for i in range(len(key)):
        groups[blocks.find(i)][0].append(i)
    for j in range(len(response)):
        groups[blocks.find(len(key) + j)][1].append(j)
    return list(groups.values())


def ceaf_e(key: Clustering, response: Clustering) -> Score:
    k, r = _normalise(key), _normalise(response)
    total = 0.0
    for key_ids, response_ids in _connected_blocks(k, r):
        if key_ids and response_ids:
            weights = [[phi4(k[i], r[j]) for j in response_ids] for i in key_ids]
            total += _max_weight_assignment(weights)
    return Score(recall=_safe_div(total, len(k)), precision=_safe_div(total, len(r)))


# -- All together ---------------------------------------------------------------


@dataclass(frozen=True)
class CorefScores:
    muc: Score
    b_cubed: Score
    ceaf_e: Score

    @property
    def conll_f1(self) -> float:
        return (self.muc.f1 + self.b_cubed.f1 + self.ceaf_e.f1) / 3


def score_all(key: Clustering, response: Clustering) -> CorefScores:
    return CorefScores(muc=muc(key, response), b_cubed=b_cubed(key, response), ceaf_e=ceaf_e(key, response))
