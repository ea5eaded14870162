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


def review_json(obj: Any) -> str:
    """Canonical JSON laid out for line diffs: what one change touches is a few lines.

    Sorted keys and a trailing newline as in ``canonical_json``, but an object
    that holds no list (at any depth) is written on one line (a source with its evidence, an
    assertion, a date), while objects that hold lists (the dossier, each item,
    a dispute's claim) and all lists are spread one member per line. Adding
    a source to an item then adds one line to that item, and a changed field
    changes one line.
    """
    return _review_lines(to_plain(obj), "") + "\n"


def _review_lines(value: Any, indent: str) -> str:
    inner = indent + "  "
    if isinstance(value, list):
        if not value:
            return "[]"
        members = [inner + _review_lines(v, inner) for v in value]
        return "[\n" + ",\n".join(members) + "\n" + indent + "]"
    if isinstance(value, dict) and _holds_list(value):
        members = [
            f"{inner}{json.dumps(str(k), ensure_ascii=False)}: {_review_lines(value[k], inner)}"
            for k in sorted(value)
        ]
        return "{\n" + ",\n".join(members) + "\n" + indent + "}"
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _holds_list(value: Any) -> bool:
    if isinstance(value, list):
        return True
    return isinstance(value, dict) and any(_holds_list(v) for v in value.values())


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def content_id(prefix: str, *parts: Any, length: int = 12) -> str:
    """A stable ID such as ``ev-1a2b3c4d5e6f`` from the canonical form of ``parts``."""
    digest = sha256_text(canonical_json(list(parts), indent=None))
    return f"{prefix}-{digest[:length]}"
