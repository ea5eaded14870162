"""Matching rules and arithmetic of summariser.evaluate on small hand-made cases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from summariser.canonical import canonical_json, sha256_text
from summariser.evaluate import (
    EVENTS_LENIENT,
    EVENTS_STRICT,
    STANCES,
    STANCES_NO_POLARITY,
    STATEMENTS,
    GoldArticle,
    GoldEvent,
    PredictionLoadError,
    containment,
    dates_agree,
    dossier_to_extractions,
    evaluate,
    greedy_match,
    load_predictions,
    locate_evidence,
    names_match,
    prf,
    run_eval_command,
    spans_overlap,
)
from summariser.datamodel import (
    ArticleExtraction,
    ArticleMeta,
    DateValue,
    Dossier,
    DossierEntity,
    DossierEvent,
    DossierStatement,
    Dropped,
    Event,
    Evidence,
    Participant,
    RunInfo,
    Source,
    Stance,
    StanceAssertion,
    StanceTimeline,
    Statement,
    StatementSource,
)

HEADLINE = "Baku and Tehran talk"
S_ALIYEV = "Aliyev said Baku wants peace with Iran."
S_DENY = "Iran denied the claims."
S_STRIKE = "Israel struck Iran on Monday, killing ten people."
S_TRUCE = "A ceasefire began on Tuesday."
TEXT = "\n\n".join([HEADLINE, S_ALIYEV, S_DENY, S_STRIKE, S_TRUCE]) + "\n"
FILE = "seeds/999_test.txt"


def ev(snippet: str, nth: int | None = None) -> Evidence:
    return locate_evidence(TEXT, snippet, nth)


def meta(content_hash: str = sha256_text(TEXT), paths: list[str] | None = None) -> ArticleMeta:
    return ArticleMeta(
        id="a1", title="t", paths=paths if paths is not None else [FILE], content_hash=content_hash, chars=len(TEXT)
    )


def extraction(statements=(), events=(), stances=(), dropped=(), **meta_kw) -> ArticleExtraction:
    return ArticleExtraction(
        article=meta(**meta_kw),
        statements=list(statements),
        events=list(events),
        stances=list(stances),
        dropped=list(dropped),
        model="m",
        prompt_version="p",
    )


def gold(statements=(), events=(), stances=(), unscored=()) -> GoldArticle:
    return GoldArticle(
        article_file=FILE,
        content_hash=sha256_text(TEXT),
        statements=list(statements),
        events=list(events),
        stances=list(stances),
        unscored=list(unscored),
    )


def statement(speaker: str, evidence: Evidence, kind: str = "paraphrase") -> Statement:
    return Statement(speaker=speaker, content="c", kind=kind, evidence=evidence)


def event(event_type: str, evidence: Evidence, date: str | None = None, participants=()) -> Event:
    return Event(
        summary="s",
        event_type=event_type,
        date_text=date,
        participants=[Participant(name=n) for n in participants],
        evidence=evidence,
    )


def stance(holder: str, target: str, polarity: str, evidence: Evidence, speaker: str | None = None) -> Stance:
    return Stance(holder=holder, target=target, topic="t", polarity=polarity, speaker=speaker, evidence=evidence)


def run(pred: ArticleExtraction | None, g: GoldArticle, texts=None):
    return evaluate([pred] if pred else [], [g], {FILE: TEXT} if texts is None else texts)


def counts(report, name):
    s = report.scores[name]
    return s.tp, s.fp, s.fn


# --------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "a, b",
    [
        ("Aliyev", "Ilham Aliyev"),
        ("President Aliyev", "Ilham Aliyev"),
        ("Azerbaijani President Ilham Aliyev", "Aliyev"),
        ("Baku", "Azerbaijan"),
        ("Azeri", "Azerbaijan"),
        ("the Azerbaijani government", "Azerbaijan"),
        ("Tel Aviv", "Israel"),
        ("Tehran", "Iranian"),
        ("U.S.", "United States"),
        ("Iran's Foreign Minister Hossein Amir-Abdollahian", "Amir-Abdollahian"),
        ("Iran’s", "IRAN"),
    ],
)
def test_names_that_match(a, b):
    assert names_match(a, b) and names_match(b, a)


@pytest.mark.parametrize(
    "a, b",
    [("Aliyev", "Pezeshkian"), ("Azerbaijan", "Iran"), ("Israel", "Iran"), ("Baku", "Tehran"), ("", "Iran"), (None, "Iran")],
)
def test_names_that_do_not_match(a, b):
    assert not names_match(a, b)


# --------------------------------------------------------------------------
# Spans
# --------------------------------------------------------------------------


def test_clause_inside_its_sentence_overlaps():
    assert spans_overlap(ev("Aliyev said Baku wants peace"), ev(S_ALIYEV))
    assert containment(ev("Aliyev said Baku wants peace"), ev(S_ALIYEV)) == 1.0


def test_span_clipping_a_neighbour_does_not_overlap_it():
    clipping = ev("Iran.\n\nIran denied the claims.")  # last 5 characters of S_ALIYEV + S_DENY
    assert not spans_overlap(clipping, ev(S_ALIYEV))
    assert spans_overlap(clipping, ev(S_DENY))


def test_disjoint_spans_do_not_overlap():
    assert not spans_overlap(ev(S_ALIYEV), ev(S_DENY))


# --------------------------------------------------------------------------
# P/R/F1 arithmetic
# --------------------------------------------------------------------------


def test_prf_arithmetic():
    s = prf(tp=2, fp=1, fn=3)
    assert s.precision == pytest.approx(2 / 3)
    assert s.recall == pytest.approx(2 / 5)
    assert s.f1 == pytest.approx(2 * (2 / 3) * (2 / 5) / ((2 / 3) + (2 / 5)))


def test_prf_undefined_is_none_not_zero():
    nothing = prf(0, 0, 0)
    assert (nothing.precision, nothing.recall, nothing.f1) == (None, None, None)
    no_predictions = prf(0, 0, 4)
    assert no_predictions.precision is None and no_predictions.recall == 0.0 and no_predictions.f1 is None


def test_prf_all_wrong_is_zero():
    s = prf(0, 2, 2)
    assert (s.precision, s.recall, s.f1) == (0.0, 0.0, 0.0)


# --------------------------------------------------------------------------
# One-to-one matching
# --------------------------------------------------------------------------


def test_greedy_takes_best_overlap_first_and_is_one_to_one():
    # pred 0 fits gold 0 best; pred 1 fits both but only gold 1 is left for it.
    scores = {(0, 0): 0.9, (1, 0): 0.8, (1, 1): 0.3}
    assert greedy_match(scores) == [(0, 0), (1, 1)]


def test_greedy_ties_are_deterministic():
    scores = {(1, 0): 0.5, (0, 0): 0.5, (0, 1): 0.5, (1, 1): 0.5}
    assert greedy_match(scores) == [(0, 0), (1, 1)]
    assert greedy_match(dict(reversed(list(scores.items())))) == [(0, 0), (1, 1)]


def test_duplicate_predictions_give_one_tp_and_one_fp():
    g = gold(statements=[statement("Ilham Aliyev", ev(S_ALIYEV))])
    pred = extraction(statements=[statement("Aliyev", ev(S_ALIYEV)), statement("Aliyev", ev("Aliyev said Baku wants peace"))])
    report = run(pred, g)
    assert counts(report, STATEMENTS) == (1, 1, 0)


# --------------------------------------------------------------------------
# Statements
# --------------------------------------------------------------------------


def test_statement_true_positive_with_surname_and_clause():
    g = gold(statements=[statement("Ilham Aliyev", ev(S_ALIYEV))])
    pred = extraction(statements=[statement("President Aliyev", ev("Baku wants peace with Iran"))])
    assert counts(run(pred, g), STATEMENTS) == (1, 0, 0)


def test_statement_false_positive_elsewhere():
    g = gold(statements=[statement("Ilham Aliyev", ev(S_ALIYEV))])
    pred = extraction(statements=[statement("Ilham Aliyev", ev(S_TRUCE))])
    assert counts(run(pred, g), STATEMENTS) == (0, 1, 1)


def test_statement_near_miss_right_evidence_wrong_speaker():
    g = gold(statements=[statement("Ilham Aliyev", ev(S_ALIYEV))])
    pred = extraction(statements=[statement("Pezeshkian", ev(S_ALIYEV))])
    assert counts(run(pred, g), STATEMENTS) == (0, 1, 1)


def test_statement_kind_agreement():
    g = gold(statements=[statement("Iran", ev(S_DENY), "paraphrase"), statement("Ilham Aliyev", ev(S_ALIYEV), "quote")])
    pred = extraction(statements=[statement("Iran", ev(S_DENY), "paraphrase"), statement("Aliyev", ev(S_ALIYEV), "paraphrase")])
    kind = run(pred, g).agreement.statement_kind
    assert (kind.hits, kind.total) == (1, 2)


def test_statement_addressee_agreement_counts_a_wrong_and_an_invented_addressee():
    def told(speaker: str, evidence: Evidence, addressee: str | None) -> Statement:
        return statement(speaker, evidence).model_copy(update={"addressee": addressee})

    g = gold(statements=[told("Iran", ev(S_DENY), None), told("Ilham Aliyev", ev(S_ALIYEV), "Masoud Pezeshkian"),
                         told("Israel", ev(S_TRUCE), "Iran")])
    pred = extraction(statements=[told("Iran", ev(S_DENY), "Azerbaijan"),  # invented
                                  told("Aliyev", ev(S_ALIYEV), "Pezeshkian"),  # same actor
                                  told("Israel", ev(S_TRUCE), None)])  # missed
    addressee = run(pred, g).agreement.statement_addressee
    assert (addressee.hits, addressee.total) == (1, 3)


# --------------------------------------------------------------------------
# Events
# --------------------------------------------------------------------------


def test_event_type_decides_strict_not_lenient():
    g = gold(events=[GoldEvent(summary="s", event_type="attack", evidence=ev(S_STRIKE))])
    pred = extraction(events=[event("military_activity", ev(S_STRIKE))])
    report = run(pred, g)
    assert counts(report, EVENTS_LENIENT) == (1, 0, 0)
    assert counts(report, EVENTS_STRICT) == (0, 1, 1)
    assert report.agreement.event_type.rate == 0.0


def test_overlapping_but_different_events_pair_by_best_overlap():
    attack = GoldEvent(summary="s", event_type="attack", evidence=ev("Israel struck Iran on Monday"))
    deaths = GoldEvent(summary="s", event_type="casualties", evidence=ev("killing ten people"))
    g = gold(events=[attack, deaths])
    # The whole-sentence attack overlaps both gold events; the exact casualty
    # clause fits "deaths" best and takes it first, leaving "attack".
    pred = extraction(events=[event("attack", ev(S_STRIKE)), event("casualties", ev("killing ten people"))])
    report = run(pred, g)
    assert counts(report, EVENTS_LENIENT) == (2, 0, 0)
    assert counts(report, EVENTS_STRICT) == (2, 0, 0)


def test_one_prediction_cannot_cover_two_gold_events():
    attack = GoldEvent(summary="s", event_type="attack", evidence=ev("Israel struck Iran on Monday"))
    deaths = GoldEvent(summary="s", event_type="casualties", evidence=ev("killing ten people"))
    pred = extraction(events=[event("attack", ev(S_STRIKE))])
    assert counts(run(pred, gold(events=[attack, deaths])), EVENTS_LENIENT) == (1, 0, 1)


def test_event_matches_a_further_mention():
    truce = GoldEvent(summary="s", event_type="ceasefire", evidence=ev(S_TRUCE), mentions=[ev("Baku and Tehran talk")])
    pred = extraction(events=[event("ceasefire", ev("Baku and Tehran talk"))])
    assert counts(run(pred, gold(events=[truce])), EVENTS_STRICT) == (1, 0, 0)


def test_event_date_and_participant_agreement():
    g = gold(
        events=[
            GoldEvent(
                summary="s",
                event_type="attack",
                date_text="Monday",
                participants=[Participant(name="Israel"), Participant(name="Iran")],
                evidence=ev(S_STRIKE),
            ),
            GoldEvent(summary="s", event_type="ceasefire", date_text="Tuesday", evidence=ev(S_TRUCE)),
        ]
    )
    pred = extraction(
        events=[
            event("attack", ev(S_STRIKE), date="on Monday", participants=["Israeli forces"]),
            event("ceasefire", ev(S_TRUCE), date="Sunday"),
        ]
    )
    agreement = run(pred, g).agreement
    assert (agreement.event_date.hits, agreement.event_date.total) == (1, 2)
    assert (agreement.event_participants.hits, agreement.event_participants.total) == (1, 2)


def test_dates_agree_on_word_sets():
    assert dates_agree("13 June", "June 13")
    assert dates_agree("on Thursday", "Thursday")
    assert not dates_agree("June 14", "June 13")
    assert not dates_agree(None, "June 13")


# --------------------------------------------------------------------------
# Stances
# --------------------------------------------------------------------------


def test_stance_true_positive_through_metonymy_and_speaker():
    g = gold(stances=[stance("Azerbaijan", "Iran", "support", ev(S_ALIYEV), speaker="Ilham Aliyev")])
    for holder, target in [("Baku", "Tehran"), ("Aliyev", "Iranian government"), ("Azeri", "Iran")]:
        pred = extraction(stances=[stance(holder, target, "support", ev(S_ALIYEV))])
        assert counts(run(pred, g), STANCES) == (1, 0, 0), (holder, target)


def test_swapped_stance_direction_is_wrong():
    g = gold(stances=[stance("Iran", "Azerbaijan", "deny", ev(S_DENY))])
    pred = extraction(stances=[stance("Azerbaijan", "Iran", "deny", ev(S_DENY))])
    report = run(pred, g)
    assert counts(report, STANCES) == (0, 1, 1)
    assert counts(report, STANCES_NO_POLARITY) == (0, 1, 1)
    direction = report.agreement.stance_direction
    assert (direction.hits, direction.total) == (0, 1)


def test_stance_direction_counts_correct_order():
    g = gold(stances=[stance("Iran", "Azerbaijan", "deny", ev(S_DENY))])
    pred = extraction(stances=[stance("Tehran", "Baku", "oppose", ev(S_DENY))])
    direction = run(pred, g).agreement.stance_direction
    assert (direction.hits, direction.total) == (1, 1)


def test_wrong_polarity_gets_partial_credit_only():
    g = gold(stances=[stance("Iran", "Azerbaijan", "deny", ev(S_DENY))])
    pred = extraction(stances=[stance("Iran", "Azerbaijan", "oppose", ev(S_DENY))])
    report = run(pred, g)
    assert counts(report, STANCES) == (0, 1, 1)
    assert counts(report, STANCES_NO_POLARITY) == (1, 0, 0)


# --------------------------------------------------------------------------
# Grounding, unscored spans, dropped
# --------------------------------------------------------------------------


def test_grounding_rate_and_matching_despite_wrong_offsets():
    good = ev(S_DENY)
    shifted = Evidence(text=S_DENY, start=good.start + 3, end=good.end + 3)  # right text, wrong place
    g = gold(statements=[statement("Iran", good)], events=[GoldEvent(summary="s", event_type="denial", evidence=good)])
    pred = extraction(statements=[statement("Iran", shifted)], events=[event("denial", good)])
    report = run(pred, g)
    assert (report.grounding.hits, report.grounding.total) == (1, 2)
    assert counts(report, STATEMENTS) == (1, 0, 0)  # judged on content, reported as ungrounded


def test_grounding_unchecked_without_text():
    pred = extraction(statements=[statement("Iran", ev(S_DENY))])
    report = run(pred, gold(statements=[statement("Iran", ev(S_DENY))]), texts={})
    assert report.grounding.total == 0 and report.grounding_unchecked == 1
    assert counts(report, STATEMENTS) == (1, 0, 0)


def test_text_with_wrong_hash_is_refused():
    with pytest.raises(ValueError):
        run(extraction(), gold(), texts={FILE: TEXT + "changed"})


def test_prediction_in_unscored_headline_is_ignored_not_false_positive():
    g = gold(unscored=[ev(HEADLINE)])
    pred = extraction(events=[event("meeting", ev(HEADLINE))], statements=[statement("Iran", ev(S_DENY))])
    report = run(pred, g)
    assert report.scores[EVENTS_LENIENT].fp == 0 and report.scores[EVENTS_LENIENT].ignored == 1
    assert report.scores[STATEMENTS].fp == 1  # outside the headline: a real false positive


def test_gold_accepts_plain_schema_events():
    g = GoldArticle(article_file=FILE, content_hash="h", events=[event("attack", ev(S_STRIKE))])
    assert isinstance(g.events[0], GoldEvent) and g.events[0].mentions == []


def test_dropped_items_are_counted():
    dropped = [Dropped(kind="event", reason="ungrounded", proposed="x"), Dropped(kind="stance", reason="r", proposed="y")]
    report = run(extraction(dropped=dropped), gold())
    assert report.dropped == 2
    assert report.dropped_by_kind == {"statement": 0, "event": 1, "stance": 1}


# --------------------------------------------------------------------------
# Pairing predictions with gold; dossiers; loading; the CLI entry point
# --------------------------------------------------------------------------


def test_missing_prediction_counts_gold_as_misses_unless_only_predicted():
    g = gold(statements=[statement("Iran", ev(S_DENY))])
    report = evaluate([], [g], {FILE: TEXT})
    assert counts(report, STATEMENTS) == (0, 0, 1)
    assert report.missing_predictions == [FILE]
    assert evaluate([], [g], {FILE: TEXT}, only_predicted=True).scores[STATEMENTS].fn == 0


def test_pairs_by_file_name_when_hash_differs_and_reports_leftovers():
    g = gold(statements=[statement("Iran", ev(S_DENY))])
    by_name = extraction(statements=[statement("Iran", ev(S_DENY))], content_hash="other", paths=["/elsewhere/999_test.txt"])
    stranger = extraction(content_hash="stranger", paths=["/x/unknown.txt"])
    report = evaluate([stranger, by_name], [g], {FILE: TEXT})
    assert counts(report, STATEMENTS) == (1, 0, 0)
    assert report.unmatched_predictions == ["/x/unknown.txt"]


def _dossier() -> Dossier:
    article = meta()
    src = lambda e: Source(article_id=article.id, evidence=e)  # noqa: E731
    return Dossier(
        articles=[article],
        entities=[
            DossierEntity(id="en-aze", name="Azerbaijan", type="country"),
            DossierEntity(id="en-iran", name="Iran", type="country"),
            DossierEntity(id="en-isr", name="Israel", type="country"),
        ],
        events=[
            DossierEvent(
                id="ev-1",
                summary="strike",
                event_type="attack",
                date=DateValue(text="Monday"),
                participants=["en-isr", "en-iran"],
                sources=[src(ev(S_STRIKE))],
            )
        ],
        statements=[
            DossierStatement(
                id="st-1",
                speaker="en-x",
                speaker_name="Ilham Aliyev",
                content="c",
                kind="quote",
                addressee="en-iran",
                sources=[
                    StatementSource(
                        article_id=article.id, evidence=ev(S_ALIYEV), kind="paraphrase", content="Baku wants peace"
                    )
                ],
            )
        ],
        stances=[
            StanceTimeline(
                id="sn-1",
                holder="en-aze",
                target="en-iran",
                topic="peace",
                assertions=[StanceAssertion(polarity="support", speaker="en-x", source=src(ev(S_ALIYEV)))],
                latest_polarity="support",
                changed=False,
            )
        ],
        run=RunInfo(model="m", prompt_version="p"),
    )


def test_dossier_items_go_back_to_their_articles():
    [ax] = dossier_to_extractions(_dossier())
    assert ax.statements[0].speaker == "Ilham Aliyev"
    # Per-source wording wins over the dossier-level summary; IDs become names.
    assert (ax.statements[0].kind, ax.statements[0].content) == ("paraphrase", "Baku wants peace")
    assert ax.statements[0].addressee == "Iran"
    assert ax.stances[0].speaker == "en-x"  # unknown entity ID: kept as is
    assert [p.name for p in ax.events[0].participants] == ["Israel", "Iran"]
    assert ax.events[0].date_text == "Monday"
    assert (ax.stances[0].holder, ax.stances[0].target) == ("Azerbaijan", "Iran")


def test_dossier_scores_like_per_article_predictions():
    g = gold(
        statements=[statement("Aliyev", ev(S_ALIYEV))],
        events=[GoldEvent(summary="s", event_type="attack", date_text="Monday", evidence=ev(S_STRIKE))],
        stances=[stance("Azerbaijan", "Iran", "support", ev(S_ALIYEV))],
    )
    report = evaluate(_dossier(), [g], {FILE: TEXT})
    assert [counts(report, k) for k in (STATEMENTS, EVENTS_STRICT, STANCES)] == [(1, 0, 0)] * 3
    assert report.agreement.event_date.rate == 1.0


def test_load_predictions_folder_and_bad_file(tmp_path):
    (tmp_path / "a.json").write_text(canonical_json(extraction()), encoding="utf-8")
    loaded = load_predictions(tmp_path)
    assert isinstance(loaded, list) and loaded[0].article.id == "a1"
    (tmp_path / "b.json").write_text('{"not": "an extraction"}', encoding="utf-8")
    with pytest.raises(PredictionLoadError, match="b.json"):
        load_predictions(tmp_path)


def test_load_predictions_dossier_file(tmp_path):
    path = tmp_path / "dossier.json"
    path.write_text(canonical_json(_dossier()), encoding="utf-8")
    assert isinstance(load_predictions(path), Dossier)


def _eval_tree(tmp_path: Path) -> tuple[Path, Path]:
    """A miniature repository: pyproject, the article, its gold, a prediction."""
    (tmp_path / "pyproject.toml").write_text("", encoding="utf-8")
    (tmp_path / "seeds").mkdir()
    (tmp_path / FILE).write_text(TEXT, encoding="utf-8")
    gold_dir = tmp_path / "gold"
    gold_dir.mkdir()
    (gold_dir / "999_test.json").write_text(canonical_json(gold(statements=[statement("Iran", ev(S_DENY))])), encoding="utf-8")
    pred_dir = tmp_path / "pred"
    pred_dir.mkdir()
    (pred_dir / "a1.json").write_text(canonical_json(extraction(statements=[statement("Iran", ev(S_DENY))])), encoding="utf-8")
    return pred_dir, gold_dir


def test_run_eval_command_json(tmp_path, capsys):
    pred_dir, gold_dir = _eval_tree(tmp_path)
    assert run_eval_command(pred_dir, gold_dir, "json") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["scores"][STATEMENTS]["f1"] == 1.0
    assert data["grounding"]["rate"] == 1.0


def test_run_eval_command_table(tmp_path, capsys):
    pred_dir, gold_dir = _eval_tree(tmp_path)
    assert run_eval_command(pred_dir, gold_dir, "table") == 0
    assert "statements" in capsys.readouterr().out


def test_run_eval_command_failures(tmp_path, capsys):
    pred_dir, gold_dir = _eval_tree(tmp_path)
    assert run_eval_command(tmp_path / "nowhere", gold_dir, "table") == 2
    assert run_eval_command(pred_dir, tmp_path / "nogold", "table") == 2
    assert run_eval_command(pred_dir, gold_dir, "yaml") == 2
    # A prediction for some other article: scored as nothing found -> exit 1.
    (pred_dir / "a1.json").write_text(canonical_json(extraction(content_hash="x", paths=["other.txt"])), encoding="utf-8")
    assert run_eval_command(pred_dir, gold_dir, "json") == 1
    assert "no prediction matched" in capsys.readouterr().err
