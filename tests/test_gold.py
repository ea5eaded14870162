"""The hand-made gold for the seed articles: parses, matches the seeds, and
every evidence span is exactly the article text at its offsets."""

from __future__ import annotations

from pathlib import Path

import pytest

from summariser.canonical import sha256_text
from summariser.evaluate import (
    SCORE_NAMES,
    GoldArticle,
    evaluate,
    load_gold,
    load_gold_texts,
    names_match,
    read_article_text,
    share_inside,
)
from summariser.datamodel import ArticleExtraction, ArticleMeta, Event

ROOT = Path(__file__).resolve().parents[1]
GOLD_DIR = ROOT / "seeds" / "gold"
SEEDS = sorted((ROOT / "seeds").glob("*.txt"))
GOLD = load_gold(GOLD_DIR)
BY_FILE = {g.article_file: g for g in GOLD}


def _text(article: GoldArticle) -> str:
    return read_article_text(ROOT / article.article_file)


def test_one_gold_file_per_seed():
    assert len(SEEDS) == 5
    assert sorted(p.stem for p in GOLD_DIR.glob("*.json")) == [p.stem for p in SEEDS]
    assert sorted(BY_FILE) == [f"seeds/{p.name}" for p in SEEDS]


@pytest.mark.parametrize("path", sorted(GOLD_DIR.glob("*.json")), ids=lambda p: p.stem)
def test_gold_file_parses_and_names_its_seed(path):
    article = GoldArticle.model_validate_json(path.read_text(encoding="utf-8"))
    assert Path(article.article_file).stem == path.stem


@pytest.mark.parametrize("article", GOLD, ids=lambda g: Path(g.article_file).stem)
def test_content_hash_matches_seed(article):
    assert sha256_text(_text(article)) == article.content_hash


@pytest.mark.parametrize("article", GOLD, ids=lambda g: Path(g.article_file).stem)
def test_every_evidence_span_is_the_article_text(article):
    text = _text(article)
    spans = article.all_evidence()
    assert spans, "gold with no evidence at all"
    bad = [(e.start, e.end, e.text[:60]) for e in spans if text[e.start : e.end] != e.text]
    assert bad == []


@pytest.mark.parametrize("article", GOLD, ids=lambda g: Path(g.article_file).stem)
def test_every_article_has_every_kind(article):
    assert article.statements and article.events and article.stances


@pytest.mark.parametrize("article", GOLD, ids=lambda g: Path(g.article_file).stem)
def test_no_gold_item_lies_in_an_unscored_span(article):
    # Headlines and captions are unscored, so nothing may be annotated there.
    items = [*article.statements, *article.events, *article.stances]
    inside = [i.evidence.text[:60] for i in items if article.unscored and share_inside(i.evidence, article.unscored) > 0]
    assert inside == []


@pytest.mark.parametrize("article", GOLD, ids=lambda g: Path(g.article_file).stem)
def test_statement_evidence_is_whole_sentences(article):
    # Annotation rule: a statement's evidence is the sentence with the speech act.
    text = _text(article)
    for s in article.statements:
        before = text[: s.evidence.start].rstrip(" \u00a0")
        assert before == "" or before[-1] in ".\n”:", s.evidence.text[:60]
        assert s.evidence.text.rstrip("”\"").endswith((".", "?")) or text[s.evidence.end] == "\n", s.evidence.text[-40:]


@pytest.mark.parametrize("article", GOLD, ids=lambda g: Path(g.article_file).stem)
def test_stances_have_distinct_holder_and_target(article):
    assert [s for s in article.stances if names_match(s.holder, s.target)] == []


@pytest.mark.parametrize("article", GOLD, ids=lambda g: Path(g.article_file).stem)
def test_no_duplicate_gold_items(article):
    statement_keys = [(s.speaker, s.content, s.evidence.start) for s in article.statements]
    event_keys = [(e.event_type, e.evidence.start, e.evidence.end) for e in article.events]
    stance_keys = [(s.holder, s.target, s.polarity, s.evidence.start) for s in article.stances]
    for keys in (statement_keys, event_keys, stance_keys):
        assert len(keys) == len(set(keys))


def test_boilerplate_is_not_annotated():
    furniture = ("Exit mobile version", "Most Popular", "Your Comment", "Post a Comment", "Read more:", "Related Stories", "mailpoet_form")
    for article in GOLD:
        for item in [*article.statements, *article.events, *article.stances]:
            assert not any(f in item.evidence.text for f in furniture), item.evidence.text[:60]


def test_gold_scored_against_itself_is_perfect():
    texts = load_gold_texts(GOLD, ROOT)
    predictions = [
        ArticleExtraction(
            article=ArticleMeta(id=f"g{i}", title="t", paths=[g.article_file], content_hash=g.content_hash, chars=1),
            statements=g.statements,
            events=[Event(**e.model_dump(exclude={"mentions"})) for e in g.events],
            stances=g.stances,
            model="gold",
            prompt_version="gold",
        )
        for i, g in enumerate(GOLD)
    ]
    report = evaluate(predictions, GOLD, texts)
    assert all(report.scores[name].f1 == 1.0 for name in SCORE_NAMES)
    assert report.grounding.rate == 1.0
    assert report.agreement.stance_direction.rate == 1.0
