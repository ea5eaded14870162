"""Counting and matching shared by the bench scorers (attribution_score.py, eval_stance.py).

``Counts`` holds tp/fp/fn and derives micro P/R/F1. One-to-one matching is
``summariser.evaluate.greedy_match`` (best score first; ties to the lower gold,
then the lower prediction index), re-exported here; ``ranked`` turns
lexicographic keys (a score plus tie-breakers) into plain scores for it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Hashable, Mapping

from summariser.evaluate import greedy_match

__all__ = ["Counts", "greedy_match", "ranked"]


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: "Counts") -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict:
        return {**asdict(self), "precision": round(self.precision, 4), "recall": round(self.recall, 4),
                "f1": round(self.f1, 4)}


def ranked(keys: Mapping[Hashable, tuple]) -> dict[Hashable, float]:
    """Each key's dense rank (0.0 = smallest tuple) as a float: the scores order exactly as the tuples do,
    so a tie-breaker folded into a key never outweighs a difference in the main score (no epsilon)."""
    rank = {key: float(n) for n, key in enumerate(sorted(set(keys.values())))}
    return {item: rank[key] for item, key in keys.items()}
