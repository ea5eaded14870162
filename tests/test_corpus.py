"""Corpus inputs: one article per row of a JSONL, CSV or Parquet file, and lists
of web pages fetched from a local HTTP server (there is no internet here).

A bad row is reported by file and row number and every other row goes on."""

from __future__ import annotations

import csv
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from fake_model import FakeModel, good
from summariser.articles import Article, ArticleError, article_id
from summariser.corpus import Columns, Fetching, articles_in
from summariser.pipeline import load_articles
from test_concurrency import story
from test_reliability import run_cli

MAX = 200_000


def jsonl(path: Path, *rows: object) -> Path:
    path.write_text("".join((row if isinstance(row, str) else json.dumps(row)) + "\n" for row in rows), encoding="utf-8")
    return path


def loaded(path: Path, **options) -> tuple[list[Article], list[ArticleError]]:
    items = list(articles_in(path, MAX, **options))
    return [i for i in items if isinstance(i, Article)], [i for i in items if isinstance(i, ArticleError)]


def test_jsonl_rows_become_articles_with_row_labels_and_bad_rows_are_named_by_row(tmp_path):
    corpus = jsonl(
        tmp_path / "corpus.jsonl",
        {"id": "wire-7", "text": story(0), "title": "Velgrad bridge", "outlet": "Wire", "published": "2024-03-05"},
        "{not json",
        "",
        {"text": story(1)},
        ["a list", "not an object"],
        {"title": "a headline and no text"},
        {"id": "has space", "text": story(2)},
    )
    # Line 8: bytes that are not UTF-8 cost that line only.
    with corpus.open("ab") as handle:
        handle.write(b'{"text": "caf\xe9"}\n')
        handle.write((json.dumps({"text": story(3)}) + "\n").encode())
    articles, errors = loaded(corpus)

    assert [a.meta.paths for a in articles] == [[f"{corpus}#wire-7"], [f"{corpus}#4"], [f"{corpus}#7"], [f"{corpus}#9"]]
    first = articles[0].meta
    assert (first.title, first.outlet, first.published) == ("Velgrad bridge", "Wire", "2024-03-05")
    assert first.id == article_id(story(0))  # the ID is the text's, wherever it comes from
    assert {e.path: e.problem.split(" (")[0] for e in errors} == {
        f"{corpus}#2": "not valid JSON",
        f"{corpus}#5": "a JSON list, not an object",
        f"{corpus}#6": "no text in column 'text'",
        f"{corpus}#8": "not UTF-8",
    }
    assert all(e.hint for e in errors)


def test_csv_with_chosen_columns_quoted_newlines_and_a_row_with_too_many_fields(tmp_path):
    corpus = tmp_path / "feed.csv"
    body0, body1 = story(0), story(1)  # several lines each, with quotation marks
    with corpus.open("w", encoding="utf-8", newline="") as handle:
        rows = csv.writer(handle)
        rows.writerow(["guid", "body", "headline"])
        rows.writerow(["g1", body0, "Velgrad talks"])
        rows.writerow(["g2", "one", "two", "three"])
        rows.writerow(["g3", body1, ""])
    articles, errors = loaded(corpus, columns=Columns.parse(["text=body", "id=guid", "title=headline"]))
    assert [(a.meta.paths, a.text, a.meta.title) for a in articles] == [
        ([f"{corpus}#g1"], body0, "Velgrad talks"),
        ([f"{corpus}#g3"], body1, "Bridge talks in Ostmark"),  # no headline given: the first line, as for files
    ]
    assert [(e.path, e.problem) for e in errors] == [(f"{corpus}#2", "4 fields, the header names 3")]


def test_a_corpus_without_its_text_column_says_how_to_name_it(tmp_path):
    corpus = tmp_path / "feed.csv"
    corpus.write_text("guid,body\ng1,Some text.\n", encoding="utf-8")
    articles, errors = loaded(corpus)
    assert articles == []
    assert len(errors) == 1 and "no 'text' column" in errors[0].problem and "--column text=NAME" in errors[0].hint


def test_column_assignments_are_checked():
    with pytest.raises(ValueError, match="FIELD=COLUMN"):
        Columns.parse(["body"])
    with pytest.raises(ValueError, match="FIELD=COLUMN"):
        Columns.parse(["txt=body"])


def test_parquet_is_read_one_row_group_at_a_time_with_rows_counted_across_groups(tmp_path, monkeypatch):
    pa = pytest.importorskip("pyarrow", reason="pyarrow (the parquet extra) is not installed")
    import pyarrow.parquet as pq

    corpus = tmp_path / "corpus.parquet"
    table = pa.table({"content": [story(0), "", story(1), story(2)], "source": ["A", "B", None, "D"],
                      "unused": ["x" * 10] * 4})
    pq.write_table(table, corpus, row_group_size=2)
    assert pq.ParquetFile(corpus).num_row_groups == 2

    groups_read = []
    real_read = pq.ParquetFile.read_row_group

    def spying(self, i, columns=None, **kwargs):
        groups_read.append((i, tuple(columns or ())))
        return real_read(self, i, columns=columns, **kwargs)

    monkeypatch.setattr(pq.ParquetFile, "read", lambda *a, **k: pytest.fail("the whole file was read at once"))
    monkeypatch.setattr(pq.ParquetFile, "read_row_group", spying)
    articles, errors = loaded(corpus, columns=Columns.parse(["text=content", "outlet=source"]))
    assert [(a.meta.paths, a.meta.outlet) for a in articles] == [
        ([f"{corpus}#1"], "A"), ([f"{corpus}#3"], None), ([f"{corpus}#4"], "D")]
    assert [e.path for e in errors] == [f"{corpus}#2"]
    # One group at a time, only the columns an article uses.
    assert groups_read == [(0, ("content", "source")), (1, ("content", "source"))]


def test_the_same_text_in_two_rows_is_one_article_under_both_labels(tmp_path):
    corpus = jsonl(tmp_path / "corpus.jsonl", {"text": story(0)}, {"text": story(1)}, {"text": story(0)})
    articles, failures = load_articles([corpus], MAX)
    assert failures == []
    assert sorted(a.meta.paths for a in articles) == [[f"{corpus}#1", f"{corpus}#3"], [f"{corpus}#2"]]


def test_a_row_over_the_length_limit_is_refused_with_the_limit(tmp_path):
    corpus = jsonl(tmp_path / "corpus.jsonl", {"text": story(0)}, {"text": "Word. " * 60})
    articles = list(articles_in(corpus, 250))
    assert isinstance(articles[0], Article)
    assert isinstance(articles[1], ArticleError) and articles[1].path == f"{corpus}#2"
    assert "over the limit of 250" in articles[1].problem and "--max-chars" in articles[1].hint


def test_a_bad_row_in_a_jsonl_corpus_fails_alone_in_a_run(tmp_path):
    corpus = jsonl(tmp_path / "corpus.jsonl", {"text": story(0)}, '{"text": "unterminated', {"text": story(1)})
    with FakeModel(good) as fake:
        ran = run_cli([corpus], tmp_path / "out" / "dossier.json", fake.base_url, tmp_path / "cache")
    assert ran.code == 1, ran.output
    assert "not valid JSON" in ran.failed_line(f"{corpus}#2")
    assert sorted(a["paths"] for a in ran.dossier()["articles"]) == [[f"{corpus}#1"], [f"{corpus}#3"]]


# --------------------------------------------------------------------------
# Web pages (.urls)
# --------------------------------------------------------------------------

PAGE = (
    "<html><head><title>Velgrad bridge to reopen</title><meta property='og:site_name' content='Velgrad Daily'></head>"
    "<body><nav>Home News</nav><article><h1>Velgrad bridge to reopen</h1>"
    f"<p>{story(0).splitlines()[2]}</p><p>{story(0).splitlines()[3]}</p><p>{story(0).splitlines()[4]}</p>"
    "</article><footer>Copyright</footer></body></html>"
)


@pytest.fixture
def pages():
    """A local web server: /article is a news page, /big is over the size limit,
    /slow answers after the timeout, anything else is a 404."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            if self.path == "/slow":
                time.sleep(2.5)
            body = {"/article": PAGE, "/big": "<p>" + "x" * 20_000 + "</p>", "/slow": PAGE, "/plain": story(1)}.get(self.path)
            data = (body or "not here").encode()
            try:
                self.send_response(200 if body else 404)
                self.send_header("Content-Type", "text/plain" if self.path == "/plain" else "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_list_of_urls_is_fetched_with_a_clear_error_per_url(tmp_path, pages):
    urls = tmp_path / "today.urls"
    urls.write_text(f"# morning list\n{pages}/article\n{pages}/missing\n\n{pages}/big\n{pages}/slow\nfile:///etc/passwd\n"
                    f"{pages}/plain\n", encoding="utf-8")
    fetching = Fetching(timeout=1, max_bytes=10_000, allow_private=True)
    articles, errors = loaded(urls, fetching=fetching)

    assert len(articles) == 2
    article, plain = articles
    assert plain.text == story(1) and plain.meta.paths == [f"{urls}#8"]  # a text page is the article as it is
    assert article.meta.paths == [f"{urls}#2"]
    assert (article.meta.title, article.meta.outlet) == ("Velgrad bridge to reopen", "Velgrad Daily")
    assert "said on Monday that the bridge in Velgrad would reopen" in article.text
    assert "Copyright" not in article.text and "Home News" not in article.text
    problems = {e.path: e.problem for e in errors}
    assert problems == {
        f"{urls}#3": f"could not fetch {pages}/missing: HTTP 404",
        f"{urls}#5": f"could not fetch {pages}/big: over the size limit of 10,000 bytes",
        f"{urls}#6": f"could not fetch {pages}/slow: no answer within 1 s",
        f"{urls}#7": "not a web address: 'file:///etc/passwd'",
    }


def test_local_addresses_are_refused_unless_allowed(tmp_path, pages):
    urls = tmp_path / "today.urls"
    urls.write_text(f"{pages}/article\n", encoding="utf-8")
    articles, errors = loaded(urls)
    assert articles == []
    assert [e.problem for e in errors] == [
        f"could not fetch {pages}/article: a private or local address (allowed only with --fetch-private)"]


def test_a_corpus_row_with_a_url_and_no_text_is_fetched(tmp_path, pages):
    corpus = jsonl(tmp_path / "links.jsonl", {"id": "v1", "url": f"{pages}/article", "outlet": "Given outlet"})
    articles, errors = loaded(corpus, fetching=Fetching(allow_private=True))
    assert errors == []
    assert [(a.meta.paths, a.meta.outlet) for a in articles] == [([f"{corpus}#v1"], "Given outlet")]


def test_text_from_a_row_is_never_read_as_console_markup(tmp_path, pages):
    urls = tmp_path / "today.urls"
    urls.write_text("[/oops] [bold]\n", encoding="utf-8")
    corpus = jsonl(tmp_path / "corpus.jsonl", {"text": story(0)})
    with FakeModel(good) as fake:
        ran = run_cli([corpus, urls], tmp_path / "out" / "dossier.json", fake.base_url, tmp_path / "cache")
    assert ran.code == 1, ran.output
    assert "not a web address: '[/oops] [bold]'" in ran.failed_line(f"{urls}#1")
    assert f"failed {urls}#1: not a web address: '[/oops] [bold]'" in ran.output  # the progress line, as written
