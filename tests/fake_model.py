"""A scripted OpenAI-compatible chat server for reliability tests.

``FakeModel`` serves ``POST /v1/chat/completions`` on 127.0.0.1 (a free port)
from a thread. Each request is parsed into a ``Call`` (which question, which
sentence numbers and speaker names the schema allows, the numbered article
lines) and answered by a script: a function ``Call -> Reply``.

There are two questions. A statement question (schema "SpeechStance") is
about one attribution the parse found in sentence [N]; it asks for the stance
only (``{"stance": ..., "target": ..., "topic": ...}``), plus a ``speaker``
whose schema is an enum of the names offered when the source is a pronoun or
a description with several possible referents. An events question (schema
"EventsAnswer") asks for a list of events citing allowed sentence numbers.

The default script answers correctly: no stance, the first offered speaker
when one must be chosen, and one event in the first allowed sentence's words.

Token usage is derived from the text lengths, so the same request always
reports the same usage (dossiers from different runs compare equal).
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable

_LINE = re.compile(r"^\[(\d+)\] (.*)$", re.M)
_ONE_SENTENCE = re.compile(r"sentence \[(\d+)\]")


@dataclass
class Call:
    """One chat completion request, as the test scripts see it."""

    index: int  # 0-based, over the whole server life
    # "statement" (one attribution: SpeechStance), "events" (EventsAnswer)
    # or "?" (schema name not recognised)
    kind: str
    model: str
    # events: the sentence numbers the schema allows; statement: [N], the
    # sentence the question is about
    allowed: list[int]
    sentences: dict[int, str]  # the numbered article lines in the prompt
    prompt: str  # the user messages (the article first, then any re-ask)
    body: dict[str, Any]
    at: float = 0.0  # time.monotonic() when it arrived
    # statement: the names the schema's ``speaker`` enum allows; empty when
    # the speaker is settled by the text and the answer has no speaker field
    speakers: list[str] = field(default_factory=list)
    peer: tuple[str, int] | None = None  # the client's address and port (which process asked)

    @property
    def reask(self) -> bool:
        return sum(1 for m in self.body.get("messages", []) if m.get("role") == "user") > 1

    @property
    def about_statements(self) -> bool:
        return self.kind == "statement"

    @property
    def schema(self) -> dict[str, Any]:
        """The JSON schema the answer must follow."""
        return ((self.body.get("response_format") or {}).get("json_schema") or {}).get("schema") or {}

    def mentions(self, marker: str) -> bool:
        return marker in self.prompt


@dataclass
class Reply:
    status: int = 200
    content: str | None = None  # message content of a 200 chat.completion
    finish_reason: str = "stop"
    body: Any = None  # a whole body instead (dict -> JSON, str/bytes as is)
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to sleep before answering
    content_type: str = "application/json"
    # Faults of the connection: close it without answering (``hang_up``), send
    # only the first ``cut`` bytes of the body then close it, or send the body
    # (with ``trickle_headers``, the whole response) one byte every ``trickle`` seconds.
    hang_up: bool = False
    cut: int | None = None
    trickle: float = 0.0
    trickle_headers: bool = False


def _find_enum(schema: Any, name: str = "sentence") -> list[Any]:
    """The allowed values of the first ``name`` property found in the schema."""
    if isinstance(schema, dict):
        props = schema.get("properties")
        if isinstance(props, dict) and isinstance(props.get(name), dict):
            prop = props[name]
            if "enum" in prop:
                return list(prop["enum"])
            if "const" in prop:
                return [prop["const"]]
            for option in prop.get("anyOf", []) or []:
                if "enum" in option:
                    return list(option["enum"])
                if "const" in option:
                    return [option["const"]]
        for value in schema.values():
            found = _find_enum(value, name)
            if found:
                return found
    elif isinstance(schema, list):
        for value in schema:
            found = _find_enum(value, name)
            if found:
                return found
    return []


def parse_call(index: int, body: dict[str, Any]) -> Call:
    response_format = body.get("response_format") or {}
    json_schema = response_format.get("json_schema") or {}
    name = json_schema.get("name", "")
    kind = {"SpeechStance": "statement", "EventsAnswer": "events"}.get(name, "?")
    # Every user message: a re-ask adds the model's answer and a user message
    # with the validation errors after the one that holds the article.
    texts = []
    for message in body.get("messages", []):
        if message.get("role") != "user":
            continue
        content = message.get("content") or ""
        if isinstance(content, list):  # content parts
            content = "".join(part.get("text", "") for part in content if isinstance(part, dict))
        texts.append(content)
    prompt = "\n\n".join(texts)
    sentences = {int(n): text for n, text in _LINE.findall(prompt)}
    schema = json_schema.get("schema", {})
    allowed = _find_enum(schema)
    speakers: list[str] = []
    if kind == "statement":  # the one sentence asked about is named in the question
        asked = _ONE_SENTENCE.search(prompt)
        allowed = [int(asked.group(1))] if asked else []
        speakers = [str(s) for s in _find_enum(schema, "speaker")]
    return Call(index, kind, body.get("model", ""), allowed, sentences, prompt, body, speakers=speakers)


def compact(obj: Any) -> str:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


def statement_answer(call: Call, speaker: str | None = None, stance: str | None = None,
                     target: str | None = None, topic: str | None = None) -> str:
    """The answer JSON to a statement question: the stance fields, and a
    ``speaker`` when the schema asks for one (``speaker``, else the first name
    offered). A ``speaker`` given for a question without that field is sent
    anyway, as a model that adds fields would."""
    answer: dict[str, Any] = {"stance": stance, "target": target, "topic": topic}
    if call.speakers or speaker is not None:
        answer["speaker"] = speaker if speaker is not None else call.speakers[0]
    return compact(answer)


def good_items(call: Call) -> list[dict[str, Any]]:
    """Correct events: one, in the first allowed sentence's own words (none for other questions)."""
    if call.kind == "events" and call.allowed:
        # A summary in the cited sentence's own words, as grounding requires.
        number = call.allowed[0]
        what = " ".join(call.sentences.get(number, "talks").split()[:5])[:60]
        return [{"sentence": number, "what": what, "type": "meeting", "by": [], "to": []}]
    return []


def answer_with(call: Call, items: list[dict[str, Any]]) -> str:
    """The answer JSON for these items, in the shape the question asks for:
    ``{"events": items}``, or for a statement question the first item's fields
    (without ``sentence``; the default answer when there is none)."""
    if call.kind == "statement":
        item = dict(items[0]) if items else {}
        item.pop("sentence", None)
        return statement_answer(call, **item)
    return compact({"events": items})


def good_content(call: Call, extra: list[dict[str, Any]] | None = None) -> str:
    return answer_with(call, good_items(call) + list(extra or []))


def good(call: Call) -> Reply:
    return Reply(content=good_content(call))


def completion_body(call: Call, content: str, finish_reason: str = "stop") -> dict[str, Any]:
    return {
        "id": f"chatcmpl-fake-{call.index}",
        "object": "chat.completion",
        "created": 1_700_000_000,
        "model": call.model,
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": finish_reason}
        ],
        "usage": {
            "prompt_tokens": len(call.prompt) // 4 + 50,
            "completion_tokens": max(1, len(content) // 4),
            "total_tokens": len(call.prompt) // 4 + 50 + max(1, len(content) // 4),
        },
    }


Script = Callable[[Call], Reply]


class FakeModel:
    """``with FakeModel(script) as fake: ... fake.base_url ... fake.calls``"""

    def __init__(self, script: Script = good, delay: float = 0.0, models: list[str] | None = None):
        self.script = script
        self.delay = delay
        # What GET /v1/models lists (None: no such route, as on some servers).
        self.models = ["fake"] if models is None else models
        self.calls: list[Call] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------
    def start(self) -> "FakeModel":
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out in two writes: no 40 ms delayed-ACK stall

            def log_message(self, *args: object) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:  # /v1/models: the names the server says it serves
                if fake.models is None or not self.path.rstrip("/").endswith("/models"):
                    self._send(404, {"error": {"message": f"no route {self.path}"}})
                    return
                self._send(200, {"object": "list", "data": [{"id": m, "object": "model"} for m in fake.models]})

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length)
                if not self.path.rstrip("/").endswith("/chat/completions"):
                    self._send(404, {"error": {"message": f"no route {self.path}"}})
                    return
                try:
                    body = json.loads(raw)
                except ValueError:
                    self._send(400, {"error": {"message": "request body is not JSON"}})
                    return
                with fake._lock:
                    call = parse_call(len(fake.calls), body)
                    call.at = time.monotonic()
                    call.peer = self.client_address[:2]
                    fake.calls.append(call)
                reply = fake.script(call)
                delay = reply.delay or fake.delay
                if delay:
                    time.sleep(delay)
                if reply.hang_up:
                    self.close_connection = True
                    return
                if reply.body is not None:
                    payload = reply.body
                elif reply.status == 200:
                    payload = completion_body(call, reply.content or "", reply.finish_reason)
                else:
                    payload = {"error": {"message": f"HTTP {reply.status}", "type": "fake"}}
                self._send(reply.status, payload, reply.headers, reply.content_type, reply)

            def _send(self, status: int, payload: Any, headers: dict[str, str] | None = None,
                      content_type: str = "application/json", reply: Reply | None = None) -> None:
                data = payload if isinstance(payload, bytes) else (
                    payload.encode("utf-8") if isinstance(payload, str) else json.dumps(payload).encode("utf-8"))
                try:
                    if reply is not None and reply.trickle_headers:
                        head = f"HTTP/1.1 {status} OK\r\nContent-Type: {content_type}\r\nContent-Length: {len(data)}\r\n\r\n"
                        for byte in head.encode("ascii") + data:
                            self.wfile.write(bytes([byte]))
                            self.wfile.flush()
                            time.sleep(reply.trickle)
                        return
                    self.send_response(status)
                    self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(data)))
                    for key, value in (headers or {}).items():
                        self.send_header(key, value)
                    self.end_headers()
                    if reply is not None and reply.cut is not None:
                        self.wfile.write(data[: reply.cut])
                        self.wfile.flush()
                        self.close_connection = True
                    elif reply is not None and reply.trickle:
                        for i in range(len(data)):
                            self.wfile.write(data[i : i + 1])
                            self.wfile.flush()
                            time.sleep(reply.trickle)
                    else:
                        self.wfile.write(data)
                        self.wfile.flush()
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout test)
                    self.close_connection = True

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, name="fake-model", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> "FakeModel":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- helpers for assertions ----------------------------------------------
    @property
    def port(self) -> int:
        assert self._server is not None
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def calls_about(self, marker: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.mentions(marker)]

    def reset(self) -> None:
        with self._lock:
            self.calls.clear()


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
