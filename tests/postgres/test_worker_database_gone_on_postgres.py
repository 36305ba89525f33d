"""A worker whose database is gone still stops promptly when asked to.

Dropped under it, the database never gives a session again: procrastinate's worker, stopping, waited up to its
pool's timeout (30 s) to write its stop, ended the stop with that write's error, and was then started again as
after an outage, for good. A supervisor's SIGTERM (systemd, a rolling update) went unheeded until its SIGKILL.
"""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
from psycopg import sql

from tests.postgres._workers import migrate, rows, spawn_worker, stop, wait_until, worker_env

pytestmark = pytest.mark.postgres

STOP_BOUND_S = 10.0
"""Within how long a worker whose database is gone must exit after SIGTERM (it takes about 3 s)."""


def test_a_worker_whose_database_was_dropped_stops_promptly_on_sigterm(
    tmp_path: Path, postgres_url: str, postgres_admin: psycopg.Connection[tuple[object, ...]]
) -> None:
    data = tmp_path / "data"
    migrate(postgres_url, data)
    log = tmp_path / "worker.log"
    worker = spawn_worker(log, worker_env(postgres_url, data))
    try:
        wait_until(lambda: rows(postgres_url, "SELECT id FROM procrastinate_workers"), 60, "the worker to start")
        database = sql.Identifier(urlsplit(postgres_url).path.lstrip("/"))
        postgres_admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(database))
        # procrastinate's listener loses its session at once and its worker starts stopping by itself, waiting on
        # the database to write its stop: the signal comes in that wait.
        time.sleep(2)
        signalled = time.monotonic()
        worker.send_signal(signal.SIGTERM)
        try:
            code = worker.wait(timeout=STOP_BOUND_S)
        except subprocess.TimeoutExpired:
            code = None
        took = time.monotonic() - signalled
    finally:
        stop(worker)
    text = log.read_text()
    assert code == 0, f"still running {took:.1f} s after SIGTERM:\n{text}"
    assert took < STOP_BOUND_S, text
    assert " worker.stopping " in text and " worker.stopped " in text, text
    assert "Traceback" not in text, text
    # The worker meets the dropped database one way or the other, as the timing falls: stopping by itself, in the
    # write of its stop (it says it stopped without writing it), or first as an outage (a busy machine): it says it
    # restarts, once, and the signal ends the wait before the next try. Never both, never restarting again and again.
    unrecorded, restarts = " worker.stop_unrecorded " in text, text.count(" worker.restarting ")
    assert (unrecorded, restarts) in ((True, 0), (False, 1)), text
