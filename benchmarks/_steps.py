"""How many steps claimflow executed for a run, and how long their bodies took: its `step.completed` events.

They are read through `claimflow trace --json`: the CLI's JSON output is a contract, so this keeps working while
the registry changes underneath. The command runs in-process (Typer's test runner, no start-up cost) in a worker
thread, because it runs its own event loop.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable
from pathlib import Path

from typer.testing import CliRunner


def _read(run_ids: list[str], data_dir: Path, database_url: str | None) -> list[tuple[int, float]]:
    from claimflow.runtime.cli import app  # the CLI, as `claimflow trace` runs it

    env = {"CLAIMFLOW_DATABASE_URL": database_url}  # None: unset, so SQLite in the data directory
    found = []
    for run_id in run_ids:
        result = CliRunner().invoke(app, ["trace", run_id, "--json", "--data-dir", str(data_dir)], env=env)
        if result.exit_code != 0:
            raise RuntimeError(f"claimflow trace {run_id} failed ({result.exit_code}): {result.output}")
        events = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
        completed = [item for item in events if item["type"] == "step.completed"]
        found.append((len(completed), sum(item["data"]["duration_ms"] for item in completed) / 1000))
    return found


async def step_times(
    run_ids: Iterable[str], data_dir: Path, database_url: str | None = None
) -> list[tuple[int, float]]:
    """Per run, in the order given: its `step.completed` events, and the seconds its step bodies took in all.

    A body's time is the node's own work (reading the text, checking evidence, the model call), as each
    `step.completed` event records it; what LangGraph, the checkpoints and the engine add around it is not in it.
    """
    return await asyncio.to_thread(_read, list(run_ids), data_dir, database_url)


async def completed_steps(run_ids: Iterable[str], data_dir: Path, database_url: str | None = None) -> list[int]:
    """The number of `step.completed` events of each run, in the order given."""
    return [steps for steps, _ in await step_times(run_ids, data_dir, database_url)]
