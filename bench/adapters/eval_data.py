"""Where the third-party evaluation corpora live (never inside this repository)."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def default_eval_dir() -> Path:
    """``$SUMMARISER_EVAL_DIR``, else ``<repo root>/../shared/eval``."""
    configured = os.environ.get("SUMMARISER_EVAL_DIR")
    return Path(configured) if configured else REPO_ROOT.parent / "shared" / "eval"
