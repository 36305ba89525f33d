"""Events leave state once written: a SIGKILL between a checkpoint and its event write loses and duplicates nothing.

A child process works through a batch and is killed at a random moment, twenty times over; `recover` then
finishes every run. For each run the events table must hold exactly the events its checkpoint history holds
(plus the engine's own intake and failure events): nothing checkpointed is missing, nothing is there twice,
and no event of a step whose checkpoint was never written appears.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from claimflow.doctypes import BUILTIN_TYPES
from claimflow.runtime.engine import open_engine
from claimflow.runtime.settings import Settings
from tests.integration._forked import spawn_python

RECEIPT = (
    "KEDAI MAJU {n}\nNO. {n}, JALAN SS2/{n}\n{n:02d}/03/2024 10:{n:02d}\nNASI LEMAK 1 {a}.50\n"
    "TOTAL RM {a}.50\nCASH {a}.50\nCHANGE 0.00\nTHANK YOU\n"
)
CHILD = """
import asyncio, sys
from pathlib import Path
from claimflow.doctypes import BUILTIN_TYPES
from claimflow.runtime.batch import process_files
from claimflow.runtime.engine import open_engine
from claimflow.runtime.settings import Settings
from tests.integration._forked import spawn_python
from {saver_module} import {saver_class} as Saver

# A slow disk: each checkpoint takes a while to write, so a kill often lands between a step's streamed
# update and its checkpoint, the window the journal must not write events in.
def slow(write):
    async def slowly(self, *args, **kwargs):
        await asyncio.sleep(0.03)
        return await write(self, *args, **kwargs)
    return slowly
Saver.aput = slow(Saver.aput)
Saver.aput_writes = slow(Saver.aput_writes)

async def main() -> None:
    settings = Settings.load(data_dir=sys.argv[1])
    async with open_engine(settings, types=BUILTIN_TYPES) as engine:
        Path(sys.argv[1]).mkdir(parents=True, exist_ok=True)  # on Postgres nothing else is written there
        Path(sys.argv[1], "started").touch()  # the parent kills only once documents are being processed
        await process_files(engine, sorted(Path(sys.argv[2]).iterdir()), concurrency=2)

asyncio.run(main())
"""
ENGINE_STEPS = ("intake", "engine")
"""Events the engine writes itself, not through a step's checkpoint."""


def _documents(folder: Path, count: int, seed: int) -> Path:
    folder.mkdir(parents=True)
    rng = random.Random(seed)
    for n in range(count):
        (folder / f"receipt-{n}.txt").write_text(RECEIPT.format(n=n + 1, a=rng.randint(3, 40)), encoding="utf-8")
    return folder


async def _compare(data: Path) -> list[dict[str, Any]]:
    settings = Settings.load(data_dir=data)
    async with open_engine(settings, types=BUILTIN_TYPES) as engine:
        while await engine.registry.stale_runs():
            await engine.recover()
        report = []
        for row in await engine.registry.list_runs():
            config: Any = {"configurable": {"thread_id": row.run_id}}
            checkpointed = {
                e.event_id
                async for snapshot in engine.graph.aget_state_history(config)
                for e in (snapshot.values or {}).get("events", [])
            }
            stored = await engine.registry.events(row.run_id)
            from_steps = [e["event_id"] for e in stored if e["step"] not in ENGINE_STEPS]
            report.append(
                {
                    "run": row.run_id,
                    "status": row.status,
                    "missing": checkpointed - set(from_steps),
                    "unbacked": set(from_steps) - checkpointed,
                    "twice": [i for i, n in Counter(e["event_id"] for e in stored).items() if n > 1],
                    "completed_twice": [
                        s
                        for s, n in Counter(e["step"] for e in stored if e["type"] == "run.completed").items()
                        if n > 1
                    ],
                }
            )
        return report


def kill_at_random(tmp_path: Path, saver: str) -> None:
    """Twenty batches, each killed at a random moment, then recovered: every run's events match its checkpoints.

    `saver` is the checkpointer class the engine opens (`module:Class`), slowed down in the child; the database
    is the environment's (`CLAIMFLOW_DATABASE_URL`, else the SQLite files of each batch's data directory).
    """
    saver_module, saver_class = saver.split(":")
    script = CHILD.format(saver_module=saver_module, saver_class=saver_class)
    rng = random.Random(20261129)
    kills = 0
    for cycle in range(20):
        docs = _documents(tmp_path / f"docs-{cycle}", 4, cycle)
        data = tmp_path / f"data-{cycle}"
        # A process of its own, forked from one that has imported the engine: it starts in a fraction of a second.
        child = spawn_python(script, [str(data), str(docs)], {**os.environ})
        deadline = time.monotonic() + 60
        while not (data / "started").exists() and child.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(rng.uniform(0.0, 1.5))
        if child.poll() is None:
            child.send_signal(signal.SIGKILL)
            kills += 1
        child.wait()
        for run in asyncio.run(_compare(data)):
            assert run["status"] in ("completed", "needs_review", "failed"), run
            assert not run["missing"], run
            assert not run["unbacked"], run
            assert not run["twice"] and not run["completed_twice"], run
    assert kills >= 10, f"only {kills} of 20 cycles were killed mid-batch: the kills come too late to test anything"


@pytest.mark.slow
def test_killing_the_engine_at_random_loses_and_duplicates_no_event(tmp_path: Path) -> None:
    kill_at_random(tmp_path, "claimflow.runtime.sqlite_saver:OneTripSqliteSaver")
