"""CLAIMFLOW_POSTGRES_WAIT_S: how long each of claimflow's Postgres pools waits for a session.

psycopg_pool's own default is 30 s. A failover that takes two minutes needs longer, and an operator who wants to
hear of a lost database sooner wants shorter: the setting reaches every pool a command, an engine or a worker opens.
What a command says once the wait has run out is in `test_intake_stops_on_postgres.py`, which waits 3 s.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from claimflow.runtime.engine import open_engine
from claimflow.runtime.queue.app import build_app
from claimflow.runtime.queue.worker import run_locks
from claimflow.runtime.settings import Settings

pytestmark = pytest.mark.postgres

WAIT_S = 7.5


def test_every_pool_of_an_engine_and_a_worker_waits_as_long_as_the_setting_says(
    tmp_path: Path, postgres_url: str
) -> None:
    settings = Settings(data_dir=tmp_path, database_url=postgres_url, postgres_wait_s=WAIT_S)

    async def waits() -> tuple[dict[str, float], int]:
        async with open_engine(settings) as engine, run_locks(settings, concurrency=3) as locks:
            # The pools are private to what holds them: their `timeout` is the wait the setting is for.
            return {
                "registry": engine.registry.sync._pool.timeout,
                "documents": engine.store.files._pool.timeout,
                "checkpoints": engine.graph.checkpointer.pool.timeout,
                "run locks": locks._pool.timeout,
            }, locks._pool.max_size

    found, lock_sessions = asyncio.run(waits())
    found["queue"] = build_app(settings).connector._pool_args["timeout"]

    assert found == dict.fromkeys(("registry", "documents", "checkpoints", "run locks", "queue"), WAIT_S)
    assert lock_sessions == 3  # a session for each job the worker runs at once


def test_without_the_setting_every_pool_waits_psycopg_pools_own_time(tmp_path: Path, postgres_url: str) -> None:
    async def registry_and_saver() -> tuple[float, float]:
        async with open_engine(Settings(data_dir=tmp_path, database_url=postgres_url)) as engine:
            return engine.registry.sync._pool.timeout, engine.graph.checkpointer.pool.timeout

    assert asyncio.run(registry_and_saver()) == (30.0, 30.0)
