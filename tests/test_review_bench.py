"""The review benches' own logic: the workflow reader of bench/check_workflow.py
and the no-change detector of bench/bench_diff.py (the benches themselves run
summarise and git; see their docstrings)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from bench_diff import no_change_lines  # noqa: E402
from check_workflow import WORKFLOW, parse_yaml  # noqa: E402


def test_the_workflow_reader_sees_every_step_with_its_shell_and_cache_keys():
    workflow = parse_yaml(WORKFLOW.read_text(encoding="utf-8"))
    steps = workflow["jobs"]["dossier"]["steps"]
    names = [s.get("name") or s.get("uses") for s in steps]
    assert names[0] == "Check out the PR branch" and names[-1] == "Commit the dossier to the PR branch"
    assert all(("run" in s) != ("uses" in s) for s in steps)  # each step runs a shell or an action
    by_name = {s.get("name"): s for s in steps}
    build = by_name["Build the dossier"]["run"]
    assert build.startswith('if [ "$EMBEDDED" = "true" ]; then\n') and build.endswith("fi\n")
    weights = by_name["Restore the model weights"]
    assert weights["with"] == {"path": "~/.cache/summariser/models",
                               "key": "summariser-weights-${{ steps.weights.outputs.sha256 }}"}
    assert by_name["Restore the extraction cache"]["with"]["path"] == "~/.cache/summariser/extractions"
    assert workflow["env"]["SUMMARISER_PACKAGE"] == "."


def test_no_change_lines_are_those_whose_two_sides_read_alike():
    md = "\n".join([
        "- <a name=\"stm-1\"></a>Aliyev: “x” `stm-1`",
        "  - `speaker`: Pezeshkian → Pezeshkian",
        "  - `speaker`: Pezeshkian → Masoud Pezeshkian",
        "  - `participants`: reordered",
        "  - `sources`: +1 source",
    ])
    assert no_change_lines(md) == ["  - `speaker`: Pezeshkian → Pezeshkian", "  - `participants`: reordered"]
