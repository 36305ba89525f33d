"""The fakes' HTTP server stays quiet when a client hangs up, and still reports a handler's own errors."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler

import pytest

from tests.fakes.quiet_http import QuietHTTPServer


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - the http.server naming
        if self.path == "/hang-up":
            raise ConnectionResetError("the client closed the connection")
        raise ValueError("a fault in the fake itself")

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - http.server's signature
        del format, args


@contextmanager
def _serving() -> Iterator[QuietHTTPServer]:
    server = QuietHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01})
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()  # joins the handler threads: what they printed is printed by now
        thread.join()


def _get(server: QuietHTTPServer, path: str) -> None:
    with socket.create_connection(server.server_address[:2]) as connection:
        connection.sendall(f"GET {path} HTTP/1.0\r\n\r\n".encode())
        connection.recv(1024)  # returns when the server closes the connection


def test_a_client_hanging_up_prints_nothing(capfd: pytest.CaptureFixture[str]) -> None:
    with _serving() as server:
        _get(server, "/hang-up")
    assert capfd.readouterr().err == ""


def test_any_other_handler_error_is_still_reported(capfd: pytest.CaptureFixture[str]) -> None:
    with _serving() as server:
        _get(server, "/fault")
    err = capfd.readouterr().err
    assert "Exception occurred during processing of request" in err
    assert "a fault in the fake itself" in err
