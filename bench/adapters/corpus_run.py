"""Plumbing shared by the corpus evaluations (bench/eval_attribution.py, bench/eval_stance.py).

* ROOT: the repository root (scripts put it on sys.path themselves, with one line, before importing this);
* seeded_sample: the fixed sample rule of the corpus adapters;
* split_passthrough / description_parser: the scripts' ``[options] -- SUMMARISE-RUN-ARGS`` command line;
* find_summarise / run_summarise: write a sample's texts to a temporary folder as <doc_id>.txt and run
  ``summarise run`` on it.
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Iterable, Sequence

ROOT = Path(__file__).resolve().parents[2]


def seeded_sample(ids: Iterable[str], size: int, seed: int) -> list[str]:
    """The fixed sample: sorted ids, then random.Random(seed).sample(ids, size) (all ids if fewer)."""
    ordered = sorted(ids)
    if len(ordered) <= size:
        return ordered
    return random.Random(seed).sample(ordered, size)


def split_passthrough(argv: Sequence[str]) -> tuple[list[str], list[str]]:
    """(the script's own arguments, the arguments after the first ``--``, for `summarise run`)."""
    argv = list(argv)
    if "--" not in argv:
        return argv, []
    cut = argv.index("--")
    return argv[:cut], argv[cut + 1:]


def description_parser(doc: str, **kwargs) -> argparse.ArgumentParser:
    """An argument parser whose --help shows the script's docstring as written."""
    return argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter, **kwargs)


def passthrough_value(args: Sequence[str], option: str) -> str | None:
    """The value of ``option`` (``--opt VALUE`` or ``--opt=VALUE``) among pass-through arguments, if given."""
    for i, arg in enumerate(args):
        if arg == option and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith(option + "="):
            return arg.split("=", 1)[1]
    return None


def find_summarise(explicit: str | None = None) -> str:
    """``explicit``, else the `summarise` beside the running Python, on PATH, or in ROOT/.venv/bin."""
    if explicit:
        return explicit
    local = Path(sys.executable).with_name("summarise")
    if local.exists():
        return str(local)
    found = shutil.which("summarise")
    if found:
        return found
    venv = ROOT / ".venv" / "bin" / "summarise"
    if venv.exists():
        return str(venv)
    raise FileNotFoundError("cannot find the `summarise` command; install the project (pip install -e .) first")


def run_summarise(texts: Iterable[tuple[str, str]], out: Path, passthrough: Sequence[str], *, summarise: str,
                  prefix: str, options: Sequence[str] = (), cwd: Path | None = None) -> tuple[Path, float, int]:
    """Write each (doc_id, text) to a temporary folder as <doc_id>.txt and call
    ``summarise run FOLDER -o OUT/dossier.json [options] [passthrough]``.

    Returns (the extractions folder: OUT/extractions unless --extractions is passed through,
    the start time less a second for coarse file mtimes, summarise's exit code).
    """
    out.mkdir(parents=True, exist_ok=True)
    started = time.time() - 1.0  # file mtimes may be coarser than time.time()
    extractions = Path(passthrough_value(passthrough, "--extractions") or out / "extractions")
    with tempfile.TemporaryDirectory(prefix=prefix) as folder:
        for doc_id, text in texts:
            # Bytes, so no newline translation: offsets stay those of the corpus text.
            (Path(folder) / f"{doc_id}.txt").write_bytes(text.encode("utf-8"))
        command = [summarise, "run", folder, "-o", str(out / "dossier.json"), *options, *passthrough]
        print("running:", " ".join(command), file=sys.stderr, flush=True)
        code = subprocess.call(command, cwd=cwd)
    return extractions, started, code
