"""Inputs and outputs lose nothing: every article is read as an article, every
unreadable input is reported, outputs never become inputs, and the files a run
writes survive kills, full disks and corrupted caches as documented."""

from __future__ import annotations

import errno
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summariser import pipeline
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


def empty_extraction(article, backend, settings, runner=None) -> ArticleExtraction:
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


def test_a_first_paragraph_without_a_full_stop_is_body_not_a_headline(tmp_path):
    paragraph = (BODY + ", and ") * 4 + "the delegations said they would meet again"
    assert len(paragraph) > 300
    article = load_article(write(tmp_path / "a.txt", paragraph + "\n\nTomas Varga said he doubted it.\n"))
    assert article.meta.title == ""
    texts = [s.text for s in split_sentences(article)]
    assert texts[0].startswith("Anna Berg said") and texts[-1] == "Tomas Varga said he doubted it."


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

    def extract(article, backend, settings, runner=None):
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
        assert len(cache) == 1, "only the real article was cached"


# --------------------------------------------------------------------------
# Unreadable inputs are reported; the others go on
# --------------------------------------------------------------------------

ARTICLE = "Talks in Vienna\n\n{who} said the talks would go on.\n"


def articles_in(folder: Path, *names: str) -> list[Path]:
    return [write(folder / name, ARTICLE.format(who=f"Anna Berg of {name}")) for name in names]


def run_quietly(paths, tmp_path, monkeypatch, **options):
    monkeypatch.setattr(pipeline, "extract_article", empty_extraction)
    return run(paths, NoModel(), RunOptions(output=tmp_path / "out" / "d.json", **options))


def statuses(result) -> dict[str, str]:
    return {o.label: o.status for o in result.outcomes}


@pytest.fixture
def locked(monkeypatch):
    """chmod 000 a path for the test, and give access back afterwards.

    As root chmod denies nothing, so there the denial is simulated the way
    the kernel applies it to anyone else: a locked folder cannot be listed
    and nothing inside it can be looked at; a locked file cannot be read.
    """
    paths: list[Path] = []
    if os.geteuid() == 0:
        _simulate_denial(monkeypatch, paths)

    def lock(path: Path) -> Path:
        paths.append(path)
        if os.geteuid() != 0:
            path.chmod(0)
        return path

    yield lock
    if os.geteuid() != 0:
        for path in paths:
            path.chmod(0o755)


def _simulate_denial(monkeypatch, paths: list[Path]) -> None:
    def denied(path, *, inside_only: bool) -> bool:
        path = Path(os.path.abspath(path))
        return any(p in path.parents or (not inside_only and p == path) for p in paths)

    def refuse(path):
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    real_stat, real_scandir, real_read_bytes = os.stat, os.scandir, Path.read_bytes

    def stat(path, *args, **kwargs):
        if isinstance(path, (str, os.PathLike)) and denied(path, inside_only=True):
            refuse(path)
        return real_stat(path, *args, **kwargs)

    def scandir(path="."):
        if denied(path, inside_only=False):
            refuse(path)
        return real_scandir(path)

    def read_bytes(self):
        if denied(self, inside_only=False):
            refuse(self)
        return real_read_bytes(self)

    monkeypatch.setattr(os, "stat", stat)
    monkeypatch.setattr(os, "scandir", scandir)
    monkeypatch.setattr(Path, "read_bytes", read_bytes)


def test_an_unreadable_subfolder_is_reported_and_the_rest_is_read(tmp_path, monkeypatch):
    inside = tmp_path / "in"
    kept = articles_in(inside, "a.txt", "deeper/b.txt")
    articles_in(inside, "locked/c.txt")
    real_scandir = os.scandir

    def scandir(path="."):
        if Path(path).name == "locked":
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    found, errors = find_article_files([inside])
    assert found == kept
    assert [(Path(e.path).name, e.problem) for e in errors] == [("locked", "cannot read (Permission denied)")]


def test_unreadable_files_and_folders_fail_alone(tmp_path, monkeypatch, locked):
    inside = tmp_path / "in"
    readable = articles_in(inside, "a.txt", "deeper/b.txt")
    locked_file = locked(articles_in(inside, "c.txt")[0])
    articles_in(inside, "sub/d.txt")
    locked_sub = locked(inside / "sub")
    elsewhere = articles_in(tmp_path / "closed", "e.txt")[0]
    named = articles_in(tmp_path / "named", "f.txt")[0]
    locked(tmp_path / "closed")
    locked(named)
    result = run_quietly([inside, elsewhere, named], tmp_path, monkeypatch)
    got = statuses(result)
    assert {str(p): "extracted" for p in readable}.items() <= got.items()
    for path in (locked_file, locked_sub, elsewhere, named):
        assert got.get(str(path)) == "failed", path
        assert "Permission denied" in next(o.error for o in result.outcomes if o.label == str(path))
    assert result.dossier_written


def test_an_unreadable_named_folder_is_not_called_empty(tmp_path, monkeypatch, locked):
    folder = locked(articles_in(tmp_path / "in", "a.txt")[0].parent)
    other = articles_in(tmp_path / "other", "b.txt")
    result = run_quietly([folder, *other], tmp_path, monkeypatch)
    (failure,) = result.failures
    assert failure.label == str(folder) and "Permission denied" in failure.error
    assert statuses(result)[str(other[0])] == "extracted"


# --------------------------------------------------------------------------
# Metadata is part of the cache key
# --------------------------------------------------------------------------

KEY_ARGS = ("model", {"temperature": 0.0})


@pytest.mark.parametrize(
    "sidecar_before, sidecar_after",
    [
        ({"title": "Talks go on"}, {"title": "Talks collapse"}),
        ({"published": "2025-06-13"}, {"published": "2025-06-14"}),
        ({"outlet": "The Herald"}, {"outlet": "The Courier"}),
        (None, {"title": "Talks go on"}),
    ],
)
def test_a_sidecar_change_is_a_cache_miss(tmp_path, sidecar_before, sidecar_after):
    path = articles_in(tmp_path, "a.txt")[0]
    keys = []
    for sidecar in (sidecar_before, sidecar_after):
        meta = tmp_path / "a.meta.json"
        meta.unlink(missing_ok=True)
        if sidecar is not None:
            write(meta, json.dumps(sidecar))
        keys.append(cache_key(load_article(path), *KEY_ARGS))
    assert keys[0] != keys[1]


def test_front_matter_is_part_of_the_cache_key(tmp_path):
    body = "Anna Berg said the talks would go on.\n"
    a = load_article(write(tmp_path / "a.md", "---\npublished: 2025-06-13\n---\n" + body))
    b = load_article(write(tmp_path / "b.md", "---\npublished: 2025-06-14\n---\n" + body))
    assert a.id == b.id, "the same article"
    assert cache_key(a, *KEY_ARGS) != cache_key(b, *KEY_ARGS)


def test_a_run_after_a_sidecar_change_extracts_again(tmp_path, monkeypatch):
    path = articles_in(tmp_path / "in", "a.txt")[0]
    monkeypatch.setattr(pipeline, "extract_article", empty_extraction)
    seen = []
    for title in ("Talks go on", "Talks go on", "Talks collapse"):
        write(tmp_path / "in" / "a.meta.json", json.dumps({"title": title}))
        with ExtractionCache(tmp_path / "cache") as cache:
            result = run([path], NoModel(), RunOptions(output=tmp_path / "d.json"), cache=cache)
        seen.append(result.outcomes[0].status)
    assert seen == ["extracted", "cached", "extracted"]


# --------------------------------------------------------------------------
# Outputs: never over an input, never read back, the user's umask, no temp files
# --------------------------------------------------------------------------

RECORDED = ROOT / "tests" / "fixtures" / "recorded" / "qwen2.5-coder-1.5b"


def cli_run(monkeypatch, *args: str):
    """`summarise run ... --replay` with extraction replaced (no model, no parse)."""
    monkeypatch.setattr(pipeline, "extract_article", empty_extraction)
    return CliRunner().invoke(app, ["run", *args, "--replay", str(RECORDED)])


@pytest.mark.parametrize("named", [True, False])
def test_the_dossier_is_never_written_over_an_input_article(tmp_path, monkeypatch, named):
    folder = tmp_path / "in"
    a, b = articles_in(folder, "a.txt", "b.txt")
    before = b.read_bytes()
    inputs = [str(a), str(b)] if named else [str(folder)]
    result = cli_run(monkeypatch, *inputs, "-o", str(b), "--no-cache")
    assert result.exit_code == 2
    assert f"-o {b} is an input article" in result.output
    assert b.read_bytes() == before


def test_a_dossier_written_inside_the_input_folder_is_not_read_back(tmp_path, monkeypatch):
    folder = tmp_path / "in"
    articles_in(folder, "a.txt", "b.txt")
    out = folder / "dossier.md"  # an article suffix: without care, the next run reads it
    for _ in range(2):
        result = cli_run(monkeypatch, str(folder), "-o", str(out), "--no-cache", "--extractions", str(folder / "x"))
        assert result.exit_code == 0, result.output
        assert "2 articles: 0 cached, 2 extracted, 0 failed" in result.output
    assert json.loads(out.read_text())["articles"]


def test_outputs_are_never_articles(tmp_path):
    folder = tmp_path / "in"
    (a,) = articles_in(folder, "a.txt")
    outputs = (folder / "d.html", folder / "extractions", folder / "records")
    for made in (folder / "d.html", folder / "extractions" / "x.md", folder / "records" / "y.txt"):
        write(made, "Anna Berg said the talks would go on.")
    found, errors = find_article_files([folder], skip=outputs)
    assert (found, errors) == ([a], [])


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_outputs_get_the_users_umask(tmp_path, umask, mode):
    previous = os.umask(umask)
    try:
        atomic_write_text(tmp_path / "d.json", "{}\n")
        atomic_write_text(tmp_path / "x" / "e.json", "{}\n")
    finally:
        os.umask(previous)
    assert (tmp_path / "d.json").stat().st_mode & 0o777 == mode
    assert (tmp_path / "x" / "e.json").stat().st_mode & 0o777 == mode


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_temp_files_of_a_killed_writer_are_removed_on_the_next_write(tmp_path):
    orphan = write(tmp_path / f".d.json.{dead_pid()}-0123abcd.tmp", "half a dossier")
    live = write(tmp_path / f".d.json.{os.getppid()}-0123abcd.tmp", "another process, still writing")
    other = write(tmp_path / f".e.json.{dead_pid()}-0123abcd.tmp", "another file's")
    atomic_write_text(tmp_path / "d.json", "{}\n")
    assert not orphan.exists()
    assert live.exists() and other.exists()
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == ["d.json"]


KILLED_MID_WRITE = """
import os, signal, sys
from summariser import cli, pipeline
from summariser.datamodel import ArticleExtraction

def extract(article, backend, settings, runner=None):
    return ArticleExtraction(article=article.meta, model=backend.model_id, prompt_version="p-test")

real_fsync = os.fsync

def fsync(fd):
    os.kill(os.getpid(), signal.SIGTERM)  # `kill PID` while an output is half written
    real_fsync(fd)

pipeline.extract_article = extract
os.fsync = fsync
cli.main(sys.argv[1:])
"""


def test_sigterm_stops_like_ctrl_c_and_leaves_no_temp_file(tmp_path):
    folder = tmp_path / "in"
    articles_in(folder, "a.txt")
    out = tmp_path / "out"
    write(out / "d.json", "the previous dossier")
    done = subprocess.run(
        [sys.executable, "-c", KILLED_MID_WRITE, "run", str(folder), "-o", str(out / "d.json"), "--no-cache",
         "--replay", str(RECORDED)],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
    )
    assert done.returncode == 130, done.stderr
    assert "interrupted: finished articles are cached" in done.stderr
    assert [p.name for p in out.rglob("*") if p.is_file()] == ["d.json"]
    assert (out / "d.json").read_text() == "the previous dossier"


# --------------------------------------------------------------------------
# A damaged cache is set aside; a full disk is one clear message
# --------------------------------------------------------------------------


def damage_by_garbage(folder: Path) -> None:
    write(folder / "cache.db", "").write_bytes(os.urandom(4096))


def damage_pages(folder: Path) -> None:
    with ExtractionCache(folder) as cache:
        for i in range(200):
            cache._cache.set(f"k{i}", "x" * 3000)
    data = bytearray((folder / "cache.db").read_bytes())
    data[4096:-4096] = bytes(len(data) - 8192)
    (folder / "cache.db").write_bytes(bytes(data))


@pytest.mark.parametrize("damage", [damage_by_garbage, damage_pages])
def test_a_damaged_cache_is_moved_aside_and_replaced(tmp_path, damage):
    folder = tmp_path / "cache"
    damage(folder)
    damaged = (folder / "cache.db").read_bytes()
    article = load_article(articles_in(tmp_path / "in", "a.txt")[0])
    with ExtractionCache(folder) as cache:
        (notice,) = cache.notices
        (aside,) = [p for p in tmp_path.iterdir() if p.name.startswith("cache.damaged-")]
        assert f"moved it to {aside}" in notice and str(folder) in notice
        assert (aside / "cache.db").read_bytes() == damaged, "nothing is deleted"
        extraction = empty_extraction(article, NoModel(), None)
        cache.set("k", extraction)
        assert cache.get("k", article) == extraction


def test_a_cache_that_breaks_during_the_run_is_set_aside_and_the_run_goes_on(tmp_path, monkeypatch):
    article = load_article(articles_in(tmp_path / "in", "a.txt")[0])
    with ExtractionCache(tmp_path / "cache") as cache:
        def broken(*args, **kwargs):
            raise sqlite3.DatabaseError("database disk image is malformed")

        monkeypatch.setattr(cache._cache, "get", broken)
        assert cache.get("k", article) is None
        assert "was damaged (database disk image is malformed)" in cache.notices[0]
        cache.set("k", empty_extraction(article, NoModel(), None))
        assert cache.get("k", article) is not None


def test_a_run_on_a_damaged_cache_says_what_was_done_and_succeeds(tmp_path, monkeypatch):
    damage_by_garbage(tmp_path / "cache")
    articles_in(tmp_path / "in", "a.txt")
    result = cli_run(monkeypatch, str(tmp_path / "in"), "-o", str(tmp_path / "d.json"), "--cache-dir",
                     str(tmp_path / "cache"))
    assert result.exit_code == 0, result.output
    assert "warning: the cache in" in result.output and "started an empty one" in result.output


def no_space(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


def sqlite_full(*args, **kwargs):
    raise sqlite3.OperationalError("database or disk is full")


@pytest.mark.parametrize("where, fault", [
    ("dossier", no_space), ("cache", sqlite_full), ("cache", no_space),
])
def test_a_full_disk_is_one_clear_message_and_the_old_dossier_stays(tmp_path, monkeypatch, where, fault):
    articles_in(tmp_path / "in", "a.txt", "b.txt")
    out = write(tmp_path / "d.json", "the previous dossier")
    if where == "dossier":
        monkeypatch.setattr(pipeline, "atomic_write_text", fault)
    else:
        monkeypatch.setattr(ExtractionCache, "set", fault)
    result = cli_run(monkeypatch, str(tmp_path / "in"), "-o", str(out), "--cache-dir", str(tmp_path / "cache"))
    assert result.exit_code == 2
    errors = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and errors[0].startswith("error: disk full (")
    assert "free some space and run the same command again" in errors[0]
    assert out.read_text() == "the previous dossier"
