"""Inputs and outputs lose nothing: every article is read as an article, every
unreadable input is reported, outputs never become inputs, and the files a run
writes survive kills, full disks and corrupted caches as documented."""

from __future__ import annotations

import errno
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summariser import cache as cache_module
from summariser import dossier_io, pipeline
from summariser.articles import ArticleError, find_article_files, load_article
from summariser.backends import Meter
from summariser.cache import ExtractionCache, cache_key
from summariser.cli import app
from summariser.datamodel import ArticleExtraction
from summariser.dossier_io import atomic_write_text
from summariser.pipeline import RunOptions, run
from summariser.prepass import split_sentences

ROOT = Path(__file__).resolve().parents[1]


class NoModel:
    """What run() needs of a backend when extraction itself is replaced."""

    model_id = "no-model"

    def __init__(self) -> None:
        self.meter = Meter()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None


def empty_extraction(article, backend, settings) -> ArticleExtraction:
    return ArticleExtraction(article=article.meta, model=backend.model_id, prompt_version="p-test")


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


BODY = "Anna Berg said on Monday that the talks in Vienna would go on next week despite the protests"


# --------------------------------------------------------------------------
# An article of one line is an article
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        BODY,  # one line, no full stop
        BODY + ".",  # one line, a sentence
        "Anna Berg said the talks would go on.",  # one short sentence
        BODY + ". Tomas Varga said he doubted it. " * 3,  # a long article saved without line breaks
        "\n\n   " + BODY + "   \n\n",  # one line between blank lines
    ],
)
def test_an_article_of_one_line_is_all_body(tmp_path, text):
    article = load_article(write(tmp_path / "a.txt", text))
    assert article.meta.title == "", "the only line is the body, not a headline"
    assert article.excluded == ()
    sentences = split_sentences(article)
    assert sentences and "Anna Berg said" in sentences[0].text


def test_a_headline_followed_by_text_is_still_a_headline(tmp_path):
    article = load_article(write(tmp_path / "a.txt", "Talks in Vienna go on\n\n" + BODY + ".\n"))
    assert article.meta.title == "Talks in Vienna go on"
    assert [s.text for s in split_sentences(article)] == [BODY + "."]


@pytest.mark.parametrize(
    "files",
    [
        {"a.txt": "Talks in Vienna go on\nBy Anna Berg\nJune 13, 2025\n"},  # headline, byline, dateline
        {"a.txt": "Talks in Vienna go on", "a.meta.json": json.dumps({"title": "Talks in Vienna go on"})},
        {"a.md": "---\ntitle: Talks in Vienna go on\n---\nTalks in Vienna go on\n"},
    ],
)
def test_a_headline_only_article_is_reported_as_such(tmp_path, files):
    # (A single line with no title given is an article of one line: see above.)
    for name, text in files.items():
        write(tmp_path / name, text)
    (article_file,) = [tmp_path / n for n in files if not n.endswith(".meta.json")]
    with pytest.raises(ArticleError) as raised:
        load_article(article_file)
    assert "only a headline" in raised.value.problem


def test_a_headline_only_article_fails_and_is_not_cached(tmp_path, monkeypatch):
    asked = []

    def extract(article, backend, settings):
        asked.append(article.meta.paths[0])
        return empty_extraction(article, backend, settings)

    monkeypatch.setattr(pipeline, "extract_article", extract)
    headline = write(tmp_path / "in" / "headline.txt", "Talks in Vienna go on\nJune 13, 2025\n")
    one_line = write(tmp_path / "in" / "one-line.txt", BODY)
    with ExtractionCache(tmp_path / "cache") as cache:
        result = run([tmp_path / "in"], NoModel(), RunOptions(output=tmp_path / "out" / "d.json"), cache=cache)
        statuses = {Path(o.label).name: o.status for o in result.outcomes}
        assert statuses == {"headline.txt": "failed", "one-line.txt": "extracted"}
        assert asked == [str(one_line)], "nothing is asked about a headline"
        failed = next(o for o in result.outcomes if o.status == "failed")
        assert failed.label == str(headline) and "only a headline" in failed.error
        assert len(cache._cache) == 1, "only the real article was cached"
