"""How much a pull request that adds one article changes in dossier.json.

    .venv/bin/python bench/bench_diff.py                 # the five seed cases
    .venv/bin/python bench/bench_diff.py --show 004      # also print that case's diffs

For each seed article, a dossier of the other four is the base and a dossier
of all five the new one (five cases), both built by ``summarise run`` with
the recorded model responses (``--replay``, no model needed; one shared
extraction cache, so each article is replayed once). Printed per case:

* ``raw``: the lines ``git diff`` of dossier.json adds plus those it removes;
* ``items``: the lines, in the new dossier.json, of the items the article
  adds or extends (every entity, event, statement, stance timeline, dispute
  and article entry that is new or differs from the base);
* ``ratio``: raw / items;
* ``no-change``: lines of ``summarise diff``'s Markdown that say nothing
  (an old and a new value rendered alike, "reordered").

Exit status 1 when a case has a no-change line or a ratio above 1.5.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from summariser.canonical import review_json  # noqa: E402

SEEDS = ROOT / "seeds"
RECORDED = ROOT / "tests" / "fixtures" / "recorded" / "qwen2.5-coder-1.5b"
ITEM_LISTS = ("articles", "entities", "events", "statements", "stances", "disputes")
MAX_RATIO = 1.5

# "`field`: A → B" with both sides alike, or a change that is only an order.
_ARROW = re.compile(r"^\s*- `[^`]+`: (?P<old>.*) → (?P<new>.*)$")


@dataclass
class Case:
    added: str
    raw_lines: int
    item_lines: int
    no_change: list[str]
    diff_markdown: str
    git_diff: str

    @property
    def ratio(self) -> float:
        return self.raw_lines / self.item_lines if self.item_lines else float("inf")

    @property
    def ok(self) -> bool:
        return not self.no_change and self.ratio <= MAX_RATIO


def no_change_lines(markdown: str) -> list[str]:
    """Lines of a ``summarise diff`` report that say nothing changed."""
    found = []
    for line in markdown.splitlines():
        match = _ARROW.match(line)
        if (match and match["old"] == match["new"]) or "reordered" in line:
            found.append(line)
    return found


def summarise(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "summariser.cli", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, check=False)


def build(repo: Path, articles: list[Path], cache: Path) -> None:
    """``summarise run articles/ --replay`` in ``repo``: dossier.json as the workflow makes it."""
    folder = repo / "articles"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for article in articles:
        shutil.copy(article, folder / article.name)
    done = summarise("run", "articles/", "-o", "dossier.json", "--replay", RECORDED, "--cache-dir", cache, "-q",
                     cwd=repo)
    if done.returncode != 0:
        raise SystemExit(f"summarise run failed ({done.returncode}):\n{done.stderr}")


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True).stdout


def item_lines(old: dict, new: dict) -> int:
    """Lines in the new file of every item that is new or differs from the old one."""
    total = 0
    for kind in ITEM_LISTS:
        before = {item["id"]: item for item in old.get(kind, [])}
        for item in new.get(kind, []):
            if before.get(item["id"]) != item:
                total += len(review_json(item).splitlines())
    return total


def run_case(added: Path, work: Path, cache: Path) -> Case:
    repo = work / added.stem
    repo.mkdir(parents=True)
    git(repo, "init", "-q")
    git(repo, "config", "user.email", "bench@example.invalid")
    git(repo, "config", "user.name", "bench")
    others = [p for p in sorted(SEEDS.glob("*.txt")) if p != added]
    build(repo, others, cache)
    git(repo, "add", "dossier.json")
    git(repo, "commit", "-q", "-m", "base")
    base = json.loads((repo / "dossier.json").read_text(encoding="utf-8"))
    shutil.copy(repo / "dossier.json", work / f"{added.stem}.base.json")
    build(repo, [*others, added], cache)
    numstat = git(repo, "diff", "--numstat", "--", "dossier.json").split()
    raw = int(numstat[0]) + int(numstat[1]) if numstat else 0
    new = json.loads((repo / "dossier.json").read_text(encoding="utf-8"))
    diff = summarise("diff", work / f"{added.stem}.base.json", repo / "dossier.json", cwd=repo)
    if diff.returncode not in (0, 1):
        raise SystemExit(f"summarise diff failed ({diff.returncode}):\n{diff.stderr}")
    return Case(added.name, raw, item_lines(base, new), no_change_lines(diff.stdout), diff.stdout,
                git(repo, "diff", "--", "dossier.json"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--show", action="append", default=[],
                        help="print the git diff and summarise diff of the case whose file name starts so")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-diff-") as tmp:
        work = Path(tmp)
        cases = [run_case(seed, work, work / "cache") for seed in sorted(SEEDS.glob("*.txt"))]
    print(f"{'added article':<28} {'raw':>5} {'items':>6} {'ratio':>6} {'no-change':>9}")
    for case in cases:
        print(f"{case.added:<28} {case.raw_lines:>5} {case.item_lines:>6} {case.ratio:>6.2f} {len(case.no_change):>9}"
              + ("" if case.ok else "   FAIL"))
        for line in case.no_change:
            print(f"    no-change: {line.strip()}")
    for case in cases:
        if any(case.added.startswith(prefix) for prefix in args.show):
            print(f"\n===== {case.added}: git diff dossier.json =====\n{case.git_diff}")
            print(f"===== {case.added}: summarise diff =====\n{case.diff_markdown}")
    return 0 if all(case.ok for case in cases) else 1


if __name__ == "__main__":
    raise SystemExit(main())
