"""`claimflow serve` as a real process: on a free port, waited for until it answers, stopped afterwards."""

from __future__ import annotations

import contextlib
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

from tests.fakes.tcp_proxy import closed_port
from tests.integration._docs import spawn_cli
from tests.integration._forked import ForkedProcess

STARTUP_S = 60.0
"""How long a server may take to answer `/healthz` (a first start imports everything, on a shared machine)."""


@contextlib.contextmanager
def serving(data_dir: Path, *options: str, **env: str) -> Iterator[tuple[str, ForkedProcess]]:
    """`claimflow serve --data-dir DATA_DIR OPTIONS...` on a free port, once `/healthz` answers.

    Yields its base URL and its process (a test may kill it itself); afterwards it is stopped: SIGTERM, then
    SIGKILL if it has not ended within 20 s. `env` adds CLAIMFLOW_* settings.
    """
    port = closed_port()
    server = spawn_cli("serve", "--port", str(port), "--data-dir", data_dir, *options, **env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_S
        while True:
            assert server.poll() is None, server.communicate()[1]
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            assert time.monotonic() < deadline, f"claimflow serve did not answer within {STARTUP_S:g} s"
            time.sleep(0.1)
        yield base, server
    finally:
        if server.poll() is None:
            server.terminate()
        try:
            server.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.communicate()
