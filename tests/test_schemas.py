"""schemas/ is generated from the Pydantic models and must not go stale."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from summariser.cli import app
from summariser.prompts import TEMPLATES, prompts_dir
from summariser.schema_export import SCHEMA_MODELS, schema_files, stale_files

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


def test_evidence_offsets_are_part_of_every_item_schema():
    schemas = {name: json.loads(text) for name, text in schema_files().items()}
    evidence = schemas["article-extraction.schema.json"]["$defs"]["Evidence"]
    assert set(evidence["required"]) == {"text", "start", "end"}
    for kind in ("Statement", "Event", "Stance"):
        assert "evidence" in schemas["article-extraction.schema.json"]["$defs"][kind]["required"]
    assert set(SCHEMA_MODELS) == set(schemas)


def test_prompt_templates_are_found():
    folder = prompts_dir()
    assert all((folder / name).is_file() for name in TEMPLATES)
