"""claimflow's record of each worker, beside procrastinate's: its queues, workflow version, timing, host and pid.

procrastinate's `procrastinate_workers` keeps a worker's id and last heartbeat only. `claimflow_workers`, keyed by
that id, adds what a worker was started with; its row goes when procrastinate's does (`ON DELETE CASCADE`), so a
worker that stops, or is removed as silent, takes its record with it. A worker registers both in one statement.

From it `status` lists each live worker's queues and version, `check` names the queues no live worker serves, and
a worker is taken for stalled only once silent past the larger of the judge's threshold and its own (`STALLED`):
a process started with a short `CLAIMFLOW_WORKER_STALLED_S` neither puts back the jobs of a worker that beats less
often, nor counts it dead in `status` and `/metrics`, nor runs its documents itself (`recover`, `run`). A worker
with no record (started by an older claimflow) is judged as before, by the judge's threshold alone.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import psycopg
from procrastinate.manager import JobManager

from claimflow.runtime.queue.exited import ProcessMark, gone_said, has_exited, this_process
from claimflow.runtime.registry._pg_schema import Row

WORKERS_TABLE = """
CREATE TABLE IF NOT EXISTS claimflow_workers (
    worker_id bigint PRIMARY KEY REFERENCES procrastinate_workers(id) ON DELETE CASCADE,
    queues text[] NOT NULL,
    workflow_version text NOT NULL,
    heartbeat_s float8 NOT NULL,
    stalled_s float8 NOT NULL,
    host text NOT NULL,
    pid integer NOT NULL,
    started_at timestamptz NOT NULL DEFAULT now(),
    process_start bigint,
    process_space text
)
"""
"""Made by `claimflow db migrate` once procrastinate's tables are there (it refers to them)."""

WORKERS_MARKED = (
    "ALTER TABLE claimflow_workers ADD COLUMN IF NOT EXISTS process_start bigint,"
    " ADD COLUMN IF NOT EXISTS process_space text"
)
"""What `claimflow db migrate` adds to the table an older claimflow made: the process's start and pid space
(`exited`)."""

STALLED_AFTER = "GREATEST(%(stalled_s)s, COALESCE(record.stalled_s, 0))"
"""Seconds of silence after which the worker joined as `record` is stalled, judged with `%(stalled_s)s`."""

STALLED = (
    f"(listed.id = ANY(%(gone)s::bigint[]) OR listed.last_heartbeat < now() - make_interval(secs => {STALLED_AFTER}))"
)
"""Whether the worker `listed`, its record joined as `record` (`WORKERS`), is stalled; alive is its negation.

The one judgement of a worker, for the reaper, a starting worker, `status`, `/metrics` and the guard of `recover`
and `run`: one that judged by its own threshold alone would take a live worker that beats less often for dead.
`%(gone)s` are the workers whose process the judge saw exit on its own host (`gone_workers`): stalled at once.
"""

WORKERS = "procrastinate_workers listed LEFT JOIN claimflow_workers record ON record.worker_id = listed.id"
"""procrastinate's workers, each with its record (none for a worker of an older claimflow), as `STALLED` reads them."""

_NO_RECORDS = (
    "procrastinate_workers listed LEFT JOIN (SELECT NULL::bigint AS worker_id, NULL::text[] AS queues,"
    " NULL::text AS workflow_version, NULL::float8 AS heartbeat_s, NULL::float8 AS stalled_s, NULL::text AS host,"
    " NULL::integer AS pid, NULL::bigint AS process_start, NULL::text AS process_space WHERE false) record"
    " ON record.worker_id = listed.id"
)
"""`WORKERS` on a database whose queue an older claimflow made, before `claimflow_workers`: none has a record."""

_REGISTER = """
WITH registered AS (SELECT worker_id FROM procrastinate_register_worker_v1())
INSERT INTO claimflow_workers (worker_id, queues, workflow_version, heartbeat_s, stalled_s, host, pid{marked})
SELECT worker_id, %(queues)s, %(version)s, %(heartbeat_s)s, %(stalled_s)s, %(host)s, %(pid)s{marks} FROM registered
RETURNING worker_id
"""

_MARKS_MADE = (
    "SELECT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass('claimflow_workers')"
    " AND attname = 'process_space' AND NOT attisdropped) AS made"
)
"""Whether the workers' records have the columns of the process's mark (`db migrate` of this claimflow adds them)."""

_MARKED = (
    "SELECT worker_id, pid, process_start FROM claimflow_workers"
    " WHERE host = %(host)s AND process_space = %(space)s AND process_start IS NOT NULL"
)
"""The workers recorded on the judge's host and pid space (`exited`), whose process it can look at."""

_PRUNE = f"""
DELETE FROM procrastinate_workers worker
USING {WORKERS}
WHERE worker.id = listed.id AND {STALLED}
RETURNING worker.id AS worker_id
"""

_LIVE = f"""
SELECT listed.id, extract(epoch FROM now() - listed.last_heartbeat)::float8 AS silent_s, record.queues,
       record.workflow_version, record.heartbeat_s, record.stalled_s, record.host, record.pid
FROM {{workers}}
WHERE NOT ({STALLED})
ORDER BY listed.id
"""


@dataclass(frozen=True)
class WorkerRecord:
    """What a worker records of itself at start."""

    queues: Sequence[str]
    version: str
    """The workflow version its engine runs (`engine.version`)."""
    heartbeat_s: float
    stalled_s: float


class RecordedWorkers(JobManager):
    """procrastinate's job manager, registering a worker with its record and pruning by each worker's threshold."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.record: WorkerRecord | None = None
        """Set by the worker before procrastinate's starts; unset, a worker registers without a record."""
        self.registered: list[int] = []
        """The ids this process registered under since its jobs were last handed back, one per start of
        procrastinate's worker: a job of one may be left `doing` when the worker lost its database (see
        `reaper.hand_back_own`, which forgets them once their jobs are back)."""
        self.back_at: float | None = None
        """When (monotonic) procrastinate's worker was last started again after losing its database: see `judging`."""

    def judging(self, stalled_s: float) -> bool:
        """Whether this process may take other workers for stalled, with threshold `stalled_s`.

        A process that lost its database cannot tell a worker silent because it was cut off as well (the same
        outage) from one that died: it judges none until it has seen the database for `stalled_s` again, time
        enough for a live worker to come back, beat and hand back its own jobs.
        """
        return self.back_at is None or time.monotonic() - self.back_at >= stalled_s

    async def register_worker(self) -> int:
        """Register the worker and its record in one statement; its id (kept in `registered`)."""
        worker_id = await self._register()
        self.registered.append(worker_id)
        return worker_id

    async def _register(self) -> int:
        if self.record is None:
            return await super().register_worker()
        record, mark = self.record, this_process()
        # A database not yet migrated by this claimflow has no columns for the mark: the worker is judged by silence.
        marked = (await self.connector.execute_query_one_async(_MARKS_MADE))["made"]
        row = await self.connector.execute_query_one_async(
            _REGISTER.format(
                marked=", process_start, process_space" if marked else "",
                marks=", %(start)s, %(space)s" if marked else "",
            ),
            queues=list(record.queues),
            version=record.version,
            heartbeat_s=record.heartbeat_s,
            stalled_s=record.stalled_s,
            host=mark.host,
            pid=mark.pid,
            start=mark.start,
            space=mark.space,
        )
        return int(row["worker_id"])

    async def gone(self) -> list[int]:
        """The workers whose process this one sees has exited on its own host (`exited`): dead, whatever their beat."""
        here = this_process()
        if here.space is None or not (await self.connector.execute_query_one_async(_MARKS_MADE))["made"]:
            return []
        rows = await self.connector.execute_query_all_async(_MARKED, host=here.host, space=here.space)
        return _gone(rows, here)

    async def prune_stalled_workers(self, seconds_since_heartbeat: float) -> list[int]:
        """Remove the workers silent past the larger of `seconds_since_heartbeat` and their own threshold.

        And those whose process has exited on this host (`gone`). None while this process has seen its database
        back for less than that (`judging`).
        """
        if not self.judging(seconds_since_heartbeat):
            return []
        gone = await self.gone()
        rows = await self.connector.execute_query_all_async(_PRUNE, stalled_s=seconds_since_heartbeat, gone=gone)
        return [int(row["worker_id"]) for row in rows]


def _gone(rows: Sequence[Mapping[str, Any]], here: ProcessMark) -> list[int]:
    """The ids of the recorded workers (`_MARKED` rows) whose process has exited, seen from `here`."""
    return [
        int(row["worker_id"])
        for row in rows
        if has_exited(ProcessMark(here.host, int(row["pid"]), int(row["process_start"]), here.space), here)
    ]


def gone_workers(conn: psycopg.Connection[Row]) -> list[dict[str, Any]]:
    """The workers on record whose process has exited on this host, as `status --json` lists them (`said`).

    Stalled at once (`STALLED` with their ids as `gone`), whatever their last beat: the reaper hands back their
    jobs at its next tick.
    """
    here = this_process()
    made = conn.execute(_MARKS_MADE).fetchone()
    if here.space is None or made is None or not made["made"]:
        return []
    rows = conn.execute(_MARKED, {"host": here.host, "space": here.space}).fetchall()
    gone = _gone(rows, here)
    return [
        {"id": int(row["worker_id"]), "host": here.host, "pid": int(row["pid"]), "said": gone_said(int(row["pid"]))}
        for row in rows
        if int(row["worker_id"]) in gone
    ]


def workers_judged(conn: psycopg.Connection[Row]) -> str:
    """`WORKERS` for a query on `conn`'s database, where `STALLED` judges them: with their records, if it has them.

    A database whose queue an older claimflow made has no `claimflow_workers` until `db migrate`; its workers are
    judged as workers without a record, by the judge's threshold, rather than not at all.
    """
    made = conn.execute("SELECT to_regclass('claimflow_workers') IS NOT NULL AS made").fetchone()
    return WORKERS if made is not None and made["made"] else _NO_RECORDS


def live_workers(conn: psycopg.Connection[Row], *, stalled_s: float) -> list[dict[str, Any]]:
    """The workers alive now, as `status --json` lists them; a worker with no record has None for what it lacks.

    Alive is as `workers_alive` counts it (`status`): not `STALLED`, judged with `stalled_s`.
    """
    query = _LIVE.format(workers=workers_judged(conn))
    gone = [worker["id"] for worker in gone_workers(conn)]
    return [
        {
            "id": int(row["id"]),
            "queues": row["queues"],
            "version": row["workflow_version"],
            "host": row["host"],
            "pid": row["pid"],
            "heartbeat_s": row["heartbeat_s"],
            "stalled_s": row["stalled_s"],
            # `now()` is when the snapshot began: a beat written since reads as negative silence ("-0 s ago").
            "silent_s": max(0.0, round(float(row["silent_s"]), 1)),
        }
        for row in conn.execute(query, {"stalled_s": stalled_s, "gone": gone})
    ]
