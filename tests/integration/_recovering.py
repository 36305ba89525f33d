"""`recover` beside a live `run`, and `recover --concurrency`: the scenarios, for SQLite and for Postgres.

Every process is a real CLI (or engine) process; the database is the real one of the backend under test.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime
from pathlib import Path

from claimflow.runtime.engine import open_registry
from claimflow.runtime.settings import Settings
from tests.integration._batches import (
    backend_env,
    invoices,
    registered,
    registered_or_empty,
    runs_per_file,
    spawn,
    wait_until,
)
from tests.integration._docs import cli_env, json_lines, run_cli

REGISTER_AND_DIE = """
import asyncio, os, sys
from pathlib import Path
from claimflow.runtime.engine import open_engine
from claimflow.runtime.settings import Settings

async def main() -> None:
    async with open_engine(Settings.load(data_dir=sys.argv[1])) as engine:
        for path in sorted(Path(sys.argv[2]).iterdir()):
            await engine.submit(path)
        os._exit(0)  # gone before advancing any run, as a killed process is

asyncio.run(main())
"""


def recover_leaves_a_live_run_alone(tmp_path: Path, database_url: str | None = None) -> None:
    """`recover` started again and again while a `run` works: neither fails, no run is taken or done twice."""
    docs, data, env = tmp_path / "docs", tmp_path / "data", backend_env(database_url)
    invoices(docs, 100)
    child = spawn("run", docs, "--json", "--data-dir", data, output=tmp_path / "run", **env)
    wait_until(lambda: bool(_runs_or_none(data, database_url)), timeout=120, what="a document registered")
    recovers = []
    while child.poll() is None:
        assert len(recovers) < 100, "the run does not end"
        recovers.append(run_cli("recover", "--json", "--data-dir", data, timeout=300, **env))
    child.wait()
    stdout, stderr = (tmp_path / "run.out").read_text(), (tmp_path / "run.err").read_text()

    assert child.returncode == 0, stderr
    assert recovers, "the run ended before any recover started: nothing was tested"
    for recovered in recovers:
        assert recovered.returncode == 0, recovered.stderr
        assert json_lines(recovered.stdout) == []  # every run had a live owner: nothing was taken over
    assert len(json_lines(stdout)) == 100
    rows = registered(data, database_url)
    assert set(runs_per_file(rows).values()) == {1} and len(rows) == 100
    assert {row.status for row in rows} == {"completed"}


def recover_advances_runs_at_once(tmp_path: Path, database_url: str | None = None) -> None:
    """Runs a dead process left queued are recovered several at a time with `--concurrency`."""
    docs, data, env = tmp_path / "docs", tmp_path / "data", backend_env(database_url)
    invoices(docs, 8)
    subprocess.run(
        [sys.executable, "-c", REGISTER_AND_DIE, str(data), str(docs)], env=cli_env(**env), check=True, timeout=120
    )
    assert {row.status for row in registered(data, database_url)} == {"queued"}

    result = run_cli("recover", "--concurrency", "4", "--json", "--data-dir", data, timeout=300, **env)

    assert result.returncode == 0, result.stderr
    views = json_lines(result.stdout)
    assert len(views) == 8 and {view["status"] for view in views} == {"completed"}
    assert _most_at_once(_step_windows(data, database_url)) >= 2


def _runs_or_none(data: Path, database_url: str | None) -> bool:
    return bool(registered_or_empty(data, database_url))


def _step_windows(data: Path, database_url: str | None) -> list[tuple[datetime, datetime]]:
    """For each run, when its first step started and its last step ended."""
    registry = open_registry(Settings(data_dir=data, database_url=database_url))
    try:
        windows = []
        for row in registry.list_runs():
            times = [datetime.fromisoformat(str(e["at"])) for e in registry.events(row.run_id) if e["step"] != "intake"]
            windows.append((min(times), max(times)))
        return windows
    finally:
        registry.close()


def _most_at_once(windows: list[tuple[datetime, datetime]]) -> int:
    """The largest number of runs whose steps were under way at the same moment."""
    edges = sorted([(start, 1) for start, _ in windows] + [(end, -1) for _, end in windows])
    most = current = 0
    for _, change in edges:
        current += change
        most = max(most, current)
    return most
