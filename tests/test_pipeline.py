"""The main job end to end on the seeds, replaying recorded model responses.

The responses under tests/fixtures/recorded/ were recorded from a real run of
the embedded Qwen2.5-Coder-1.5B-Instruct model over seeds/ (see the README
there). Replay finds a response by the exact request, so these tests also
fail when prompts or schemas change without re-recording.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from summariser.articles import load_article
from summariser.backends import ReplayBackend
from summariser.cache import ExtractionCache, cache_key
from summariser.cli import app, with_default_command
from summariser.extract import ExtractionSettings
from summariser.pipeline import RunOptions, run, summary_lines
from summariser.prompts import prompt_version
from summariser.datamodel import Dossier

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
RECORDED = ROOT / "tests" / "fixtures" / "recorded" / "qwen2.5-coder-1.5b"
MODEL = "qwen2.5-coder-1.5b"


def replay() -> ReplayBackend:
    return ReplayBackend(RECORDED, MODEL)


def run_seeds(tmp_path: Path, cache_dir: Path, articles: Path = SEEDS, name: str = "dossier.json", backend=None):
    options = RunOptions(output=tmp_path / name, extractions_dir=tmp_path / "extractions")
    with ExtractionCache(cache_dir) as cache, (backend or replay()) as backend:
        return run([articles], backend, options, cache=cache)


REPLAYED: set[str] = set()


@pytest.fixture(scope="module")
def first_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("run")
    backend = replay()
    result = run_seeds(tmp, tmp / "cache", backend=backend)
    REPLAYED.update(backend.replayed)
    return tmp, result


def test_every_recorded_response_is_still_asked_for(first_run):
    # A recorded file no request reaches is left over from an older prompt:
    # re-record the whole folder rather than keep stale fixtures.
    recorded = {p.name for p in RECORDED.glob("*.json")}
    assert REPLAYED and recorded - REPLAYED == set()


# The seeds' eval figures of the recorded run (summarise eval on its
# extractions, seeds/gold). A change to prompts, questions or rules that costs
# more than MARGIN of F1 on any kind fails here, before anyone re-records.
QUALITY_FLOOR = json.loads((RECORDED.parent / "quality-floor.json").read_text())
MARGIN = 0.02


@pytest.mark.parametrize("kind", sorted(QUALITY_FLOOR["f1"]))
def test_seed_quality_does_not_drop_below_the_recorded_run(first_run, kind):
    from summariser.evaluate import evaluate, load_gold, load_gold_texts

    _, result = first_run
    gold = load_gold(ROOT / "seeds" / "gold")
    report = evaluate([o.extraction for o in result.outcomes], gold, load_gold_texts(gold, ROOT))
    f1 = report.scores[kind].f1
    assert f1 >= QUALITY_FLOOR["f1"][kind] - MARGIN, f"{kind} F1 {f1:.3f} < recorded {QUALITY_FLOOR['f1'][kind]:.3f}"


def test_every_seed_is_extracted_from_the_recorded_model(first_run):
    _, result = first_run
    assert [o.error for o in result.failures] == []
    assert result.count("extracted") == 5
    for outcome in result.outcomes:
        usage = outcome.extraction.usage
        assert usage.calls >= 1 and usage.prompt_tokens > 0 and usage.completion_tokens > 0
        assert outcome.extraction.model == MODEL


def test_every_kept_item_is_grounded_in_its_article(first_run):
    tmp, result = first_run
    kept = 0
    for outcome in result.outcomes:
        text = outcome.article.text
        x = outcome.extraction
        for item in [*x.statements, *x.events, *x.stances]:
            assert text[item.evidence.start:item.evidence.end] == item.evidence.text
            kept += 1
    assert kept > 20  # the recorded run found things; an empty extraction would pass vacuously
    dossier = Dossier.model_validate_json((tmp / "dossier.json").read_text())
    texts = {o.article.id: o.article.text for o in result.outcomes}
    sources = (
        [s for e in dossier.events for s in e.sources] + [s for st in dossier.statements for s in st.sources]
    )
    assert sources
    for source in sources:
        assert texts[source.article_id][source.evidence.start:source.evidence.end] == source.evidence.text


def test_per_article_files_and_dossier_metadata(first_run):
    tmp, result = first_run
    files = sorted(p.stem for p in (tmp / "extractions").glob("*.json"))
    assert files == sorted(o.article.id for o in result.outcomes)
    dossier = json.loads((tmp / "dossier.json").read_text())
    assert dossier["run"] == {"model": MODEL, "prompt_version": prompt_version(), "schema_version": "1"}
    assert {a["id"] for a in dossier["articles"]} == set(files)


def test_run_bookkeeping_is_in_the_run_record_beside_the_dossier(first_run):
    tmp, result = first_run
    record = json.loads((tmp / "dossier.run.json").read_text())
    assert record["dossier"] == "dossier.json" and record["model"] == MODEL
    total = sum(o.extraction.usage.prompt_tokens for o in result.outcomes)
    assert record["extractions"]["prompt_tokens"] == total
    assert record["this_run"] == result.model_usage.model_dump() and record["this_run"]["calls"] > 0
    assert sorted(a["path"] for a in record["articles"]) == sorted(o.label for o in result.outcomes)
    assert {a["status"] for a in record["articles"]} == {"extracted"}
    # Nothing of it is in the dossier: no calls, tokens, timings or paths of this machine's run.
    text = (tmp / "dossier.json").read_text()
    assert all(f'"{key}":' not in text for key in ("usage", "calls", "prompt_tokens", "seconds", "status"))
    assert str(tmp) not in text


def test_the_real_model_run_merges_aliyev_and_his_denial_across_outlets(first_run):
    """What the merge makes of real model output, not of hand-built items."""
    tmp, _ = first_run
    dossier = Dossier.model_validate_json((tmp / "dossier.json").read_text())
    aliyevs = [e for e in dossier.entities if "Aliyev" in e.name]
    assert len(aliyevs) == 1, [e.name for e in aliyevs]
    (aliyev,) = aliyevs
    assert {"Aliyev", "Azerbaijani President Ilham Aliyev"} <= set(aliyev.aliases)
    denials = [
        s for s in dossier.statements
        if s.speaker == aliyev.id and len({src.article_id for src in s.sources}) == 2
        and any("airspace" in src.evidence.text for src in s.sources)
    ]
    assert len(denials) == 1
    assert {src.kind for src in denials[0].sources} == {"quote", "paraphrase"}


def test_rerun_is_fully_cached_and_byte_identical(first_run, tmp_path):
    tmp, _ = first_run
    again = run_seeds(tmp_path, tmp / "cache")
    assert again.count("cached") == 5 and again.count("extracted") == 0
    assert again.model_usage.calls == 0
    assert summary_lines(again)[0].startswith("5 articles: 5 cached, 0 extracted, 0 failed; 0 model calls")
    assert (tmp_path / "dossier.json").read_bytes() == (tmp / "dossier.json").read_bytes()
    # The run record says what this run did, which was nothing but reading the cache.
    record = json.loads((tmp_path / "dossier.run.json").read_text())
    assert record["this_run"]["calls"] == 0 and {a["status"] for a in record["articles"]} == {"cached"}


def test_article_paths_under_the_dossiers_folder_are_relative_to_it(first_run, tmp_path):
    tmp, _ = first_run
    shutil.copytree(SEEDS, tmp_path / "articles", ignore=shutil.ignore_patterns("gold"))
    result = run_seeds(tmp_path, tmp / "cache", articles=(tmp_path / "articles").resolve())
    written = Dossier.model_validate_json((tmp_path / "dossier.json").read_text())
    assert sorted(p for a in written.articles for p in a.paths) == sorted(
        f"articles/{p.name}" for p in SEEDS.glob("*.txt"))
    assert result.dossier == written
    # The same dossier as a run of the other four from a checkout elsewhere would give: no machine path in it.
    assert str(tmp_path) not in (tmp_path / "dossier.json").read_text()
    from summariser.render import load_texts

    assert len(load_texts(written, base_dir=tmp_path)) == 5  # render finds them beside the dossier


def test_the_written_dossier_renders_and_evaluates(first_run, tmp_path, capsys):
    """The file as written (review layout), read back by render and eval."""
    from summariser.evaluate import evaluate, load_gold, load_gold_texts, load_predictions
    from summariser.render import run_render_command

    tmp, _ = first_run
    html = tmp_path / "report.html"
    assert run_render_command(tmp / "dossier.json", "html", html, SEEDS.parent) == 0
    page = html.read_text(encoding="utf-8")
    assert "Ilham Aliyev" in page and page.count("<mark") >= 20  # evidence highlighted in the articles
    assert run_render_command(tmp / "dossier.json", "md") == 0
    assert "Ilham Aliyev" in capsys.readouterr().out
    predictions = load_predictions(tmp / "dossier.json")
    assert isinstance(predictions, Dossier)
    gold = load_gold(ROOT / "seeds" / "gold")
    report = evaluate(predictions, gold, load_gold_texts(gold, ROOT))
    assert report.scores["statements"].f1 > 0.3


def test_cache_key_covers_text_model_and_settings():
    article = load_article(next(SEEDS.glob("000_*.txt")))
    base = cache_key(article, MODEL, ExtractionSettings().generation())
    assert base == cache_key(article, MODEL, ExtractionSettings().generation())
    assert base != cache_key(article, "other-model", ExtractionSettings().generation())
    assert base != cache_key(article, MODEL, ExtractionSettings(attempts=3).generation())
    edited = load_article(next(SEEDS.glob("001_*.txt")))
    assert base != cache_key(edited, MODEL, ExtractionSettings().generation())


def test_an_edited_article_alone_is_extracted_again(first_run, tmp_path):
    tmp, _ = first_run
    corpus = tmp_path / "articles"
    shutil.copytree(SEEDS, corpus)
    edited = next(corpus.glob("003_*.txt"))
    edited.write_text(edited.read_text(encoding="utf-8") + "\nA new closing sentence was added by an editor.\n", encoding="utf-8")
    result = run_seeds(tmp_path, tmp / "cache", articles=corpus)
    assert result.count("cached") == 4
    # Its request was never recorded, so replay refuses it: the model was asked.
    (failure,) = result.failures
    assert failure.label.endswith(edited.name) and "no recorded response" in failure.error
    # One failed article does not sink the others: the dossier has the four.
    assert result.dossier_written and len(result.dossier.articles) == 4


def test_same_article_under_two_names_is_processed_once(first_run, tmp_path):
    tmp, _ = first_run
    corpus = tmp_path / "articles"
    corpus.mkdir()
    original = next(SEEDS.glob("002_*.txt"))
    shutil.copy(original, corpus / "a.txt")
    shutil.copy(original, corpus / "b.txt")
    result = run_seeds(tmp_path, tmp / "cache", articles=corpus)
    assert len(result.outcomes) == 1 and result.outcomes[0].status == "cached"
    (meta,) = result.dossier.articles
    assert [Path(p).name for p in meta.paths] == ["a.txt", "b.txt"]


def test_cli_runs_seeds_then_says_nothing_was_asked(tmp_path):
    runner = CliRunner()
    args = [str(SEEDS), "-o", str(tmp_path / "d.json"), "--replay", str(RECORDED), "--cache-dir", str(tmp_path / "c")]
    first = runner.invoke(app, with_default_command(args))
    assert first.exit_code == 0, first.output
    assert "5 articles: 0 cached, 5 extracted, 0 failed" in first.output
    second = runner.invoke(app, with_default_command(args))
    assert second.exit_code == 0, second.output
    assert "5 articles: 5 cached, 0 extracted, 0 failed; 0 model calls" in second.output
    assert (tmp_path / "extractions").is_dir()


def test_cli_exit_code_is_1_when_an_article_fails(tmp_path):
    corpus = tmp_path / "articles"
    shutil.copytree(SEEDS, corpus)
    (corpus / "empty.txt").write_text("")
    result = CliRunner().invoke(app, with_default_command(
        [str(corpus), "-o", str(tmp_path / "d.json"), "--replay", str(RECORDED), "--cache-dir", str(tmp_path / "c")]))
    assert result.exit_code == 1
    assert "FAILED" in result.output and "empty.txt: empty file" in result.output
    assert "Traceback" not in result.output
    assert len(Dossier.model_validate_json((tmp_path / "d.json").read_text()).articles) == 5


def test_every_statement_part_is_the_articles_text_at_its_offsets(first_run):
    """Evidence, content, source mention and cue: each exactly text[start:end],
    the parts inside the evidence, recorded from the real model run."""
    _, result = first_run
    parts_seen = 0
    for outcome in result.outcomes:
        text = outcome.article.text
        for statement in outcome.extraction.statements:
            ev = statement.evidence
            for part in (statement.content_span, statement.source_span, statement.cue_span):
                if part is None:
                    continue
                assert text[part.start:part.end] == part.text
                assert ev.start <= part.start and part.end <= ev.end
                parts_seen += 1
            assert statement.content_span is not None and statement.cue_span is not None
            assert statement.content == statement.content_span.text
    assert parts_seen > 100
