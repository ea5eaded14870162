"""The transport stack under the openai client: retries, metering, record and replay.

All offline: requests go to httpx2.MockTransport handlers, and waits go to a
fake sleep that only records how long it was asked to wait.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable

import httpx2
import openai
import pytest
import typer

from summariser.backends import (
    BackendOptions,
    CompactJsonTransport,
    EndpointBackend,
    Meter,
    MeteringTransport,
    RecordingTransport,
    ReplayBackend,
    ReplayTransport,
    RetryTransport,
    compact_json_grammar,
    request_key,
)
from summariser.datamodel import Usage

URL = "http://model.test/v1/chat/completions"
REQUEST = {
    "model": "tiny",
    "messages": [{"role": "system", "content": "Answer in JSON."}, {"role": "user", "content": "Who spoke?"}],
    "temperature": 0,
    "response_format": {"type": "json_schema", "json_schema": {"name": "a", "schema": {"type": "object"}}},
}


def completion(content: str = '{"statements": []}', prompt_tokens: int = 120, completion_tokens: int = 8) -> dict:
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 0,
        "model": "tiny",
        "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": content}}],
        "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens, "total_tokens": prompt_tokens + completion_tokens},
    }


class Script:
    """A mock model server that plays a list of outcomes (responses or exceptions) in order."""

    def __init__(self, *outcomes: httpx2.Response | Exception | Callable[[httpx2.Request], httpx2.Response]):
        self.outcomes = list(outcomes)
        self.bodies: list[bytes] = []

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.bodies.append(request.read())
        outcome = self.outcomes[min(len(self.bodies), len(self.outcomes)) - 1]
        if isinstance(outcome, Exception):
            raise outcome
        if callable(outcome) and not isinstance(outcome, httpx2.Response):
            return outcome(request)
        return outcome

    @property
    def calls(self) -> int:
        return len(self.bodies)


def ok(**kwargs) -> httpx2.Response:
    return httpx2.Response(200, json=completion(**kwargs))


def post(transport: httpx2.BaseTransport, payload: dict | None = None, *, content: bytes | None = None) -> httpx2.Response:
    with httpx2.Client(transport=transport) as client:
        if content is not None:
            return client.post(URL, content=content, headers={"content-type": "application/json"})
        return client.post(URL, json=payload if payload is not None else REQUEST)


def retrying(script: Script, waits: list[float], **kwargs) -> RetryTransport:
    return RetryTransport(httpx2.MockTransport(script), sleep=waits.append, **kwargs)


# --------------------------------------------------------------------------
# RetryTransport
# --------------------------------------------------------------------------


def test_retries_a_500_then_succeeds() -> None:
    script, waits = Script(httpx2.Response(500, text="overloaded"), ok()), []
    response = post(retrying(script, waits))
    assert response.status_code == 200
    assert response.json()["choices"][0]["message"]["content"] == '{"statements": []}'
    assert script.calls == 2
    assert waits == [1.0]  # base_wait * 2**0


def test_429_honours_retry_after() -> None:
    script, waits = Script(httpx2.Response(429, headers={"Retry-After": "7"}), ok()), []
    assert post(retrying(script, waits)).status_code == 200
    assert waits == [7.0]


def test_retry_after_is_capped_by_max_wait() -> None:
    script, waits = Script(httpx2.Response(429, headers={"Retry-After": "3600"}), ok()), []
    assert post(retrying(script, waits, max_wait=60.0)).status_code == 200
    assert waits == [60.0]


def test_unparseable_retry_after_falls_back_to_backoff() -> None:
    date = "Wed, 21 Oct 2026 07:28:00 GMT"
    script, waits = Script(httpx2.Response(429, headers={"Retry-After": date}), ok()), []
    assert post(retrying(script, waits, base_wait=0.5)).status_code == 200
    assert waits == [0.5]


def test_backoff_doubles_between_attempts() -> None:
    script = Script(httpx2.Response(503), httpx2.Response(502), httpx2.Response(504), ok())
    waits: list[float] = []
    assert post(retrying(script, waits, attempts=4, base_wait=0.5)).status_code == 200
    assert waits == [0.5, 1.0, 2.0]


def test_gives_up_after_attempts_and_returns_the_last_5xx() -> None:
    def numbered(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(503, json={"error": {"message": f"busy {script.calls}"}})

    script, waits = Script(numbered), []
    response = post(retrying(script, waits, attempts=3))
    assert script.calls == 3
    assert len(waits) == 2, "no wait after the last attempt"
    # The final response goes up to the openai client (which turns it into an APIError).
    assert response.status_code == 503
    assert response.json()["error"]["message"] == "busy 3"


@pytest.mark.parametrize("status", [400, 401, 404, 422])
def test_client_errors_are_not_retried(status: int) -> None:
    script, waits = Script(httpx2.Response(status, json={"error": {"message": "bad"}})), []
    assert post(retrying(script, waits)).status_code == status
    assert script.calls == 1
    assert waits == []


@pytest.mark.parametrize(
    "error",
    [httpx2.ConnectError("connection refused"), httpx2.ReadTimeout("timed out"), httpx2.ConnectTimeout("timed out")],
    ids=["connect", "read-timeout", "connect-timeout"],
)
def test_transient_errors_are_retried(error: Exception) -> None:
    script, waits = Script(error, error, ok()), []
    assert post(retrying(script, waits, attempts=3)).status_code == 200
    assert script.calls == 3
    assert waits == [1.0, 2.0]


@pytest.mark.parametrize(
    "error",
    [httpx2.ConnectError("connection refused"), httpx2.ReadTimeout("timed out")],
    ids=["connect", "read-timeout"],
)
def test_transient_errors_are_reraised_after_the_last_attempt(error: Exception) -> None:
    script, waits = Script(error), []
    with pytest.raises(type(error)):
        post(retrying(script, waits, attempts=3))
    assert script.calls == 3
    assert len(waits) == 2


def test_other_errors_are_not_retried() -> None:
    script, waits = Script(RuntimeError("bug in a lower layer")), []
    with pytest.raises(RuntimeError):
        post(retrying(script, waits))
    assert script.calls == 1
    assert waits == []


def test_every_attempt_sends_the_same_body() -> None:
    script, waits = Script(httpx2.Response(500), httpx2.ConnectError("refused"), ok()), []
    post(retrying(script, waits, attempts=3))
    assert len(script.bodies) == 3
    assert all(json.loads(body) == REQUEST for body in script.bodies)


def test_at_least_one_attempt() -> None:
    script, waits = Script(httpx2.Response(500)), []
    assert post(retrying(script, waits, attempts=0)).status_code == 500
    assert script.calls == 1


# --------------------------------------------------------------------------
# MeteringTransport
# --------------------------------------------------------------------------


def test_metering_counts_calls_and_tokens() -> None:
    meter = Meter()
    script = Script(ok(prompt_tokens=120, completion_tokens=8), ok(prompt_tokens=300, completion_tokens=42))
    transport = MeteringTransport(httpx2.MockTransport(script), meter)
    first = post(transport)
    post(transport)
    assert meter.usage == Usage(calls=2, prompt_tokens=420, completion_tokens=50)
    # Metering reads the body; the client must still get it.
    assert first.json()["usage"]["prompt_tokens"] == 120


def test_metering_counts_a_failed_call_without_tokens() -> None:
    meter = Meter()
    transport = MeteringTransport(httpx2.MockTransport(Script(httpx2.Response(500, text="<html>oops</html>"))), meter)
    assert post(transport).status_code == 500
    assert meter.usage == Usage(calls=1, prompt_tokens=0, completion_tokens=0)


def test_retries_are_metered() -> None:
    # The stack the backends build: retries above metering, so every attempt is counted.
    meter, waits = Meter(), []
    script = Script(httpx2.Response(500), httpx2.Response(429, headers={"Retry-After": "0"}), ok(prompt_tokens=100, completion_tokens=5))
    transport = RetryTransport(MeteringTransport(httpx2.MockTransport(script), meter), attempts=3, sleep=waits.append)
    assert post(transport).status_code == 200
    assert meter.usage == Usage(calls=3, prompt_tokens=100, completion_tokens=5)
    assert waits == [1.0, 0.0]


# --------------------------------------------------------------------------
# Recording and replay
# --------------------------------------------------------------------------


def test_request_key_ignores_key_order_and_formatting() -> None:
    compact = json.dumps(REQUEST, separators=(",", ":")).encode()
    reordered = json.dumps(dict(reversed(list(REQUEST.items()))), indent=4).encode()
    assert request_key(compact) == request_key(reordered)
    changed = dict(REQUEST, messages=[{"role": "user", "content": "Who spoke first?"}])
    assert request_key(json.dumps(changed).encode()) != request_key(compact)


def test_recording_then_replay(tmp_path: Path) -> None:
    answer = completion(content='{"statements": [{"sentence": 1, "speaker": "Ilham Aliyev"}]}')
    script = Script(httpx2.Response(200, json=answer))
    recorded = post(RecordingTransport(httpx2.MockTransport(script), tmp_path))
    assert recorded.json() == answer

    [fixture] = list(tmp_path.glob("*.json"))
    record = json.loads(fixture.read_text(encoding="utf-8"))
    assert record["request"] == REQUEST
    assert record["response"] == answer

    # Same request, keys in another order and another layout: same answer, no network.
    reordered = json.dumps(dict(reversed(list(REQUEST.items()))), indent=2).encode()
    replayed = post(ReplayTransport(tmp_path), content=reordered)
    assert replayed.status_code == 200
    assert replayed.json() == answer
    assert script.calls == 1


def test_failed_exchanges_are_not_recorded(tmp_path: Path) -> None:
    post(RecordingTransport(httpx2.MockTransport(Script(httpx2.Response(500, text="overloaded"))), tmp_path))
    assert list(tmp_path.glob("*.json")) == []


def test_replay_of_an_unknown_request_is_a_helpful_404(tmp_path: Path) -> None:
    post(RecordingTransport(httpx2.MockTransport(Script(ok())), tmp_path))
    other = dict(REQUEST, temperature=0.7)
    response = post(ReplayTransport(tmp_path), other)
    assert response.status_code == 404
    error = response.json()["error"]
    assert error["type"] == "replay_miss"
    assert str(tmp_path) in error["message"]
    assert "re-record" in error["message"]


def test_recording_stack_keeps_the_client_request(tmp_path: Path) -> None:
    # In the backends, recording sits below metering and retries;
    # what is recorded must be exactly what the client sent.
    meter = Meter()
    transport = MeteringTransport(RecordingTransport(httpx2.MockTransport(Script(ok())), tmp_path), meter)
    post(transport)
    [fixture] = list(tmp_path.glob("*.json"))
    assert json.loads(fixture.read_text(encoding="utf-8"))["request"] == REQUEST
    assert fixture.stem == request_key(json.dumps(REQUEST).encode())


# --------------------------------------------------------------------------
# Backends end to end through the openai client
# --------------------------------------------------------------------------


class MockEndpoint(EndpointBackend):
    def __init__(self, script: Script, record_dir: Path):
        super().__init__("http://model.test/v1", "tiny", options=BackendOptions(attempts=1, record_dir=record_dir))
        self.script = script

    def _base_transport(self) -> httpx2.BaseTransport:
        return httpx2.MockTransport(self.script)


def ask(backend, question: str = "Who spoke?") -> str:
    reply = backend.client().chat.completions.create(model="tiny", messages=[{"role": "user", "content": question}])
    return reply.choices[0].message.content


def test_endpoint_records_and_replay_backend_answers_offline(tmp_path: Path) -> None:
    script = Script(ok(content="Aliyev", prompt_tokens=30, completion_tokens=2))
    with MockEndpoint(script, tmp_path) as live:
        assert ask(live) == "Aliyev"
        assert live.meter.usage == Usage(calls=1, prompt_tokens=30, completion_tokens=2)

    with ReplayBackend(tmp_path, "tiny") as replay:
        assert ask(replay) == "Aliyev"
        # Replayed calls are metered like live ones.
        assert replay.meter.usage == Usage(calls=1, prompt_tokens=30, completion_tokens=2)
        with pytest.raises(openai.NotFoundError) as info:
            ask(replay, "Who spoke first?")
        assert "replay_miss" in str(info.value)
    assert script.calls == 1


def test_recorded_first_asks_the_model_only_what_the_recordings_lack(tmp_path: Path) -> None:
    recorded, fresh = tmp_path / "recorded", tmp_path / "fresh"
    with MockEndpoint(Script(ok(content="Aliyev")), recorded) as live:
        assert ask(live, "Who spoke?") == "Aliyev"

    script = Script(ok(content="Pezeshkian"))
    with MockEndpoint(script, fresh) as mixed:
        mixed.options.recorded_first = recorded
        assert ask(mixed, "Who spoke?") == "Aliyev"  # from the recording: the model is not asked
        assert script.calls == 0
        assert ask(mixed, "Who spoke first?") == "Pezeshkian"  # not recorded: the model answers
        assert script.calls == 1
    # What the model answered is recorded, so a strict replay now has both.
    with ReplayBackend(fresh, "tiny") as replay:
        assert ask(replay, "Who spoke first?") == "Pezeshkian"


def test_ask_unrecorded_needs_replay() -> None:
    from summariser.cli import choose_backend

    with pytest.raises(typer.Exit):
        choose_backend(base_url=None, api_key=None, model=None, model_path=None, local=False, replay=None, record=None,
                       threads=None, attempts=1, timeout=30, say=print, verbose=False, ask_unrecorded=True)


def test_ask_unrecorded_builds_a_live_backend_that_replays_first(tmp_path: Path) -> None:
    from summariser.cli import choose_backend

    backend = choose_backend(base_url="http://model.test/v1", api_key=None, model="tiny", model_path=None, local=False,
                             replay=tmp_path, record=None, threads=None, attempts=1, timeout=30, say=print,
                             verbose=False, ask_unrecorded=True)
    assert isinstance(backend, EndpointBackend)
    assert backend.options.recorded_first == tmp_path


# --------------------------------------------------------------------------
# CompactJsonTransport (embedded server only)
# --------------------------------------------------------------------------

NESTED_SCHEMA = {
    "type": "object",
    "properties": {"events": {"type": "array", "items": {"$ref": "#/$defs/Event"}}},
    "required": ["events"],
    "$defs": {
        "Event": {"type": "object", "properties": {"what": {"type": "string", "maxLength": 60}}},
        "Open": {"type": "object", "properties": {"x": {"type": "integer"}}, "additionalProperties": True},
    },
}


def _grammar_schema(grammar: str) -> dict:
    header, _, schema = grammar.partition("start: %json ")
    assert header == "%llguidance {}\n"
    return json.loads(schema)


def test_compact_grammar_keeps_the_schema_closes_objects_and_forbids_free_whitespace() -> None:
    schema = _grammar_schema(compact_json_grammar(NESTED_SCHEMA))
    assert schema["x-guidance"] == {"whitespace_flexible": False, "item_separator": ", ", "key_separator": ": "}
    assert schema["additionalProperties"] is False
    assert schema["$defs"]["Event"]["additionalProperties"] is False
    assert schema["$defs"]["Open"]["additionalProperties"] is True  # an explicit choice is kept
    assert schema["$defs"]["Event"]["properties"]["what"] == {"type": "string", "maxLength": 60}
    assert list(schema["properties"]) == ["events"] and schema["required"] == ["events"]
    assert "x-guidance" not in NESTED_SCHEMA and "additionalProperties" not in NESTED_SCHEMA["$defs"]["Event"]


FLAT_SCHEMA = {
    "type": "object",
    "properties": {"speaker": {"anyOf": [{"type": "string"}, {"type": "null"}]}, "place": {"$ref": "#/$defs/Place"}},
    "$defs": {"Place": {"type": "object", "properties": {"name": {"type": "string"}}}},
}


def test_compact_transport_sends_a_flat_schema_as_a_grammar_and_the_rest_unchanged() -> None:
    script = Script(ok())
    request = dict(REQUEST, response_format={"type": "json_schema", "json_schema": {"name": "a", "schema": FLAT_SCHEMA}})
    response = post(CompactJsonTransport(httpx2.MockTransport(script)), request)
    assert response.status_code == 200
    (sent,) = [json.loads(body) for body in script.bodies]
    assert "response_format" not in sent
    assert _grammar_schema(sent.pop("grammar"))["$defs"]["Place"]["additionalProperties"] is False
    assert sent == {k: v for k, v in request.items() if k != "response_format"}


def test_compact_transport_passes_other_requests_through_untouched() -> None:
    plain = {k: v for k, v in REQUEST.items() if k != "response_format"}
    listing = dict(REQUEST, response_format={"type": "json_schema", "json_schema": {"name": "a", "schema": NESTED_SCHEMA}})
    for payload in (plain, dict(REQUEST, response_format={"type": "json_object"}), listing):
        script = Script(ok())
        post(CompactJsonTransport(httpx2.MockTransport(script)), payload)
        assert json.loads(script.bodies[0]) == payload
    script = Script(ok())
    post(CompactJsonTransport(httpx2.MockTransport(script)), content=b"not json")
    assert script.bodies == [b"not json"]


# --------------------------------------------------------------------------
# A backend described in plain data (what a cluster worker rebuilds)
# --------------------------------------------------------------------------


def test_a_backend_spec_survives_pickling_and_rebuilds_the_same_backend(tmp_path):
    import pickle

    from summariser.backends import BackendOptions, BackendSpec, EmbeddedBackend, EndpointBackend, ReplayBackend, backend_spec, build_backend

    originals = [
        EndpointBackend("http://127.0.0.1:9/v1/", "served-model", "sk-test", BackendOptions(attempts=5, timeout=12.0, max_rpm=30)),
        EmbeddedBackend("qwen2.5-coder-0.5b", threads=3, options=BackendOptions(concurrency=2)),
        ReplayBackend(tmp_path, "recorded-model"),
    ]
    for original in originals:
        spec = pickle.loads(pickle.dumps(backend_spec(original)))
        assert isinstance(spec, BackendSpec)
        rebuilt = build_backend(spec)
        assert type(rebuilt) is type(original)
        assert (rebuilt.model_id, rebuilt.concurrency, rebuilt.options) == (original.model_id, original.concurrency, spec.options)
        assert rebuilt.options.attempts == original.options.attempts and rebuilt.options.max_rpm == original.options.max_rpm
    endpoint = build_backend(backend_spec(originals[0]))
    assert (endpoint.base_url, endpoint.api_key, endpoint.options.timeout) == ("http://127.0.0.1:9/v1", "sk-test", 12.0)
    embedded = build_backend(backend_spec(originals[1]))
    assert (embedded.model_name, embedded.threads) == ("qwen2.5-coder-0.5b", 3)
    assert build_backend(backend_spec(originals[2])).directory == tmp_path
