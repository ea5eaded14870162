"""SEESAW (entity-to-entity stance in US political news) as documents with gold stance triples.

The data is third-party (CC BY-NC-SA 4.0) and is NEVER copied into this
repository: it is read from, in order of precedence,

1. an explicit path (``--data`` of bench/eval_stance.py),
2. ``$SEESAW_DIR``,
3. ``$SUMMARISER_EVAL_DIR/seesaw``,
4. ``../shared/eval/seesaw`` beside the repository root.

The path may be the folder or the converted jsonl file itself. The folder's
SOURCE.txt documents the conversion: one json record per article with
``doc_id``, ``split`` (train/valid/test, the upstream story-level split),
``text`` (title + blank line + sentences: exactly what the tool is fed) and
``stances``: ``{holder: str|null, target: str, polarity: "pos"|"neg", ...}``.

What a document's gold is: the DISTINCT (holder, target, polarity) triples
over all its sentences, polarity normalised to "positive"/"negative".
Triples with a null/empty holder (the outlet's own voice, ~9% upstream) or an
empty target are dropped: the tool only reports stances of named actors.

Sample rule (fixed, deterministic): take the ``valid`` split, sort its doc ids
as strings, then ``random.Random(20261129).sample(ids, 30)``; the sample keeps
that draw order. ``sample_ids`` implements it; changing SAMPLE_SEED or
SAMPLE_SIZE makes figures incomparable with earlier runs.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from .corpus_run import ROOT as REPO_ROOT
from .corpus_run import seeded_sample

DEFAULT_DIR = REPO_ROOT.parent / "shared" / "eval" / "seesaw"
JSONL_GLOB = "seesaw*.jsonl"

SAMPLE_SPLIT = "valid"
SAMPLE_SEED = 20261129
SAMPLE_SIZE = 30

# SEESAW polarity labels (converted and upstream spellings) -> ours.
GOLD_POLARITY = {"pos": "positive", "neg": "negative", "positive": "positive", "negative": "negative"}


class DataMissing(FileNotFoundError):
    """The SEESAW folder or its jsonl file is not where it was looked for."""


Triple = tuple[str, str, str]  # (holder, target, "positive" | "negative")


@dataclass(frozen=True)
class SeesawDoc:
    doc_id: str
    split: str
    text: str
    gold: tuple[Triple, ...] = field(default=())
    dropped_null_holder: int = 0  # stance annotations dropped for a null/empty holder (before dedup)


def data_path(explicit: str | os.PathLike | None = None) -> Path:
    """Where SEESAW is looked for (see the module docstring); not checked for existence."""
    if explicit:
        return Path(explicit)
    if os.environ.get("SEESAW_DIR"):
        return Path(os.environ["SEESAW_DIR"])
    if os.environ.get("SUMMARISER_EVAL_DIR"):
        return Path(os.environ["SUMMARISER_EVAL_DIR"]) / "seesaw"
    return DEFAULT_DIR


def jsonl_file(path: str | os.PathLike | None = None) -> Path:
    """The converted jsonl file under ``path`` (or ``path`` itself if it is a file)."""
    where = data_path(path)
    if where.is_file():
        return where
    if not where.is_dir():
        raise DataMissing(f"SEESAW not found at {where} (set --data or $SEESAW_DIR)")
    found = sorted(where.glob(JSONL_GLOB))
    if len(found) != 1:
        raise DataMissing(f"expected exactly one {JSONL_GLOB} in {where}, found {len(found)}")
    return found[0]


def gold_triples(stances: list[dict]) -> tuple[tuple[Triple, ...], int]:
    """Distinct (holder, target, polarity) triples in first-seen order, and how many were dropped for no holder."""
    seen: dict[Triple, None] = {}
    dropped = 0
    for stance in stances:
        holder = (stance.get("holder") or "").strip()
        target = (stance.get("target") or "").strip()
        if not holder or holder == "None":
            dropped += 1
            continue
        if not target or target == "None":
            continue
        polarity = GOLD_POLARITY.get(str(stance.get("polarity", "")).strip().lower())
        if polarity is None:  # SEESAW has no neutral label; anything else is not scoreable
            continue
        seen.setdefault((holder, target, polarity), None)
    return tuple(seen), dropped


def document_from_record(record: dict) -> SeesawDoc:
    gold, dropped = gold_triples(record.get("stances") or [])
    return SeesawDoc(
        doc_id=record["doc_id"], split=record.get("split") or "", text=record["text"],
        gold=gold, dropped_null_holder=dropped,
    )


def load_documents(split: str | None = SAMPLE_SPLIT, path: str | os.PathLike | None = None) -> dict[str, SeesawDoc]:
    """Documents of ``split`` (None = all) by doc id."""
    docs: dict[str, SeesawDoc] = {}
    with jsonl_file(path).open(encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            record = json.loads(line)
            if split is None or record.get("split") == split:
                doc = document_from_record(record)
                docs[doc.doc_id] = doc
    return docs


def sample_ids(ids, size: int = SAMPLE_SIZE, seed: int = SAMPLE_SEED) -> list[str]:
    """The fixed sample (corpus_run.seeded_sample) with this corpus's size and seed."""
    return seeded_sample(ids, size, seed)


def load_sample(path: str | os.PathLike | None = None, size: int = SAMPLE_SIZE, seed: int = SAMPLE_SEED) -> list[SeesawDoc]:
    """The evaluation sample of the valid split, in draw order."""
    docs = load_documents(SAMPLE_SPLIT, path)
    return [docs[doc_id] for doc_id in sample_ids(docs, size, seed)]
