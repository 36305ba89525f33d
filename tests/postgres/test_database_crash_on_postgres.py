"""A crash of the database server loses nothing anyone was told of, though checkpoints do not wait for the flush.

Checkpoints on Postgres commit without waiting for the server's log flush (the default): a server that crashes
may take its last ones with it. What answers to the world waits for the flush, and Postgres flushes its log in
order. So after the crash:
- a run the engine reported finished is still finished, with the state and events it finished with;
- no stored event lacks the checkpoint that holds it;
- the runs the crash interrupted finish when recovered, and no event is stored twice.

The crash is real: a cluster of the test's own (`PrivateCluster`), every server process stopped at once
(`pg_ctl stop -m immediate`: no shutdown checkpoint, the log buffers not written out) at a random moment of a
batch, together with the engine's process; then started again, recovering from the log on disk.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from claimflow.doctypes import BUILTIN_TYPES
from claimflow.runtime.engine import open_engine
from claimflow.runtime.settings import Settings
from tests.integration._forked import spawn_python
from tests.integration.test_event_journal_crash import _compare, _documents
from tests.postgres._cluster import PrivateCluster

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

DOCUMENTS = 24
"""Receipts a batch: more than the engine finishes in the moments the crash may wait after the first one."""

CHILD = """
import asyncio, os, sys
from pathlib import Path
from claimflow.doctypes import BUILTIN_TYPES
from claimflow.runtime.engine import open_engine
from claimflow.runtime.settings import Settings

async def main() -> None:
    data, docs, told = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    async with open_engine(Settings.load(data_dir=data), types=BUILTIN_TYPES) as engine:
        with told.open("a") as out:
            for path in sorted(docs.glob("*.txt")):
                row = await engine.process(path)
                # What the engine told its caller, kept where the database's crash cannot reach it.
                out.write(f"{row.run_id} {row.status}\\n")
                out.flush()
                os.fsync(out.fileno())

asyncio.run(main())
"""


@pytest.fixture
def cluster() -> Iterator[PrivateCluster]:
    made = PrivateCluster()
    try:
        made.start()
        yield made
    finally:
        made.remove()


async def _finished_as_told(data: Path, told: dict[str, str]) -> list[tuple[str, str, Any]]:
    """Of the runs the engine reported finished, those whose run, state or last event is no longer so."""
    wrong = []
    async with open_engine(Settings.load(data_dir=data), types=BUILTIN_TYPES) as engine:
        for run_id, status in told.items():
            row = await engine.registry.get_run(run_id)
            snapshot = await engine.graph.aget_state({"configurable": {"thread_id": run_id}})
            events = [e["type"] for e in await engine.registry.events(run_id)]
            paused = bool(snapshot.interrupts)
            outcome = (snapshot.values or {}).get("outcome")
            kept = (status == "needs_review" and paused) or (status != "needs_review" and outcome == status)
            last = "run.completed" if status == "completed" else None
            if row.status != status or not kept or (last is not None and last not in events):
                wrong.append((run_id, status, (row.status, outcome, paused, events[-3:])))
    return wrong


def test_a_database_crash_at_random_loses_nothing_anyone_was_told_of(
    cluster: PrivateCluster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLAIMFLOW_DATABASE_URL", cluster.url)
    monkeypatch.delenv("CLAIMFLOW_POSTGRES_SYNCHRONOUS_COMMIT", raising=False)
    rng = random.Random(20261202)
    told: dict[str, str] = {}
    interrupted = 0
    for cycle in range(8):
        docs = _documents(tmp_path / f"docs-{cycle}", DOCUMENTS, 100 + cycle)
        data, reported = tmp_path / f"data-{cycle}", tmp_path / f"told-{cycle}"
        reported.touch()
        child = spawn_python(CHILD, [str(data), str(docs), str(reported)], {**os.environ})
        deadline = time.monotonic() + 60  # the crash comes once a first run was reported, at a random moment after
        while not reported.read_text() and child.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(rng.uniform(0.0, 0.4))
        cluster.crash()  # the database and the engine go down together, as on a lost machine
        if child.poll() is None:
            child.send_signal(signal.SIGKILL)
        child.wait()
        cluster.start()
        told_now = dict(line.split() for line in reported.read_text().splitlines())
        interrupted += len(told_now) < DOCUMENTS
        told.update(told_now)
        assert not asyncio.run(_finished_as_told(data, told)), "a run reported finished is no longer so"
        for run in asyncio.run(_compare(data)):  # recovers every run the crash interrupted, then compares
            assert run["status"] in ("completed", "needs_review", "failed"), run
            assert not run["missing"], run
            assert not run["unbacked"], run
            assert not run["twice"] and not run["completed_twice"], run
    assert interrupted >= 6, f"only {interrupted} of 8 crashes came before the batch ended: nothing was tested"
