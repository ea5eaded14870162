"""PolNeAR (attributions in US political news, BRAT standoff) as documents with gold attributions.

The data is third-party and is NEVER copied into this repository. Get it with
``git clone https://github.com/networkdynamics/PolNeAR`` (or the fetch tool)
somewhere outside the repository and point ``$POLNEAR_DIR`` (or
``--polnear-dir`` of bench/eval_attribution.py) at its ``data/train`` folder;
a clone's root is accepted too and resolved to ``data/train``. Only the TRAIN
split is used: ``data/dev`` and ``data/test`` are reserved for acceptance and
this module never opens them.

Layout of ``data/train`` (upstream README, "Data File Structure"):
``text/<docid>.txt`` (the article, UTF-8; BRAT offsets are Python character
offsets into it), ``attributions/<docid>_<annotator>.ann`` (BRAT standoff) and
``corenlp/`` (unused).

First-annotator rule: annotators are distinguished ONLY by the 4-hex-digit
suffix of the .ann file name (``<docid>_<annotator>.ann``; the upstream loader
``software/polnear/dataset.py`` builds exactly that path). 824 train documents
have one annotator; 16 agreement-check documents have 5-6 (ids 4b22, 4e07,
5fec, 6b86, d473, ef2d). ``data/metadata.tsv`` lists a document's annotators
pipe-separated in sorted order, so "the first annotator" is the
lexicographically smallest suffix among the document's .ann files; this module
needs no metadata file.

BRAT parsing: ``T`` lines are text-bound spans (``Source``/``Cue``/``Content``,
the event triggers ``Attribution``/``Attribution-no-source``, and unlinked
``Discard``/``Discuss`` marks, which are ignored); offsets may be
discontinuous (``start end;start end``): every fragment is kept with its own
offsets and text, and a role's text joins its fragments with one space. Span
text is taken from the article via the offsets (the .ann copy breaks lines
when a span crosses a newline). An attribution is an ``E`` line
(``E9<TAB>Attribution:T37 Cue:T36 Source:T35 Content:T34 Content2:T38``):
numbered roles (``Content2``) are further fragments of the same role. An
``Attribution-no-source`` event (or any event without a Source) has no
source. Events without any Content are skipped (counted per document in
``skipped_no_content``). ``#`` notes, ``A``/``R``/``*`` lines are ignored.

Sample rule (fixed, deterministic): train documents whose text is 1,500 to
6,000 characters long (inclusive), ids sorted as strings, then
``random.Random(20261129).sample(ids, 40)``; the sample keeps that draw order.
Changing SAMPLE_SEED, SAMPLE_SIZE or the length bounds makes figures
incomparable with earlier runs.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from .attribution_score import Item
from .corpus_run import seeded_sample

ENV_VAR = "POLNEAR_DIR"
SAMPLE_SEED = 20261129
SAMPLE_SIZE = 40
MIN_CHARS = 1500
MAX_CHARS = 6000

_ANN_NAME = re.compile(r"^(?P<doc>.+)_(?P<annotator>[0-9a-f]{4})\.ann$")
_T_LINE = re.compile(r"^(?P<id>T\d+)\t(?P<label>\S+) (?P<offsets>\d+ \d+(?:;\d+ \d+)*)(?:\t|$)")
_E_LINE = re.compile(r"^(?P<id>E\d+)\t(?P<args>.*)$")
_ROLES = {"source": "source", "cue": "cue", "content": "content"}

HOW_TO_GET = (
    "PolNeAR is not part of this repository. Clone https://github.com/networkdynamics/PolNeAR "
    "outside the repository (e.g. git clone https://github.com/networkdynamics/PolNeAR /work/PolNeAR) "
    f"and point ${ENV_VAR} (or --polnear-dir) at its data/train folder, "
    f"e.g. export {ENV_VAR}=/work/PolNeAR/data/train"
)


class PolnearMissing(FileNotFoundError):
    """The PolNeAR train folder is not where it was looked for."""


@dataclass(frozen=True)
class Fragment:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class GoldAttribution:
    id: str  # the BRAT event id, e.g. "E9"
    source: tuple[Fragment, ...]  # empty = no source
    cue: tuple[Fragment, ...]
    content: tuple[Fragment, ...]

    @property
    def source_text(self) -> str | None:
        return " ".join(f.text for f in self.source) or None

    @property
    def cue_text(self) -> str:
        return " ".join(f.text for f in self.cue)

    @property
    def content_text(self) -> str:
        return " ".join(f.text for f in self.content)


@dataclass(frozen=True)
class PolnearDoc:
    doc_id: str
    text: str
    annotator: str
    attributions: tuple[GoldAttribution, ...] = field(default=())
    skipped_no_content: int = 0


# --------------------------------------------------------------------------
# Where the data is
# --------------------------------------------------------------------------


def train_dir(folder: str | os.PathLike | None = None) -> Path:
    """The train folder (containing text/ and attributions/): ``folder``, else $POLNEAR_DIR."""
    raw = folder if folder else os.environ.get(ENV_VAR)
    if not raw:
        raise PolnearMissing(f"${ENV_VAR} is not set. {HOW_TO_GET}")
    where = Path(raw).expanduser()
    for candidate in (where, where / "data" / "train", where / "train"):
        if (candidate / "text").is_dir() and (candidate / "attributions").is_dir():
            if candidate.name in ("dev", "test"):
                raise PolnearMissing(f"{candidate} is a reserved split; use data/train. {HOW_TO_GET}")
            return candidate
    raise PolnearMissing(f"no PolNeAR train data (text/ and attributions/) at {where}. {HOW_TO_GET}")


def annotation_files(folder: Path) -> dict[str, dict[str, Path]]:
    """doc id -> {annotator id -> .ann path}."""
    found: dict[str, dict[str, Path]] = {}
    for path in sorted((folder / "attributions").iterdir()):
        match = _ANN_NAME.match(path.name)
        if match:
            found.setdefault(match["doc"], {})[match["annotator"]] = path
    return found


def first_annotator(annotators) -> str:
    """The first annotator: the lexicographically smallest id (metadata.tsv lists them sorted)."""
    return sorted(annotators)[0]


# --------------------------------------------------------------------------
# BRAT
# --------------------------------------------------------------------------


def parse_brat(ann: str, text: str) -> tuple[list[GoldAttribution], int]:
    """Attributions of one .ann file (in event order) and how many events had no content."""
    spans: dict[str, tuple[str, tuple[Fragment, ...]]] = {}
    events: list[tuple[str, str, list[tuple[str, str]]]] = []
    for line in ann.splitlines():
        t_line = _T_LINE.match(line)
        if t_line:
            fragments = []
            for part in t_line["offsets"].split(";"):
                start, end = (int(x) for x in part.split())
                fragments.append(Fragment(start, end, text[start:end]))
            spans[t_line["id"]] = (t_line["label"], tuple(fragments))
            continue
        e_line = _E_LINE.match(line)
        if e_line:
            args = [a.split(":", 1) for a in e_line["args"].split() if ":" in a]
            if not args:
                continue
            trigger_label = args[0][0]
            events.append((e_line["id"], trigger_label, [(role, ref) for role, ref in args[1:]]))
    attributions = []
    skipped = 0
    for event_id, trigger_label, args in events:
        if not trigger_label.lower().startswith("attribution"):
            continue
        roles: dict[str, list[Fragment]] = {"source": [], "cue": [], "content": []}
        for role, ref in args:
            key = _ROLES.get(re.sub(r"\d+$", "", role).lower())
            if key is None or ref not in spans:
                continue
            roles[key].extend(spans[ref][1])
        if not roles["content"]:
            skipped += 1
            continue
        order = lambda frags: tuple(sorted(frags, key=lambda f: (f.start, f.end)))  # noqa: E731
        attributions.append(
            GoldAttribution(id=event_id, source=order(roles["source"]), cue=order(roles["cue"]),
                            content=order(roles["content"]))
        )
    return attributions, skipped


def read_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def load_document(folder: Path, doc_id: str, ann_path: Path, annotator: str) -> PolnearDoc:
    text = read_text(folder / "text" / f"{doc_id}.txt")
    attributions, skipped = parse_brat(ann_path.read_text(encoding="utf-8"), text)
    return PolnearDoc(doc_id=doc_id, text=text, annotator=annotator, attributions=tuple(attributions),
                      skipped_no_content=skipped)


def load_documents(folder: str | os.PathLike | None = None, doc_ids=None) -> dict[str, PolnearDoc]:
    """Train documents (all, or ``doc_ids``) with the first annotator's attributions, by doc id."""
    where = train_dir(folder)
    files = annotation_files(where)
    wanted = sorted(files) if doc_ids is None else list(doc_ids)
    docs = {}
    for doc_id in wanted:
        if doc_id not in files:
            raise KeyError(f"no annotation file for {doc_id} in {where / 'attributions'}")
        annotator = first_annotator(files[doc_id])
        docs[doc_id] = load_document(where, doc_id, files[doc_id][annotator], annotator)
    return docs


# --------------------------------------------------------------------------
# The sample
# --------------------------------------------------------------------------


def candidate_ids(folder: str | os.PathLike | None = None, min_chars: int = MIN_CHARS,
                  max_chars: int = MAX_CHARS) -> list[str]:
    """Sorted ids of annotated train documents whose text length is within [min_chars, max_chars]."""
    where = train_dir(folder)
    ids = []
    for doc_id in sorted(annotation_files(where)):
        path = where / "text" / f"{doc_id}.txt"
        if path.is_file() and min_chars <= len(read_text(path)) <= max_chars:
            ids.append(doc_id)
    return ids


def sample_ids(ids, size: int = SAMPLE_SIZE, seed: int = SAMPLE_SEED) -> list[str]:
    """The fixed sample (corpus_run.seeded_sample) with this corpus's size and seed."""
    return seeded_sample(ids, size, seed)


def load_sample(folder: str | os.PathLike | None = None, size: int = SAMPLE_SIZE,
                seed: int = SAMPLE_SEED) -> list[PolnearDoc]:
    """The evaluation sample of the train split, in draw order."""
    ids = sample_ids(candidate_ids(folder), size, seed)
    docs = load_documents(folder, ids)
    return [docs[doc_id] for doc_id in ids]


# --------------------------------------------------------------------------
# Gold as scorer items
# --------------------------------------------------------------------------


def gold_items(doc: PolnearDoc):
    """The document's attributions as attribution_score.Item(speaker=source text, content=content text)."""
    return [
        Item(speaker=a.source_text, content=a.content_text,
             ref=f"{a.id}@{a.content[0].start}-{a.content[-1].end}")
        for a in doc.attributions
    ]
