"""Canonical JSON, content-derived IDs and atomic writes.

Everything summariser writes goes through here, so that the same inputs give
byte-identical files and an item's ID depends only on its content (adding an
article never renumbers unrelated items).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from pydantic import BaseModel


def to_plain(obj: Any) -> Any:
    """Pydantic models (at any depth) to plain JSON-able data."""
    if isinstance(obj, BaseModel):
        return obj.model_dump(mode="json")
    if isinstance(obj, dict):
        return {str(k): to_plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_plain(v) for v in obj]
    return obj


def canonical_json(obj: Any, *, indent: int | None = 2) -> str:
    """Sorted keys, fixed indentation, UTF-8 text, trailing newline."""
    text = json.dumps(to_plain(obj), sort_keys=True, indent=indent, ensure_ascii=False)
    return text + "\n" if indent is not None else text


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def content_id(prefix: str, *parts: Any, length: int = 12) -> str:
    """A stable ID such as ``ev-1a2b3c4d5e6f`` from the canonical form of ``parts``."""
    digest = sha256_text(canonical_json(list(parts), indent=None))
    return f"{prefix}-{digest[:length]}"


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
