"""A threading HTTP server for test fakes that takes a client hanging up as part of the test, not an error.

Tests hang up on purpose (a timeout, a deadline, a sender that gives up), and the fake's next write or read
then meets a closed socket. `socketserver` reports any exception a handler raises by printing "Exception
occurred during processing of request" to stderr, which reads as a failure in the test output. A closed
connection is the expected end of such a request; anything else is still reported.
"""

from __future__ import annotations

import sys
from http.server import ThreadingHTTPServer
from typing import Any


class QuietHTTPServer(ThreadingHTTPServer):
    """`ThreadingHTTPServer`, silent when a client has closed its connection."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Ignore a connection the client closed; report any other handler error as the base class does."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)
