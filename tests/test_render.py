"""Rendering: Markdown summary and the self-contained, escaped, highlighted HTML page."""

from __future__ import annotations

import base64
import hashlib
import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest
from dossier_factory import (
    SEED_ARTICLES,
    Corpus,
    day,
    eid,
    hostile_dossier,
    read_seed,
    run_info,
    seed_dossier,
    source_in,
    statement_source,
)

from summariser.canonical import canonical_json, content_id
from summariser.render import (
    Highlight,
    highlight_text,
    load_texts,
    render_html,
    render_markdown,
    run_render_command,
)
from summariser.datamodel import Dossier, DossierEvent, DossierStatement, Evidence, Source
from summariser.formatting import md_escape

# --------------------------------------------------------------------------
# A small HTML model built with the stdlib parser
# --------------------------------------------------------------------------


@dataclass
class Mark:
    article: str | None
    start: int
    end: int
    text: str = ""


class Page(HTMLParser):
    """What the tests need from a rendered page: marks, ids, links, scripts, text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.marks: list[Mark] = []
        self.ids: set[str] = set()
        self.urls: list[str] = []
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self.csp = ""
        self.article_texts: dict[str, str] = {}
        self.text = ""
        self._article: str | None = None
        self._in_article_text = False
        self._mark: Mark | None = None
        self._raw: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {k: v or "" for k, v in attrs}
        if "id" in attr:
            self.ids.add(attr["id"])
            if attr["id"].startswith("article-"):
                self._article = attr["id"].removeprefix("article-")
        for name in ("href", "src", "action", "srcset"):
            if name in attr:
                self.urls.append(attr[name])
        if tag == "meta" and attr.get("http-equiv") == "Content-Security-Policy":
            self.csp = attr["content"]
        if tag == "div" and "article-text" in attr.get("class", "").split():
            self._in_article_text = True
            self.article_texts[self._article or "?"] = ""
        if tag == "mark":
            self._mark = Mark(self._article, int(attr["data-start"]), int(attr["data-end"]))
        if tag in ("script", "style"):
            self._raw = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "mark" and self._mark is not None:
            self.marks.append(self._mark)
            self._mark = None
        if tag == "div" and self._in_article_text and self._mark is None:
            self._in_article_text = False
        if tag == "script" and self._raw is not None:
            self.scripts.append(self._raw)
            self._raw = None
        if tag == "style" and self._raw is not None:
            self.styles.append(self._raw)
            self._raw = None

    def handle_data(self, data: str) -> None:
        if self._raw is not None:
            self._raw += data
            return
        self.text += data
        if self._mark is not None:
            self._mark.text += data
        if self._in_article_text:
            self.article_texts[self._article or "?"] += data


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    page.close()
    return page


def flat(text: str) -> str:
    return " ".join(text.split())


# --------------------------------------------------------------------------
# A small dossier from one real seed article
# --------------------------------------------------------------------------

SEED_FILE = SEED_ARTICLES["airspace"][0]


@pytest.fixture(scope="module")
def one_seed() -> tuple[Dossier, dict[str, str], str]:
    corpus = Corpus()
    text = read_seed(SEED_FILE)
    meta = corpus.add("airspace", text, "Iran Says Azerbaijan Denies Allowing Israeli Use of Airspace", outlet="Example News")

    def src(evidence: str) -> Source:
        start = text.index(evidence)  # real offsets: text[start:end] == evidence
        source = source_in(meta.id, text, evidence)
        assert (source.evidence.start, text[source.evidence.start : source.evidence.end]) == (start, evidence)
        return source

    events = [
        DossierEvent(id=content_id("ev", "strikes"), summary="Israel strikes Iranian military and nuclear facilities",
                     event_type="attack", date=day("2025-06-13", "June 13"),
                     sources=[src("Israel launched a wave of coordinated airstrikes on June 13")]),
        DossierEvent(id=content_id("ev", "call"), summary="Pezeshkian and Aliyev speak by phone", event_type="phone_call",
                     date=day("2025-06-26", "Thursday"),
                     sources=[src("a phone call between Iran’s newly elected President Masoud Pezeshkian and Azerbaijani President Ilham Aliyev")]),
    ]
    # Nested and crossing spans: the quote sits inside the sentence; the
    # dismissal crosses into the quote's start.
    quote = "the Azerbaijani government would not in any way allow its skies to be used against the friendly and brotherly country."
    statements = [
        DossierStatement(id=content_id("st", "skies"), speaker=eid("Ilham Aliyev"), speaker_name="Ilham Aliyev",
                         content=quote, kind="quote", sources=[statement_source(src(quote), "quote", quote)]),
        DossierStatement(id=content_id("st", "dismissed"), speaker=eid("Ilham Aliyev"), speaker_name="Ilham Aliyev",
                         content="Aliyev dismissed the reports", kind="paraphrase",
                         sources=[statement_source(src("President Aliyev dismissed the reports, assuring Tehran that “the Azerbaijani government"), "paraphrase", "Aliyev dismissed the reports")]),
        DossierStatement(id=content_id("st", "urged"), speaker=eid("Masoud Pezeshkian"), speaker_name="Masoud Pezeshkian",
                         content="Baku should investigate the reports", kind="paraphrase",
                         sources=[statement_source(src("The Iranian statement said President Aliyev dismissed the reports, assuring Tehran that " + "“" + quote + "”"), "paraphrase", "Baku should investigate the reports")]),
    ]
    dossier = Dossier(articles=[meta], events=events, statements=statements, run=run_info())
    return dossier, {meta.id: text}, text


# --------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------


def test_html_shows_every_event_summary_and_statement(one_seed) -> None:
    dossier, texts, _ = one_seed
    page = parse(render_html(dossier, texts))
    for event in dossier.events:
        assert event.summary in page.text
    for statement in dossier.statements:
        assert statement.content in page.text


def test_every_mark_holds_the_article_text_at_its_offsets(one_seed) -> None:
    dossier, texts, text = one_seed
    page = parse(render_html(dossier, texts))
    article_id = dossier.articles[0].id
    assert page.marks, "evidence should be highlighted"
    for mark in page.marks:
        assert mark.article == article_id
        assert mark.text == text[mark.start : mark.end]


def test_marks_cover_each_cited_span_exactly_despite_overlaps(one_seed) -> None:
    dossier, texts, text = one_seed
    page = parse(render_html(dossier, texts))
    sources = [s for item in [*dossier.events, *dossier.statements] for s in item.sources]
    for source in sources:
        ev = source.evidence
        inside = sorted((m for m in page.marks if ev.start <= m.start and m.end <= ev.end), key=lambda m: m.start)
        # Contiguous pieces from start to end whose text is the evidence.
        assert [m.start for m in inside][0] == ev.start and inside[-1].end == ev.end
        assert all(a.end == b.start for a, b in zip(inside, inside[1:]))
        assert "".join(m.text for m in inside) == ev.text
        assert f"span-{source.article_id}-{ev.start}-{ev.end}" in page.ids
    # Marks never overlap one another (flat pieces, not nested elements).
    ordered = sorted(page.marks, key=lambda m: m.start)
    assert all(a.end <= b.start for a, b in zip(ordered, ordered[1:]))


def test_article_text_survives_highlighting_unchanged(one_seed) -> None:
    dossier, texts, text = one_seed
    page = parse(render_html(dossier, texts))
    assert page.article_texts[dossier.articles[0].id] == text


def test_every_internal_link_has_a_target(one_seed) -> None:
    dossier, texts, _ = one_seed
    page = parse(render_html(dossier, texts))
    fragments = [url[1:] for url in page.urls if url.startswith("#")]
    assert fragments
    assert [f for f in fragments if f not in page.ids] == []


def test_seed_dossier_marks_and_links_hold(tmp_path: Path) -> None:
    dossier, texts = seed_dossier()
    html = render_html(dossier, texts)
    page = parse(html)
    for mark in page.marks:
        assert mark.text == texts[mark.article][mark.start : mark.end]
    for event in dossier.events:
        assert event.summary in page.text
    assert [u for u in page.urls if u.startswith("#") and u[1:] not in page.ids] == []
    assert html == render_html(dossier, texts), "same input must give byte-identical HTML"


def test_hostile_article_text_is_escaped_and_cannot_run() -> None:
    dossier, texts = hostile_dossier()
    html = render_html(dossier, texts)
    page = parse(html)
    assert len(page.scripts) == 1, "only our own script element may exist"
    assert "alert" not in page.scripts[0]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert" not in html
    assert "<img" not in html and "<b>" not in html and "<i>" not in html
    assert "<script>alert(1)</script>" in page.text  # shown as text, to the reader
    assert 'Evil <b>title</b> "quoted"' in page.text
    [mark] = [m for m in page.marks if m.text == "<script>alert(1)</script>"]
    assert texts[mark.article][mark.start : mark.end] == "<script>alert(1)</script>"


def test_page_loads_nothing_from_the_network() -> None:
    for dossier, texts in (seed_dossier(), hostile_dossier()):
        page = parse(render_html(dossier, texts))
        external = [u for u in page.urls if re.match(r"\s*(https?:)?//", u, re.I) or not u.startswith("#")]
        assert external == []
        assert "default-src 'none'" in page.csp


def test_csp_admits_exactly_our_inline_script_and_style(one_seed) -> None:
    dossier, texts, _ = one_seed
    page = parse(render_html(dossier, texts))

    def digest(content: str) -> str:
        return "'sha256-" + base64.b64encode(hashlib.sha256(content.encode()).digest()).decode() + "'"

    [script], [style] = page.scripts, page.styles
    assert f"script-src {digest(script)}" in page.csp
    assert f"style-src {digest(style)}" in page.csp
    assert "unsafe-inline" not in page.csp


def test_source_with_wrong_offsets_is_flagged_not_highlighted(one_seed) -> None:
    dossier, texts, text = one_seed
    wrong = Source(article_id=dossier.articles[0].id, evidence=Evidence(text="not at these offsets", start=0, end=20))
    assert text[0:20] != wrong.evidence.text
    event = dossier.events[0].model_copy(update={"sources": [wrong]})
    broken = dossier.model_copy(update={"events": [event], "statements": []})
    html = render_html(broken, texts)
    page = parse(html)
    assert page.marks == []
    assert "offsets do not match the article text" in page.text
    assert "⚠ offsets do not match the article text" in render_markdown(broken, texts)


def test_missing_article_text_renders_without_highlights(one_seed) -> None:
    dossier, _, _ = one_seed
    page = parse(render_html(dossier, {}))
    assert page.marks == []
    assert "Article text not available" in page.text
    assert all(event.summary in page.text for event in dossier.events)


def test_highlight_text_handles_crossing_spans() -> None:
    text = "abcdefghij<&>"
    html = highlight_text(text, "a1", [Highlight(0, 6, ("x",)), Highlight(3, 9, ("y",)), Highlight(10, 13, ("z",))])
    page = parse(f'<div id="article-a1"><div class="article-text">{html}</div></div>')
    assert [(m.start, m.end, m.text) for m in page.marks] == [(0, 3, "abc"), (3, 6, "def"), (6, 9, "ghi"), (10, 13, "<&>")]
    assert page.article_texts["a1"] == text
    assert 'class="d2"' in html  # the overlap is drawn darker


def test_highlight_text_ignores_out_of_range_spans() -> None:
    html = highlight_text("short", "a1", [Highlight(2, 99, ("x",))])
    assert "<mark" not in html and str(html) == "short"


# --------------------------------------------------------------------------
# Markdown
# --------------------------------------------------------------------------


def test_markdown_contains_every_event_and_statement() -> None:
    dossier, texts = seed_dossier()
    md = render_markdown(dossier, texts)
    for event in dossier.events:
        assert md_escape(event.summary) in md
        assert event.id in md
    for statement in dossier.statements:
        assert md_escape(statement.content) in md
    for stance in dossier.stances:
        assert md_escape(stance.topic) in md
    for dispute in dossier.disputes:
        assert md_escape(dispute.topic) in md
    assert "⚠" not in md, "every seed source is grounded"
    assert md == render_markdown(dossier, texts)


def test_markdown_orders_the_timeline_by_date_with_undated_last() -> None:
    dossier, _ = seed_dossier()
    md = render_markdown(dossier)
    timeline = md.split("## Timeline", 1)[1].split("\n## ", 1)[0]
    dates = re.findall(r"^- \*\*(\d{4}(?:-\d\d){0,2})", timeline, re.M)
    assert dates == sorted(dates) and len(dates) == 7
    assert timeline.rstrip().splitlines()[-3].startswith("- **undated**")


# --------------------------------------------------------------------------
# Command and text loading
# --------------------------------------------------------------------------


def test_load_texts_uses_only_files_matching_the_content_hash(tmp_path: Path, one_seed) -> None:
    dossier, _, text = one_seed
    article_file = tmp_path / "a.txt"
    article_file.write_text(text, encoding="utf-8")
    meta = dossier.articles[0].model_copy(update={"paths": ["a.txt"]})
    moved = dossier.model_copy(update={"articles": [meta]})
    assert load_texts(moved, tmp_path) == {meta.id: text}
    article_file.write_text(text + "edited", encoding="utf-8")
    assert load_texts(moved, tmp_path) == {}


def test_run_render_command_writes_html_and_markdown(tmp_path: Path, one_seed, capsys) -> None:
    dossier, _, text = one_seed
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    meta = dossier.articles[0].model_copy(update={"paths": ["a.txt"]})
    path = tmp_path / "dossier.json"
    path.write_text(canonical_json(dossier.model_copy(update={"articles": [meta]})), encoding="utf-8")

    assert run_render_command(path, "html", tmp_path / "out.html") == 0
    page = parse((tmp_path / "out.html").read_text(encoding="utf-8"))
    assert page.marks, "texts are found next to the dossier and highlighted"

    assert run_render_command(path, "md") == 0
    assert capsys.readouterr().out.startswith("# Dossier\n")


def test_run_render_command_exit_2_on_invalid_dossier(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("[]", encoding="utf-8")
    assert run_render_command(bad, "html") == 2
    err = capsys.readouterr().err
    assert err.startswith("summarise render: ") and err.count("\n") == 1


# --------------------------------------------------------------------------
# A statement's source, cue and content are shown apart
# --------------------------------------------------------------------------

PARTS_TEXT = "In Baku, Aliyev said the drills were a provocation."


def _span(text: str, wanted: str) -> Evidence:
    start = text.index(wanted)
    return Evidence(text=wanted, start=start, end=start + len(wanted))


def test_statement_parts_cut_the_evidence_into_source_cue_and_content():
    from summariser.datamodel import StatementSource
    from summariser.render import statement_parts

    source = StatementSource(
        article_id="a1", evidence=_span(PARTS_TEXT, PARTS_TEXT), kind="paraphrase", content="the drills were a provocation",
        source_span=_span(PARTS_TEXT, "Aliyev"), cue_span=_span(PARTS_TEXT, "said"),
        content_span=_span(PARTS_TEXT, "the drills were a provocation"),
    )
    parts = statement_parts(source)
    assert "".join(text for text, _ in parts) == PARTS_TEXT
    assert [(text, part) for text, part in parts if part] == [
        ("Aliyev", "source"), ("said", "cue"), ("the drills were a provocation", "content"),
    ]
    plain = StatementSource(article_id="a1", evidence=_span(PARTS_TEXT, PARTS_TEXT), kind="paraphrase", content="x")
    assert statement_parts(plain) == []


def test_report_marks_a_statements_parts_in_its_evidence():
    dossier, texts = seed_dossier()
    statement = dossier.statements[0]
    src = statement.sources[0]
    words = src.evidence.text.split()
    cue_at = src.evidence.text.index(words[1])
    cue = Evidence(text=words[1], start=src.evidence.start + cue_at, end=src.evidence.start + cue_at + len(words[1]))
    marked = src.model_copy(update={"cue_span": cue})
    dossier = dossier.model_copy(update={"statements": [statement.model_copy(update={"sources": [marked, *statement.sources[1:]]}), *dossier.statements[1:]]})
    page = render_html(dossier, texts)
    assert f'<span class="part-cue" title="cue">{html.escape(words[1])}</span>' in page
