"""How many steps claimflow executed for a run: its `step.completed` events, read through `claimflow trace --json`.

The CLI's JSON output is a contract, so this keeps working while the registry changes underneath. The command
runs in-process (Typer's test runner, no start-up cost) in a worker thread, because it runs its own event loop.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable
from pathlib import Path

from typer.testing import CliRunner


def _count(run_ids: list[str], data_dir: Path, database_url: str | None) -> list[int]:
    from claimflow.runtime.cli import app  # the CLI, as `claimflow trace` runs it

    env = {"CLAIMFLOW_DATABASE_URL": database_url}  # None: unset, so SQLite in the data directory
    counts = []
    for run_id in run_ids:
        result = CliRunner().invoke(app, ["trace", run_id, "--json", "--data-dir", str(data_dir)], env=env)
        if result.exit_code != 0:
            raise RuntimeError(f"claimflow trace {run_id} failed ({result.exit_code}): {result.output}")
        events = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
        counts.append(sum(1 for item in events if item["type"] == "step.completed"))
    return counts


async def completed_steps(run_ids: Iterable[str], data_dir: Path, database_url: str | None = None) -> list[int]:
    """The number of `step.completed` events of each run, in the order given."""
    return await asyncio.to_thread(_count, list(run_ids), data_dir, database_url)
