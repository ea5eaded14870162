"""Articles in: find files, decode them, strip nothing, describe them.

The article text is kept exactly as decoded (newlines normalised to ``\\n``)
because every evidence offset indexes it. Site furniture (bylines, "Most
Popular", comment boxes, captions) is not removed from the text; it is
*marked* as excluded ranges, which the extraction never shows to the model and
the grounding never accepts as evidence.

The first line is the headline only when more text follows it: an article
saved as one line is all body. A file that is nothing but a headline (and
byline, date, site furniture) is refused, never extracted as empty.
"""

from __future__ import annotations

import codecs
import json
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from .canonical import sha256_text
from .datamodel import ArticleMeta
from .grounding import blank_out

ARTICLE_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm")
DEFAULT_MAX_CHARS = 200_000


class ArticleError(Exception):
    """A file that cannot be read as an article; the message says what to do."""

    def __init__(self, path: str, problem: str, hint: str = ""):
        self.path = path
        self.problem = problem
        self.hint = hint
        super().__init__(f"{path}: {problem}" + (f" — {hint}" if hint else ""))


@dataclass(frozen=True)
class Article:
    meta: ArticleMeta
    text: str
    # Half-open character ranges that are not article body (boilerplate,
    # headline, byline, captions, embedded instructions to an AI).
    excluded: tuple[tuple[int, int], ...] = field(default_factory=tuple)

    @property
    def id(self) -> str:
        return self.meta.id


# --------------------------------------------------------------------------
# Finding files
# --------------------------------------------------------------------------


def find_article_files(
    paths: list[str | Path], skip: tuple[Path, ...] = ()
) -> tuple[list[Path], list[ArticleError]]:
    """Expand files and folders into article files, in a stable order.

    Whatever cannot be read (a file, a folder, a subfolder) is an error of its
    own and the rest is still found. Files and folders in ``skip`` (this run's
    outputs) are never articles, even inside an input folder.
    """
    found: list[Path] = []
    errors: list[ArticleError] = []
    skipped = frozenset(_resolved(p) for p in skip)
    for raw in paths:
        path = Path(raw)
        try:
            is_dir, is_file = path.is_dir(), path.is_file()
        except OSError as exc:  # e.g. a file inside a folder we may not enter
            errors.append(_unreadable(path, exc))
            continue
        if is_dir:
            inside, unreadable = _articles_in(path, skipped)
            errors.extend(unreadable)
            if not inside and not unreadable:
                errors.append(
                    ArticleError(
                        str(path),
                        "folder holds no articles",
                        f"put {', '.join(ARTICLE_SUFFIXES)} files in it",
                    )
                )
            found.extend(inside)
        elif is_file:
            found.append(path)
        else:
            errors.append(ArticleError(str(path), "no such file or folder", "check the path"))
    return found, errors


def _resolved(path: Path) -> Path:
    return Path(os.path.abspath(path))


def _unreadable(path: str | Path, exc: OSError) -> ArticleError:
    return ArticleError(str(path), f"cannot read ({exc.strerror or exc})", "check its permissions; the other articles went on")


def _articles_in(folder: Path, skipped: frozenset[Path]) -> tuple[list[Path], list[ArticleError]]:
    """Article files under ``folder`` (hidden files and folders and ``skipped`` left out),
    and an error for each subfolder that cannot be listed."""
    found: list[Path] = []
    errors: list[ArticleError] = []

    def report(exc: OSError) -> None:
        errors.append(_unreadable(exc.filename or folder, exc))

    for directory, subfolders, files in os.walk(folder, onerror=report):
        here = Path(directory)
        subfolders[:] = sorted(
            name for name in subfolders if not name.startswith(".") and _resolved(here / name) not in skipped
        )
        for name in files:
            path = here / name
            if (
                not name.startswith(".")
                and path.suffix.lower() in ARTICLE_SUFFIXES
                and _resolved(path) not in skipped
                and path.is_file()
            ):
                found.append(path)
    return sorted(found), sorted(errors, key=lambda e: e.path)


# --------------------------------------------------------------------------
# Decoding
# --------------------------------------------------------------------------

_BINARY_MAGIC = {
    b"\x89PNG": "a PNG image",
    b"%PDF": "a PDF file",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"PK\x03\x04": "a ZIP archive (docx/xlsx?)",
}


def decode_bytes(data: bytes, path: str) -> str:
    """Bytes to text: UTF-8 (with or without BOM), UTF-16 with BOM, else cp1252."""
    for magic, what in _BINARY_MAGIC.items():
        if data.startswith(magic):
            raise ArticleError(path, f"this is {what}, not text", "convert it to .txt or .html first")
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        return data.decode("utf-16")
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="strict")
    if b"\x00" in data[:8192]:
        raise ArticleError(path, "binary data (NUL bytes), not text", "give a text or HTML file")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # Legacy Western encodings are the common non-UTF-8 case for scraped
    # news; cp1252 is a superset of latin-1's printable range.
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise ArticleError(
            path, f"not UTF-8 and not cp1252 text ({exc.reason} at byte {exc.start})", "re-save it as UTF-8"
        ) from exc


def normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def looks_like_html(text: str, path: str) -> bool:
    if path.lower().endswith((".html", ".htm")):
        return True
    head = text.lstrip()[:512].lower()
    return head.startswith("<!doctype html") or head.startswith("<html")


def html_to_text(html: str, path: str) -> tuple[str, dict[str, str]]:
    """Main article text and metadata of a saved web page (trafilatura)."""
    import trafilatura  # imported here: slow to import, needed only for HTML

    text = trafilatura.extract(html, include_comments=False, include_tables=False, favor_precision=True)
    if not text or not text.strip():
        raise ArticleError(path, "HTML page with no article text found", "save the article page itself, or paste its text into a .txt file")
    meta: dict[str, str] = {}
    # extensive=False: dates from the page's metadata only; a footer's
    # copyright year is not a publication date.
    doc = trafilatura.extract_metadata(html, extensive=False)
    if doc is not None:
        for key in ("title", "sitename", "date"):
            value = getattr(doc, key, None)
            if value:
                meta[key] = str(value)
    return text, meta


# --------------------------------------------------------------------------
# Metadata: sidecar, front matter, header lines
# --------------------------------------------------------------------------

_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.S)


def read_sidecar(path: Path) -> dict[str, str]:
    """``NAME.meta.json`` next to the article: title, outlet, published."""
    sidecar = path.with_name(path.stem + ".meta.json")
    if not sidecar.is_file():
        return {}
    try:
        data = json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ArticleError(str(sidecar), f"unreadable sidecar ({exc})", "fix or delete the .meta.json file") from exc
    return {k: str(v) for k, v in data.items() if k in ("title", "outlet", "published") and v}


def split_front_matter(text: str) -> tuple[dict[str, str], int]:
    """Simple ``key: value`` YAML front matter; returns (fields, body offset)."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, 0
    fields: dict[str, str] = {}
    for line in match.group(1).splitlines():
        key, sep, value = line.partition(":")
        if sep:
            fields[key.strip().lower()] = value.strip().strip("\"'")
    if "date" in fields and "published" not in fields:
        fields["published"] = fields["date"]
    if "source" in fields and "outlet" not in fields:
        fields["outlet"] = fields["source"]
    return {k: v for k, v in fields.items() if k in ("title", "outlet", "published")}, match.end()


_MONTH = r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
# A full calendar date written in the page header (dateline).
HEADER_DATE = re.compile(
    rf"\b(?:{_MONTH}\.?\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+{_MONTH}\.?,?\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})\b"
)
_BYLINE = re.compile(r"^By\s*(?P<who>[^-–—|]+?)\s*[-–—|]\s*(?P<rest>.+)$")


def parse_iso_date(text: str) -> str | None:
    """An absolute date to YYYY-MM-DD, via dateparser; None when unsure."""
    import dateparser  # slow import; only needed here

    parsed = dateparser.parse(text, languages=["en"], settings={"STRICT_PARSING": True, "REQUIRE_PARTS": ["day", "month", "year"]})
    return parsed.date().isoformat() if parsed else None


# --------------------------------------------------------------------------
# Boilerplate and other excluded ranges
# --------------------------------------------------------------------------

BOILERPLATE_LINES = [
    re.compile(p, re.I)
    for p in (
        r"^exit mobile version$",
        r"^most popular$",
        r"^your comment$",
        r"^post a comment$",
        r"^no comments:?$",
        r"^related stories$",
        r"^share this( news| article)?$",
        r"^to stay updated sign up now$",
        r"^\[mailpoet_form id=.*\]$",
        r"^read more:.*$",
        r"^\(?photo credit:.*$",
        r"^image source:.*$",
        r"^(home|news)\s+\w+(\s+\w+)?\s*$",
        r"^advertisement$",
    )
]
# Site furniture that can also start a real sentence ("By Thursday, ...",
# "Subscribers saw ..."): boilerplate only when the line does not read as one.
BYLINE_LINES = [
    re.compile(p, re.I)
    for p in (r"^written by .{0,60}$", r"^by\s*.{0,60}$", r"^subscribe.*$")
]
# A line that looks like a photo caption, not reporting.
CAPTION = re.compile(r"\b(is|are) pictured\b|\bin this (picture|photo)\b|\bphoto:|\(photo\b", re.I)
# Text addressed to an AI rather than to readers: treated as article content
# that is never evidence, so an injection cannot become an extraction.
INJECTION = re.compile(
    r"ignore (all |any )?(the )?(previous|prior|above|earlier) (instructions|prompts?)"
    r"|disregard (all |the )?(previous|prior|above) |you are (now )?(an? )?(ai|assistant|language model)"
    r"|system prompt|new instructions:",
    re.I,
)


# A line that reads like one of the model's answers (JSON naming our fields)
# is not reporting: shown to the model, it would be an answer to copy.
ANSWER_LIKE = re.compile(r'"(?:events|sentence|what|stance|target|speaker|topic)"\s*:')


def _line_spans(text: str, start: int = 0):
    offset = start
    for line in text[start:].split("\n"):
        yield offset, offset + len(line), line
        offset += len(line) + 1


def find_excluded(text: str, body_start: int, title: str | None) -> list[tuple[int, int]]:
    """Ranges of ``text`` that are not article body."""
    excluded: list[tuple[int, int]] = []
    if body_start:
        excluded.append((0, body_start))
    only_line = _only_line(text, body_start)
    header_lines = 0
    for start, end, line in _line_spans(text, body_start):
        stripped = line.strip()
        if not stripped:
            continue
        header_lines += 1
        is_header = header_lines <= 6 and not _reads_like_sentence(stripped) and (
            _is_headline(stripped, title, only_line) or _is_dateline_or_byline(stripped)
        )
        furniture = any(p.match(stripped) for p in BOILERPLATE_LINES) or (
            not _reads_like_sentence(stripped) and any(p.match(stripped) for p in BYLINE_LINES)
        )
        if is_header or furniture or CAPTION.search(stripped):
            excluded.append((start, end))
        elif INJECTION.search(stripped) or ANSWER_LIKE.search(stripped):
            excluded.append((start, end))
    return excluded


# --------------------------------------------------------------------------
# Putting it together
# --------------------------------------------------------------------------


def article_id(text: str) -> str:
    """Short hash of the normalised text: same article, same ID, whatever the file."""
    normalised = " ".join(unicodedata.normalize("NFC", text).split())
    return sha256_text(normalised)[:16]


def _is_dateline_or_byline(line: str) -> bool:
    return bool(_BYLINE.match(line)) or (len(line) <= 60 and HEADER_DATE.search(line) is not None)


def _reads_like_sentence(line: str) -> bool:
    """Body prose rather than a headline: ends like a sentence and is long."""
    return line.rstrip().endswith((".", "!", "?", ".”", '."')) and len(line.split()) >= 8


def _body_lines(text: str, start: int) -> list[str]:
    return [line.strip() for line in text[start:].split("\n") if line.strip()]


def _only_line(text: str, start: int) -> bool:
    """Whether the body is a single line (an article saved without line breaks)."""
    return len(_body_lines(text, start)) == 1


def _is_headline(line: str, title: str | None, only_line: bool) -> bool:
    """A line that repeats the title. The only line of an article is its body,
    not a headline, unless it is the title itself (a file holding only a headline)."""
    if not title:
        return False
    if only_line:
        return " ".join(line.split()).casefold() == " ".join(title.split()).casefold()
    return line in title or title in line


# Longer than any headline: a paragraph, even without a full stop.
MAX_HEADLINE_CHARS = 300


def first_line_title(text: str, start: int) -> str:
    """The first line, when more text follows it and it is not a paragraph; an
    article of one line has no headline ("": the text is all body, whatever
    its length or last character)."""
    if _only_line(text, start):
        return ""
    lines = _body_lines(text, start)[:4]
    lines = [line for line in lines if not _is_dateline_or_byline(line)]
    if not lines:
        return ""
    title = lines[0]
    # "Home International Some Title" followed by "Some Title": keep the clean one.
    for later in lines[1:]:
        if later != title and title.endswith(later):
            return later
    return title if len(title) <= MAX_HEADLINE_CHARS else ""


def header_metadata(text: str, start: int) -> dict[str, str]:
    """Outlet and publication date from the first lines, when they give them."""
    found: dict[str, str] = {}
    lines = [line.strip() for line in text[start:].split("\n") if line.strip()][:6]
    for line in lines:
        byline = _BYLINE.match(line)
        if byline:
            rest = byline.group("rest").strip()
            date = HEADER_DATE.search(rest)
            if date and "published" not in found:
                iso = parse_iso_date(date.group(0))
                if iso:
                    found["published"] = iso
            elif rest and "outlet" not in found and len(rest) <= 60:
                found["outlet"] = rest
            continue
        date = HEADER_DATE.search(line)
        if date and "published" not in found and len(line) <= 60:
            iso = parse_iso_date(date.group(0))
            if iso:
                found["published"] = iso
    return found


def article_from_text(
    text: str,
    *,
    path: str = "<memory>",
    title: str | None = None,
    outlet: str | None = None,
    published: str | None = None,
) -> Article:
    """Build an Article from decoded text (newlines are normalised here)."""
    text = normalise_newlines(text)
    front, body_start = split_front_matter(text)
    header = header_metadata(text, body_start)
    title = title or front.get("title") or first_line_title(text, body_start)
    published_raw = published or front.get("published") or header.get("published")
    published_iso = parse_iso_date(published_raw) if published_raw and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", published_raw) else published_raw
    meta = ArticleMeta(
        id=article_id(text[body_start:]),
        title=title,
        outlet=outlet or front.get("outlet") or header.get("outlet"),
        published=published_iso,
        paths=[path],
        content_hash=sha256_text(text),
        chars=len(text),
    )
    return Article(meta=meta, text=text, excluded=tuple(find_excluded(text, body_start, title)))


def check_length(name: str, text: str, max_chars: int) -> None:
    if len(text) > max_chars:
        raise ArticleError(name, f"{len(text):,} characters, over the limit of {max_chars:,}",
                           "split it, or raise the limit with --max-chars")


def load_article(path: str | Path, *, max_chars: int = DEFAULT_MAX_CHARS) -> Article:
    """Read one file as an article, or raise ArticleError saying what to do."""
    path = Path(path)
    name = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _unreadable(path, exc) from exc
    if not data.strip():
        raise ArticleError(name, "empty file" if not data else "only whitespace", "remove it or add the article text")
    text = decode_bytes(data, name)
    if not text.strip():
        raise ArticleError(name, "only whitespace", "remove it or add the article text")
    extra: dict[str, str] = {}
    if looks_like_html(text, name):
        text, page = html_to_text(text, name)
        extra = {"title": page.get("title", ""), "outlet": page.get("sitename", ""), "published": page.get("date", "")}
    text = normalise_newlines(text)
    check_length(name, text, max_chars)
    extra.update(read_sidecar(path))
    article = article_from_text(
        text,
        path=name,
        title=extra.get("title") or None,
        outlet=extra.get("outlet") or None,
        published=extra.get("published") or None,
    )
    if not has_body(article):
        raise ArticleError(name, "only a headline (or site furniture), no article text", "add the article's text below its headline")
    return article


def has_body(article: Article) -> bool:
    """Whether anything readable is left once the headline, byline and site furniture are set aside."""
    return any(char.isalnum() for char in blank_out(article.text, article.excluded))
