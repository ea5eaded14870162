"""schemas/ is generated from the Pydantic models and must not go stale."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from summariser.cli import app
from summariser.datamodel import Event, Stance, Statement
from summariser.schema_export import stale_files

ROOT = Path(__file__).resolve().parents[1]


def test_committed_schemas_match_the_models():
    assert stale_files(ROOT / "schemas") == [], "run `summarise schema --write` and commit schemas/"


def test_schema_check_fails_on_a_stale_file(tmp_path):
    runner = CliRunner()
    assert runner.invoke(app, ["schema", "--write", "--dir", str(tmp_path)]).exit_code == 0
    assert runner.invoke(app, ["schema", "--check", "--dir", str(tmp_path)]).exit_code == 0
    path = tmp_path / "dossier.schema.json"
    schema = json.loads(path.read_text())
    schema["properties"].pop("disputes")
    path.write_text(json.dumps(schema))
    result = runner.invoke(app, ["schema", "--check", "--dir", str(tmp_path)])
    assert result.exit_code == 1 and "dossier.schema.json" in result.output


ITEM = {"evidence": {"text": "Aliyev said", "start": 0, "end": 11}}
VALID = {
    "statements": {"speaker": "Aliyev", "content": "no", "kind": "paraphrase", **ITEM},
    "events": {"summary": "a call", "event_type": "phone_call", **ITEM},
    "stances": {"holder": "Azerbaijan", "target": "Iran", "topic": "ties", "polarity": "support", **ITEM},
}


@pytest.mark.parametrize("kind", sorted(VALID))
def test_an_item_without_evidence_offsets_does_not_validate(kind):
    model = {"statements": Statement, "events": Event, "stances": Stance}[kind]
    assert model.model_validate(VALID[kind]).evidence.end == 11
    for broken in ({k: v for k, v in VALID[kind].items() if k != "evidence"},
                   {**VALID[kind], "evidence": {"text": "Aliyev said", "end": 11}}):
        with pytest.raises(ValidationError):
            model.model_validate(broken)
