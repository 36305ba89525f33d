"""Whether a server a URL names accepts connections: a TCP connection opened and closed, no request sent.

`claimflow check` asks it of a model server set by URL and of each webhook target, so a deploy learns that a
receiver or a local model server is down before the first document waits on it. Nothing is sent: a webhook sees
no request and a model server no call. A URL's credentials never appear in what is said.
"""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

from claimflow.state.redaction import redact

DEFAULT_PORTS = {"http": 80, "https": 443}
"""The port a URL without one connects to, by scheme."""
TIMEOUT_S = 3.0
"""How long a connection may take before the server counts as unreachable."""


def unreachable(url: str, timeout_s: float = TIMEOUT_S) -> str | None:
    """Why the server `url` names accepts no connection (one line, credentials masked); None when it does."""
    parts = urlsplit(url)
    host = parts.hostname
    try:
        port = parts.port or DEFAULT_PORTS.get(parts.scheme)
    except ValueError:  # a port out of range or not a number
        port = None
    if not host or port is None:
        return f"{redact(url)} names no host and port to connect to"
    try:
        with socket.create_connection((host, port), timeout=timeout_s):
            return None
    except TimeoutError:
        return f"{host}:{port} did not answer within {timeout_s:g} s"
    except OSError as error:
        return f"{host}:{port} cannot be reached: {error.strerror or type(error).__name__}"
