"""Semantic dossier diff: added / removed / changed per kind, Markdown, exit codes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from dossier_factory import Corpus, day, eid, seed_corpus, seed_dossier, statement_source

from summariser.canonical import canonical_json, content_id
from summariser.diff import diff_dossiers, run_diff_command, to_json, to_markdown
from summariser.datamodel import (
    DateValue,
    Dispute,
    DisputeClaim,
    Dossier,
    DossierEntity,
    DossierEvent,
    DossierStatement,
    StanceAssertion,
)


@pytest.fixture(scope="module")
def base() -> Dossier:
    return seed_dossier()[0]


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return seed_corpus()


def replace_item(dossier: Dossier, kind: str, new_item) -> Dossier:
    """The dossier with the item of the same id in ``kind`` swapped for ``new_item``."""
    items = [new_item if item.id == new_item.id else item for item in getattr(dossier, kind)]
    return dossier.model_copy(update={kind: items})


def item_by_topic(dossier: Dossier, kind: str, topic: str):
    return next(item for item in getattr(dossier, kind) if item.topic == topic)


# --------------------------------------------------------------------------
# Identical
# --------------------------------------------------------------------------


def test_identical_dossiers_give_an_empty_diff(base: Dossier) -> None:
    reloaded = Dossier.model_validate_json(canonical_json(base))
    diff = diff_dossiers(base, reloaded)
    assert diff.identical
    assert all(kind.is_empty for _, kind in diff.kinds())
    assert diff.other_fields == []
    assert "No changes to the dossier." in to_markdown(diff)
    assert json.loads(to_json(diff))["identical"] is True


# --------------------------------------------------------------------------
# Added / removed
# --------------------------------------------------------------------------


def test_added_article_and_event_are_listed_with_their_source(base: Dossier) -> None:
    extra = Corpus()
    text = "On 2 July the two foreign ministers met in Baku to discuss the border.\n"
    meta = extra.add("meeting", text, "Ministers meet in Baku", outlet="Example Wire", published="2025-07-02")
    event = DossierEvent(
        id=content_id("ev", "ministers-meet"), summary="Foreign ministers meet in Baku", event_type="meeting",
        date=day("2025-07-02", "2 July"), sources=[extra.cite("meeting", "the two foreign ministers met in Baku")],
    )
    new = base.model_copy(update={"articles": [*base.articles, meta], "events": [*base.events, event]})

    diff = diff_dossiers(base, new)

    assert [ref.id for ref in diff.articles.added] == [meta.id]
    assert [ref.id for ref in diff.events.added] == [event.id]
    assert diff.events.removed == [] and diff.events.changed == []
    assert diff.events.added[0].sources[0].evidence == "the two foreign ministers met in Baku"
    md = to_markdown(diff)
    assert "| Articles | 1 | 0 | 0 |" in md
    assert "| Events | 1 | 0 | 0 |" in md
    assert f'- <a name="{event.id}"></a>2025-07-02 (2 July) · meeting · Foreign ministers meet in Baku `{event.id}`' in md
    assert "  - source: *Ministers meet in Baku — Example Wire* — “the two foreign ministers met in Baku”" in md


def test_removed_statement_is_listed_with_its_source(base: Dossier) -> None:
    gone = base.statements[0]
    new = base.model_copy(update={"statements": base.statements[1:]})

    diff = diff_dossiers(base, new)

    assert [ref.id for ref in diff.statements.removed] == [gone.id]
    assert diff.statements.added == [] and diff.statements.changed == []
    md = to_markdown(diff)
    assert "### Statements" in md and "**Removed**" in md
    assert f"{gone.speaker_name}: “{gone.content}” `{gone.id}`" in md
    assert gone.sources[0].evidence.text in md


# --------------------------------------------------------------------------
# Changed
# --------------------------------------------------------------------------


def test_new_source_on_existing_event_is_a_change_of_its_sources(base: Dossier, corpus: Corpus) -> None:
    event = next(e for e in base.events if e.summary.startswith("Azerbaijan wins the war"))
    new_source = corpus.cite("herzog", "the 2020 Nagorno-Karabakh conflict between Baku and Yerevan")
    new = replace_item(base, "events", event.model_copy(update={"sources": [*event.sources, new_source]}))

    diff = diff_dossiers(base, new)

    assert diff.events.added == [] and diff.events.removed == []
    [change] = diff.events.changed
    assert change.id == event.id
    assert [(f.field, f.summary) for f in change.fields] == [("sources", "+1 source")]
    assert [ref.evidence for ref in change.sources_added] == [new_source.evidence.text]
    assert change.sources_removed == []
    md = to_markdown(diff)
    assert "  - `sources`: +1 source" in md
    assert (
        "  - new source: *Azerbaijan, Israel discuss ‘Iranian threat’ — The Cradle* — "
        "“the 2020 Nagorno-Karabakh conflict between Baku and Yerevan”"
    ) in md


def test_changed_scalar_field_and_entity_aliases_are_named(base: Dossier) -> None:
    event = base.events[0]
    entity = next(e for e in base.entities if e.name == "Qatar")
    new = replace_item(base, "events", event.model_copy(update={"place": "Karabakh"}))
    new = replace_item(new, "entities", entity.model_copy(update={"aliases": ["Doha"]}))

    diff = diff_dossiers(base, new)

    [event_change] = diff.events.changed
    assert [(f.field, f.summary) for f in event_change.fields] == [("place", "“Nagorno-Karabakh” → “Karabakh”")]
    [entity_change] = diff.entities.changed
    assert [(f.field, f.summary) for f in entity_change.fields] == [("aliases", "+“Doha”")]


def _stance_turning(base: Dossier, corpus: Corpus, earlier: DateValue | None, later: DateValue | None):
    """Iran's oppose on "Israeli presence in Azerbaijan" (dated ``earlier``), then a support (dated ``later``)."""
    stance = item_by_topic(base, "stances", "Israeli presence in Azerbaijan")
    assert stance.latest_polarity == "oppose"
    first = [a.model_copy(update={"date": earlier}) for a in stance.assertions]
    old = stance.model_copy(update={"assertions": first})
    turn = StanceAssertion(
        polarity="support", date=later, speaker=eid("Masoud Pezeshkian"),
        source=corpus.cite("call", "He also voiced hope for expanded cooperation between Iran and Azerbaijan"),
    )
    new = old.model_copy(update={"assertions": [*first, turn], "latest_polarity": "support", "changed": True})
    return replace_item(base, "stances", old), replace_item(base, "stances", new)


def test_stance_polarity_flip_is_called_out(base: Dossier, corpus: Corpus) -> None:
    old, new = _stance_turning(base, corpus, day("2022-10", "in October 2022"), day("2025-06-26", "Thursday"))

    diff = diff_dossiers(old, new)

    [change] = diff.stances.changed
    assert change.polarity_flip == ("oppose", "support")
    assert change.fields[0].field == "latest_polarity"
    assert {f.field for f in change.fields} == {"latest_polarity", "assertions", "changed"}
    assert diff.polarity_flips() == [change]
    md = to_markdown(diff)
    assert "**⚠ 1 polarity flip:**" in md
    assert f"- Iran → Azerbaijan: Israeli presence in Azerbaijan: polarity flip: oppose → support ([{change.id}](#{change.id}))" in md
    assert "  - **polarity flip: oppose → support**" in md
    assert "  - `latest_polarity`: “oppose” → “support”" in md
    assert "  - new source [support, 2025-06-26 (Thursday), voiced by Masoud Pezeshkian]:" in md
    assert "1 position changed over time: Iran → Azerbaijan: Israeli presence in Azerbaijan: oppose → support" in md


@pytest.mark.parametrize("earlier, later", [
    (None, None),  # neither dated (the articles of both are undated too)
    (None, day("2025-06-26")),  # the earlier position is undated: no "before" to change from
    (day("2025-06-26"), day("2025-06-26")),  # the same day: sources disagree, nobody changed position
    (day("2025-06"), day("2025-06-26")),  # within the month the earlier one gives: not later
    (day("2025-07-01"), day("2025-06-26")),  # the new report is of an older position
])
def test_a_new_latest_polarity_that_is_not_later_in_time_is_no_flip(base: Dossier, corpus: Corpus, earlier, later) -> None:
    old, new = _stance_turning(base, corpus, earlier, later)

    diff = diff_dossiers(old, new)

    [change] = diff.stances.changed
    assert change.polarity_flip is None
    assert diff.polarity_flips() == []
    md = to_markdown(diff)
    assert "polarity flip" not in md
    assert "  - `latest_polarity`: “oppose” → “support”" in md  # the field still says what it now is


def test_a_different_holder_or_topic_is_no_flip(base: Dossier, corpus: Corpus) -> None:
    old, new = _stance_turning(base, corpus, day("2022-10"), day("2025-06-26"))
    stance = item_by_topic(new, "stances", "Israeli presence in Azerbaijan")
    for edit in ({"holder": eid("Azerbaijan")}, {"topic": "Israeli drones"}):
        diff = diff_dossiers(old, replace_item(new, "stances", stance.model_copy(update=edit)))
        [change] = diff.stances.changed
        assert change.polarity_flip is None, edit


def test_stance_with_same_polarity_is_not_a_flip(base: Dossier, corpus: Corpus) -> None:
    stance = item_by_topic(base, "stances", "defense cooperation")
    again = StanceAssertion(polarity="support", date=None, speaker=None, source=corpus.cite("herzog", "strong relations with Israel"))
    diff = diff_dossiers(base, replace_item(base, "stances", stance.model_copy(update={"assertions": [*stance.assertions, again]})))
    [change] = diff.stances.changed
    assert change.polarity_flip is None
    assert "polarity flip" not in to_markdown(diff)


def test_dispute_added_and_dispute_claim_gains_a_source(base: Dossier, corpus: Corpus) -> None:
    dispute = item_by_topic(base, "disputes", "Did Israel use Azerbaijani airspace to attack Iran?")
    denial = dispute.claims[1]
    more = corpus.cite("call", "Rejecting the reports suggesting that Azerbaijani airspace had been used by Israeli drones to attack Iran")
    changed = dispute.model_copy(update={"claims": [dispute.claims[0], denial.model_copy(update={"sources": [*denial.sources, more]})]})
    fresh = Dispute(id=content_id("dp", "war-start"), topic="Who started the war?", claims=[
        DisputeClaim(claim="Iran has never initiated any war", by=eid("Masoud Pezeshkian"), sources=[corpus.cite("call", "Iran has never initiated any war")]),
        DisputeClaim(claim="Israel attacked first", by=None, sources=[corpus.cite("airspace", "Israel launched a wave of coordinated airstrikes on June 13")]),
    ])
    new = replace_item(base, "disputes", changed).model_copy(update={"disputes": [*replace_item(base, "disputes", changed).disputes, fresh]})

    diff = diff_dossiers(base, new)

    assert [ref.id for ref in diff.disputes.added] == [fresh.id]
    [change] = diff.disputes.changed
    assert change.id == dispute.id
    assert change.fields[0].field == "claims"
    assert "claim “Azerbaijan did not allow its airspace to be used against Iran”: +1 source" in change.fields[0].summary
    assert [ref.evidence for ref in change.sources_added] == [more.evidence.text]
    md = to_markdown(diff)
    assert "### Disputes" in md
    assert f'- <a name="{fresh.id}"></a>Who started the war? `{fresh.id}`' in md


def test_no_old_dossier_means_everything_is_added(base: Dossier) -> None:
    diff = diff_dossiers(None, base)
    assert len(diff.events.added) == len(base.events)
    assert len(diff.articles.added) == len(base.articles)
    assert all(kind.removed == [] and kind.changed == [] for _, kind in diff.kinds())


def test_run_info_change_is_reported_as_other_field(base: Dossier) -> None:
    new = base.model_copy(update={"run": base.run.model_copy(update={"model": "other-model"})})
    diff = diff_dossiers(base, new)
    assert not diff.identical
    assert [(c.field, c.old, c.new) for c in diff.other_fields] == [("run.model", "test-model", "other-model")]
    assert "- `run.model`: “test-model” → “other-model”" in to_markdown(diff)


def test_markdown_escapes_untrusted_text_and_mentions(base: Dossier) -> None:
    extra = Corpus()
    text = "Officials told @someone that <img src=x> was [a link](http://x) | cell.\n"
    meta = extra.add("odd", text, "Odd <b>article</b>")
    source = extra.cite("odd", "@someone that <img src=x> was [a link](http://x) | cell")
    statement = DossierStatement(
        id=content_id("st", "odd"), speaker=eid("Officials"), speaker_name="Officials", content="<img src=x> @someone",
        kind="quote", sources=[statement_source(source, "quote", "<img src=x> @someone")],
    )
    new = base.model_copy(update={"articles": [*base.articles, meta], "statements": [*base.statements, statement]})
    md = to_markdown(diff_dossiers(base, new))
    # Every angle bracket is backslash-escaped, but for the item anchors this diff writes itself.
    assert re.search(r"(?<!\\)[<>]", re.sub(r'<a name="[\w.-]+"></a>', "", md)) is None
    assert "\\<img src=x\\>" in md and "Odd \\<b\\>article\\</b\\>" in md
    assert "@someone" not in md and "@\u200bsomeone" in md
    assert "\\[a link\\](http://x) \\| cell" in md


def test_markdown_and_json_are_deterministic(base: Dossier, corpus: Corpus) -> None:
    new = base.model_copy(update={"statements": base.statements[2:], "entities": base.entities[:-1]})
    first, second = diff_dossiers(base, new), diff_dossiers(base, new)
    assert to_markdown(first) == to_markdown(second)
    assert to_json(first) == to_json(second)
    assert to_json(first) == canonical_json(json.loads(to_json(first)))


def test_unknown_entity_ids_fall_back_to_the_id(base: Dossier) -> None:
    # An entity removed in the same change: labels must still resolve (old side) or show the id.
    entity = DossierEntity(id="ent-ghost", name="Ghost", type="other")
    new = base.model_copy(update={"entities": [*base.entities, entity]})
    diff = diff_dossiers(base, new)
    assert [ref.label for ref in diff.entities.added] == ["Ghost (other)"]


# --------------------------------------------------------------------------
# Command: exit codes 0 / 1 / 2
# --------------------------------------------------------------------------


def write(path: Path, dossier: Dossier) -> Path:
    path.write_text(canonical_json(dossier), encoding="utf-8")
    return path


def test_run_diff_command_exit_0_when_identical(tmp_path: Path, base: Dossier, capsys) -> None:
    old = write(tmp_path / "old.json", base)
    new = write(tmp_path / "new.json", base)
    assert run_diff_command(old, new) == 0
    assert "No changes to the dossier." in capsys.readouterr().out


def test_run_diff_command_exit_1_when_different(tmp_path: Path, base: Dossier, capsys) -> None:
    old = write(tmp_path / "old.json", base)
    new = write(tmp_path / "new.json", base.model_copy(update={"statements": base.statements[1:]}))
    assert run_diff_command(old, new, "md") == 1
    out = capsys.readouterr().out
    assert out.startswith("## Dossier changes\n")
    assert "| Statements | 0 | 1 | 0 |" in out
    assert run_diff_command(old, new, "json") == 1
    payload = json.loads(capsys.readouterr().out)
    assert payload["identical"] is False
    assert [ref["id"] for ref in payload["statements"]["removed"]] == [base.statements[0].id]


def test_run_diff_command_treats_dev_null_as_no_dossier(tmp_path: Path, base: Dossier, capsys) -> None:
    new = write(tmp_path / "new.json", base)
    assert run_diff_command("/dev/null", new) == 1
    assert f"| Events | {len(base.events)} | 0 | 0 |" in capsys.readouterr().out


@pytest.mark.parametrize(
    "content, expected",
    [
        (None, "cannot read"),
        ("{not json", "is not a valid dossier"),
        ('{"articles": []}', "is not a valid dossier"),
        ('{"articles": [], "run": {"model": "m", "prompt_version": "p", "usage": {}}, "bogus": 1}', "is not a valid dossier"),
    ],
)
def test_run_diff_command_exit_2_on_bad_input(tmp_path: Path, base: Dossier, capsys, content, expected) -> None:
    good = write(tmp_path / "good.json", base)
    bad = tmp_path / "bad.json"
    if content is not None:
        bad.write_text(content, encoding="utf-8")
    assert run_diff_command(good, bad) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert expected in captured.err
    assert captured.err.count("\n") == 1 and captured.err.startswith("summarise diff: ")


def test_run_diff_command_rejects_unknown_format(tmp_path: Path, base: Dossier, capsys) -> None:
    path = write(tmp_path / "d.json", base)
    assert run_diff_command(path, path, "xml") == 2
    assert "unknown format" in capsys.readouterr().err


# --------------------------------------------------------------------------
# Nothing that reads the same is listed as a change
# --------------------------------------------------------------------------

_SAME_BOTH_SIDES = re.compile(r"^\s*- `[^`]+`: (?P<old>.*) → (?P<new>.*)$")


def _lines_saying_nothing(md: str) -> list[str]:
    return [
        line for line in md.splitlines()
        if ((m := _SAME_BOTH_SIDES.match(line)) and m["old"] == m["new"]) or "reordered" in line
    ]


def test_a_speaker_whose_entity_id_changed_but_reads_the_same_is_no_change(base: Dossier) -> None:
    statement = base.statements[0]
    speaker = next(e for e in base.entities if e.id == statement.speaker)
    renamed = speaker.model_copy(update={"id": "ent-same-name-new-id"})
    new = base.model_copy(update={
        "entities": [renamed if e.id == speaker.id else e for e in base.entities],
        "statements": [s.model_copy(update={"speaker": renamed.id}) if s.speaker == speaker.id else s
                       for s in base.statements],
    })

    diff = diff_dossiers(base, new)

    assert diff.statements.changed == []  # "speaker: Aliyev → Aliyev" says nothing
    md = to_markdown(diff)
    assert _lines_saying_nothing(md) == []
    assert f"{speaker.name} → {speaker.name}" not in md


def test_reordered_lists_and_sources_that_read_the_same_are_no_change(base: Dossier) -> None:
    event = next(e for e in base.events if len(e.participants) > 1)
    statement = next(s for s in base.statements if s.sources)
    first = statement.sources[0]
    respanned = first.model_copy(update={"content_span": first.evidence})  # the same source as a reader sees it
    new = replace_item(base, "events", event.model_copy(update={"participants": list(reversed(event.participants))}))
    new = replace_item(new, "statements", statement.model_copy(update={"sources": [respanned, *statement.sources[1:]]}))

    diff = diff_dossiers(base, new)

    assert diff.events.changed == [] and diff.statements.changed == []
    assert _lines_saying_nothing(to_markdown(diff)) == []


# --------------------------------------------------------------------------
# The story paragraph
# --------------------------------------------------------------------------


def test_story_paragraph_comes_first_and_links_every_point_to_its_items(base: Dossier, corpus: Corpus) -> None:
    extra = Corpus()
    text = "On 2 July the two foreign ministers met in Baku to discuss the border.\n"
    meta = extra.add("meeting", text, "Ministers meet in Baku", outlet="Example Wire", published="2025-07-02")
    event = DossierEvent(
        id=content_id("ev", "ministers-meet"), summary="Foreign ministers meet in Baku", event_type="meeting",
        date=day("2025-07-02", "2 July"), sources=[extra.cite("meeting", "the two foreign ministers met in Baku")],
    )
    said = DossierStatement(
        id=content_id("stm", "met"), speaker=eid("Ilham Aliyev"), speaker_name="Ilham Aliyev",
        content="the ministers met", kind="paraphrase",
        sources=[statement_source(extra.cite("meeting", "the two foreign ministers met"), "paraphrase", "the ministers met")],
    )
    gone = base.statements[0]
    new = base.model_copy(update={
        "articles": [*base.articles, meta], "events": [*base.events, event],
        "statements": [*base.statements[1:], said],
    })

    diff = diff_dossiers(base, new)

    texts = {point.text: point.items for point in diff.story}
    assert texts["1 new article"] == [meta.id]
    assert texts["1 new event"] == [event.id]
    assert texts["1 new statement, by Ilham Aliyev (1)"] == [said.id]
    assert texts["1 item no longer in the dossier"] == [gone.id]
    md = to_markdown(diff)
    paragraph = md.split("\n\n")[1]
    assert paragraph.startswith("**What changed in the story.** 1 new article: Ministers meet in Baku")
    assert "Foreign ministers meet in Baku (2025-07-02 (2 July))" in paragraph
    linked = re.findall(r"\]\(#([\w.-]+)\)", paragraph)
    assert set(linked) == {meta.id, event.id, said.id, gone.id}
    for item_id in linked:  # every link has its target further down
        assert md.count(f'<a name="{item_id}"></a>') == 1


def test_an_id_that_is_not_plain_gets_no_anchor_or_link(base: Dossier) -> None:
    odd = base.statements[0].model_copy(update={"id": 'x"><script>'})
    md = to_markdown(diff_dossiers(base, base.model_copy(update={"statements": [*base.statements, odd]})))
    assert 'name="x' not in md and "(#x" not in md
    # Only ever inside a code span, where Markdown shows it as text.
    assert md.count("<script>") == md.count('`x"><script>`') >= 1


def test_a_dossier_written_with_run_usage_still_loads_and_diffs(tmp_path: Path, base: Dossier, capsys) -> None:
    # The base of the first pull request after the run record moved out kept its usage in `run`.
    legacy = json.loads(canonical_json(base))
    legacy["run"]["usage"] = {"calls": 48, "prompt_tokens": 4800, "completion_tokens": 480}
    (tmp_path / "old.json").write_text(json.dumps(legacy), encoding="utf-8")
    (tmp_path / "new.json").write_text(canonical_json(base), encoding="utf-8")
    assert run_diff_command(tmp_path / "old.json", tmp_path / "new.json") == 0
    assert "No changes to the dossier." in capsys.readouterr().out


def test_a_removed_item_whose_sources_joined_another_says_where(base: Dossier) -> None:
    gone, keeper = base.statements[0], base.statements[1]
    merged = keeper.model_copy(update={"sources": [*keeper.sources, *gone.sources]})
    new = base.model_copy(update={"statements": [merged if s.id == keeper.id else s for s in base.statements[1:]]})

    diff = diff_dossiers(base, new)

    [removed] = diff.statements.removed
    assert (removed.id, removed.now_in) == (gone.id, [keeper.id])
    md = to_markdown(diff)
    assert f"  - merged into [{keeper.id}](#{keeper.id}) (its sources are there now)" in md
    assert f"(merged into {keeper.id})" in md.split("\n\n")[1]  # and the story paragraph says so
    # An item removed with its sources says nothing of the kind.
    dropped = diff_dossiers(base, base.model_copy(update={"statements": base.statements[1:]}))
    assert dropped.statements.removed[0].now_in == []
