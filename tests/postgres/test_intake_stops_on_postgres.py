"""A Postgres connection lost in the middle of a batch: one message, a non-zero exit, every run resumable."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from claimflow.runtime.reconnect import GONE_WAIT_S
from tests.fakes.tcp_proxy import TcpProxy
from tests.integration._batches import (
    FINISHED,
    invoices,
    registered,
    registered_or_empty,
    runs_per_file,
    spawn,
    wait_until,
)
from tests.integration._docs import run_cli

pytestmark = pytest.mark.postgres

STOPPED = 3
WAIT_S = 3.0


def _through(proxy: TcpProxy, url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=f"{parts.username}@127.0.0.1:{proxy.port}"))


def test_a_connection_lost_mid_batch_stops_it_with_one_message(tmp_path: Path, postgres_url: str) -> None:
    docs, data = tmp_path / "docs", tmp_path / "data"
    invoices(docs, 60)
    target = urlsplit(postgres_url)
    proxy = TcpProxy((target.hostname or "127.0.0.1", target.port or 5432))
    child = spawn(
        "run",
        docs,
        "--data-dir",
        data,
        output=tmp_path / "run",
        CLAIMFLOW_DATABASE_URL=_through(proxy, postgres_url),
        CLAIMFLOW_POSTGRES_WAIT_S=str(WAIT_S),  # psycopg_pool's 30 s unless set
    )
    wait_until(
        lambda: sum(row.status == "completed" for row in registered_or_empty(data, postgres_url)) >= 5,
        timeout=180,
        what="five documents completed",
    )
    proxy.cut()
    child.wait(timeout=300)
    stderr = (tmp_path / "run.err").read_text()

    assert child.returncode == STOPPED, stderr
    assert "Traceback" not in stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr  # one message
    [line] = lines
    assert line.startswith("error: stopped: the database cannot be reached or written")
    # What stopped it is a session lost under a statement, or a wait for one that ran out: never psycopg_pool's 30 s.
    waited = re.search(r"couldn't get a connection after ([\d.]+) sec", line)
    assert waited is None or float(waited.group(1)) in (WAIT_S, GONE_WAIT_S), line
    stopped = registered(data, postgres_url)
    assert stopped and all(row.status in ("completed", "queued", "running") for row in stopped), stopped

    again = run_cli("run", docs, "--data-dir", data, timeout=600, CLAIMFLOW_DATABASE_URL=postgres_url)

    assert again.returncode == 0, again.stderr
    rows = registered(data, postgres_url)
    assert set(runs_per_file(rows).values()) == {1} and len(rows) == 60
    assert {row.status for row in rows} <= set(FINISHED) - {"failed"}
