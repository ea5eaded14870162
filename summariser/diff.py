"""Semantic dossier diff: what a pull request changes in the story.

Items are matched by ``id`` within each kind (articles, entities, events,
statements, stances, disputes). An item is *added*, *removed*, or *changed*
(same id, different content); for a change we list which fields differ and,
for anything that carries sources, which sources were added or removed, so a
reviewer sees the evidence behind the change. A stance whose
``latest_polarity`` changed is called out as a polarity flip.

Renderers: ``to_markdown`` (a PR comment) and ``to_json`` (canonical JSON).
``run_diff_command`` is the ``summarise diff OLD NEW`` entry point, with
diff(1)-style exit codes: 0 identical, 1 different, 2 error.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any, TextIO

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .canonical import canonical_json
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


class ItemChange(_DiffModel):
    """Same id on both sides, different content."""

    id: str
    label: str
    fields: list[FieldChange]
    sources_added: list[SourceRef] = Field(default_factory=list)
    sources_removed: list[SourceRef] = Field(default_factory=list)
    polarity_flip: tuple[str, str] | None = Field(default=None, description="(old, new) latest polarity of a stance.")


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
    return DossierDiff(**kinds, other_kinds=other_kinds, other_fields=other_fields)


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
    return KindDiff(added=added, removed=removed, changed=changed)


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
    # A polarity flip is the headline of a stance change: list it first.
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
            if kind == "stances" and name == "latest_polarity":
                flip = (str(before), str(after))
        fields.append(change)
        added += plus
        removed += minus
    return ItemChange(
        id=new["id"],
        label=item_label(kind, new, ctx),
        fields=fields,
        sources_added=added,
        sources_removed=removed,
        polarity_flip=flip,
    )


def _plus_minus(added: int, removed: int, noun: str) -> str:
    parts = ([f"+{count_noun(added, noun)}"] if added else []) + ([f"−{count_noun(removed, noun)}"] if removed else [])
    return ", ".join(parts) if parts else f"{noun}s reordered or edited"


def _sources_change(
    name: str, before: list[dict], after: list[dict], ctx: _Context, note: str | None = None
) -> tuple[FieldChange, list[SourceRef], list[SourceRef]]:
    old_keys = {_identity_key(s): s for s in before}
    new_keys = {_identity_key(s): s for s in after}
    plus = [ctx.source_ref(new_keys[k], note) for k in new_keys if k not in old_keys]
    minus = [ctx.source_ref(old_keys[k], note) for k in old_keys if k not in new_keys]
    summary = _plus_minus(len(plus), len(minus), "source")
    return FieldChange(field=name, summary=summary, old=len(before), new=len(after)), plus, minus


def _assertions_change(
    before: list[dict], after: list[dict], ctx: _Context
) -> tuple[FieldChange, list[SourceRef], list[SourceRef]]:
    old_keys = {_identity_key(a): a for a in before}
    new_keys = {_identity_key(a): a for a in after}
    plus = [ctx.source_ref(a.get("source") or {}, _assertion_note(a, ctx)) for k, a in new_keys.items() if k not in old_keys]
    minus = [ctx.source_ref(a.get("source") or {}, _assertion_note(a, ctx)) for k, a in old_keys.items() if k not in new_keys]
    summary = _plus_minus(len(plus), len(minus), "assertion")
    return FieldChange(field="assertions", summary=summary, old=len(before), new=len(after)), plus, minus


def _claims_change(
    before: list[dict], after: list[dict], ctx: _Context
) -> tuple[FieldChange, list[SourceRef], list[SourceRef]]:
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
            notes.append(f"claim “{excerpt(text, 80)}”: {change.summary}")
            plus += more
            minus += fewer
        if old_claim.get("by") != claim.get("by"):
            notes.append(f"claim “{excerpt(text, 80)}”: by {ctx.name(old_claim.get('by'))} → {ctx.name(claim.get('by'))}")
    for text, claim in old_by_text.items():
        if text not in new_by_text:
            notes.append(f"−claim “{excerpt(text, 80)}”")
            minus += [ctx.source_ref(s, f"claim: {excerpt(text, 80)}") for s in claim.get("sources") or []]
    summary = "; ".join(notes) or "claims reordered"
    return FieldChange(field="claims", summary=summary, old=len(before), new=len(after)), plus, minus


# Fields holding entity IDs: shown by name, not by id.
_ENTITY_FIELDS = {"speaker", "holder", "target", "by", "addressee"}
_ENTITY_LIST_FIELDS = {"participants"}


def _value_change(kind: str, name: str, before: Any, after: Any, ctx: _Context) -> FieldChange:
    if kind == "stances" and name == "latest_polarity":
        summary = f"polarity flip: {before} → {after}"
    elif isinstance(before, list) or isinstance(after, list):
        summary = _list_summary(name, before or [], after or [], ctx)
    elif name == "date":
        summary = f"{_date_text(before)} → {_date_text(after)}"
    elif name in _ENTITY_FIELDS:
        summary = f"{ctx.name(before)} → {ctx.name(after)}"
    else:
        summary = f"{_short(before)} → {_short(after)}"
    return FieldChange(field=name, summary=summary, old=before, new=after)


def _list_summary(name: str, before: list, after: list, ctx: _Context) -> str:
    show = ctx.name if name in _ENTITY_LIST_FIELDS else _short
    plus = [show(v) for v in after if v not in before]
    minus = [show(v) for v in before if v not in after]
    parts = ([f"+{', '.join(plus)}"] if plus else []) + ([f"−{', '.join(minus)}"] if minus else [])
    return "; ".join(parts) if parts else "reordered"


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
    lines += _md_summary(diff)
    for kind, kind_diff in diff.kinds():
        if not kind_diff.is_empty:
            lines += ["", f"### {KIND_TITLES.get(kind, kind.replace('_', ' ').title())}"]
            lines += _md_kind(kind, kind_diff)
    if diff.other_fields:
        lines += ["", "### Other fields", ""]
        lines += [f"- `{c.field}`: {md_escape(c.summary)}" for c in diff.other_fields]
    return "\n".join(lines).rstrip("\n") + "\n"


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
                lines.append(f"- {md_escape(ref.label)} `{ref.id}`")
                lines += _md_sources(ref.sources, "")
    if kind_diff.changed:
        lines += ["", "**Changed**", ""]
        for change in kind_diff.changed:
            lines.append(f"- {md_escape(change.label)} `{change.id}`")
            lines += [f"  - `{c.field}`: {md_escape(c.summary)}" for c in change.fields]
            lines += _md_sources(change.sources_added, "new ")
            lines += _md_sources(change.sources_removed, "removed ")
    return lines


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
