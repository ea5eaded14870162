"""Canonical JSON and content-derived IDs.

Everything summariser writes goes through here, so that the same inputs give
byte-identical files and an item's ID depends only on its content (adding an
article never renumbers unrelated items).
"""

from __future__ import annotations

import hashlib
import json
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
