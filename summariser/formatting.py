"""Plain-text formatting shared by the Markdown diff and the report.

Small, pure helpers: one line excerpts, Markdown escaping of untrusted
article text, dates and article labels as a reader sees them.
"""

from __future__ import annotations

import re

from .datamodel import ArticleMeta, DateValue, Dossier


def collapse_whitespace(text: str) -> str:
    return " ".join(text.split())


def excerpt(text: str, limit: int = 200) -> str:
    """One line of at most ``limit`` characters, cut at a word boundary."""
    flat = collapse_whitespace(text)
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:") + "…"


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~])")
_MENTION = re.compile(r"@(?=\w)")


def md_escape(text: str) -> str:
    """Text safe to drop inside a Markdown line (a PR comment).

    Article text is untrusted: backslash-escape Markdown/HTML punctuation so a
    quote cannot open a link, an HTML tag or a table cell, and put a zero-width
    space after ``@`` so quoting "@someone" never pings a GitHub user.
    """
    return _MENTION.sub("@\u200b", _MD_SPECIAL.sub(r"\\\1", collapse_whitespace(text)))


def format_date(date: DateValue | None) -> str:
    if date is None:
        return "undated"
    if date.iso and collapse_whitespace(date.text) not in (date.iso, ""):
        return f"{date.iso} ({collapse_whitespace(date.text)})"
    return date.iso or collapse_whitespace(date.text) or "undated"


def article_label(meta: ArticleMeta | None, article_id: str) -> str:
    """"Title — Outlet" for an article, or its id when the dossier lacks it."""
    if meta is None:
        return f"article {article_id}"
    title = collapse_whitespace(meta.title) or f"article {article_id}"
    return f"{title} — {meta.outlet}" if meta.outlet else title


def articles_by_id(dossier: Dossier | None) -> dict[str, ArticleMeta]:
    if dossier is None:
        return {}
    return {meta.id: meta for meta in getattr(dossier, "articles", [])}


def entity_names(dossier: Dossier | None) -> dict[str, str]:
    if dossier is None:
        return {}
    return {entity.id: entity.name for entity in getattr(dossier, "entities", [])}


def count_noun(n: int, noun: str) -> str:
    """"1 dispute", "3 disputes"."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
