"""Reading and writing dossiers and other outputs on disk.

Every output is written atomically (a temp file in the same folder, then a
rename), so a reader sees the old file or the new one, never half of one.
Files get the permissions the user's umask gives; a temp file left by a
killed process is removed by the next write of the same file.
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

from pydantic import ValidationError

from .datamodel import Dossier
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
        return Dossier.model_validate_json(text)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first.get("loc", ())) or "top level"
        raise DossierLoadError(
            f"{path} is not a valid dossier: {count_noun(exc.error_count(), 'error')}, first at {where}: {first.get('msg')}"
        ) from exc
