"""A webhook receiver for delivery tests: a real HTTP server that checks signatures and deduplicates on the key."""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler

from tests.fakes.quiet_http import QuietHTTPServer


@dataclass(frozen=True)
class Received:
    """One POST as it arrived."""

    key: str
    body: bytes
    signed: bool
    """Whether the signature header was the HMAC-SHA256 of `<t>.<body>` under the shared secret."""
    signature: str = ""
    """The signature header as sent, for checking it another way."""
    at: float = 0.0
    """When it arrived (`time.monotonic`)."""


@dataclass
class Receiver:
    """What the server saw: every request, and the records it accepted, one per idempotency key."""

    secret: str
    url: str = ""
    failing: bool = False
    """While True, every request is answered `failing_status` and nothing is accepted."""
    failing_status: int = 503
    retry_after: str | None = None
    """The `Retry-After` header of a failing answer, if any."""
    on_first: Callable[[], None] | None = None
    """Called once, on the first request, after the record is accepted and before any answer is sent."""
    delay: float = 0.0
    """Seconds each request waits, after it is recorded, before its answer: a window in which a sender can die."""
    trickle_s: float = 0.0
    """When set, each answer is a 200 that announces 10,000 bytes and sends one every `trickle_s`: never finished."""
    answering: set[str] = field(default_factory=set)
    """The keys of requests recorded and not answered yet."""
    received: list[Received] = field(default_factory=list)
    delivered: dict[str, bytes] = field(default_factory=dict)

    def check(self, body: bytes, header: str) -> bool:
        """Verify the signature the way a receiver following the README would, independently of claimflow."""
        parts = dict(item.split("=", 1) for item in header.split(","))
        expected = hmac.new(self.secret.encode(), parts["t"].encode() + b"." + body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, parts.get("v1", ""))


def _handler(receiver: Receiver, lock: threading.Lock) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - the name http.server calls
            length = int(self.headers["Content-Length"])
            body = self.rfile.read(length)
            if len(body) < length:  # the sender died mid-body (a worker killed): no request arrived, as for any server
                return
            key = self.headers["Idempotency-Key"]
            signature = self.headers["X-Claimflow-Signature"]
            with lock:
                receiver.received.append(
                    Received(key, body, receiver.check(body, signature), signature, time.monotonic())
                )
                receiver.answering.add(key)
                failing = receiver.failing
                if not failing:
                    receiver.delivered.setdefault(key, body)  # a repeated key is acknowledged, not stored again
                first, receiver.on_first = receiver.on_first, None
            if first is not None:
                first()
            time.sleep(receiver.delay)
            with lock:
                receiver.answering.discard(key)
            if receiver.trickle_s:
                self._trickle(receiver.trickle_s)
                return
            self.send_response(receiver.failing_status if failing else 200)
            if failing and receiver.retry_after is not None:
                self.send_header("Retry-After", receiver.retry_after)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def _trickle(self, every_s: float) -> None:
            self.send_response(200)
            self.send_header("Content-Length", "10000")
            self.end_headers()
            try:
                for _ in range(10000):
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(every_s)
            except OSError:
                pass  # the sender gave up and closed the connection
            self.close_connection = True

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - http.server's signature
            del format, args

    return Handler


@contextmanager
def webhook_receiver(secret: str) -> Iterator[Receiver]:
    """A receiver listening on a free local port while the context lasts."""
    receiver = Receiver(secret)
    server = QuietHTTPServer(("127.0.0.1", 0), _handler(receiver, threading.Lock()))
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/records"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
