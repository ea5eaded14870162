"""Corpora: many articles in one file, and lists of web pages to fetch.

A corpus file holds one article per row:

* ``.jsonl`` - one JSON object per line;
* ``.csv`` - a header row naming the columns, then one article per row;
* ``.parquet`` - one article per row (needs pyarrow: ``pip install 'summariser[parquet]'``);
* ``.urls`` - one web address per line (a line starting with ``#`` is a comment); each page is
  fetched with trafilatura and reduced to its article text like a saved page.

A row gives the article ``text`` and optionally its ``id``, ``title``,
``outlet``, ``published`` date and ``url``; ``Columns`` says which column holds
which. A row without text but with a url is fetched like a line of a
``.urls`` file. Rows are read one at a time (parquet one row group at a time),
never the whole file at once. A row that cannot be used is reported as
``FILE#ROW`` (rows counted from 1, the header not counted) and the others go on.

The article's label - its entry in ``paths``, in messages and in the
dossier - is ``FILE#ID`` when the row has an id (the corpus's own key, which
survives reordering) and ``FILE#ROW`` otherwise. Its ID is, as for files, the
hash of its text: the same text in two rows or two corpora is one article.
"""

from __future__ import annotations

import codecs
import csv
import json
import logging
import re
import sys
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Iterator, Mapping

from .articles import Article, ArticleError, article_from_text, check_length, decode_bytes, html_to_text, load_article

CORPUS_SUFFIXES = (".jsonl", ".csv", ".parquet", ".urls")
FETCH_TIMEOUT = 30  # seconds per page (trafilatura counts whole seconds)
FETCH_MAX_BYTES = 5_000_000  # a news page is well under a megabyte; more is not an article
# A corpus id is shown in labels: short, one line, no separators of ours.
_USABLE_ID = re.compile(r"[\w.:@/+-]{1,100}")


@dataclass(frozen=True)
class Columns:
    """Which column of a corpus holds which field of an article."""

    text: str = "text"
    id: str = "id"
    title: str = "title"
    outlet: str = "outlet"
    published: str = "published"
    url: str = "url"

    @classmethod
    def parse(cls, assignments: list[str]) -> "Columns":
        """``["text=body", "published=date"]`` -> Columns(text="body", published="date")."""
        known = {f.name for f in fields(cls)}
        chosen: dict[str, str] = {}
        for assignment in assignments:
            name, sep, column = assignment.partition("=")
            if not sep or name.strip() not in known or not column.strip():
                raise ValueError(f"--column {assignment!r}: write FIELD=COLUMN, FIELD one of {', '.join(sorted(known))}")
            chosen[name.strip()] = column.strip()
        return cls(**chosen)


@dataclass(frozen=True)
class Fetching:
    """Limits for fetching web pages."""

    timeout: int = FETCH_TIMEOUT
    max_bytes: int = FETCH_MAX_BYTES
    # Off by default: an address list must not reach the machine's own or its
    # network's services (trafilatura refuses non-public addresses).
    allow_private: bool = False


def is_corpus(path: Path) -> bool:
    return path.suffix.lower() in CORPUS_SUFFIXES


def articles_in(path: Path, max_chars: int, columns: Columns = Columns(), fetching: Fetching = Fetching()
                ) -> Iterator[Article | ArticleError]:
    """The articles a file holds, one at a time: one for an article file, one per
    row of a corpus; what cannot be used comes as an ArticleError in its place."""
    if not is_corpus(path):
        try:
            yield load_article(path, max_chars=max_chars)
        except ArticleError as error:
            yield error
        return
    name = str(path)
    try:
        rows = _rows(path, columns)
        for number, row in rows:
            yield _article_from_row(row, name, number, max_chars, columns, fetching)
    except ArticleError as error:  # the file itself cannot be read: nothing more comes from it
        yield error


def _rows(path: Path, columns: Columns) -> Iterator[tuple[int, Mapping[str, Any] | ArticleError]]:
    readers = {".jsonl": _jsonl_rows, ".csv": _csv_rows, ".parquet": _parquet_rows, ".urls": _url_rows}
    return readers[path.suffix.lower()](path, columns)


def _opened(path: Path, binary: bool = False):
    try:
        return path.open("rb") if binary else path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise ArticleError(str(path), f"cannot read ({exc.strerror})", "check permissions") from exc


def _jsonl_rows(path: Path, columns: Columns) -> Iterator[tuple[int, Mapping[str, Any] | ArticleError]]:
    """Row N is line N, so ``sed -n Np`` shows it; blank lines are skipped but counted.
    Each line is decoded alone, so one line of bad bytes costs that row only."""
    with _opened(path, binary=True) as lines:
        for number, raw in enumerate(lines, start=1):
            if not raw.strip():
                continue
            try:
                row = json.loads(raw.removeprefix(codecs.BOM_UTF8).decode("utf-8"))
            except UnicodeDecodeError as exc:
                yield number, _row_error(path, number, f"not UTF-8 ({exc.reason} at byte {exc.start})", "re-save it as UTF-8")
                continue
            except ValueError as exc:
                yield number, _row_error(path, number, f"not valid JSON ({exc})", "fix or delete that line")
                continue
            if not isinstance(row, dict):
                yield number, _row_error(path, number, f"a JSON {type(row).__name__}, not an object", "give one object per line")
                continue
            yield number, row


def _csv_rows(path: Path, columns: Columns) -> Iterator[tuple[int, Mapping[str, Any] | ArticleError]]:
    """Rows counted from 1 after the header (a quoted field may span lines)."""
    # An article is longer than csv's default field limit of 128 KiB allows.
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    with _opened(path) as handle:
        reader = csv.DictReader(_decoded(handle, path))
        try:
            header = reader.fieldnames or []
        except csv.Error as exc:
            raise ArticleError(str(path), f"unreadable CSV header ({exc})", "save it as CSV with a header row") from exc
        _require_text_column(path, header, columns)
        number = 0
        while True:
            number += 1
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield number, _row_error(path, number, f"unreadable CSV row ({exc})", "fix that row's quoting")
                continue
            if None in row:  # more fields than the header names
                yield number, _row_error(path, number, f"{len(header) + len(row[None])} fields, the header names {len(header)}",
                                         "quote fields that hold commas")
                continue
            yield number, row


def _parquet_rows(path: Path, columns: Columns) -> Iterator[tuple[int, Mapping[str, Any] | ArticleError]]:
    """Read one row group at a time, only the columns an article uses."""
    try:
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise ArticleError(str(path), "reading Parquet needs pyarrow", "pip install 'summariser[parquet]'") from exc
    try:
        parquet = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises its own errors for damaged files
        raise ArticleError(str(path), f"unreadable Parquet file ({exc})", "check the file is Parquet") from exc
    header = parquet.schema_arrow.names
    _require_text_column(path, header, columns)
    wanted = [c for c in dict.fromkeys(getattr(columns, f.name) for f in fields(columns)) if c in header]
    number = 0
    for group in range(parquet.num_row_groups):
        for row in parquet.read_row_group(group, columns=wanted).to_pylist():
            number += 1
            yield number, row


def _url_rows(path: Path, columns: Columns) -> Iterator[tuple[int, Mapping[str, Any] | ArticleError]]:
    with _opened(path) as lines:
        for number, line in enumerate(_decoded(lines, path), start=1):
            address = line.strip()
            if address and not address.startswith("#"):
                yield number, {columns.url: address}


def _decoded(lines, path: Path) -> Iterator[str]:
    """Lines of a UTF-8 file; a file that is not UTF-8 is refused as a whole."""
    try:
        yield from lines
    except UnicodeDecodeError as exc:
        raise ArticleError(str(path), f"not UTF-8 ({exc.reason} at byte {exc.start})", "re-save it as UTF-8") from exc


def _require_text_column(path: Path, header: list[str], columns: Columns) -> None:
    if columns.text not in header and columns.url not in header:
        raise ArticleError(str(path), f"no '{columns.text}' column (it has {', '.join(header[:8]) or 'none'})",
                           "name the text column with --column text=NAME")


def _row_error(path: Path, number: int, problem: str, hint: str) -> ArticleError:
    return ArticleError(f"{path}#{number}", problem, hint)


def _article_from_row(row: Mapping[str, Any] | ArticleError, name: str, number: int, max_chars: int,
                      columns: Columns, fetching: Fetching) -> Article | ArticleError:
    if isinstance(row, ArticleError):
        return row
    where = f"{name}#{number}"
    text, url = _text_field(row, columns.text), _text_field(row, columns.url)
    if not text.strip() and not url:
        return ArticleError(where, f"no text in column '{columns.text}'", "add the article text or a url, or remove the row")
    row_id = _text_field(row, columns.id).strip()
    label = f"{name}#{row_id}" if _USABLE_ID.fullmatch(row_id) else where
    given = {key: _text_field(row, getattr(columns, key)).strip() or None for key in ("title", "outlet", "published")}
    try:
        if not text.strip():
            return fetch_article(url, max_chars, fetching, label=label, **given)
        check_length(label, text, max_chars)
        return article_from_text(text, path=label, **given)
    except ArticleError as error:
        return error


def _text_field(row: Mapping[str, Any], column: str) -> str:
    value = row.get(column)
    return "" if value is None else str(value)


# --------------------------------------------------------------------------
# Fetching web pages
# --------------------------------------------------------------------------


class _Collected(logging.Handler):
    """trafilatura logs why a download failed and returns None: keep what it said."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def fetch_article(url: str, max_chars: int, fetching: Fetching = Fetching(), *, label: str | None = None,
                  title: str | None = None, outlet: str | None = None, published: str | None = None) -> Article:
    """Download one page and keep its article text, or raise ArticleError saying why not."""
    label = label or url
    if not url.startswith(("http://", "https://")):
        raise ArticleError(label, f"not a web address: {url[:200]!r}", "give http:// or https:// addresses")
    response, why = _download(url, fetching)
    if response is None:
        raise ArticleError(label, f"could not fetch {url}: {why}", "check the address, or raise the limits")
    if response.status != 200:
        raise ArticleError(label, f"could not fetch {url}: HTTP {response.status}", "check the address")
    text = decode_bytes(response.data or b"", label)
    if not text.strip():
        raise ArticleError(label, f"{url} returned an empty page", "check the address")
    # A plain-text page is the article itself; anything else is reduced to its article text.
    page: dict[str, str] = {}
    if "text/plain" not in (response.headers or {}).get("content-type", ""):
        text, page = html_to_text(text, label)
    check_length(label, text, max_chars)
    return article_from_text(text, path=label, title=title or page.get("title") or None,
                             outlet=outlet or page.get("sitename") or None, published=published or page.get("date") or None)


def _download(url: str, fetching: Fetching):
    """trafilatura's response (or None) and, when None, what went wrong in its words."""
    from trafilatura.downloads import fetch_response
    from trafilatura.settings import use_config

    config = use_config()
    config.set("DEFAULT", "DOWNLOAD_TIMEOUT", str(max(1, int(fetching.timeout))))
    config.set("DEFAULT", "MAX_FILE_SIZE", str(fetching.max_bytes))
    config.set("DEFAULT", "SSRF_PROTECTION", "off" if fetching.allow_private else "on")
    collected = _Collected()
    logger = logging.getLogger("trafilatura")
    logger.addHandler(collected)
    propagate, logger.propagate = logger.propagate, False  # said once, in the FAILED line
    try:
        response = fetch_response(url, config=config)
    finally:
        logger.removeHandler(collected)
        logger.propagate = propagate
    return response, _why(collected.messages, url, fetching)


def _why(messages: list[str], url: str, fetching: Fetching) -> str:
    said = " ".join(messages).replace(url, "").strip()
    if "MAX_FILE_SIZE" in said:
        return f"over the size limit of {fetching.max_bytes:,} bytes"
    if "timed out" in said.lower():
        return f"no answer within {fetching.timeout} s"
    if "non-public address" in said:
        return "a private or local address (allowed only with --fetch-private)"
    return said.removeprefix("download error:").strip()[:300] or "no response"
