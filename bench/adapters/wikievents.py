"""WikiEvents (KAIROS ontology) as a public yardstick for our Event extraction.

WikiEvents v1.0 (Li, Ji & Han, NAACL 2021) is third-party data: it is read
from the shared evaluation folder and never copied into this repository. The
folder is ``$SUMMARISER_EVAL_DIR/wikievents`` or, by default,
``<repo root>/../shared/eval/wikievents``; when it is absent, loaders raise
``DataMissing`` with a message saying so and callers skip.

Data shape (one JSON document per line in ``dev.jsonl``/``test.jsonl``):
``sentences`` is a list of ``[tokens, sentence_text]`` where each token is
``[word, start, end]`` in the *original* document's character offsets; the
``text`` field is the sentences glued together with no separator. We rebuild
the text as one sentence per line ("\\n" between sentences, so "Syria" and
"The desert" do not run together) and move every token to its offset in that
text. Gold events carry a trigger (token span), a KAIROS type
(``Conflict.Attack.DetonateExplode``) and arguments (entity mentions, mostly
head words such as "general"); ``coref_*.jsonlines`` gives, per entity
cluster, an informative mention ("Vyacheslav Gladkikh").

Scoring is deliberately lenient, because our schema is coarser than KAIROS
(one Event per happening, evidence = a clause or sentence, no roles):

* a predicted Event matches a gold event when the gold trigger's span lies
  inside the prediction's evidence span; ``typed`` additionally requires the
  types to be compatible by ``KAIROS_PREFIXES``; ``any_type`` does not;
* one-to-one, greedily, tighter evidence first (trigger length / evidence
  length), ties by gold then prediction order;
* argument recall: a gold argument counts as found when its text or its
  cluster's informative mention appears (as whole words, either way round) in
  a matched prediction's participants or place.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from .eval_data import default_eval_dir

from summariser.canonical import sha256_text
from summariser.evaluate import (
    PredictionLoadError,
    Rate,
    Score,
    _apply_metonyms,
    _plain_tokens,
    anchor,
    dossier_to_extractions,
    greedy_match,
    is_grounded,
    prf,
    rate,
    sum_rates,
    sum_scores,
)
from summariser.datamodel import ArticleExtraction, Dossier, Event, EventType, Evidence, Participant

SPLITS = ("dev", "test")
SENTENCE_SEPARATOR = "\n"

# Which KAIROS event types (by dotted prefix) each of our EventTypes may stand
# for. An empty tuple means KAIROS has no counterpart (never matches when
# typed). Kept semantic: an "attack" is not a "Life.Die" — deaths are
# "casualties" — the any_type variant is there for the lenient view.
KAIROS_PREFIXES: dict[str, tuple[str, ...]] = {
    "attack": ("Conflict.Attack", "ArtifactExistence.DamageDestroyDisableDismantle", "Disaster.FireExplosion"),
    "military_activity": ("Conflict.Attack", "Conflict.Defeat", "Movement.Transportation"),
    "casualties": ("Life.Die", "Life.Injure"),
    "phone_call": ("Contact.Contact.Correspondence", "Contact.Contact.Unspecified"),
    "meeting": ("Contact.Contact.Meet", "Contact.RequestCommand.Meet", "Contact.ThreatenCoerce.Meet", "Contact.Contact.Unspecified"),
    "visit": ("Movement.Transportation", "Contact.Contact.Meet"),
    "agreement": (),
    "ceasefire": (),
    "arms_transfer": ("Transaction", "Movement.Transportation"),
    "diplomatic_action": ("Contact", "Personnel"),
    "accusation": ("Contact.Contact.Broadcast", "Contact.ThreatenCoerce", "Justice.ChargeIndict"),
    "denial": ("Contact.Prevarication", "Contact.Contact.Broadcast"),
    "other": (
        "Justice",
        "GenericCrime",
        "Disaster",
        "Medical",
        "Cognitive",
        "Control",
        "Personnel",
        "Life.Consume",
        "Life.Illness",
        "Life.Infect",
        "Conflict.Demonstrate",
        "ArtifactExistence.ManufactureAssemble",
        "Movement.Transportation.Evacuation",
        "Movement.Transportation.PreventPassage",
    ),
}

ANY_TYPE = "any_type"
TYPED = "typed"


class DataMissing(Exception):
    """The public evaluation data is not on this machine; callers should skip."""


# --------------------------------------------------------------------------
# Locating and loading the data
# --------------------------------------------------------------------------


def wikievents_dir(eval_dir: str | Path | None = None) -> Path:
    folder = Path(eval_dir) if eval_dir is not None else default_eval_dir()
    folder = folder / "wikievents"
    if not (folder / "dev.jsonl").is_file() and not (folder / "test.jsonl").is_file():
        raise DataMissing(
            f"WikiEvents not found at {folder} (no dev.jsonl/test.jsonl); "
            "set SUMMARISER_EVAL_DIR to the folder holding wikievents/, or skip this evaluation"
        )
    return folder


class Span(BaseModel):
    """Characters [start, end) of the rebuilt document text."""

    text: str
    start: int
    end: int


class WikiArgument(BaseModel):
    role: str
    text: str
    entity_id: str
    span: Span | None = None
    informative: str | None = Field(default=None, description="The coreference cluster's informative mention.")


class WikiEvent(BaseModel):
    id: str
    event_type: str
    trigger: Span
    arguments: list[WikiArgument] = Field(default_factory=list)


class WikiDocument(BaseModel):
    doc_id: str
    text: str
    events: list[WikiEvent]

    @property
    def content_hash(self) -> str:
        return sha256_text(self.text)


def build_text(sentences: Sequence[Sequence[Any]]) -> tuple[str, list[int]]:
    """One sentence per line; returns the text and each sentence's start."""
    starts: list[int] = []
    parts: list[str] = []
    offset = 0
    for _tokens, sentence_text in sentences:
        starts.append(offset)
        parts.append(sentence_text)
        offset += len(sentence_text) + len(SENTENCE_SEPARATOR)
    return SENTENCE_SEPARATOR.join(parts), starts


def token_offsets(sentences: Sequence[Sequence[Any]], sentence_starts: Sequence[int]) -> list[tuple[int, int]]:
    """Character span in the rebuilt text of every document-level token.

    Token offsets in the data are relative to the original document; within a
    sentence they are consistent, so each is shifted by its sentence's first
    token offset and placed at the sentence's start in our text.
    """
    spans: list[tuple[int, int]] = []
    for (tokens, _text), start in zip(sentences, sentence_starts):
        base = tokens[0][1] if tokens else 0
        spans.extend((start + s - base, start + e - base) for _word, s, e in tokens)
    return spans


def _span(text: str, offsets: Sequence[tuple[int, int]], first: int, end: int) -> Span:
    start, stop = offsets[first][0], offsets[end - 1][1]
    return Span(text=text[start:stop], start=start, end=stop)


def _informative_mentions(coref: Mapping[str, Any] | None) -> dict[str, str]:
    if not coref:
        return {}
    out: dict[str, str] = {}
    for cluster, mention in zip(coref.get("clusters", []), coref.get("informative_mentions", [])):
        for entity_id in cluster:
            out[entity_id] = mention
    return out


def document_from_record(record: Mapping[str, Any], coref: Mapping[str, Any] | None = None) -> WikiDocument:
    """One WikiEvents JSON line (plus its coref line) as a WikiDocument."""
    text, starts = build_text(record["sentences"])
    offsets = token_offsets(record["sentences"], starts)
    entities = {e["id"]: e for e in record.get("entity_mentions", [])}
    informative = _informative_mentions(coref)
    events: list[WikiEvent] = []
    for mention in record.get("event_mentions", []):
        trigger = mention["trigger"]
        arguments = []
        for arg in mention.get("arguments", []):
            entity = entities.get(arg["entity_id"])
            span = _span(text, offsets, entity["start"], entity["end"]) if entity else None
            arguments.append(
                WikiArgument(
                    role=arg["role"],
                    text=arg["text"],
                    entity_id=arg["entity_id"],
                    span=span,
                    informative=informative.get(arg["entity_id"]),
                )
            )
        events.append(
            WikiEvent(
                id=mention["id"],
                event_type=mention["event_type"],
                trigger=_span(text, offsets, trigger["start"], trigger["end"]),
                arguments=arguments,
            )
        )
    return WikiDocument(doc_id=record["doc_id"], text=text, events=events)


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        return []
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def load_documents(split: str = "dev", eval_dir: str | Path | None = None, limit: int | None = None) -> list[WikiDocument]:
    """Documents of ``split`` ("dev", "test" or "all"), in file order."""
    folder = wikievents_dir(eval_dir)
    splits = SPLITS if split == "all" else (split,)
    if any(s not in SPLITS for s in splits):
        raise ValueError(f"unknown split {split!r}: use dev, test or all")
    docs: list[WikiDocument] = []
    for name in splits:
        records = _read_jsonl(folder / f"{name}.jsonl")
        coref = {c["doc_key"]: c for c in _read_jsonl(folder / f"coref_{name}.jsonlines")}
        docs.extend(document_from_record(r, coref.get(r["doc_id"])) for r in records)
    return docs[:limit] if limit is not None else docs


def export_texts(docs: Iterable[WikiDocument], out_dir: str | Path) -> list[Path]:
    """Write ``<doc_id>.txt`` per document (outside the repo!) for the pipeline."""
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for doc in docs:
        path = folder / f"{doc.doc_id}.txt"
        path.write_text(doc.text, encoding="utf-8", newline="\n")
        written.append(path)
    return written


# --------------------------------------------------------------------------
# Matching
# --------------------------------------------------------------------------


def kairos_compatible(event_type: str, kairos_type: str) -> bool:
    return any(kairos_type == p or kairos_type.startswith(p + ".") for p in KAIROS_PREFIXES.get(event_type, ()))


def trigger_inside(evidence: Evidence, trigger: Span) -> bool:
    return evidence.start <= trigger.start and trigger.end <= evidence.end


def match_events(preds: Sequence[Event], gold: Sequence[WikiEvent], typed: bool) -> list[tuple[int, int]]:
    """One-to-one (pred, gold) pairs; tighter evidence around a trigger wins."""
    scores: dict[tuple[int, int], float] = {}
    for gi, g in enumerate(gold):
        for pi, p in enumerate(preds):
            if not trigger_inside(p.evidence, g.trigger):
                continue
            if typed and not kairos_compatible(p.event_type, g.event_type):
                continue
            scores[(pi, gi)] = (g.trigger.end - g.trigger.start) / (p.evidence.end - p.evidence.start)
    return greedy_match(scores)


_ARG_FILLER = {"the", "a", "an", "of"}


def _arg_tokens(text: str | None) -> tuple[str, ...]:
    tokens = _apply_metonyms(_plain_tokens(text or ""))
    return tuple(t for t in tokens if t not in _ARG_FILLER)


def _contains(longer: tuple[str, ...], shorter: tuple[str, ...]) -> bool:
    n = len(shorter)
    return n > 0 and any(longer[i : i + n] == shorter for i in range(len(longer) - n + 1))


def argument_found(argument: WikiArgument, pred: Event) -> bool:
    """Gold argument text or informative mention appears in our participants/place."""
    ours = [_arg_tokens(p.name) for p in pred.participants] + [_arg_tokens(pred.place)]
    theirs = [_arg_tokens(argument.text), _arg_tokens(argument.informative)]
    return any(_contains(o, t) or _contains(t, o) for o in ours if o for t in theirs if t)


# --------------------------------------------------------------------------
# Scores
# --------------------------------------------------------------------------


class DocScore(BaseModel):
    doc_id: str
    predicted: bool
    gold_events: int
    predicted_events: int
    scores: dict[str, Score]
    arguments_matched: Rate = Field(description="Gold arguments found, over arguments of matched gold events.")
    arguments_overall: Rate = Field(description="Gold arguments found, over all gold arguments.")
    grounding: Rate
    recall_by_family: dict[str, Rate] = Field(description="any_type recall per KAIROS top-level family.")


class WikiReport(BaseModel):
    source: str = Field(description="What produced the predictions (extractor name or folder).")
    split: str
    documents: int
    gold_events: int
    predicted_events: int
    scores: dict[str, Score]
    arguments_matched: Rate
    arguments_overall: Rate
    grounding: Rate
    recall_by_family: dict[str, Rate]
    missing: list[str] = Field(default_factory=list, description="Documents with no prediction at all.")
    failed: list[str] = Field(default_factory=list, description="Documents whose extraction raised an error.")
    docs: list[DocScore]


def _family(kairos_type: str) -> str:
    return kairos_type.split(".", 1)[0]


def score_document(preds: Sequence[Event] | None, doc: WikiDocument) -> DocScore:
    """Our Events for one document against its gold events."""
    events = [e if is_grounded(e.evidence, doc.text) else e.model_copy(update={"evidence": anchor(e.evidence, doc.text)}) for e in preds or []]
    scores: dict[str, Score] = {}
    pairs_by_variant: dict[str, list[tuple[int, int]]] = {}
    for variant, typed in ((ANY_TYPE, False), (TYPED, True)):
        pairs = match_events(events, doc.events, typed)
        pairs_by_variant[variant] = pairs
        scores[variant] = prf(len(pairs), len(events) - len(pairs), len(doc.events) - len(pairs))

    matched = pairs_by_variant[ANY_TYPE]
    found = sum(argument_found(a, events[p]) for p, g in matched for a in doc.events[g].arguments)
    matched_args = sum(len(doc.events[g].arguments) for _p, g in matched)
    all_args = sum(len(e.arguments) for e in doc.events)

    families: dict[str, list[int]] = {}
    matched_gold = {g for _p, g in matched}
    for gi, g in enumerate(doc.events):
        hits_total = families.setdefault(_family(g.event_type), [0, 0])
        hits_total[0] += gi in matched_gold
        hits_total[1] += 1

    return DocScore(
        doc_id=doc.doc_id,
        predicted=preds is not None,
        gold_events=len(doc.events),
        predicted_events=len(events),
        scores=scores,
        arguments_matched=rate(found, matched_args),
        arguments_overall=rate(found, all_args),
        grounding=rate(sum(is_grounded(e.evidence, doc.text) for e in preds or []), len(preds or [])),
        recall_by_family={f: rate(h, t) for f, (h, t) in sorted(families.items())},
    )


def score_documents(
    predictions: Mapping[str, Sequence[Event]],
    docs: Sequence[WikiDocument],
    *,
    source: str = "",
    split: str = "",
    failed: Sequence[str] = (),
) -> WikiReport:
    """Micro-averaged scores over documents; a document without predictions
    counts its gold events as misses."""
    per_doc = [score_document(predictions.get(d.doc_id), d) for d in docs]
    families: dict[str, list[Rate]] = {}
    for d in per_doc:
        for family, r in d.recall_by_family.items():
            families.setdefault(family, []).append(r)
    return WikiReport(
        source=source,
        split=split,
        documents=len(docs),
        gold_events=sum(d.gold_events for d in per_doc),
        predicted_events=sum(d.predicted_events for d in per_doc),
        scores={v: sum_scores(d.scores[v] for d in per_doc) for v in (ANY_TYPE, TYPED)},
        arguments_matched=sum_rates(d.arguments_matched for d in per_doc),
        arguments_overall=sum_rates(d.arguments_overall for d in per_doc),
        grounding=sum_rates(d.grounding for d in per_doc),
        recall_by_family={f: sum_rates(rs) for f, rs in sorted(families.items())},
        missing=[d.doc_id for d in per_doc if not d.predicted],
        failed=list(failed),
        docs=per_doc,
    )


Extractor = Callable[[str, str], list[Event]]


def run_extractor(extract: Extractor, docs: Sequence[WikiDocument]) -> tuple[dict[str, list[Event]], list[str]]:
    """Call ``extract(text, doc_id)`` per document; an error is recorded, not fatal."""
    predictions: dict[str, list[Event]] = {}
    failed: list[str] = []
    for doc in docs:
        try:
            predictions[doc.doc_id] = list(extract(doc.text, doc.doc_id))
        except Exception as exc:  # one bad document must not sink the run
            failed.append(f"{doc.doc_id}: {type(exc).__name__}: {exc}")
    return predictions, failed


def evaluate_extractor(extract: Extractor, docs: Sequence[WikiDocument], *, source: str = "extractor", split: str = "") -> WikiReport:
    """Run ``extract`` over ``docs`` and score it. Plug the real pipeline in here."""
    predictions, failed = run_extractor(extract, docs)
    return score_documents(predictions, docs, source=source, split=split, failed=[f.split(":", 1)[0] for f in failed])


# --------------------------------------------------------------------------
# Saved predictions
# --------------------------------------------------------------------------


def _events_from_file(path: Path) -> tuple[list[ArticleExtraction], list[Event] | None]:
    """A file holds an ArticleExtraction, a Dossier, or a bare JSON list of Events."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    if isinstance(raw, list):
        return [], [Event.model_validate(e) for e in raw]
    if "run" in raw and "articles" in raw:
        return dossier_to_extractions(Dossier.model_validate(raw)), None
    return [ArticleExtraction.model_validate(raw)], None


def load_saved_predictions(folder: str | Path, docs: Sequence[WikiDocument]) -> dict[str, list[Event]]:
    """Predicted Events per doc_id from ``folder``.

    Extractions are paired with documents by content hash, else by a path
    whose file stem is the doc_id; a bare list of Events must be named
    ``<doc_id>.json``.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise PredictionLoadError(f"{folder}: not a folder")
    by_hash = {d.content_hash: d.doc_id for d in docs}
    ids = {d.doc_id for d in docs}
    out: dict[str, list[Event]] = {}
    for path in sorted(folder.glob("*.json")):
        try:
            extractions, bare = _events_from_file(path)
        except ValueError as exc:  # JSON and validation errors alike
            raise PredictionLoadError(f"{path}: {str(exc).splitlines()[0]}") from exc
        if bare is not None and path.stem in ids:
            out.setdefault(path.stem, []).extend(bare)
        for ax in extractions:
            doc_id = by_hash.get(ax.article.content_hash) or next(
                (Path(p).stem for p in ax.article.paths if Path(p).stem in ids), None
            )
            if doc_id is not None:
                out.setdefault(doc_id, []).extend(ax.events)
    return out


# --------------------------------------------------------------------------
# A floor to compare against
# --------------------------------------------------------------------------

_BASELINE_CUES: tuple[tuple[EventType, tuple[str, ...]], ...] = (
    ("casualties", ("kill", "dead", "died", "wounded", "injur")),
    ("attack", ("attack", "bomb", "explo", "blast", "detonat", "shot", "shooting", "strike")),
    ("other", ("arrest", "charged", "sentenced", "convicted", "trial", "detained")),
    ("meeting", ("met ", "meeting", "talks")),
)


def keyword_baseline(text: str, doc_id: str) -> list[Event]:
    """Not a model: one Event per line that holds a cue word, typed by the
    first cue family found. It shows what the harness gives for a trivial
    extractor, so a real model's figures have a floor to beat."""
    events: list[Event] = []
    offset = 0
    for line in text.split(SENTENCE_SEPARATOR):
        lowered = line.lower()
        for event_type, cues in _BASELINE_CUES:
            if line.strip() and any(c in lowered for c in cues):
                events.append(
                    Event(
                        summary=line[:80],
                        event_type=event_type,
                        participants=[Participant(name=w) for w in re.findall(r"\b[A-Z][a-z]+\b", line)[:3]],
                        evidence=Evidence(text=line, start=offset, end=offset + len(line)),
                    )
                )
                break
        offset += len(line) + len(SENTENCE_SEPARATOR)
    return events


# --------------------------------------------------------------------------
# One call for scripts
# --------------------------------------------------------------------------

BASELINE_NAME = "keyword baseline (not a model)"


def load_extractor(spec: str) -> Extractor:
    """``package.module:function`` to the callable (for --extractor)."""
    import importlib

    module_name, sep, attr = spec.partition(":")
    if not sep or not module_name or not attr:
        raise ValueError(f"extractor must look like package.module:function, not {spec!r}")
    extract = getattr(importlib.import_module(module_name), attr)
    if not callable(extract):
        raise ValueError(f"{spec} is not callable")
    return extract


def wikievents_report(
    *,
    predictions_dir: str | Path | None = None,
    extractor: Extractor | None = None,
    extractor_name: str = "extractor",
    baseline: bool = False,
    split: str = "dev",
    limit: int | None = None,
    eval_dir: str | Path | None = None,
) -> WikiReport:
    """Score saved predictions, an extractor, or the keyword baseline (exactly
    one). Raises DataMissing when the data is absent."""
    if sum(x is not None and x is not False for x in (predictions_dir, extractor, baseline or None)) != 1:
        raise ValueError("give exactly one of predictions_dir, extractor, baseline")
    docs = load_documents(split, eval_dir=eval_dir, limit=limit)
    if predictions_dir is not None:
        return score_documents(load_saved_predictions(predictions_dir, docs), docs, source=str(predictions_dir), split=split)
    if baseline:
        return evaluate_extractor(keyword_baseline, docs, source=BASELINE_NAME, split=split)
    return evaluate_extractor(extractor, docs, source=extractor_name, split=split)


# --------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def render_wiki_report(report: WikiReport) -> list[Any]:
    from rich.table import Table

    table = Table(title=f"WikiEvents {report.split} — {report.source} ({report.documents} docs, {report.gold_events} gold events, {report.predicted_events} predicted)")
    for col in ("variant", "TP", "FP", "FN", "P", "R", "F1"):
        table.add_column(col, justify="left" if col == "variant" else "right")
    for variant, s in report.scores.items():
        table.add_row(variant, str(s.tp), str(s.fp), str(s.fn), _fmt(s.precision), _fmt(s.recall), _fmt(s.f1))

    rates = Table(title="WikiEvents arguments, grounding, recall by KAIROS family (any_type)")
    rates.add_column("measure")
    rates.add_column("value", justify="right")
    for name, r in (
        ("argument recall (matched events)", report.arguments_matched),
        ("argument recall (all gold events)", report.arguments_overall),
        ("grounding", report.grounding),
        *((f"recall {family}", r) for family, r in report.recall_by_family.items()),
    ):
        rates.add_row(name, f"{_fmt(r.rate)} ({r.hits}/{r.total})")
    out: list[Any] = [table, rates]
    if report.missing:
        out.append(f"[yellow]No predictions for {len(report.missing)} document(s):[/] {', '.join(report.missing[:10])}")
    if report.failed:
        out.append(f"[red]Extraction failed for:[/] {', '.join(report.failed)}")
    return out


__all__ = [
    "ANY_TYPE",
    "KAIROS_PREFIXES",
    "TYPED",
    "DataMissing",
    "WikiArgument",
    "WikiDocument",
    "WikiEvent",
    "WikiReport",
    "argument_found",
    "build_text",
    "default_eval_dir",
    "document_from_record",
    "evaluate_extractor",
    "export_texts",
    "keyword_baseline",
    "kairos_compatible",
    "load_documents",
    "load_extractor",
    "load_saved_predictions",
    "wikievents_report",
    "match_events",
    "render_wiki_report",
    "run_extractor",
    "score_document",
    "score_documents",
    "wikievents_dir",
]
