"""Semantic dossier diff: what a pull request changes in the story.

Items are matched by ``id`` within each kind (articles, entities, events,
statements, stances, disputes). An item is *added*, *removed*, or *changed*
(same id, different content); for a change we list which fields differ and,
for anything that carries sources, which sources were added or removed, so a
reviewer sees the evidence behind the change. A field whose old and new value
read the same (an entity renamed to the same name, a list reordered) is not a
change and is not listed.

A stance change is a *polarity flip* only when the same holder takes another
position toward the same target on the same topic later in time: a new
assertion, dated after the latest earlier one, with another definite polarity
(support, oppose, deny). An undated report or one of the same day disagrees
without flipping.

``story_points`` says in plain words what the change means for the story
(new events, statements by whom, positions taken or changed, new disputes),
each point naming the items it is about; the Markdown puts it first.

Renderers: ``to_markdown`` (a PR comment) and ``to_json`` (canonical JSON).
``run_diff_command`` is the ``summarise diff OLD NEW`` entry point, with
diff(1)-style exit codes: 0 identical, 1 different, 2 error.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections import defaultdict
from typing import Any, TextIO

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .canonical import canonical_json
from .dates import iso_after
from .dossier_io import DossierLoadError, load_dossier
from .formatting import article_label, articles_by_id, count_noun, entity_names, excerpt, format_date, md_escape
from .datamodel import DateValue, Dossier

# Kinds in the order a reviewer cares about them; any other list of
# id-bearing items on Dossier (a field added later) is diffed generically.
KNOWN_KINDS = ("articles", "entities", "events", "statements", "stances", "disputes")
KIND_TITLES = {
    "articles": "Articles",
    "entities": "Entities",
    "events": "Events",
    "statements": "Statements",
    "stances": "Stances",
    "disputes": "Disputes",
}
EXCERPT_CHARS = 200


class _DiffModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SourceRef(_DiffModel):
    """A source as a reviewer reads it: which article, and the verbatim evidence."""

    article_id: str
    article: str = Field(description="Article title — outlet, or the id when unknown.")
    evidence: str
    start: int
    end: int
    note: str | None = Field(default=None, description="Context, e.g. the stance assertion's polarity.")


class FieldChange(_DiffModel):
    field: str
    summary: str = Field(description="Human-readable, e.g. 'polarity flip: support → oppose' or '+1 source'.")
    # For sources/assertions/claims these are counts; the items themselves are
    # in ItemChange.sources_added / sources_removed.
    old: Any = None
    new: Any = None


class ItemRef(_DiffModel):
    """An added or removed item."""

    id: str
    label: str
    sources: list[SourceRef] = Field(default_factory=list)
    now_in: list[str] = Field(
        default_factory=list, description="For a removed item: the new items that now hold its sources (it was merged).")


class ItemChange(_DiffModel):
    """Same id on both sides, different content."""

    id: str
    label: str
    fields: list[FieldChange]
    sources_added: list[SourceRef] = Field(default_factory=list)
    sources_removed: list[SourceRef] = Field(default_factory=list)
    polarity_flip: tuple[str, str] | None = Field(
        default=None, description="(earlier, later) position of a stance's holder who changed position over time.")


class StoryPoint(_DiffModel):
    """One plain-words point of what changed in the story, with the items it is about."""

    text: str
    items: list[str] = Field(description="IDs of the items the point is about, in the order named.")
    labels: list[str] = Field(default_factory=list, description="How each item is named in the text (parallel to items).")


class KindDiff(_DiffModel):
    added: list[ItemRef] = Field(default_factory=list)
    removed: list[ItemRef] = Field(default_factory=list)
    changed: list[ItemChange] = Field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


class DossierDiff(_DiffModel):
    articles: KindDiff = Field(default_factory=KindDiff)
    entities: KindDiff = Field(default_factory=KindDiff)
    events: KindDiff = Field(default_factory=KindDiff)
    statements: KindDiff = Field(default_factory=KindDiff)
    stances: KindDiff = Field(default_factory=KindDiff)
    disputes: KindDiff = Field(default_factory=KindDiff)
    other_kinds: dict[str, KindDiff] = Field(
        default_factory=dict, description="Dossier item lists this diff has no dedicated field for."
    )
    other_fields: list[FieldChange] = Field(
        default_factory=list, description="Other top-level dossier fields that differ (e.g. run info)."
    )
    story: list[StoryPoint] = Field(default_factory=list, description="What the change means for the story.")

    @property
    def identical(self) -> bool:
        return not self.other_fields and all(kind.is_empty for _, kind in self.kinds())

    def kinds(self) -> list[tuple[str, KindDiff]]:
        known = [(name, getattr(self, name)) for name in KNOWN_KINDS]
        return known + sorted(self.other_kinds.items())

    def polarity_flips(self) -> list[ItemChange]:
        return [change for change in self.stances.changed if change.polarity_flip]


# --------------------------------------------------------------------------
# Diffing
# --------------------------------------------------------------------------


class _Context:
    """Both dossiers' lookups, so labels and sources resolve on either side."""

    def __init__(self, old: Dossier | None, new: Dossier | None):
        self.articles = {**articles_by_id(old), **articles_by_id(new)}
        self.names = {**entity_names(old), **entity_names(new)}

    def published(self, article_id: str | None) -> str | None:
        meta = self.articles.get(article_id or "")
        return meta.published[:10] if meta is not None and meta.published else None

    def name(self, entity_id: str | None) -> str:
        if not entity_id:
            return "?"
        return self.names.get(entity_id, entity_id)

    def source_ref(self, source: dict[str, Any], note: str | None = None) -> SourceRef:
        evidence = source.get("evidence") or {}
        article_id = str(source.get("article_id", "?"))
        return SourceRef(
            article_id=article_id,
            article=article_label(self.articles.get(article_id), article_id),
            evidence=str(evidence.get("text", "")),
            start=int(evidence.get("start", 0)),
            end=int(evidence.get("end", 0)),
            # Statement sources say how this article reports it (quote/paraphrase).
            note=note or source.get("kind"),
        )


def diff_dossiers(old: Dossier | None, new: Dossier | None) -> DossierDiff:
    """What changed from ``old`` to ``new`` (``None`` stands for "no dossier yet")."""
    ctx = _Context(old, new)
    old_plain = _plain(old)
    new_plain = _plain(new)
    kinds = {name: _diff_kind(name, old_plain.get(name, []), new_plain.get(name, []), ctx) for name in KNOWN_KINDS}
    kinds = {name: _with_successors(kind, old_plain.get(name, []), new_plain.get(name, []))
             for name, kind in kinds.items()}
    other_kinds: dict[str, KindDiff] = {}
    other_fields: list[FieldChange] = []
    for name in sorted((set(old_plain) | set(new_plain)) - set(KNOWN_KINDS)):
        before, after = old_plain.get(name), new_plain.get(name)
        if before == after:
            continue
        if _is_item_list(before) and _is_item_list(after):
            other_kinds[name] = _diff_kind(name, before or [], after or [], ctx)
        else:
            other_fields += _nested_field_changes(name, before, after)
    diff = DossierDiff(**kinds, other_kinds=other_kinds, other_fields=other_fields)
    return diff.model_copy(update={"story": story_points(diff, new_plain, ctx)})


def _with_successors(kind: KindDiff, old_items: list[dict], new_items: list[dict]) -> KindDiff:
    """Removed items whose sources live on in other items: say where (two items became one).

    Sources are compared whole (a statement's source with its content and
    spans), since one sentence can report several statements.
    """
    if not kind.removed:
        return kind
    holders: dict[str, set[str]] = defaultdict(set)
    for item in new_items:
        for source in _raw_sources(item):
            holders[_identity_key(source)].add(item["id"])
    old_by_id = {item["id"]: item for item in old_items}
    removed = []
    for ref in kind.removed:
        sources = _raw_sources(old_by_id.get(ref.id, {}))
        now_in = sorted({i for source in sources for i in holders.get(_identity_key(source), ())})
        removed.append(ref.model_copy(update={"now_in": now_in}))
    return kind.model_copy(update={"removed": removed})


def _raw_sources(item: dict[str, Any]) -> list[dict]:
    sources = list(item.get("sources") or [])
    sources += [a["source"] for a in item.get("assertions") or [] if a.get("source")]
    sources += [s for claim in item.get("claims") or [] for s in claim.get("sources") or []]
    return sources


def _plain(dossier: Dossier | None) -> dict[str, Any]:
    return dossier.model_dump(mode="json") if dossier is not None else {}


def _is_item_list(value: Any) -> bool:
    return value is None or (isinstance(value, list) and all(isinstance(v, dict) and "id" in v for v in value))


def _diff_kind(kind: str, old_items: list[dict], new_items: list[dict], ctx: _Context) -> KindDiff:
    old_by_id = {item["id"]: item for item in old_items}
    new_by_id = {item["id"]: item for item in new_items}
    added = [_item_ref(kind, new_by_id[i], ctx) for i in sorted(new_by_id.keys() - old_by_id.keys())]
    removed = [_item_ref(kind, old_by_id[i], ctx) for i in sorted(old_by_id.keys() - new_by_id.keys())]
    changed = [
        _item_change(kind, old_by_id[i], new_by_id[i], ctx)
        for i in sorted(old_by_id.keys() & new_by_id.keys())
        if old_by_id[i] != new_by_id[i]
    ]
    # What differs only in ways that read the same (a reordering) is no change.
    changed = [c for c in changed if c.fields or c.sources_added or c.sources_removed]
    return KindDiff(added=added, removed=removed, changed=changed)


# --- the story in plain words ------------------------------------------------

# How many items a point names in words; the rest are linked only.
STORY_NAMED = 6
STORY_LABEL_CHARS = 70


def story_points(diff: DossierDiff, new: dict[str, Any], ctx: _Context) -> list[StoryPoint]:
    """What the change means for the story, one point per kind of change."""
    new_by_id = {kind: {item["id"]: item for item in new.get(kind) or []} for kind in KNOWN_KINDS}
    points: list[StoryPoint | None] = [
        _listed("new article", "new articles", [(r.id, r.label) for r in diff.articles.added]),
        _listed("new event", "new events", [(r.id, _event_words(new_by_id["events"][r.id])) for r in diff.events.added]),
        _statements_by_speaker([new_by_id["statements"][r.id] for r in diff.statements.added]),
        _listed("position changed over time", "positions changed over time", [
            (c.id, f"{c.label}: {c.polarity_flip[0]} → {c.polarity_flip[1]}")
            for c in diff.stances.changed if c.polarity_flip
        ]),
        _listed("new position", "new positions", [
            (r.id, f"{r.label} ({new_by_id['stances'][r.id].get('latest_polarity')})") for r in diff.stances.added
        ]),
        _listed("new dispute", "new disputes", [(r.id, r.label) for r in diff.disputes.added]),
        _listed("dispute with new claims or sources", "disputes with new claims or sources", [(c.id, c.label) for c in diff.disputes.changed]),
        _listed("item with new sources or details", "items with new sources or details", [
            (c.id, c.label) for kind in ("events", "statements") for c in getattr(diff, kind).changed
        ] + [(c.id, c.label) for c in diff.stances.changed if not c.polarity_flip]),
        _listed("new name", "new names", [(r.id, r.label) for r in diff.entities.added]),
        _listed("item no longer in the dossier", "items no longer in the dossier", [
            (r.id, r.label, f" (merged into {', '.join(r.now_in)})" if r.now_in else "")
            for kind in ("articles", "events", "statements", "stances", "disputes", "entities")
            for r in getattr(diff, kind).removed
        ]),
    ]
    return [p for p in points if p is not None]


def _listed(one: str, many: str, items: list[tuple[str, ...]]) -> StoryPoint | None:
    """"3 new events: a; b; c" with every item linked, the first few named.

    ``items`` are (id, label) or (id, label, what to add after the shortened label).
    """
    if not items:
        return None
    named = [excerpt(item[1], STORY_LABEL_CHARS) + "".join(item[2:]) for item in items[:STORY_NAMED]]
    more = len(items) - len(named)
    text = f"{len(items)} {one if len(items) == 1 else many}"
    return StoryPoint(text=text, items=[item[0] for item in items], labels=named + [""] * more)


def _event_words(event: dict[str, Any]) -> str:
    when = _date_text(event.get("date"))
    return f"{event.get('summary', '')}" + ("" if when == "undated" else f" ({when})")


def _statements_by_speaker(statements: list[dict[str, Any]]) -> StoryPoint | None:
    """New statements, grouped by who made them: "Aliyev (2), Pezeshkian (1)"."""
    if not statements:
        return None
    by_speaker: dict[str, list[str]] = {}
    for statement in statements:
        by_speaker.setdefault(str(statement.get("speaker_name") or "?"), []).append(statement["id"])
    speakers = sorted(by_speaker, key=lambda name: (-len(by_speaker[name]), name))
    words = ", ".join(f"{name} ({len(by_speaker[name])})" for name in speakers)
    ids = [i for name in speakers for i in by_speaker[name]]
    return StoryPoint(text=f"{count_noun(len(ids), 'new statement')}, by {words}", items=ids, labels=[""] * len(ids))


# --- labels and sources of one item ---------------------------------------


def item_label(kind: str, item: dict[str, Any], ctx: _Context) -> str:
    """A one-line description of an item, for headings and lists."""
    if kind == "articles":
        details = ", ".join(str(v) for v in (item.get("outlet"), item.get("published")) if v)
        return f"{item.get('title', item['id'])}" + (f" ({details})" if details else "")
    if kind == "entities":
        return f"{item.get('name', item['id'])} ({item.get('type', '?')})"
    if kind == "events":
        event_type = str(item.get("event_type", "?")).replace("_", " ")
        return f"{_date_text(item.get('date'))} · {event_type} · {item.get('summary', '')}"
    if kind == "statements":
        return f"{item.get('speaker_name') or ctx.name(item.get('speaker'))}: “{excerpt(str(item.get('content', '')), 160)}”"
    if kind == "stances":
        return f"{ctx.name(item.get('holder'))} → {ctx.name(item.get('target'))}: {item.get('topic', '')}"
    if kind == "disputes":
        return str(item.get("topic", item["id"]))
    for key in ("name", "title", "summary", "topic", "content"):
        if isinstance(item.get(key), str):
            return item[key]
    return str(item["id"])


def _date_text(date: Any) -> str:
    if not isinstance(date, dict):
        return "undated"
    try:
        return format_date(DateValue.model_validate(date))
    except ValidationError:
        return str(date.get("iso") or date.get("text") or "undated")


def _item_sources(kind: str, item: dict[str, Any], ctx: _Context) -> list[SourceRef]:
    """Every source an item carries, wherever it keeps them."""
    refs = [ctx.source_ref(s) for s in item.get("sources") or []]
    for assertion in item.get("assertions") or []:
        refs.append(ctx.source_ref(assertion.get("source") or {}, note=_assertion_note(assertion, ctx)))
    for claim in item.get("claims") or []:
        note = f"claim: {excerpt(str(claim.get('claim', '')), 80)}"
        refs += [ctx.source_ref(s, note=note) for s in claim.get("sources") or []]
    return refs


def _assertion_note(assertion: dict[str, Any], ctx: _Context) -> str:
    parts = [str(assertion.get("polarity", "?")), _date_text(assertion.get("date"))]
    if assertion.get("speaker"):
        parts.append(f"voiced by {ctx.name(assertion['speaker'])}")
    return ", ".join(parts)


def _item_ref(kind: str, item: dict[str, Any], ctx: _Context) -> ItemRef:
    return ItemRef(id=item["id"], label=item_label(kind, item, ctx), sources=_item_sources(kind, item, ctx))


# --- what changed inside one item -------------------------------------------


def _identity_key(value: dict[str, Any]) -> str:
    """Sources and assertions have no id: their whole content identifies them."""
    return json.dumps(value, sort_keys=True)


def _item_change(kind: str, old: dict[str, Any], new: dict[str, Any], ctx: _Context) -> ItemChange:
    fields: list[FieldChange] = []
    added: list[SourceRef] = []
    removed: list[SourceRef] = []
    flip: tuple[str, str] | None = None
    # The latest position is the headline of a stance change: list it first.
    for name in sorted(set(old) | set(new), key=lambda n: (n != "latest_polarity", n)):
        before, after = old.get(name), new.get(name)
        if before == after:
            continue
        if name == "sources":
            change, plus, minus = _sources_change(name, before or [], after or [], ctx)
        elif name == "assertions":
            change, plus, minus = _assertions_change(before or [], after or [], ctx)
        elif name == "claims":
            change, plus, minus = _claims_change(before or [], after or [], ctx)
        else:
            change, plus, minus = _value_change(kind, name, before, after, ctx), [], []
        if change is None:
            continue  # old and new read the same: nothing a reviewer could see
        fields.append(change)
        added += plus
        removed += minus
    if kind == "stances":
        flip = polarity_flip(old, new, ctx)
    return ItemChange(
        id=new["id"],
        label=item_label(kind, new, ctx),
        fields=fields,
        sources_added=added,
        sources_removed=removed,
        polarity_flip=flip,
    )


def polarity_flip(old: dict[str, Any], new: dict[str, Any], ctx: _Context) -> tuple[str, str] | None:
    """(old, new) position when the holder changed position over time, else None.

    Same holder, target and topic (one timeline, none of them edited); a new
    assertion with a definite polarity other than the latest earlier
    definite one, and dated (by its own date, else its article's) strictly
    after it. Reports without a date, or of the same day, may disagree but
    do not say the holder changed position.
    """
    if any(old.get(k) != new.get(k) for k in ("holder", "target", "topic")):
        return None
    old_keys = {_identity_key(a) for a in old.get("assertions") or []}
    before = [a for a in old.get("assertions") or [] if a.get("polarity") in _POSITIONS]
    dated_before = [(when, a) for a in before if (when := _assertion_when(a, ctx))]
    if not dated_before:
        return None
    last_when, last = max(dated_before, key=lambda pair: pair[0])
    for assertion in new.get("assertions") or []:
        if _identity_key(assertion) in old_keys or assertion.get("polarity") not in _POSITIONS:
            continue
        when = _assertion_when(assertion, ctx)
        if iso_after(when, last_when) and assertion["polarity"] != last["polarity"]:
            return (str(last["polarity"]), str(assertion["polarity"]))
    return None


# Polarities that are a position; "neutral" takes none, so it cannot flip one.
_POSITIONS = ("support", "oppose", "deny")


def _assertion_when(assertion: dict[str, Any], ctx: _Context) -> str | None:
    date = assertion.get("date") or {}
    return date.get("iso") or ctx.published((assertion.get("source") or {}).get("article_id"))


def _plus_minus(added: int, removed: int, noun: str) -> str | None:
    parts = ([f"+{count_noun(added, noun)}"] if added else []) + ([f"−{count_noun(removed, noun)}"] if removed else [])
    return ", ".join(parts) if parts else None


def _sources_change(
    name: str, before: list[dict], after: list[dict], ctx: _Context, note: str | None = None
) -> tuple[FieldChange | None, list[SourceRef], list[SourceRef]]:
    """Sources added and removed, compared as a reader sees them (article and evidence).

    A source whose rendering did not change (say, only its spans were
    recomputed) is neither added nor removed.
    """
    old_refs = [ctx.source_ref(s, note) for s in before]
    new_refs = [ctx.source_ref(s, note) for s in after]
    plus = [r for r in new_refs if r not in old_refs]
    minus = [r for r in old_refs if r not in new_refs]
    summary = _plus_minus(len(plus), len(minus), "source")
    if summary is None:
        return None, [], []
    return FieldChange(field=name, summary=summary, old=len(before), new=len(after)), plus, minus


def _assertions_change(
    before: list[dict], after: list[dict], ctx: _Context
) -> tuple[FieldChange | None, list[SourceRef], list[SourceRef]]:
    old_refs = [ctx.source_ref(a.get("source") or {}, _assertion_note(a, ctx)) for a in before]
    new_refs = [ctx.source_ref(a.get("source") or {}, _assertion_note(a, ctx)) for a in after]
    plus = [r for r in new_refs if r not in old_refs]
    minus = [r for r in old_refs if r not in new_refs]
    summary = _plus_minus(len(plus), len(minus), "assertion")
    if summary is None:
        return None, [], []
    return FieldChange(field="assertions", summary=summary, old=len(before), new=len(after)), plus, minus


def _claims_change(
    before: list[dict], after: list[dict], ctx: _Context
) -> tuple[FieldChange | None, list[SourceRef], list[SourceRef]]:
    """Claims are matched by their text: new claims, dropped claims, and new sources on a claim."""
    old_by_text = {str(c.get("claim")): c for c in before}
    new_by_text = {str(c.get("claim")): c for c in after}
    notes: list[str] = []
    plus: list[SourceRef] = []
    minus: list[SourceRef] = []
    for text, claim in new_by_text.items():
        note = f"claim: {excerpt(text, 80)}"
        if text not in old_by_text:
            notes.append(f"+claim “{excerpt(text, 80)}”")
            plus += [ctx.source_ref(s, note) for s in claim.get("sources") or []]
            continue
        old_claim = old_by_text[text]
        if old_claim.get("sources") != claim.get("sources"):
            change, more, fewer = _sources_change("sources", old_claim.get("sources") or [], claim.get("sources") or [], ctx, note)
            if change is not None:
                notes.append(f"claim “{excerpt(text, 80)}”: {change.summary}")
            plus += more
            minus += fewer
        if ctx.name(old_claim.get("by")) != ctx.name(claim.get("by")):
            notes.append(f"claim “{excerpt(text, 80)}”: by {ctx.name(old_claim.get('by'))} → {ctx.name(claim.get('by'))}")
    for text, claim in old_by_text.items():
        if text not in new_by_text:
            notes.append(f"−claim “{excerpt(text, 80)}”")
            minus += [ctx.source_ref(s, f"claim: {excerpt(text, 80)}") for s in claim.get("sources") or []]
    if not notes:
        return None, [], []
    summary = "; ".join(notes)
    return FieldChange(field="claims", summary=summary, old=len(before), new=len(after)), plus, minus


# Fields holding entity IDs: shown by name, not by id.
_ENTITY_FIELDS = {"speaker", "holder", "target", "by", "addressee"}
_ENTITY_LIST_FIELDS = {"participants"}


def _value_change(kind: str, name: str, before: Any, after: Any, ctx: _Context) -> FieldChange | None:
    """How a field changed, as read; None when old and new read the same."""
    if isinstance(before, list) or isinstance(after, list):
        summary = _list_summary(name, before or [], after or [], ctx)
        if summary is None:
            return None
        return FieldChange(field=name, summary=summary, old=before, new=after)
    if name == "date":
        shown = (_date_text(before), _date_text(after))
    elif name in _ENTITY_FIELDS:
        shown = (ctx.name(before) if before else "(none)", ctx.name(after) if after else "(none)")
    else:
        shown = (_short(before), _short(after))
    if shown[0] == shown[1]:
        return None
    return FieldChange(field=name, summary=f"{shown[0]} → {shown[1]}", old=before, new=after)


def _list_summary(name: str, before: list, after: list, ctx: _Context) -> str | None:
    """What a list gained and lost, as read; None when it reads the same."""
    show = ctx.name if name in _ENTITY_LIST_FIELDS else _short
    old_shown = [show(v) for v in before]
    new_shown = [show(v) for v in after]
    plus = [v for v in new_shown if v not in old_shown]
    minus = [v for v in old_shown if v not in new_shown]
    parts = ([f"+{', '.join(plus)}"] if plus else []) + ([f"−{', '.join(minus)}"] if minus else [])
    return "; ".join(parts) if parts else None


def _short(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, str):
        return f"“{excerpt(value, 80)}”"
    return excerpt(json.dumps(value, sort_keys=True, ensure_ascii=False), 80)


def _nested_field_changes(name: str, before: Any, after: Any) -> list[FieldChange]:
    """Top-level non-item fields (``run`` …), one change per differing leaf key."""
    if isinstance(before, dict) and isinstance(after, dict):
        changes: list[FieldChange] = []
        for key in sorted(set(before) | set(after)):
            if before.get(key) != after.get(key):
                changes += _nested_field_changes(f"{name}.{key}", before.get(key), after.get(key))
        return changes
    if _short(before) == _short(after):
        return []
    return [FieldChange(field=name, summary=f"{_short(before)} → {_short(after)}", old=before, new=after)]


# --------------------------------------------------------------------------
# Rendering
# --------------------------------------------------------------------------


def to_json(diff: DossierDiff) -> str:
    """Canonical JSON (sorted keys, stable), with the ``identical`` verdict included."""
    return canonical_json({"identical": diff.identical, **diff.model_dump(mode="json")})


def to_markdown(diff: DossierDiff, *, title: str = "Dossier changes") -> str:
    """A PR comment: a summary table, then per kind added / removed / changed with sources."""
    lines = [f"## {title}", ""]
    if diff.identical:
        return "\n".join(lines + ["No changes to the dossier."]) + "\n"
    lines += _md_story(diff.story)
    lines += _md_summary(diff)
    for kind, kind_diff in diff.kinds():
        if not kind_diff.is_empty:
            lines += ["", f"### {KIND_TITLES.get(kind, kind.replace('_', ' ').title())}"]
            lines += _md_kind(kind, kind_diff)
    if diff.other_fields:
        lines += ["", "### Other fields", ""]
        lines += [f"- `{c.field}`: {md_escape(c.summary)}" for c in diff.other_fields]
    return "\n".join(lines).rstrip("\n") + "\n"


def _md_story(points: list[StoryPoint]) -> list[str]:
    """The first paragraph: what changed in the story, each point linking to its items below."""
    if not points:
        return []
    sentences = []
    for point in points:
        links = [
            f"{md_escape(label)} ({_link(item)})" if label else _link(item)
            for item, label in zip(point.items, point.labels)
        ]
        sentences.append(f"{md_escape(point.text)}: {'; '.join(links)}.")
    return ["**What changed in the story.** " + " ".join(sentences), ""]


def _md_summary(diff: DossierDiff) -> list[str]:
    lines = ["| Kind | Added | Removed | Changed |", "|---|---:|---:|---:|"]
    for kind, kind_diff in diff.kinds():
        if not kind_diff.is_empty:
            title = KIND_TITLES.get(kind, kind)
            lines.append(f"| {title} | {len(kind_diff.added)} | {len(kind_diff.removed)} | {len(kind_diff.changed)} |")
    flips = diff.polarity_flips()
    if flips:
        lines += ["", f"**⚠ {count_noun(len(flips), 'polarity flip')}:**"]
        lines += [
            f"- {md_escape(change.label)}: polarity flip: {change.polarity_flip[0]} → {change.polarity_flip[1]}"
            f" ({_link(change.id)})"
            for change in flips
            if change.polarity_flip
        ]
    return lines


def _md_kind(kind: str, kind_diff: KindDiff) -> list[str]:
    lines: list[str] = []
    for heading, refs in (("Added", kind_diff.added), ("Removed", kind_diff.removed)):
        if refs:
            lines += ["", f"**{heading}**", ""]
            for ref in refs:
                lines.append(f"- {_anchor(ref.id)}{md_escape(ref.label)} `{ref.id}`")
                if ref.now_in:
                    lines.append(f"  - merged into {', '.join(_link(i) for i in ref.now_in)} (its sources are there now)")
                lines += _md_sources(ref.sources, "")
    if kind_diff.changed:
        lines += ["", "**Changed**", ""]
        for change in kind_diff.changed:
            lines.append(f"- {_anchor(change.id)}{md_escape(change.label)} `{change.id}`")
            if change.polarity_flip:
                lines.append(f"  - **polarity flip: {change.polarity_flip[0]} → {change.polarity_flip[1]}**")
            lines += [f"  - `{c.field}`: {md_escape(c.summary)}" for c in change.fields]
            lines += _md_sources(change.sources_added, "new ")
            lines += _md_sources(change.sources_removed, "removed ")
    return lines


# IDs summariser writes; anything else in a hand-edited file gets no anchor or link.
_PLAIN_ID = re.compile(r"[A-Za-z0-9_.-]+")


def _anchor(item_id: str) -> str:
    """A link target for the story paragraph (GitHub keeps ``name`` on ``a``)."""
    return f'<a name="{item_id}"></a>' if _PLAIN_ID.fullmatch(item_id) else ""


def _link(item_id: str) -> str:
    if _PLAIN_ID.fullmatch(item_id):
        return f"[{item_id}](#{item_id})"
    return f"`{md_escape(item_id).replace('`', '')}`"


def _md_sources(sources: list[SourceRef], prefix: str) -> list[str]:
    lines = []
    for ref in sources:
        note = f" [{md_escape(ref.note)}]" if ref.note else ""
        quote = md_escape(excerpt(ref.evidence, EXCERPT_CHARS))
        lines.append(f"  - {prefix}source{note}: *{md_escape(ref.article)}* — “{quote}”")
    return lines


# --------------------------------------------------------------------------
# Command entry point
# --------------------------------------------------------------------------


def run_diff_command(
    old_path: str | os.PathLike[str],
    new_path: str | os.PathLike[str],
    fmt: str = "md",
    *,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """``summarise diff OLD NEW [--format md|json]``: print the diff; 0 same, 1 different, 2 error."""
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    if fmt not in ("md", "json"):
        print(f"summarise diff: unknown format {fmt!r} (use md or json)", file=err)
        return 2
    try:
        old = load_dossier(old_path)
        new = load_dossier(new_path)
    except DossierLoadError as exc:
        print(f"summarise diff: {exc}", file=err)
        return 2
    diff = diff_dossiers(old, new)
    out.write(to_markdown(diff) if fmt == "md" else to_json(diff))
    return 0 if diff.identical else 1
