"""One union-find (disjoint sets), used wherever items are grouped transitively:
entity resolution, stance disputes, and the coreference scorer in bench/."""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Generic, TypeVar

Key = TypeVar("Key", bound=Hashable)


class UnionFind(Generic[Key]):
    """Disjoint sets over comparable keys.

    The smaller root wins a union, so the resulting structure (and every
    representative) does not depend on the order of calls: grouping stays
    deterministic whatever order items arrive in.
    """

    def __init__(self, keys: Iterable[Key] = ()) -> None:
        self._parent: dict[Key, Key] = {}
        for key in keys:
            self.add(key)

    def add(self, key: Key) -> None:
        self._parent.setdefault(key, key)

    def find(self, key: Key) -> Key:
        root = key
        while self._parent[root] != root:
            root = self._parent[root]
        while self._parent[key] != root:  # path compression
            self._parent[key], key = root, self._parent[key]
        return root

    def union(self, a: Key, b: Key) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            low, high = sorted((ra, rb))  # type: ignore[type-var]
            self._parent[high] = low

    def keys(self) -> list[Key]:
        return list(self._parent)
