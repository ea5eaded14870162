"""Reading and writing dossiers and other outputs on disk.

Every output is written atomically (a temp file in the same folder, then a
rename), so a reader sees the old file or the new one, never half of one.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from pydantic import ValidationError

from .datamodel import Dossier
from .formatting import count_noun


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write via a temp file in the same folder and rename over the target.

    Readers see either the old file or the new one, never a partial file,
    even if the process is killed mid-write.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
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
