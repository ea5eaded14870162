"""Reading and writing dossiers and other outputs on disk.

Every output is written atomically (a temp file in the same folder, then a
rename), so a reader sees the old file or the new one, never half of one.
Files get the permissions the user's umask gives; a temp file left by a
killed process is removed by the next write of the same file.

A dossier is written with its run record beside it (``dossier.run.json`` for
``dossier.json``): the dossier holds the story, laid out for line diffs
(``canonical.review_json``); the run record holds how the run went (calls,
tokens, timings, the paths given), which differs from run to run and so is
kept out of the file that is reviewed.
"""

from __future__ import annotations

import errno
import glob
import json
import os
import re
import secrets
import sqlite3
from pathlib import Path
from typing import Any, Iterable, Protocol

from pydantic import ValidationError

from .canonical import canonical_json, review_json
from .datamodel import ArticleExtraction, Dossier, RunArticle, RunRecord, Usage
from .formatting import count_noun


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write via a temp file in the same folder and rename over the target.

    Readers see either the old file or the new one, never a partial file,
    even if the process is killed mid-write. The file gets the permissions
    the user's umask gives any new file. A temp file left by a process that
    was killed outright (SIGKILL, power loss) is removed on the next write.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_orphaned_temp_files(target)
    tmp = target.with_name(f".{target.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp")
    try:
        # 0o666 and O_EXCL: the kernel applies the umask, and the name is ours alone.
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


_TEMP_OWNER = re.compile(r"\.(\d+)-[0-9a-f]{8}\.tmp$")


def _remove_orphaned_temp_files(target: Path) -> None:
    """Delete ``target``'s temp files whose writing process no longer exists."""
    if os.name != "posix":
        return
    for leftover in target.parent.glob(f".{glob.escape(target.name)}.*.tmp"):
        owner = _TEMP_OWNER.search(leftover.name)
        if owner and int(owner.group(1)) != os.getpid() and not _process_exists(int(owner.group(1))):
            try:
                leftover.unlink()
            except OSError:
                pass  # another writer got there first, or not ours to delete


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True


def disk_full(error: BaseException) -> bool:
    """Whether a write failed for lack of space: the OS's ENOSPC, or sqlite's (the cache) SQLITE_FULL."""
    if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    return isinstance(error, sqlite3.OperationalError) and (
        getattr(error, "sqlite_errorname", "") == "SQLITE_FULL" or "disk is full" in str(error)
    )


def looks_like_dossier(path: str | os.PathLike[str]) -> bool:
    """Whether a file is a dossier (a JSON object with ``articles`` and ``run``), of any schema version."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return False
    return isinstance(data, dict) and "articles" in data and "run" in data

class RunOutcome(Protocol):
    """What the run record needs to know of one input (``pipeline.Outcome``)."""

    label: str
    status: Any
    seconds: float
    error: str | None
    article: Any
    extraction: ArticleExtraction | None


def run_record_path(dossier_path: str | os.PathLike[str]) -> Path:
    """``dossier.json`` -> ``dossier.run.json`` (any other name gets ``.run.json`` appended)."""
    path = Path(dossier_path)
    if path.suffix == ".json":
        return path.with_suffix(".run.json")
    return path.with_name(path.name + ".run.json")


def run_record(dossier_path: str | os.PathLike[str], dossier: Dossier, outcomes: Iterable[RunOutcome],
               this_run: Usage) -> RunRecord:
    articles = []
    extractions = Usage()
    for outcome in outcomes:
        usage = outcome.extraction.usage if outcome.extraction is not None else None
        extractions = extractions + (usage or Usage())
        articles.append(RunArticle(
            path=outcome.label, article_id=outcome.article.id if outcome.article is not None else None,
            status=outcome.status, seconds=round(outcome.seconds, 3), error=outcome.error, usage=usage,
        ))
    return RunRecord(
        dossier=Path(dossier_path).name, model=dossier.run.model, prompt_version=dossier.run.prompt_version,
        schema_version=dossier.run.schema_version, this_run=this_run, extractions=extractions,
        articles=sorted(articles, key=lambda a: (a.path, a.article_id or "")),
    )


def write_dossier(path: str | os.PathLike[str], dossier: Dossier, outcomes: Iterable[RunOutcome],
                  this_run: Usage) -> Dossier:
    """Write the dossier and, beside it, the record of the run that made it; return the dossier as written.

    Article paths inside the dossier's folder are written relative to it
    (``articles/a.txt``, however the run was invoked), so the same checkout
    gives the same dossier on any machine; ``summarise render`` looks for
    relative paths under the dossier's folder.
    """
    dossier = with_paths_relative_to(dossier, Path(path).parent)
    atomic_write_text(path, review_json(dossier))
    atomic_write_text(run_record_path(path), canonical_json(run_record(path, dossier, outcomes, this_run)))
    return dossier


def with_paths_relative_to(dossier: Dossier, folder: Path) -> Dossier:
    """Article paths under ``folder`` made relative to it (POSIX separators); others as given."""
    root = folder.resolve()
    articles = []
    for meta in dossier.articles:
        paths = sorted({_relative_if_under(p, root) for p in meta.paths})
        articles.append(meta if paths == meta.paths else meta.model_copy(update={"paths": paths}))
    return dossier.model_copy(update={"articles": articles})


def _relative_if_under(path: str, root: Path) -> str:
    try:
        return Path(path).resolve().relative_to(root).as_posix()
    except (ValueError, OSError):
        return path


class DossierLoadError(Exception):
    """A dossier file that cannot be read or is not a valid dossier."""


def load_dossier(path: str | os.PathLike[str]) -> Dossier | None:
    """Read and validate a dossier; ``/dev/null`` means "no dossier" (git passes it for new files)."""
    if os.fspath(path) == os.devnull:
        return None
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DossierLoadError(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}") from exc
    try:
        return Dossier.model_validate(_without_run_bookkeeping(json.loads(text)))
    except json.JSONDecodeError as exc:
        raise DossierLoadError(f"{path} is not a valid dossier: not JSON ({exc.msg} at line {exc.lineno})") from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first.get("loc", ())) or "top level"
        raise DossierLoadError(
            f"{path} is not a valid dossier: {count_noun(exc.error_count(), 'error')}, first at {where}: {first.get('msg')}"
        ) from exc


def _without_run_bookkeeping(data: Any) -> Any:
    """A dossier written before run bookkeeping moved to the run record kept
    its model usage in ``run.usage``: drop it, so such a dossier (the base of
    a pull request) still loads and diffs against a new one."""
    if isinstance(data, dict) and isinstance(data.get("run"), dict) and "usage" in data["run"]:
        data = {**data, "run": {k: v for k, v in data["run"].items() if k != "usage"}}
    return data
