"""Model backends behind one small interface: an openai client and a model id.

* ``EndpointBackend`` - any OpenAI-compatible server (OpenAI, vLLM, Ollama,
  llama.cpp's server) by base URL, key and model name;
* ``EmbeddedBackend`` - the embedded GGUF model, started on loopback only when
  the first uncached article needs it, stopped at exit;
* ``ReplayBackend`` - model responses recorded from a real run, served from
  files so tests are fast, offline and deterministic.

Whatever the backend, requests go through the same httpx transport stack:
retries (tenacity: timeouts, connection errors and connections closed
mid-answer, 429 honouring Retry-After, 5xx, a 200 that holds no chat
completion; each try bounded as a whole by the timeout) -> metering (tokens of every call, retries and re-asks included, each
logged) -> optional recording -> the network or the replay files. Recordings
hold the request as instructor made it; the embedded backend then sends a
flat ``json_schema`` response format to llama.cpp as a one-line JSON grammar
(``CompactJsonTransport``), which saves the model a sixth of its tokens.
"""

from __future__ import annotations

import json
import logging
import math
import socket
import threading
import time
import weakref
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterator

import httpcore2
import httpx2
import openai
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt

from .canonical import canonical_json, sha256_text
from .dossier_io import atomic_write_text
from .datamodel import Usage

log = logging.getLogger("summariser.model")

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
DEFAULT_TIMEOUT = 300.0  # a CPU model writing 600 tokens needs minutes, not seconds


class BackendError(RuntimeError):
    """The model cannot be used at all (wrong URL, key or model name): no point going on."""


def check_timeout(seconds: float) -> float:
    """A usable --timeout: a finite number of seconds above zero."""
    if not (isinstance(seconds, (int, float)) and math.isfinite(seconds) and seconds > 0):
        raise ValueError(f"{seconds:g} is not a number of seconds above 0")
    return float(seconds)


# --------------------------------------------------------------------------
# Token metering
# --------------------------------------------------------------------------


class Meter:
    """Counts every model call and its tokens.

    Calls may come from many threads at once. Besides the backend's own total,
    each call is added to every meter opened with ``counting_calls()`` in the
    calling context, which is how an article gets the usage of its own calls
    when several articles are in flight.
    """

    def __init__(self) -> None:
        self._usage = Usage()
        self._lock = threading.Lock()

    @property
    def usage(self) -> Usage:
        return self._usage

    def add(self, usage: Usage) -> None:
        with self._lock:
            self._usage = self._usage + usage

    def record(self, prompt_tokens: int, completion_tokens: int, seconds: float, status: int) -> None:
        call = Usage(calls=1, prompt_tokens=prompt_tokens, completion_tokens=completion_tokens)
        self.add(call)
        for scope in _scopes.get():
            scope.add(call)
        log.info(
            "model call: status %s, %d prompt + %d completion tokens, %.1fs",
            status, prompt_tokens, completion_tokens, seconds,
        )


_scopes: ContextVar[tuple[Meter, ...]] = ContextVar("summariser_meter_scopes", default=())


@contextmanager
def counting_calls() -> Iterator[Meter]:
    """A meter of the calls made in this context (threads started with
    ``contextvars.copy_context()`` from it included), whatever else runs."""
    meter = Meter()
    token = _scopes.set((*_scopes.get(), meter))
    try:
        yield meter
    finally:
        _scopes.reset(token)


def _usage_of(body: bytes) -> tuple[int, int]:
    try:
        usage = json.loads(body).get("usage") or {}
    except (ValueError, AttributeError):
        return 0, 0
    return int(usage.get("prompt_tokens") or 0), int(usage.get("completion_tokens") or 0)


def _answer_text(body: bytes) -> str:
    try:
        return json.loads(body)["choices"][0]["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError):
        return body[:200].decode("utf-8", "replace")


class MeteringTransport(httpx2.BaseTransport):
    def __init__(self, inner: httpx2.BaseTransport, meter: Meter):
        self.inner = inner
        self.meter = meter

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        started = time.perf_counter()
        response = self.inner.handle_request(request)
        body = response.read()
        prompt, completion = _usage_of(body)
        if log.isEnabledFor(logging.DEBUG):
            log.debug("model answer: %s", _answer_text(body))
        self.meter.record(prompt, completion, time.perf_counter() - started, response.status_code)
        return response

    def close(self) -> None:
        self.inner.close()


# --------------------------------------------------------------------------
# What may be in flight
# --------------------------------------------------------------------------


class Cancelled(Exception):
    """The run was interrupted: a request not yet sent is not sent."""


class RateLimiter:
    """Spaces request starts so that at most ``per_minute`` start in a minute.

    Shared by every thread of a run; the waiting is done outside the lock, and
    an interrupted run stops waiting at once."""

    def __init__(self, per_minute: float, clock: Callable[[], float] = time.monotonic):
        if not per_minute > 0:
            raise ValueError("requests per minute must be above 0")
        self.interval = 60.0 / per_minute
        self.clock = clock
        self._next = float("-inf")
        self._lock = threading.Lock()

    def delay(self) -> float:
        """Reserve the next start; how long to wait for it."""
        with self._lock:
            now = self.clock()
            start = max(now, self._next)
            self._next = start + self.interval
            return start - now


class OpenSockets:
    """The sockets a backend's connection pool opened, so that ``abort`` can cut them.

    Closing an httpx client does not wake a thread blocked reading an answer;
    shutting its socket down does, and the read fails at once."""

    def __init__(self) -> None:
        self._streams: weakref.WeakSet = weakref.WeakSet()
        self._lock = threading.Lock()

    def add(self, stream: httpcore2.NetworkStream) -> httpcore2.NetworkStream:
        with self._lock:
            self._streams.add(stream)
        return stream

    def abort(self) -> None:
        with self._lock:
            streams = list(self._streams)
        for stream in streams:
            sock = stream.get_extra_info("socket")
            try:
                if sock is not None:
                    sock.shutdown(socket.SHUT_RDWR)
            except OSError:  # already closed
                pass


class GateTransport(httpx2.BaseTransport):
    """At most ``slots`` requests in flight, optionally at most N a minute, none after cancel.

    It sits inside the retry loop, so each attempt takes a slot and the backoff
    between attempts holds none; each try must be complete, headers and body,
    within ``timeout`` seconds of going out (on transports built by
    ``http_transport``)."""

    def __init__(self, inner: httpx2.BaseTransport, slots: threading.Semaphore, cancelled: threading.Event,
                 limiter: RateLimiter | None = None, timeout: float | None = None):
        self.inner = inner
        self.slots = slots
        self.cancelled = cancelled
        self.limiter = limiter
        self.timeout = timeout

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        if self.limiter is not None and self.cancelled.wait(self.limiter.delay()):
            raise Cancelled("the run was interrupted")
        with self.slots:
            if self.cancelled.is_set():
                raise Cancelled("the run was interrupted")
            # The time waiting for a slot is not the server's: the try's
            # deadline starts when the request goes out.
            token = _DEADLINE.set(time.monotonic() + self.timeout if self.timeout else None)
            try:
                return self.inner.handle_request(request)
            finally:
                _DEADLINE.reset(token)

    def close(self) -> None:
        self.inner.close()


# --------------------------------------------------------------------------
# Retries
# --------------------------------------------------------------------------


class _RetryableStatus(Exception):
    def __init__(self, response: httpx2.Response):
        self.response = response


class _UnusableAnswer(Exception):
    """HTTP 200 without a chat completion in it (no choices, null content, an HTML page)."""

    def __init__(self, response: httpx2.Response, what: str):
        super().__init__(what)
        self.response = response
        self.what = what


UNUSABLE_ANSWER = "unusable_answer"  # the error type of the response that reports one after the last try


def unusable_completion(response: httpx2.Response) -> str | None:
    """What a 200 answer to a chat request is when it is not a chat completion, else None."""
    body = response.content
    text = body.decode("utf-8", "replace").strip()
    try:
        payload = json.loads(text)
    except ValueError:
        if not text:
            return "an empty body"
        if text.startswith("<") or "html" in response.headers.get("content-type", ""):
            return "an HTML page"
        return f"a body that is not JSON ({text[:40]!r})"
    if not isinstance(payload, dict) or not isinstance(payload.get("choices"), list):
        return "JSON without choices"
    if not payload["choices"]:
        return "no choices"
    message = payload["choices"][0].get("message") if isinstance(payload["choices"][0], dict) else None
    if not isinstance(message, dict):
        return "a choice without a message"
    if message.get("content") is None and not message.get("tool_calls"):
        return "null content"
    return None


def _retry_after(response: httpx2.Response | None) -> float | None:
    if response is None:
        return None
    value = response.headers.get("retry-after")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


def _is_transient(exc: BaseException) -> bool:
    # RemoteProtocolError: the server closed the connection before or in the
    # middle of its answer, which a later try may well get whole.
    return isinstance(exc, (_RetryableStatus, _UnusableAnswer, httpx2.TimeoutException, httpx2.NetworkError,
                            httpx2.RemoteProtocolError))


# --------------------------------------------------------------------------
# One deadline for the whole request
# --------------------------------------------------------------------------

# When the request being sent must be complete (time.monotonic()), if bounded.
# httpx's timeouts bound each read, so a server sending a byte a second would
# never trip them; every socket operation here waits at most until this.
_DEADLINE: ContextVar[float | None] = ContextVar("model_request_deadline", default=None)


def _time_left(timeout: float | None) -> float | None:
    deadline = _DEADLINE.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise httpcore2.ReadTimeout("the whole answer took longer than the timeout")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore2.NetworkStream):
    def __init__(self, inner: httpcore2.NetworkStream):
        self.inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self.inner.read(max_bytes, _time_left(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.inner.write(buffer, _time_left(timeout))

    def close(self) -> None:
        self.inner.close()

    def start_tls(self, ssl_context, server_hostname=None, timeout=None) -> httpcore2.NetworkStream:  # type: ignore[no-untyped-def]
        return _DeadlineStream(self.inner.start_tls(ssl_context, server_hostname, _time_left(timeout)))

    def get_extra_info(self, info: str) -> object:
        return self.inner.get_extra_info(info)


class _DeadlineBackend(httpcore2.NetworkBackend):
    def __init__(self, inner: httpcore2.NetworkBackend, opened: OpenSockets | None = None):
        self.inner = inner
        self.opened = opened or OpenSockets()

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):  # type: ignore[no-untyped-def]
        stream = self.inner.connect_tcp(host, port, _time_left(timeout), local_address, socket_options)
        return self.opened.add(_DeadlineStream(stream))

    def connect_unix_socket(self, path, timeout=None, socket_options=None):  # type: ignore[no-untyped-def]
        return self.opened.add(_DeadlineStream(self.inner.connect_unix_socket(path, _time_left(timeout), socket_options)))

    def sleep(self, seconds: float) -> None:
        self.inner.sleep(seconds)


def http_transport(slots: int = 1, sockets: OpenSockets | None = None) -> httpx2.HTTPTransport:
    """httpx's transport, with every socket operation bounded by the request's
    deadline, enough pooled connections for ``slots`` requests in flight, and
    its sockets kept in ``sockets`` (for cutting them off) when given."""
    transport = httpx2.HTTPTransport(limits=httpx2.Limits(max_connections=slots + 4, max_keepalive_connections=slots))
    pool = transport._pool  # httpx builds its pool without a way to pass a network backend
    pool._network_backend = _DeadlineBackend(pool._network_backend, sockets)
    return transport


class RetryTransport(httpx2.BaseTransport):
    """Retries what a later attempt may fix, with exponential backoff.

    A 429's Retry-After is honoured (capped by ``max_wait``). A connection
    closed mid-answer and a 200 that holds no chat completion are retried too.
    Each try's deadline (headers and body) is set where the request goes out,
    in ``GateTransport``. After the last attempt the
    final response (or error) goes up to the openai client; an unusable 200
    goes up as a 502 that says what it was.
    """

    def __init__(
        self,
        inner: httpx2.BaseTransport,
        attempts: int = 3,
        base_wait: float = 1.0,
        max_wait: float = 60.0,
        sleep: Callable[[float], None] | None = None,
        cancelled: threading.Event | None = None,
    ):
        self.inner = inner
        self.attempts = max(1, attempts)
        self.base_wait = base_wait
        self.max_wait = max_wait
        self.cancelled = cancelled or threading.Event()
        # The wait between attempts ends at once when the run is interrupted.
        self.sleep = sleep or self.cancelled.wait

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        stated = _retry_after(exc.response) if isinstance(exc, _RetryableStatus) else None
        backoff = self.base_wait * 2 ** (state.attempt_number - 1)
        return min(self.max_wait, stated if stated is not None else backoff)

    def _before_sleep(self, state: RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, _RetryableStatus):
            what = f"HTTP {exc.response.status_code}"
        elif isinstance(exc, _UnusableAnswer):
            what = f"HTTP 200 with {exc.what}"
        else:
            what = type(exc).__name__
        log.warning("model request failed (%s); retrying (attempt %d of %d)", what, state.attempt_number + 1, self.attempts)

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        request.read()  # the body must be replayable on each attempt

        def attempt() -> httpx2.Response:
            response = self.inner.handle_request(request)
            response.read()
            if response.status_code in RETRY_STATUSES:
                raise _RetryableStatus(response)
            if response.status_code == 200 and request.url.path.endswith("/chat/completions"):
                what = unusable_completion(response)
                if what is not None:
                    raise _UnusableAnswer(response, what)
            return response

        retrying = Retrying(
            stop=stop_after_attempt(self.attempts),
            wait=self._wait,
            retry=retry_if_exception(lambda exc: _is_transient(exc) and not self.cancelled.is_set()),
            before_sleep=self._before_sleep,
            sleep=self.sleep,
            reraise=True,
        )
        try:
            return retrying(attempt)
        except _RetryableStatus as exc:
            return exc.response
        except _UnusableAnswer as exc:
            message = f"the model server answered HTTP 200 with {exc.what}, not a chat completion ({self.attempts} tries)"
            return httpx2.Response(502, json={"error": {"message": message, "type": UNUSABLE_ANSWER}}, request=request)

    def close(self) -> None:
        self.inner.close()


# --------------------------------------------------------------------------
# Recording and replay
# --------------------------------------------------------------------------


def request_key(body: bytes) -> str:
    """Recordings are found by the canonical JSON of the request body."""
    try:
        payload = json.loads(body)
    except ValueError:
        return sha256_text(body.decode("utf-8", "replace"))[:20]
    return sha256_text(canonical_json(payload, indent=None))[:20]


class RecordingTransport(httpx2.BaseTransport):
    """Passes requests through and saves each successful exchange as a fixture."""

    def __init__(self, inner: httpx2.BaseTransport, directory: Path):
        self.inner = inner
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        body = request.read()
        response = self.inner.handle_request(request)
        content = response.read()
        if response.status_code == 200 and unusable_completion(response) is None:
            record = {"request": json.loads(body), "response": json.loads(content), "status": 200}
            atomic_write_text(self.directory / f"{request_key(body)}.json", canonical_json(record))
        return response

    def close(self) -> None:
        self.inner.close()


class ReplayTransport(httpx2.BaseTransport):
    """Answers from recorded exchanges; an unrecorded request is a clear 404."""

    def __init__(self, directory: Path, replayed: set[str] | None = None):
        self.directory = Path(directory)
        # Names of the recorded files served so far (a fixture never served is stale).
        self.replayed = replayed if replayed is not None else set()

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        body = request.read()
        path = self.directory / f"{request_key(body)}.json"
        if not path.is_file():
            message = (
                f"no recorded response for this request in {self.directory} "
                "(prompts or schemas changed? re-record: see tests/fixtures/recorded/README.md)"
            )
            return httpx2.Response(404, json={"error": {"message": message, "type": "replay_miss"}}, request=request)
        record = json.loads(path.read_text(encoding="utf-8"))
        self.replayed.add(path.name)
        return httpx2.Response(record.get("status", 200), json=record["response"], request=request)


class RecordedFirstTransport(httpx2.BaseTransport):
    """Answers a recorded request from its recording and passes every other one on.

    After a change that adds or alters a few questions, a run over a recorded
    corpus asks the model only those (and, with --record, saves them), instead
    of every question again: the same request gets the same answer either way.
    """

    def __init__(self, directory: Path, inner: httpx2.BaseTransport):
        self.replay = ReplayTransport(directory)
        self.inner = inner

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        body = request.read()
        if (self.replay.directory / f"{request_key(body)}.json").is_file():
            return self.replay.handle_request(request)
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


# --------------------------------------------------------------------------
# Compact answers from the embedded server
# --------------------------------------------------------------------------

# llguidance's JSON options: no optional whitespace. The separators keep their
# space (Python's json.dumps style): the model writes '"key": "value"', and
# without the space after ':' it starts answering null to fill the gap.
_COMPACT_JSON = {"whitespace_flexible": False, "item_separator": ", ", "key_separator": ": "}


def compact_json_grammar(schema: dict) -> str:
    """The llguidance grammar for ``schema`` that allows JSON on one line only.

    Left to itself the model pretty-prints its answer, and every line break
    and indent is a token it must generate, on a CPU at ~25 tokens/s: the
    recorded seed answers are 5,156 tokens pretty-printed and 4,381 on one
    line, the same values. The schema is otherwise unchanged, except that
    objects allow no keys besides their properties (as llama.cpp's own
    conversion of a response format does).
    """
    closed = _closed_objects(schema)
    closed["x-guidance"] = dict(_COMPACT_JSON)
    return "%llguidance {}\nstart: %json " + json.dumps(closed, ensure_ascii=False)


def _closed_objects(node: object) -> object:
    if isinstance(node, list):
        return [_closed_objects(item) for item in node]
    if not isinstance(node, dict):
        return node
    closed = {key: _closed_objects(value) for key, value in node.items()}
    if "properties" in closed:
        closed.setdefault("additionalProperties", False)
    return closed


def _lists_objects(node: object) -> bool:
    """Whether a schema has an array of objects (an answer that is a list of items)."""
    if isinstance(node, list):
        return any(_lists_objects(item) for item in node)
    if not isinstance(node, dict):
        return False
    items = node.get("items")
    if node.get("type") == "array" and isinstance(items, dict) and ("$ref" in items or items.get("type") == "object"):
        return True
    return any(_lists_objects(value) for value in node.values())


class CompactJsonTransport(httpx2.BaseTransport):
    """Sends a flat ``json_schema`` response format to llama.cpp as a one-line grammar.

    Only for the embedded server, whose llama.cpp is built with llguidance;
    the request is otherwise what instructor asked for, and so is the answer.
    An answer that is a list of items keeps llama.cpp's own conversion: on
    one line the model closes such lists early (WikiEvents dev event recall
    0.241 -> 0.200, seeds events F1 0.511 -> 0.434), while flat answers say
    the same in fewer tokens.
    """

    def __init__(self, inner: httpx2.BaseTransport):
        self.inner = inner

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        body = request.read()
        try:
            payload = json.loads(body)
        except ValueError:
            return self.inner.handle_request(request)
        response_format = payload.get("response_format") if isinstance(payload, dict) else None
        if not isinstance(response_format, dict) or response_format.get("type") != "json_schema":
            return self.inner.handle_request(request)
        schema = response_format.get("json_schema", {}).get("schema")
        if not isinstance(schema, dict) or _lists_objects(schema):
            return self.inner.handle_request(request)
        del payload["response_format"]
        payload["grammar"] = compact_json_grammar(schema)
        headers = [(k, v) for k, v in request.headers.items() if k.lower() != "content-length"]
        rewritten = httpx2.Request(request.method, request.url, headers=headers, json=payload,
                                   extensions=request.extensions)
        return self.inner.handle_request(rewritten)

    def close(self) -> None:
        self.inner.close()


# --------------------------------------------------------------------------
# Backends
# --------------------------------------------------------------------------


@dataclass
class BackendOptions:
    attempts: int = 3
    timeout: float = DEFAULT_TIMEOUT
    record_dir: Path | None = None
    # Answers recorded here are served first; only the requests they lack reach the model.
    recorded_first: Path | None = None
    concurrency: int | None = None  # requests in flight at once, across all articles [default: the backend's]
    max_rpm: float | None = None  # request starts per minute, for paid APIs' rate limits


class Backend:
    """One model reachable through the openai client."""

    model_id: str = ""
    # Requests in flight when the user does not say: a server answers many at once.
    default_concurrency: int = 8

    def __init__(self, options: BackendOptions | None = None):
        self.options = options or BackendOptions()
        self.meter = Meter()
        self.concurrency = max(1, self.options.concurrency or self.default_concurrency)
        self.cancelled = threading.Event()
        self._slots = threading.Semaphore(self.concurrency)
        self._limiter = RateLimiter(self.options.max_rpm) if self.options.max_rpm else None
        self._sockets = OpenSockets()
        self._client: openai.OpenAI | None = None
        self._client_lock = threading.Lock()
        self._refused: BackendError | None = None

    # Subclasses say where requests go.
    def _base_transport(self) -> httpx2.BaseTransport:
        return self._network()

    def _network(self) -> httpx2.HTTPTransport:
        """Enough pooled connections for every request the gate lets through,
        on sockets bounded by each try's deadline that ``cancel`` can cut."""
        return http_transport(slots=self.concurrency, sockets=self._sockets)

    def _base_url(self) -> str:
        raise NotImplementedError

    def _api_key(self) -> str:
        return "not-needed"

    def _before_first_use(self) -> None:
        """A check that the model can be used at all, before the first request (raises BackendError)."""

    def describe(self) -> str:
        return self.model_id

    def client(self) -> openai.OpenAI:
        """The one client of this backend, shared by every thread (built on first use)."""
        with self._client_lock:
            if self._client is None:
                if self.cancelled.is_set():
                    raise Cancelled("the run was interrupted")
                if self._refused is not None:
                    raise self._refused
                try:
                    self._before_first_use()
                except BackendError as refused:  # said once; every later question gets the same answer
                    self._refused = refused
                    raise
                transport: httpx2.BaseTransport = self._base_transport()
                if self.options.record_dir is not None:
                    transport = RecordingTransport(transport, self.options.record_dir)
                if self.options.recorded_first is not None:
                    transport = RecordedFirstTransport(self.options.recorded_first, transport)
                transport = MeteringTransport(transport, self.meter)
                transport = GateTransport(transport, self._slots, self.cancelled, self._limiter, self.options.timeout)
                transport = RetryTransport(transport, attempts=self.options.attempts, cancelled=self.cancelled)
                http = httpx2.Client(transport=transport, timeout=self.options.timeout)
                # Retries live in our transport, where they are logged and metered.
                self._client = openai.OpenAI(
                    base_url=self._base_url(), api_key=self._api_key(), http_client=http, max_retries=0,
                    timeout=self.options.timeout,
                )
            return self._client

    def cancel(self) -> None:
        """Stop: nothing more is sent, and requests in flight are cut off (their
        connections are closed), so an interrupted run does not wait for answers."""
        self.cancelled.set()
        self._sockets.abort()
        self.close()

    def close(self) -> None:
        with self._client_lock:
            client, self._client = self._client, None
        if client is not None:
            client.close()

    def __enter__(self) -> "Backend":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class EndpointBackend(Backend):
    def __init__(self, base_url: str, model: str, api_key: str | None = None, options: BackendOptions | None = None):
        super().__init__(options)
        self.base_url = base_url.rstrip("/")
        self.model_id = model
        self.api_key = api_key or "not-needed"

    def _base_url(self) -> str:
        return self.base_url

    def _api_key(self) -> str:
        return self.api_key

    def describe(self) -> str:
        return f"{self.model_id} at {self.base_url}"

    def _before_first_use(self) -> None:
        self._check_model_served()

    def _check_model_served(self) -> None:
        """Refuse a model the server does not list: llama.cpp's server answers
        whatever name it is sent, and the dossier would record a model that never ran."""
        served = served_models(self.base_url, self.api_key, min(self.options.timeout, 30.0))
        if served is None or any(_same_model(self.model_id, name) for name in served):
            return
        listed = ", ".join(served[:10]) + (f" and {len(served) - 10} more" if len(served) > 10 else "")
        raise BackendError(
            f"model '{self.model_id}' is not served by {self.base_url}: it serves {listed or 'no model'} "
            "— pass one of them with --model"
        )


def served_models(base_url: str, api_key: str, timeout: float) -> list[str] | None:
    """The model ids a server lists at /models; None when it has no such list (or does not answer)."""
    token = _DEADLINE.set(time.monotonic() + timeout)  # the whole answer, as for a chat request
    try:
        with httpx2.Client(transport=http_transport(), timeout=timeout) as http:
            response = http.get(f"{base_url}/models", headers={"Authorization": f"Bearer {api_key}"})
        payload = response.json() if response.status_code == 200 else None
    except (httpx2.HTTPError, ValueError):
        return None
    finally:
        _DEADLINE.reset(token)
    data = payload.get("data") if isinstance(payload, dict) else None
    if not isinstance(data, list):
        return None
    return [str(item["id"]) for item in data if isinstance(item, dict) and item.get("id")]


def _same_model(wanted: str, served: str) -> bool:
    # Ollama lists "llama3.1:latest" and answers to "llama3.1".
    return served == wanted or served == f"{wanted}:latest"


class EmbeddedBackend(Backend):
    """The embedded model; the server starts on first use, so a fully cached run never loads it.

    The server gets one slot per request in flight. One by default: on a
    small CPU the time goes into generated tokens, which batching barely
    speeds up, and a single slot reuses each article's prompt prefix."""

    default_concurrency = 1

    def __init__(
        self,
        model: str,
        *,
        threads: int | None = None,
        options: BackendOptions | None = None,
        say: Callable[[str], None] | None = None,
        verbose: bool = False,
    ):
        super().__init__(options)
        from .embedded import EMBEDDED_MODELS

        self.model_name = model
        path = Path(model).expanduser()
        self.model_id = model if model in EMBEDDED_MODELS else f"gguf:{path.name}"
        self.threads = threads
        self.say = say
        self.verbose = verbose
        self._server = None

    def _base_transport(self) -> httpx2.BaseTransport:
        return CompactJsonTransport(self._network())

    def _base_url(self) -> str:
        from .embedded import EmbeddedServer, resolve_model_path

        path = resolve_model_path(self.model_name, progress=self._joining)
        self._server = EmbeddedServer(path, threads=self.threads, slots=self.concurrency, model_id=self.model_id,
                                      verbose=self.verbose, log=self.say)
        self._server.start()
        return self._server.base_url

    def _joining(self, done: int, total: int) -> None:
        if self.say and (done == total or done % (256 * 1024 * 1024) < 4 * 1024 * 1024):
            self.say(f"joining model parts: {done / 1e6:,.0f} / {total / 1e6:,.0f} MB")

    def describe(self) -> str:
        return f"{self.model_id} (embedded, local)"

    @property
    def server_port(self) -> int | None:
        """The loopback port while the embedded server runs; None before the first
        question (a fully cached run never starts it) and after close()."""
        return self._server.port if self._server is not None else None

    def close(self) -> None:
        super().close()
        if self._server is not None:
            self._server.stop()
            self._server = None


class ReplayBackend(Backend):
    def __init__(self, directory: Path, model: str, options: BackendOptions | None = None):
        super().__init__(options or BackendOptions(attempts=1))
        self.directory = Path(directory)
        self.model_id = model
        self.replayed: set[str] = set()

    def _base_transport(self) -> httpx2.BaseTransport:
        return ReplayTransport(self.directory, self.replayed)

    def _base_url(self) -> str:
        return "http://replay.invalid/v1"

    def describe(self) -> str:
        return f"{self.model_id} (replayed from {self.directory})"


# --------------------------------------------------------------------------
# A backend described in plain data, to build it again elsewhere
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class BackendSpec:
    """What it takes to build a backend in another process or on another
    machine (a cluster worker): plain, picklable data, no client, no server.
    ``key`` travels with it, as the user gave it to the driver."""

    kind: str  # "endpoint", "embedded" or "replay"
    model: str  # endpoint/replay: the model id; embedded: the model name or GGUF path
    url: str | None = None  # endpoint: base URL; replay: the recordings folder
    key: str | None = None
    threads: int | None = None  # embedded: CPU threads [default: all the worker's cores]
    options: BackendOptions = field(default_factory=BackendOptions)


def backend_spec(backend: Backend) -> BackendSpec:
    """The description ``build_backend`` turns back into an equivalent backend."""
    # Each rebuilt backend keeps the same requests in flight as this one.
    options = replace(backend.options, concurrency=backend.concurrency)
    if isinstance(backend, EndpointBackend):
        return BackendSpec("endpoint", backend.model_id, backend.base_url, backend.api_key, options=options)
    if isinstance(backend, EmbeddedBackend):
        return BackendSpec("embedded", backend.model_name, threads=backend.threads, options=options)
    if isinstance(backend, ReplayBackend):
        return BackendSpec("replay", backend.model_id, str(backend.directory), options=options)
    raise TypeError(f"cannot describe a {type(backend).__name__}")


def build_backend(spec: BackendSpec) -> Backend:
    if spec.kind == "endpoint":
        return EndpointBackend(spec.url or "", spec.model, spec.key, spec.options)
    if spec.kind == "embedded":
        return EmbeddedBackend(spec.model, threads=spec.threads, options=spec.options)
    if spec.kind == "replay":
        return ReplayBackend(Path(spec.url or "."), spec.model, spec.options)
    raise ValueError(f"unknown backend kind {spec.kind!r}")
