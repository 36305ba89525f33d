"""`claimflow check` connects to a model server set by URL and to each webhook, sends nothing, and warns when one
accepts no connection: a receiver or a local model server that is down is told before the first document.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli.conftest import Invoke
from tests.integration._docs import json_lines


@pytest.fixture
def listening() -> Iterator[tuple[str, socket.socket]]:
    """A port that accepts connections (and is read afterwards to see that nothing was sent)."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(5)
    yield f"127.0.0.1:{server.getsockname()[1]}", server
    server.close()


def _closed_port() -> str:
    """A port nothing listens on: bound, then let go."""
    with socket.create_server(("127.0.0.1", 0)) as taken:
        return f"127.0.0.1:{taken.getsockname()[1]}"


Checks = dict[str, dict[str, str]]


def _checks(claimflow: Invoke, tmp_path: Path, env: dict[str, str], *args: str) -> tuple[int, Checks]:
    result = claimflow("check", "--json", "--data-dir", tmp_path / "data", *args, env=env)
    return result.exit_code, {item.pop("check"): item for item in json_lines(result.stdout)}


def test_a_webhook_that_accepts_no_connection_is_a_warning_naming_it(claimflow: Invoke, tmp_path: Path) -> None:
    down = _closed_port()
    env = {"CLAIMFLOW_DELIVER": f"webhook:http://user:secret@{down}/records", "CLAIMFLOW_DELIVER_SECRET": "s"}
    code, found = _checks(claimflow, tmp_path, env)

    assert code == 0, found  # a warning: the receiver may come up before the first run completes
    delivery = found["delivery"]
    assert delivery["outcome"] == "warning"
    assert f"{down} cannot be reached" in delivery["detail"] and "delivery_failed" in delivery["detail"]
    assert "secret" not in delivery["detail"], "a URL's credentials are never shown"


def test_a_webhook_that_accepts_connections_is_ok_and_is_sent_nothing(
    claimflow: Invoke, tmp_path: Path, listening: tuple[str, socket.socket]
) -> None:
    address, server = listening
    env = {"CLAIMFLOW_DELIVER": f"webhook:http://{address}/records", "CLAIMFLOW_DELIVER_SECRET": "s"}
    code, found = _checks(claimflow, tmp_path, env)

    assert code == 0 and found["delivery"]["outcome"] == "ok", found
    assert "accept connections" in found["delivery"]["detail"]
    connection, _ = server.accept()  # the check's connection, queued by the kernel and closed by the check
    with connection:
        connection.settimeout(5)
        assert connection.recv(1024) == b"", "the check sent nothing"


def test_a_model_server_set_by_url_is_connected_to(
    claimflow: Invoke, tmp_path: Path, listening: tuple[str, socket.socket]
) -> None:
    address, _ = listening
    env = {"OPENAI_API_KEY": "sk-test"}
    down = _closed_port()
    code, up_found = _checks(claimflow, tmp_path, env, "--model", "openai:local", "--base-url", f"http://{address}/v1")
    code_down, down_found = _checks(
        claimflow, tmp_path, env, "--model", "openai:local", "--base-url", f"http://{down}/v1"
    )

    assert code == 0 and up_found["model"]["outcome"] == "ok", up_found
    assert "accepts connections" in up_found["model"]["detail"]
    assert code_down == 0 and down_found["model"]["outcome"] == "warning", down_found
    assert f"{down} cannot be reached" in down_found["model"]["detail"]
    assert "every model call would fail" in down_found["model"]["detail"]
