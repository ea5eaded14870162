"""Render a dossier for people: a Markdown summary and a self-contained HTML page.

Both renderings are deterministic (same dossier and texts → byte-identical
output) so they can be committed, diffed and used as a git ``textconv``.

The HTML page is one file with inline CSS and a few lines of inline JS: no
network, works from ``file://`` and prints cleanly. Article text is untrusted,
so everything is escaped (Jinja2 autoescape, and ``html.escape`` for the
highlighted article bodies that are assembled here), and a Content Security
Policy that only admits our own inline script and style by hash backs that up:
even a slip in escaping could not run injected script.

Plain-text helpers shared with ``summariser.diff`` live in ``summariser.formatting``.
"""

from __future__ import annotations

import base64
import hashlib
import html
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from .articles import load_article
from .canonical import sha256_text
from .dates import date_sort_key
from .dossier_io import DossierLoadError, atomic_write_text, load_dossier
from .datamodel import ArticleMeta, Dossier, Source
from .formatting import article_label, articles_by_id, entity_names, excerpt, format_date, md_escape

TEMPLATES_DIR = Path(__file__).parent / "templates"
POLARITY_SYMBOL = {"support": "▲", "oppose": "▼", "deny": "✕", "neutral": "●"}


def evidence_matches(source: Source, texts: dict[str, str] | None) -> bool | None:
    """Whether the article text holds the evidence at its offsets (None: text unknown)."""
    if not texts or source.article_id not in texts:
        return None
    evidence = source.evidence
    return texts[source.article_id][evidence.start : evidence.end] == evidence.text


# --------------------------------------------------------------------------
# Markdown
# --------------------------------------------------------------------------


def render_markdown(dossier: Dossier, texts: dict[str, str] | None = None) -> str:
    """A stable, line-oriented Markdown summary (also the git textconv output).

    Articles are cited by id rather than by position so that adding an article
    does not renumber every citation in a ``git diff``. With ``texts``, each
    citation whose offsets do not hold its evidence is flagged.
    """
    sections = [
        _md_header(dossier),
        _md_articles(dossier),
        _md_timeline(dossier, texts),
        _md_stances(dossier, texts),
        _md_statements(dossier, texts),
        _md_disputes(dossier, texts),
        _md_entities(dossier),
    ]
    return "\n\n".join(section for section in sections if section).rstrip("\n") + "\n"


def _md_header(dossier: Dossier) -> str:
    counts = ", ".join(
        f"{len(getattr(dossier, kind, []))} {kind}"
        for kind in ("articles", "events", "statements", "stances", "disputes", "entities")
    )
    lines = ["# Dossier", "", counts]
    run = getattr(dossier, "run", None)
    if run is not None:
        lines += ["", f"_Model: {md_escape(run.model)} · prompt {md_escape(run.prompt_version)} · schema {run.schema_version}_"]
    return "\n".join(lines)


def _md_source_lines(sources: Iterable[Source], texts: dict[str, str] | None, indent: str = "  ") -> list[str]:
    lines = []
    for source in sorted(sources, key=_source_sort_key):
        flag = " ⚠ offsets do not match the article text" if evidence_matches(source, texts) is False else ""
        ev = source.evidence
        how = f"{source_kind(source)}: " if source_kind(source) else ""
        lines.append(f"{indent}- [{source.article_id}@{ev.start}] {how}“{md_escape(excerpt(ev.text, 300))}”{flag}")
    return lines


def source_kind(source: Source) -> str | None:
    """How an article reports a statement ("quote"/"paraphrase"); None for other sources."""
    kind = getattr(source, "kind", None)
    return str(kind) if kind else None


def _source_sort_key(source: Source) -> tuple[str, int, int]:
    return (source.article_id, source.evidence.start, source.evidence.end)


def _md_articles(dossier: Dossier) -> str:
    lines = ["## Articles", ""]
    for meta in getattr(dossier, "articles", []):
        details = ", ".join(part for part in (meta.outlet, meta.published) if part)
        suffix = f" ({md_escape(details)})" if details else ""
        lines.append(f"- `{meta.id}` {md_escape(meta.title)}{suffix}")
    return "\n".join(lines)


def _md_timeline(dossier: Dossier, texts: dict[str, str] | None) -> str:
    events = sorted(getattr(dossier, "events", []), key=lambda e: (date_sort_key(e.date), e.id))
    if not events:
        return ""
    names = entity_names(dossier)
    lines = ["## Timeline", ""]
    for event in events:
        place = f" — {md_escape(event.place)}" if event.place else ""
        lines.append(
            f"- **{md_escape(format_date(event.date))}** · {event.event_type} · "
            f"{md_escape(event.summary)}{place} `{event.id}`"
        )
        if event.participants:
            who = ", ".join(md_escape(names.get(p, p)) for p in event.participants)
            lines.append(f"  - participants: {who}")
        lines += _md_source_lines(event.sources, texts)
    return "\n".join(lines)


def _md_stances(dossier: Dossier, texts: dict[str, str] | None) -> str:
    names = entity_names(dossier)
    stances = sorted_stances(dossier, names)
    if not stances:
        return ""
    lines = ["## Stances"]
    for stance in stances:
        changed = " (changed)" if stance.changed else ""
        lines += [
            "",
            f"### {md_escape(names.get(stance.holder, stance.holder))} → "
            f"{md_escape(names.get(stance.target, stance.target))}: {md_escape(stance.topic)} `{stance.id}`",
            "",
            f"Latest: **{stance.latest_polarity}**{changed}",
            "",
        ]
        for assertion in stance.assertions:
            speaker = f" · {md_escape(names.get(assertion.speaker, assertion.speaker))}" if assertion.speaker else ""
            lines.append(f"- {md_escape(format_date(assertion.date))} · **{assertion.polarity}**{speaker}")
            lines += _md_source_lines([assertion.source], texts)
    return "\n".join(lines)


def _md_statements(dossier: Dossier, texts: dict[str, str] | None) -> str:
    groups = statements_by_speaker(dossier)
    if not groups:
        return ""
    names = entity_names(dossier)
    lines = ["## Statements"]
    for group in groups:
        role = f" ({md_escape(group.role)})" if group.role else ""
        lines += ["", f"### {md_escape(group.name)}{role}", ""]
        for statement in group.statements:
            extras = [format_date(statement.date)] if statement.date else []
            if statement.addressee:
                extras.append(f"to/about {names.get(statement.addressee, statement.addressee)}")
            tail = f" — {md_escape(' · '.join(extras))}" if extras else ""
            lines.append(f"- {statement.kind}: “{md_escape(statement.content)}”{tail} `{statement.id}`")
            lines += _md_source_lines(statement.sources, texts)
    return "\n".join(lines)


def _md_disputes(dossier: Dossier, texts: dict[str, str] | None) -> str:
    disputes = sorted(getattr(dossier, "disputes", []), key=lambda d: d.id)
    if not disputes:
        return ""
    names = entity_names(dossier)
    lines = ["## Disputes"]
    for dispute in disputes:
        lines += ["", f"### {md_escape(dispute.topic)} `{dispute.id}`", ""]
        for claim in dispute.claims:
            by = f" — {md_escape(names.get(claim.by, claim.by))}" if claim.by else ""
            lines.append(f"- **Claim:** {md_escape(claim.claim)}{by}")
            lines += _md_source_lines(claim.sources, texts)
    return "\n".join(lines)


def _md_entities(dossier: Dossier) -> str:
    entities = sorted(getattr(dossier, "entities", []), key=lambda e: (e.name.casefold(), e.id))
    if not entities:
        return ""
    lines = ["## Entities", ""]
    for entity in entities:
        aliases = f" — aka {md_escape(', '.join(entity.aliases))}" if entity.aliases else ""
        lines.append(f"- **{md_escape(entity.name)}** ({entity.type}){aliases} `{entity.id}`")
    return "\n".join(lines)


def sorted_stances(dossier: Dossier, names: dict[str, str]) -> list[Any]:
    """Stances grouped by who holds them toward whom, then by topic."""

    def key(stance: Any) -> tuple[str, str, str, str]:
        holder = names.get(stance.holder, stance.holder).casefold()
        target = names.get(stance.target, stance.target).casefold()
        return (holder, target, stance.topic.casefold(), stance.id)

    return sorted(getattr(dossier, "stances", []), key=key)


@dataclass
class SpeakerGroup:
    speaker: str
    name: str
    role: str | None
    statements: list[Any] = field(default_factory=list)


def statements_by_speaker(dossier: Dossier) -> list[SpeakerGroup]:
    """Statements grouped by speaker entity, groups by name, statements by date."""
    names = entity_names(dossier)
    groups: dict[str, SpeakerGroup] = {}
    for statement in getattr(dossier, "statements", []):
        group = groups.setdefault(
            statement.speaker,
            SpeakerGroup(statement.speaker, names.get(statement.speaker, statement.speaker_name), None),
        )
        group.role = group.role or statement.speaker_role
        group.statements.append(statement)
    for group in groups.values():
        group.statements.sort(key=lambda s: (date_sort_key(s.date), s.id))
    return sorted(groups.values(), key=lambda g: (g.name.casefold(), g.speaker))


# --------------------------------------------------------------------------
# HTML: highlighting evidence in article text
# --------------------------------------------------------------------------


def span_anchor(article_id: str, start: int, end: int) -> str:
    """The HTML id of one evidence span inside its article section."""
    return f"span-{article_id}-{start}-{end}"


def article_anchor(article_id: str) -> str:
    return f"article-{article_id}"


def entity_anchor(entity_id: str) -> str:
    return f"entity-{entity_id}"


@dataclass(frozen=True)
class Highlight:
    start: int
    end: int
    labels: tuple[str, ...]  # what cites this span, for the tooltip

    @property
    def key(self) -> tuple[int, int]:
        return (self.start, self.end)


def highlight_text(text: str, article_id: str, highlights: Iterable[Highlight]) -> Markup:
    """Escaped article text with ``<mark>`` around every highlighted span.

    Spans may overlap or nest, and HTML elements cannot, so the text is cut at
    every span boundary and each piece covered by any span becomes one flat
    ``<mark>`` carrying its own offsets (``data-start``/``data-end``), the spans
    covering it (``data-spans``) and a depth class for darker overlap. Every
    span gets an empty anchor element where it starts, for links to land on.
    """
    spans = sorted(
        {h.key: h for h in highlights if 0 <= h.start < h.end <= len(text)}.values(),
        key=lambda h: h.key,
    )
    bounds = sorted({0, len(text)} | {h.start for h in spans} | {h.end for h in spans})
    pieces: list[str] = []
    for left, right in zip(bounds, bounds[1:]):
        pieces += [_anchor_tag(article_id, h) for h in spans if h.start == left]
        covering = [h for h in spans if h.start <= left and right <= h.end]
        pieces.append(_mark_piece(text, article_id, left, right, covering))
    return Markup("".join(pieces))


def _anchor_tag(article_id: str, span: Highlight) -> str:
    return f'<span class="anchor" id="{span_anchor(article_id, span.start, span.end)}"></span>'


def _mark_piece(text: str, article_id: str, left: int, right: int, covering: list[Highlight]) -> str:
    escaped = html.escape(text[left:right], quote=True)
    if not covering:
        return escaped
    keys = " ".join(span_anchor(article_id, h.start, h.end) for h in covering)
    labels = "; ".join(dict.fromkeys(label for h in covering for label in h.labels))
    depth = min(len(covering), 3)
    return (
        f'<mark class="d{depth}" data-start="{left}" data-end="{right}" data-spans="{keys}" '
        f'title="{html.escape(labels, quote=True)}">{escaped}</mark>'
    )


# --------------------------------------------------------------------------
# HTML: view model
# --------------------------------------------------------------------------


@dataclass
class SourceView:
    href: str
    article_number: str
    article_label: str
    evidence: str
    grounded: bool | None  # False: offsets do not hold the evidence; None: no text
    kind: str | None = None  # statement sources: quote or paraphrase in this article
    # The evidence cut into (text, part) pieces, part "source", "cue", "content"
    # or None: a statement's parts are shown apart, so a reviewer sees which
    # words are the claim and who the text says made it.
    parts: list[tuple[str, str | None]] = field(default_factory=list)


@dataclass
class _Citations:
    """Collects, per article, the spans cited by items, for highlighting."""

    texts: dict[str, str]
    numbers: dict[str, str]
    metas: dict[str, ArticleMeta]
    spans: dict[str, dict[tuple[int, int], list[str]]] = field(default_factory=dict)

    def cite(self, source: Source, label: str) -> SourceView:
        ev = source.evidence
        grounded = evidence_matches(source, self.texts)
        if grounded:
            self.spans.setdefault(source.article_id, {}).setdefault((ev.start, ev.end), []).append(label)
            href = "#" + span_anchor(source.article_id, ev.start, ev.end)
        else:
            href = "#" + article_anchor(source.article_id)
        return SourceView(
            href=href,
            article_number=self.numbers.get(source.article_id, "?"),
            article_label=article_label(self.metas.get(source.article_id), source.article_id),
            evidence=ev.text,
            grounded=grounded,
            kind=source_kind(source),
            parts=statement_parts(source),
        )

    def cite_all(self, sources: Iterable[Source], label: str) -> list[SourceView]:
        return [self.cite(source, label) for source in sorted(sources, key=_source_sort_key)]

    def highlights(self, article_id: str) -> list[Highlight]:
        cited = self.spans.get(article_id, {})
        return [Highlight(start, end, tuple(labels)) for (start, end), labels in sorted(cited.items())]


def statement_parts(source: Source) -> list[tuple[str, str | None]]:
    """A statement source's evidence in pieces, each marked source, cue, content
    or nothing; [] for other sources and for parts outside the evidence."""
    ev = source.evidence
    marked = [
        (span.start - ev.start, span.end - ev.start, part)
        for part in ("source", "cue", "content")
        if (span := getattr(source, f"{part}_span", None)) is not None and ev.start <= span.start < span.end <= ev.end
    ]
    if not marked:
        return []
    bounds = sorted({0, len(ev.text)} | {b for s, e, _ in marked for b in (s, e)})
    pieces = []
    for left, right in zip(bounds, bounds[1:]):
        # The innermost part wins where parts nest (a cue inside a paraphrased clause).
        covering = [p for s, e, p in sorted(marked, key=lambda m: m[1] - m[0]) if s <= left and right <= e]
        pieces.append((ev.text[left:right], covering[0] if covering else None))
    return pieces


def _entity_link(entity_id: str | None, names: dict[str, str]) -> dict[str, str] | None:
    if not entity_id:
        return None
    if entity_id in names:
        return {"name": names[entity_id], "href": "#" + entity_anchor(entity_id)}
    return {"name": entity_id, "href": ""}


def _event_views(dossier: Dossier, cites: _Citations, names: dict[str, str]) -> list[dict[str, Any]]:
    events = sorted(getattr(dossier, "events", []), key=lambda e: (date_sort_key(e.date), e.id))
    return [
        {
            "id": event.id,
            "date": format_date(event.date),
            "type": event.event_type.replace("_", " "),
            "summary": event.summary,
            "place": event.place,
            "participants": [_entity_link(p, names) for p in event.participants],
            "sources": cites.cite_all(event.sources, f"Event: {excerpt(event.summary, 80)}"),
        }
        for event in events
    ]


def _stance_views(dossier: Dossier, cites: _Citations, names: dict[str, str]) -> list[dict[str, Any]]:
    views = []
    for stance in sorted_stances(dossier, names):
        label = f"Stance: {names.get(stance.holder, stance.holder)} → {names.get(stance.target, stance.target)}"
        views.append(
            {
                "id": stance.id,
                "holder": _entity_link(stance.holder, names),
                "target": _entity_link(stance.target, names),
                "topic": stance.topic,
                "latest": stance.latest_polarity,
                "latest_symbol": POLARITY_SYMBOL.get(stance.latest_polarity, "●"),
                "changed": stance.changed,
                "assertions": [
                    {
                        "date": format_date(a.date),
                        "polarity": a.polarity,
                        "symbol": POLARITY_SYMBOL.get(a.polarity, "●"),
                        "speaker": _entity_link(a.speaker, names),
                        "source": cites.cite(a.source, f"{label} ({a.polarity})"),
                    }
                    for a in stance.assertions
                ],
            }
        )
    return views


def _statement_views(dossier: Dossier, cites: _Citations, names: dict[str, str]) -> list[dict[str, Any]]:
    return [
        {
            "name": group.name,
            "href": "#" + entity_anchor(group.speaker) if group.speaker in names else "",
            "role": group.role,
            "statements": [
                {
                    "id": s.id,
                    "kind": s.kind,
                    "content": s.content,
                    "date": format_date(s.date) if s.date else None,
                    "addressee": _entity_link(s.addressee, names),
                    "sources": cites.cite_all(s.sources, f"Statement: {group.name}"),
                }
                for s in group.statements
            ],
        }
        for group in statements_by_speaker(dossier)
    ]


def _dispute_views(dossier: Dossier, cites: _Citations, names: dict[str, str]) -> list[dict[str, Any]]:
    return [
        {
            "id": dispute.id,
            "topic": dispute.topic,
            "claims": [
                {
                    "claim": claim.claim,
                    "by": _entity_link(claim.by, names),
                    "sources": cites.cite_all(claim.sources, f"Dispute: {excerpt(dispute.topic, 60)}"),
                }
                for claim in dispute.claims
            ],
        }
        for dispute in sorted(getattr(dossier, "disputes", []), key=lambda d: d.id)
    ]


def _entity_views(dossier: Dossier, numbers: dict[str, str]) -> list[dict[str, Any]]:
    entities = sorted(getattr(dossier, "entities", []), key=lambda e: (e.name.casefold(), e.id))
    return [
        {
            "id": entity.id,
            "anchor": entity_anchor(entity.id),
            "name": entity.name,
            "type": entity.type,
            "aliases": entity.aliases,
            "articles": [
                {"number": numbers.get(a, "?"), "href": "#" + article_anchor(a)} for a in entity.articles
            ],
        }
        for entity in entities
    ]


def _article_views(dossier: Dossier, cites: _Citations) -> list[dict[str, Any]]:
    views = []
    for meta in getattr(dossier, "articles", []):
        text = cites.texts.get(meta.id)
        views.append(
            {
                "anchor": article_anchor(meta.id),
                "number": cites.numbers[meta.id],
                "id": meta.id,
                "title": meta.title,
                "outlet": meta.outlet,
                "published": meta.published,
                "paths": meta.paths,
                "body": highlight_text(text, meta.id, cites.highlights(meta.id)) if text is not None else None,
            }
        )
    return views


# --------------------------------------------------------------------------
# HTML: page
# --------------------------------------------------------------------------


def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _csp_hash(content: str) -> str:
    digest = hashlib.sha256(content.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def _page_title(dossier: Dossier) -> str:
    events = [e for e in getattr(dossier, "events", []) if e.date is not None and e.date.iso]
    if not events:
        return "Dossier"
    dates = sorted(e.date.iso for e in events)  # type: ignore[union-attr]
    span = dates[0] if dates[0] == dates[-1] else f"{dates[0]} – {dates[-1]}"
    return f"Dossier · {span}"


def render_html(dossier: Dossier, texts: dict[str, str] | None = None, *, title: str | None = None) -> str:
    """One self-contained HTML page; ``texts`` (article id → text) enables highlighting."""
    env = _environment()
    css = (TEMPLATES_DIR / "report.css").read_text(encoding="utf-8")
    js = (TEMPLATES_DIR / "report.js").read_text(encoding="utf-8")
    articles = list(getattr(dossier, "articles", []))
    numbers = {meta.id: f"A{index}" for index, meta in enumerate(articles, start=1)}
    cites = _Citations(texts=dict(texts or {}), numbers=numbers, metas=articles_by_id(dossier))
    names = entity_names(dossier)
    # Order matters: items are cited before articles are built, so every
    # cited span is known when the article text is highlighted.
    context = {
        "title": title or _page_title(dossier),
        "counts": {kind: len(getattr(dossier, kind, [])) for kind in ("articles", "events", "stances", "statements", "disputes", "entities")},
        "run": getattr(dossier, "run", None),
        "events": _event_views(dossier, cites, names),
        "stances": _stance_views(dossier, cites, names),
        "speakers": _statement_views(dossier, cites, names),
        "disputes": _dispute_views(dossier, cites, names),
        "entities": _entity_views(dossier, numbers),
    }
    context["articles"] = _article_views(dossier, cites)
    csp = (
        "default-src 'none'; base-uri 'none'; form-action 'none'; img-src data:; "
        f"style-src {_csp_hash(css)}; script-src {_csp_hash(js)}"
    )
    return env.get_template("dossier.html.j2").render(css=Markup(css), js=Markup(js), csp=csp, **context)


# --------------------------------------------------------------------------
# Command entry point
# --------------------------------------------------------------------------


def load_texts(dossier: Dossier, base_dir: str | Path | None = None) -> dict[str, str]:
    """Article texts for highlighting, re-read from each article's recorded paths.

    A text is used only when its sha256 equals the stored ``content_hash``:
    offsets index that exact text, so a file edited since would highlight the
    wrong characters. Relative paths are tried as given, then under ``base_dir``.
    """
    texts: dict[str, str] = {}
    for meta in getattr(dossier, "articles", []):
        for candidate in _candidate_paths(meta.paths, base_dir):
            text = _read_article_text(candidate)
            if text is not None and sha256_text(text) == meta.content_hash:
                texts[meta.id] = text
                break
    return texts


def _candidate_paths(paths: list[str], base_dir: str | Path | None) -> list[Path]:
    candidates = []
    for raw in paths:
        path = Path(raw)
        candidates.append(path)
        if base_dir is not None and not path.is_absolute():
            candidates.append(Path(base_dir) / path)
    return candidates


def _read_article_text(path: Path) -> str | None:
    """The text as the extractor saw it (same decoding and HTML extraction)."""
    if not path.is_file():
        return None
    try:
        return load_article(path).text  # the loader decides decoding and HTML extraction
    except Exception:  # an unreadable article means "no highlighting", not a failed render
        return None


def run_render_command(
    dossier_path: str | Path,
    fmt: str = "md",
    output: str | Path | None = None,
    texts_dir: str | Path | None = None,
    *,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """``summarise render DOSSIER [--format md|html] [-o OUT] [--texts DIR]``.

    Writes to ``output`` (atomically) or stdout. Exit codes: 0 done, 2 error
    (unreadable or invalid dossier, unknown format), with a one-line message.
    Article texts for HTML highlighting are re-read from the paths recorded in
    the dossier, also looked up under ``texts_dir``.
    """
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    if fmt not in ("md", "html"):
        print(f"summarise render: unknown format {fmt!r} (use md or html)", file=err)
        return 2
    try:
        dossier = load_dossier(dossier_path)
    except DossierLoadError as exc:
        print(f"summarise render: {exc}", file=err)
        return 2
    if dossier is None:
        print(f"summarise render: {dossier_path} is not a dossier", file=err)
        return 2
    base = texts_dir if texts_dir is not None else Path(dossier_path).parent
    texts = load_texts(dossier, base) if fmt == "html" or texts_dir is not None else None
    rendered = render_html(dossier, texts or {}) if fmt == "html" else render_markdown(dossier, texts)
    if output is None:
        out.write(rendered)
    else:
        atomic_write_text(output, rendered)
    return 0
