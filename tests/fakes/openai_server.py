"""A real local HTTP server that speaks just enough of the OpenAI and Anthropic APIs to script model calls.

Tests queue `Reply`s; the server answers each request with the next one (status, JSON or raw body, headers
such as Retry-After, an optional delay) and records what it received, so a test can check the model name,
the messages, or that the feedback of a retry was sent. A queued `Responder` (a function of the request)
makes its reply from what was sent, e.g. `document_run_replies()` answers with the rules backend's claims
about the very pages the model was shown. A request with nothing left in the queue gets a 418 and is
counted in `unscripted`.

A reply with `endless=True` never finishes: after the headers and the start of the body it sends one more
byte every `trickle_s` seconds until the client hangs up (counted in `abandoned`), like a model that runs
away on a server that does not stop it. No single read waits long, so only a deadline on the whole request
ends it. A reply with `hang_up=True` announces the whole body, sends half of it and closes the connection, like
a server that crashes mid-answer.

`POST /v1/chat/completions` (OpenAI-compatible) and `POST /v1/messages` (Anthropic) share one queue. The
builders below make bodies in the right shape for either. `in_flight` and `max_in_flight` count the requests
being answered at once: how far a client's calls overlapped.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

from pydantic import BaseModel

from claimflow.doctypes import BUILTIN_TYPES
from claimflow.runtime.backends import rules
from claimflow.runtime.gateway.render import PAGE_SEPARATOR
from claimflow.state.claims import ClassificationClaim
from claimflow.state.schema import DocumentType, DocumentTypes
from tests.fakes.quiet_http import QuietHTTPServer


@dataclass(frozen=True)
class Reply:
    """One scripted answer: a status, a JSON body (or raw text), headers, and how long to wait first."""

    status: int = 200
    body: Mapping[str, Any] | None = None
    text: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    delay_s: float = 0.0
    endless: bool = False
    """Send the start of `body` (or `text`), then a byte every `trickle_s`, forever."""
    trickle_s: float = 0.05
    hang_up: bool = False
    """Send the headers (the whole body's length) and half of the body, then close the connection."""
    padding: int = 0
    """Bytes of white space sent ahead of the body in 64 KiB writes, with no Content-Length: an answer of any
    size that the server never holds in memory (counted in `FakeModelServer.padded`)."""


@dataclass(frozen=True)
class ReceivedRequest:
    """What the server was sent."""

    path: str
    headers: Mapping[str, str]
    """Header names in lower case."""
    body: Mapping[str, Any]
    at: float
    """`time.monotonic()` when the request arrived."""

    @property
    def model(self) -> str:
        """The model the client asked for."""
        return str(self.body.get("model", ""))

    @property
    def messages(self) -> list[dict[str, Any]]:
        """The chat messages as sent."""
        return list(self.body.get("messages", []))

    def text_of(self, role: str) -> str:
        """All text sent under one role (OpenAI `system` messages or Anthropic's `system` field included)."""
        parts: list[str] = []
        if role == "system" and "system" in self.body:
            system = self.body["system"]
            parts.extend([system] if isinstance(system, str) else [block.get("text", "") for block in system])
        for message in self.messages:
            if message.get("role") != role:
                continue
            content = message.get("content", "")
            if isinstance(content, str):
                parts.append(content)
            else:
                parts.extend(block.get("text", "") for block in content if isinstance(block, dict))
        return "\n".join(parts)


Responder = Callable[[ReceivedRequest], Reply]
"""Makes the reply from the request it answers."""


class FakeModelServer:
    """The scripted server on 127.0.0.1; use `running_server()` to start and stop it."""

    def __init__(self) -> None:
        self._replies: deque[Reply | Responder] = deque()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self.requests: list[ReceivedRequest] = []
        self.unscripted = 0
        self.abandoned = 0
        """Endless replies whose client hung up."""
        self.padded = 0
        """Bytes of padding written, over all replies."""
        self.in_flight = 0
        """Requests received and not yet answered."""
        self.max_in_flight = 0
        """The most requests that were ever being answered at once: how far the client's calls overlapped."""
        self._httpd = QuietHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._serve, name="fake-model-server", daemon=True)

    @property
    def base_url(self) -> str:
        """The OpenAI-style base URL, ending in `/v1`."""
        return f"{self.root_url}/v1"

    @property
    def root_url(self) -> str:
        """The server root, as the Anthropic client wants it (it adds `/v1/messages` itself)."""
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def script(self, *replies: Reply | Responder) -> None:
        """Queue replies, answered in order."""
        with self._lock:
            self._replies.extend(replies)

    @property
    def pending(self) -> int:
        """Replies queued but not yet sent."""
        with self._lock:
            return len(self._replies)

    def _serve(self) -> None:
        self._httpd.serve_forever(poll_interval=0.02)

    def start(self) -> None:
        """Serve in a background thread."""
        self._thread.start()

    def stop(self) -> None:
        """Stop serving; delayed replies still sleeping give up at once."""
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def _arrived(self) -> None:
        with self._lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def _answered(self) -> None:
        with self._lock:
            self.in_flight -= 1

    def _next(self, request: ReceivedRequest) -> Reply | None:
        with self._lock:
            self.requests.append(request)
            if not self._replies:
                self.unscripted += 1
                return None
            reply = self._replies.popleft()
        return reply if isinstance(reply, Reply) else reply(request)


def _handler_for(server: FakeModelServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:  # noqa: N802 - the http.server naming
            server._arrived()
            try:
                self._answer()
            finally:
                server._answered()

        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            try:
                body = json.loads(raw or b"{}")
            except ValueError:
                body = {"_raw": raw.decode(errors="replace")}
            received = ReceivedRequest(
                self.path, {k.lower(): v for k, v in self.headers.items()}, body, time.monotonic()
            )
            reply = server._next(received)
            if reply is None:
                reply = error_reply(418, f"no scripted reply left for request {len(server.requests)}")
            if reply.delay_s and server._stopping.wait(reply.delay_s):
                return
            if reply.endless or reply.padding:
                _trickle(self, server, reply) if reply.endless else _send_padded(self, server, reply)
                return
            data = reply.text.encode() if reply.text is not None else json.dumps(reply.body or {}).encode()
            try:
                self.send_response(reply.status)
                is_json = reply.text is None
                self.send_header("Content-Type", "application/json" if is_json else "text/plain")
                self.send_header("Content-Length", str(len(data)))
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data[: len(data) // 2] if reply.hang_up else data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout test); nothing to answer
            if reply.hang_up:
                self.close_connection = True

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the http.server signature
            """Keep test output quiet."""

    return Handler


def _trickle(handler: BaseHTTPRequestHandler, server: FakeModelServer, reply: Reply) -> None:
    """Send half the body, then a byte every `reply.trickle_s`, until the client hangs up."""
    start = reply.text if reply.text is not None else json.dumps(reply.body or {})
    try:
        handler.send_response(reply.status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Connection", "close")  # no length: the body runs until the connection closes
        handler.end_headers()
        handler.wfile.write(start[: len(start) // 2].encode())
        handler.wfile.flush()
        while not server._stopping.wait(reply.trickle_s):
            handler.wfile.write(b" ")
            handler.wfile.flush()
    except (BrokenPipeError, ConnectionResetError):
        with server._lock:
            server.abandoned += 1
    handler.close_connection = True


def _send_padded(handler: BaseHTTPRequestHandler, server: FakeModelServer, reply: Reply) -> None:
    """Stream `reply.padding` spaces, then the body, until the client hangs up."""
    chunk = b" " * 65536
    try:
        handler.send_response(reply.status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Connection", "close")
        handler.end_headers()
        left = reply.padding
        while left > 0 and not server._stopping.is_set():
            part = chunk[: min(left, len(chunk))]
            handler.wfile.write(part)
            left -= len(part)
            with server._lock:
                server.padded += len(part)
        handler.wfile.write(json.dumps(reply.body or {}).encode())
    except (BrokenPipeError, ConnectionResetError):
        with server._lock:
            server.abandoned += 1
    handler.close_connection = True


@contextmanager
def running_server() -> Iterator[FakeModelServer]:
    """Start a server on a free port of 127.0.0.1 and stop it afterwards."""
    server = FakeModelServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


# --- reply builders -------------------------------------------------------------------------------------------


def _dump(claim: BaseModel | Mapping[str, Any] | str) -> str:
    if isinstance(claim, str):
        return claim
    if isinstance(claim, BaseModel):
        return claim.model_dump_json()
    return json.dumps(claim)


def chat_completion(
    content: str,
    *,
    model: str = "fake-model",
    prompt_tokens: int = 100,
    completion_tokens: int = 20,
    finish_reason: str = "stop",
) -> dict[str, Any]:
    """An OpenAI chat-completion body whose message content is `content`, with token usage."""
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": 1_700_000_000,
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": finish_reason,
            }
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }


def claim_reply(claim: BaseModel | Mapping[str, Any] | str, **usage: Any) -> Reply:
    """A 200 chat completion whose content is the claim as JSON (a string is sent as it is)."""
    return Reply(body=chat_completion(_dump(claim), **usage))


def anthropic_message(
    tool_input: BaseModel | Mapping[str, Any],
    *,
    tool_name: str,
    model: str = "fake-claude",
    input_tokens: int = 100,
    output_tokens: int = 20,
) -> dict[str, Any]:
    """An Anthropic Messages body with one `tool_use` block, as Instructor's TOOLS mode expects."""
    payload = tool_input.model_dump(mode="json") if isinstance(tool_input, BaseModel) else dict(tool_input)
    return {
        "id": "msg_fake",
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": [{"type": "tool_use", "id": "toolu_fake", "name": tool_name, "input": payload}],
        "stop_reason": "tool_use",
        "stop_sequence": None,
        "usage": {"input_tokens": input_tokens, "output_tokens": output_tokens},
    }


def error_reply(status: int, message: str = "scripted failure", *, headers: Mapping[str, str] | None = None) -> Reply:
    """An error status with an OpenAI-style error body."""
    body = {"error": {"message": message, "type": "scripted", "code": status}}
    return Reply(status=status, body=body, headers=dict(headers or {}))


def rate_limited(retry_after: float | str | None = None) -> Reply:
    """A 429, with a Retry-After header (seconds) when given."""
    headers = {} if retry_after is None else {"Retry-After": str(retry_after)}
    return error_reply(429, "rate limit reached (scripted)", headers=headers)


def shown_pages(request: ReceivedRequest) -> tuple[str, ...]:
    """The page texts a request showed the model, read back from `<document>` and the page markers."""
    user = request.text_of("user")
    start, end = user.index("<document>\n") + len("<document>\n"), user.rindex("\n</document>")
    return tuple(page.split("\n", 1)[1] if "\n" in page else "" for page in user[start:end].split(PAGE_SEPARATOR))


def overlapping(server: FakeModelServer, responder: Responder, *, requests: int = 2, wait_s: float = 10.0) -> Responder:
    """`responder`, answering only once the server has received `requests` requests (or after `wait_s`).

    A client that sends its calls at once gets them answered together, so they overlap however slowly each
    was sent; one that waits for each answer first is held up `wait_s` and never overlaps.
    """

    def answer(request: ReceivedRequest) -> Reply:
        deadline = time.monotonic() + wait_s
        while len(server.requests) < requests and time.monotonic() < deadline and not server._stopping.is_set():
            time.sleep(0.01)
        return responder(request)

    return answer


def document_run_replies(
    doc_type: str | None = None,
    *,
    types: Iterable[DocumentType] = BUILTIN_TYPES,
    prompt_tokens: int = 400,
    completion_tokens: int = 120,
) -> list[Responder]:
    """Answer one document's classify and extract calls with the rules backend's claims on the shown pages.

    Script them with `server.script(*document_run_replies())`. The claims are made from the pages each
    request showed (masked, as the model sees them), so their quotes are found by apply. `types` are the
    active document types (the built-ins by default); pass `doc_type` (one of their names) to force the type.
    A run that ends after classify (an unknown type) leaves the extract reply queued.
    """
    usage = {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens}
    active = DocumentTypes(types)
    if doc_type is not None:
        active.get(doc_type)  # fail at scripting time on a name that is not an active type

    def classification(request: ReceivedRequest) -> ClassificationClaim:
        claim = rules.classify(shown_pages(request), tuple(active))
        return claim.model_copy(update={"doc_type": doc_type}) if doc_type is not None else claim

    def classify(request: ReceivedRequest) -> Reply:
        return claim_reply(classification(request), **usage)

    def extract(request: ReceivedRequest) -> Reply:
        found = active.find(classification(request).doc_type)
        if found is None:
            return error_reply(418, "the rules found no document type to extract")
        return claim_reply(rules.extract(found, shown_pages(request)), **usage)

    return [classify, extract]
