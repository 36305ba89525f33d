"""Workers in tests: `claimflow worker` processes on a scratch database, and waiting on what they do."""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psycopg
from psycopg import sql
from psycopg.rows import dict_row

from tests.integration._batches import wait_until as waited_for
from tests.integration._docs import claimflow_executable, cli_env, run_cli
from tests.integration._forked import ForkedProcess, spawn_forked

FAST = {"CLAIMFLOW_WORKER_HEARTBEAT_S": "0.5", "CLAIMFLOW_WORKER_STALLED_S": "3", "CLAIMFLOW_REAPER_EVERY_S": "1"}
"""Short heartbeat, stall threshold and reaper period, so a killed worker's jobs come back within seconds."""

UNWATCHED = {"CLAIMFLOW_WORKER_FREEZE_S": "0"}
"""`claimflow worker` as the worker process itself, with no process watching it: for a test that kills the worker
or stops it (SIGKILL, SIGSTOP), or finds it by its pid. Watched, the command's pid is not the worker's, and killed,
the command would leave its worker to stop by itself instead of crashing it."""

CONTRACT = Path(__file__).parents[2] / "examples" / "documents" / "contract-nda.txt"
INVOICE = CONTRACT.with_name("invoice-clean.pdf")
FINISHED = ("completed", "needs_review", "failed", "rejected")
START_JOBS = "SELECT status FROM procrastinate_jobs WHERE task_name = 'claimflow.start_run'"


def worker_env(url: str, data_dir: Path, **extra: str) -> dict[str, str]:
    return {"CLAIMFLOW_DATABASE_URL": url, "CLAIMFLOW_DATA_DIR": str(data_dir), **FAST, **extra}


def documents(folder: Path, count: int) -> Path:
    """`count` distinct documents: a clean invoice, each copy with its own PDF comment after the end."""
    folder.mkdir()
    data = INVOICE.read_bytes()
    for index in range(count):
        (folder / f"doc-{index:03d}.pdf").write_bytes(data + f"\n% copy {index}\n".encode())
    return folder


def rows(url: str, query: str, *args: Any) -> list[dict[str, Any]]:
    with psycopg.connect(url, row_factory=dict_row, autocommit=True) as conn:
        return conn.execute(query, args).fetchall()  # type: ignore[arg-type]


def migrate(url: str, data_dir: Path) -> None:
    done = run_cli("db", "migrate", **worker_env(url, data_dir))
    assert done.returncode == 0, done.stderr


def database_outage(admin: psycopg.Connection[Any], url: str, seconds: float) -> None:
    """Cut every session of `url`'s database and refuse new ones for `seconds`: a restart of Postgres, to its clients.

    `admin` is a session on another database of the same server.
    """
    name = urlsplit(url).path.lstrip("/")
    database = sql.Identifier(name)
    admin.execute(sql.SQL("ALTER DATABASE {} WITH ALLOW_CONNECTIONS false").format(database))
    try:
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,))
        time.sleep(seconds)
    finally:
        admin.execute(sql.SQL("ALTER DATABASE {} WITH ALLOW_CONNECTIONS true").format(database))


def wait_until(condition: Any, timeout: float, what: str) -> None:
    """`tests.integration._batches.wait_until`, with the deadline and what is awaited given by position."""
    waited_for(condition, timeout=timeout, what=what)


def spawn_worker(log: Path, env: dict[str, str], *args: str) -> ForkedProcess:
    """A `claimflow worker` process, its output in `log` (a pipe nobody reads could fill up and stop it)."""
    with log.open("a") as out:
        return spawn_forked(
            ["worker", *args], cli_env(**env), claimflow_executable(), stdout=out, stderr=subprocess.STDOUT
        )


def stop(process: subprocess.Popen[str] | ForkedProcess) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_silent(url: str, worker_id: int, seconds: float) -> None:
    """Wait until the worker `worker_id` (frozen, say) has been silent longer than `seconds` since its heartbeat."""

    def silent() -> bool:
        found = rows(
            url,
            "SELECT extract(epoch FROM now() - last_heartbeat)::float8 AS s FROM procrastinate_workers WHERE id = %s",
            worker_id,
        )
        return bool(found) and float(found[0]["s"]) > seconds

    wait_until(silent, seconds + 30, f"worker {worker_id} to be silent past {seconds} s")
