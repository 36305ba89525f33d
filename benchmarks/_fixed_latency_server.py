"""A local OpenAI-compatible server that answers every `POST /v1/chat/completions` in exactly `latency` seconds.

The answer is what the offline rules backend claims about the pages the request showed: a classification for
a classify prompt, the fields of the type for an extract prompt. So a run through `--model openai:...` at this
server completes like a `rules` run, and the only cost the server adds is the fixed latency (measured from the
moment the request body was read to the moment the answer is written). Runs in a background thread of the
benchmark's process; `arrivals` and `answered` are `time.perf_counter()` values of that process.
"""

from __future__ import annotations

import json
import re
import sys
import threading
import time
from collections.abc import Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

from claimflow.doctypes import BUILTIN_TYPES
from claimflow.runtime.backends import rules
from claimflow.state.schema import DocumentType

PAGE_SEPARATOR = "\f\n"
"""Pages in a prompt are separated by form feeds, each opened by a `--- page N ---` line."""
_EXTRACT_TYPE = re.compile(r"extract fields from a document of type (\w+)")


def _text(body: dict[str, Any], role: str) -> str:
    parts = []
    for message in body.get("messages", []):
        if message.get("role") == role:
            content = message.get("content", "")
            blocks = [content] if isinstance(content, str) else [block.get("text", "") for block in content]
            parts.extend(blocks)
    return "\n".join(parts)


def shown_pages(user: str) -> tuple[str, ...]:
    """The page texts between `<document>` and `</document>`, without their `--- page N ---` lines."""
    start, end = user.index("<document>\n") + len("<document>\n"), user.rindex("\n</document>")
    return tuple(page.split("\n", 1)[1] if "\n" in page else "" for page in user[start:end].split(PAGE_SEPARATOR))


def answer(body: dict[str, Any], types: Sequence[DocumentType]) -> str:
    """The claim, as JSON, that the rules backend makes for this request's prompt and pages."""
    system, user = _text(body, "system"), _text(body, "user")
    pages = shown_pages(user)
    match = _EXTRACT_TYPE.search(system)
    if match is None:
        return rules.classify(pages, tuple(types)).model_dump_json()
    doc_type = next(t for t in types if t.name == match.group(1))
    return rules.extract(doc_type, pages).model_dump_json()


def completion(content: str, model: str) -> bytes:
    """An OpenAI chat-completion body with `content` as the assistant's message."""
    usage = {"prompt_tokens": 400, "completion_tokens": 120, "total_tokens": 520}
    choice = {"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}
    body = {"id": "chatcmpl-bench", "object": "chat.completion", "created": int(time.time()), "model": model}
    return json.dumps({**body, "choices": [choice], "usage": usage}).encode()


class _Server(ThreadingHTTPServer):
    request_queue_size = 128  # every connection of a concurrent batch is accepted at once
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hung up (a timed-out or cancelled call) is not the server's error; report anything else."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


class FixedLatencyServer:
    """Serves on a free port of 127.0.0.1 while used as a context manager."""

    def __init__(self, latency: float, types: Sequence[DocumentType] = BUILTIN_TYPES) -> None:
        self.latency = latency
        self.types = tuple(types)
        self.arrivals: list[float] = []
        self.answered: list[float] = []
        self.lock = threading.Lock()
        self.httpd = _Server(("127.0.0.1", 0), _handler_for(self))
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    @property
    def base_url(self) -> str:
        """The OpenAI-style base URL, ending in `/v1`."""
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def reset(self) -> None:
        """Forget the requests seen so far."""
        with self.lock:
            self.arrivals.clear()
            self.answered.clear()

    def __enter__(self) -> FixedLatencyServer:
        self.thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


def _handler_for(server: FixedLatencyServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # The headers and the body go out in two writes: with Nagle's algorithm on, the body would wait for the
        # client's delayed ACK (some 40 ms), and the server would not answer in `latency`.
        disable_nagle_algorithm = True

        def do_POST(self) -> None:  # noqa: N802 - the http.server naming
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
            arrived = time.perf_counter()
            with server.lock:
                server.arrivals.append(arrived)
            try:
                data, status = completion(answer(body, server.types), str(body.get("model", ""))), 200
            except (ValueError, StopIteration) as error:
                data, status = json.dumps({"error": {"message": f"bench server: {error}"}}).encode(), 400
            time.sleep(max(0.0, arrived + server.latency - time.perf_counter()))
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            with server.lock:
                server.answered.append(time.perf_counter())

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the http.server signature
            """Quiet."""

    return Handler
