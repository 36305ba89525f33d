"""What a worker tells its operator: each run job taken and done, failed runs, retries, reapings, its stop.

One line per event on the `claimflow.worker` logger, an event name then `key=value` fields (`job.done job=812
kind=start run=3f2a... outcome=needs_review seconds=2.41`); the fields are on the record too (`extra`), for a
structured handler. Lines name jobs, runs, workers, statuses, error types and durations, never what a document
says: a failed run's reason may quote its document (a rule's detail, a value), so only the rule of the route
that failed it or its error type is logged (`claimflow show RUN` has the whole reason), and a decision's values
stay in the job's arguments, which are never logged. `log_to_stderr` is the `claimflow worker` command's set-up.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Literal, TextIO

from claimflow.routing.names import FAIL
from claimflow.runtime.unavailable import unavailable_reason
from claimflow.state.redaction import redact

if TYPE_CHECKING:
    from procrastinate.jobs import Job

    from claimflow.runtime.registry import RunRow
    from claimflow.runtime.retention.prune import PruneReport

RunJob = Literal["start", "resume"]

LOGGER = "claimflow.worker"
_log = logging.getLogger(LOGGER)

_ERROR_TYPE = re.compile(r"[A-Z][A-Za-z0-9]*(?:Error|Exception|Failure|Exceeded|Timeout|Group)")
"""The head of a reason `Type: detail` the engine words from an exception: a class name, code not text."""

STALLED_WORKERS_REASON = "its job was put back "
"""How the reason of a run failed because its job stalled worker after worker starts (`queue.stalls`)."""

_OWN_REASONS = (("the document took longer than", "wall_time_exceeded"), (STALLED_WORKERS_REASON, "stalled_workers"))
"""Reasons the engine words itself without an error type, by how they start, and the name logged for each."""


def failing_rule(events: Iterable[Mapping[str, Any]]) -> str | None:
    """The rule of the route that sent the run to `fail`, when its last route did (`document_unreadable`, ...)."""
    routes = [item.get("data") or {} for item in events if item.get("type") == "route.decided"]
    last = routes[-1] if routes else {}
    return str(last["rule"]) if last.get("target") == FAIL and last.get("rule") else None


def failure_kind(reason: str | None, rule: str | None = None) -> str | None:
    """What a failed run's reason may show in a log: the failing route's rule, an error type, or the engine's kind.

    None when there is none of these: the reason is then left to `claimflow show`, as it may quote the document.
    """
    head, colon, _ = (reason or "").partition(": ")
    if rule is not None:
        return rule
    if colon and _ERROR_TYPE.fullmatch(head):
        return head
    return next((kind for start, kind in _OWN_REASONS if (reason or "").startswith(start)), None)


def transient_reason(error: BaseException) -> str:
    """Why a job is tried again, in one line: a run another process holds, storage out of reach, a model not here.

    These errors are claimflow's own words (a run's id and status, a model's name, what cannot be reached).
    """
    reason = unavailable_reason(error) or " ".join(str(error).split()) or type(error).__name__
    return redact(reason if len(reason) <= 200 else reason[:199] + "…")


def _value(value: object) -> str:
    text = f"{value:.3f}" if isinstance(value, float) else str(value)
    return json.dumps(text, ensure_ascii=False) if not text or re.search(r'[\s="]', text) else text


def emit(level: int, event: str, **fields: object) -> None:
    """Log `event` with its fields on the worker's logger, as `event k=v ...` and on the record."""
    log_event(_log, level, event, **fields)


def log_event(logger: logging.Logger, level: int, event: str, /, **fields: object) -> None:
    """Log `event` with its fields on `logger`, as `emit` does: for claimflow's lines outside the worker's own."""
    shown = {key: value for key, value in fields.items() if value is not None}
    logger.log(
        level,
        "%s %s",
        event,
        " ".join(f"{key}={_value(value)}" for key, value in shown.items()),
        extra={"event": event, **shown},
    )


class WorkerLog:
    """One worker's lines, and what it counts for its last one: jobs in hand and done, runs failed, retries."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.in_hand = 0
        self.done = 0
        self.failed = 0
        self.retries = 0

    def started(self, queues: Iterable[str], concurrency: int) -> None:
        """The worker's first line: its name (the owner its leases carry), queues and slots."""
        emit(logging.INFO, "worker.started", worker=self.name, queues=",".join(queues), concurrency=concurrency)

    def stopping(self, signal_name: str, grace_s: float) -> None:
        """A stop signal came: the jobs in hand may take up to `grace_s`; any still running then is handed back."""
        emit(
            logging.INFO, "worker.stopping", worker=self.name, signal=signal_name, in_hand=self.in_hand, grace_s=grace_s
        )

    def stopped(self) -> None:
        """The worker's last line, with what it did in its life."""
        emit(
            logging.INFO,
            "worker.stopped",
            worker=self.name,
            jobs=self.done,
            runs_failed=self.failed,
            retries=self.retries,
        )

    def stopping_now(self, signal_name: str) -> None:
        """A second stop signal came: the jobs in hand are handed back to the queue at once, not after the grace."""
        emit(logging.WARNING, "worker.stopping_now", worker=self.name, signal=signal_name, in_hand=self.in_hand)

    def stop_unrecorded(self, waited_s: float) -> None:
        """Stopping, the worker waited `waited_s` on its database for its last writes, in vain: it stops without them.

        The jobs whose status it could not write are put back by the reaper, as a killed worker's are.
        """
        emit(logging.WARNING, "worker.stop_unrecorded", worker=self.name, waited_s=waited_s, in_hand=self.in_hand)

    def restarting(self, reason: str, attempt: int, wait_s: float) -> None:
        """The queue's worker loop stopped without being asked to (the database out of reach): started again soon.

        `attempt` counts the restarts in a row, each soon after the one before; `reason` is claimflow's words or
        the database's (a connection refused), never a document's.
        """
        emit(
            logging.WARNING,
            "worker.restarting",
            worker=self.name,
            attempt=attempt,
            wait_s=wait_s,
            in_hand=self.in_hand,
            reason=redact(reason if len(reason) <= 300 else reason[:299] + "…"),
        )

    def taken(self, job: Job, kind: RunJob, run_id: str) -> None:
        """A run job taken from the queue (its attempt counts from 1); in hand until its caller lets it go."""
        self.in_hand += 1
        emit(
            logging.INFO,
            "job.taken",
            job=job.id,
            kind=kind,
            run=run_id,
            attempt=job.attempts + 1,
            worker_id=job.worker_id,
        )

    def finished(self, job: Job, kind: RunJob, row: RunRow, seconds: float, rule: str | None = None) -> None:
        """A run job done: the run's status after it, and how long it took; a failed run's kind on a line of its own.

        `rule` is the rule of the route that failed the run, if one did (`failing_rule`).
        """
        self.done += 1
        if row.superseded:
            # `rerun` closed the run before its job came (a rerun of a run being advanced is refused): the job
            # found nothing to do, and this worker failed no run.
            emit(logging.INFO, "job.done", job=job.id, kind=kind, run=row.run_id, outcome="superseded", seconds=seconds)
            return
        emit(logging.INFO, "job.done", job=job.id, kind=kind, run=row.run_id, outcome=row.status, seconds=seconds)
        if row.status == "failed":
            self.run_failed(row, rule)

    def run_failed(self, row: RunRow, rule: str | None = None) -> None:
        """A run failed: the rule of its route or its error's type, never its whole reason (`claimflow show`)."""
        self.failed += 1
        shown = failure_kind(row.error, rule)
        hidden = "not logged: it may quote the document"
        see = None if shown is not None else f"claimflow show {row.run_id}"
        emit(logging.INFO, "run.failed", run=row.run_id, reason=shown or hidden, see=see)

    def left_as_it_was(self, job: Job, run_id: str, error: BaseException) -> None:
        """A given-up job's run could not be failed (database out of reach, its lock held): it stays as it is."""
        emit(logging.ERROR, "run.left", job=job.id, run=run_id, reason=transient_reason(error))

    def retrying(self, job: Job, kind: RunJob, run_id: str, error: BaseException, retry_in: float | None) -> None:
        """A job met a transient condition (its run busy, a database gone): tried again later, or given up."""
        reason = transient_reason(error)
        if retry_in is None:  # its tries are spent: procrastinate marks the job failed
            emit(
                logging.ERROR,
                "job.given_up",
                job=job.id,
                kind=kind,
                run=run_id,
                attempts=job.attempts + 1,
                reason=reason,
            )
            return
        self.retries += 1
        emit(
            logging.WARNING,
            "job.retry",
            job=job.id,
            kind=kind,
            run=run_id,
            attempt=job.attempts + 1,
            retry_in_s=round(retry_in),
            reason=reason,
        )

    def handed_back(self, job: Job, kind: RunJob, run_id: str, *, now: bool = False) -> None:
        """The worker stopped and its graceful time ran out (or, `now`, it was told twice): the job goes back."""
        reason = "the worker was told again to stop, now" if now else "the worker stopped first"
        emit(logging.WARNING, "job.handed_back", job=job.id, kind=kind, run=run_id, reason=reason)

    def release_unwritten(self, job: Job, run_id: str, error: BaseException) -> None:
        """A job handed back could not release its run (its database out of reach): the run shows it as it was."""
        emit(logging.WARNING, "run.release_unwritten", job=job.id, run=run_id, reason=transient_reason(error))

    def broke(self, job: Job, kind: RunJob, run_id: str, error: BaseException) -> None:
        """A job ended by an error that is neither transient nor its run's failure: its type only (it may hold text)."""
        emit(logging.ERROR, "job.error", job=job.id, kind=kind, run=run_id, error=type(error).__name__)


def log_requeued(requeued: Iterable[Job], silences: Mapping[int, float]) -> int:
    """One line per silent worker whose jobs the reaper put back: how many, and their runs; returns how many.

    `silences`: how long each worker had been silent, in seconds, by its id, as its record said. A job of no
    worker on record (its record was removed) is told so: procrastinate then keeps neither the id nor the time.
    """
    by_worker: dict[int | None, list[Job]] = defaultdict(list)
    for job in requeued:
        # A worker whose record went between the reads counts as a job of no worker on record.
        by_worker[job.worker_id if job.worker_id in silences else None].append(job)
    for worker_id, jobs in by_worker.items():
        runs = [str(job.task_kwargs.get("run_id", job.task_name)) for job in jobs]
        emit(
            logging.INFO,
            "jobs.requeued",
            count=len(jobs),
            worker_id="removed" if worker_id is None else worker_id,
            silent_s=None if worker_id is None else silences[worker_id],
            runs=",".join(runs[:5]) + (f",+{len(runs) - 5}" if len(runs) > 5 else ""),
            note=None if worker_id is not None else _RECORD_REMOVED,
        )
    return sum(len(jobs) for jobs in by_worker.values())


def log_handed_back(handed: Iterable[Mapping[str, Any]]) -> int:
    """One line per earlier id of this worker whose jobs it handed back after losing its database; returns how many.

    `handed`: the jobs' rows, each with its `id`, `worker_id` and `run_id`.
    """
    by_worker: dict[int, list[str]] = defaultdict(list)
    for row in handed:
        by_worker[int(row["worker_id"])].append(str(row["run_id"] or row["id"]))
    for worker_id, runs in by_worker.items():
        emit(
            logging.WARNING,
            "jobs.handed_back",
            count=len(runs),
            worker_id=worker_id,
            runs=",".join(runs[:5]) + (f",+{len(runs) - 5}" if len(runs) > 5 else ""),
            note="this worker lost its database while it held them: handed back, not a stall",
        )
    return sum(len(runs) for runs in by_worker.values())


def log_pruned(report: PruneReport, older_than: timedelta) -> None:
    """One line per prune tick a worker ran, even one that found nothing: retention is seen working, or not."""
    emit(
        logging.INFO,
        "runs.pruned",
        older_than_s=round(older_than.total_seconds()),
        runs=len(report.runs),
        checkpoint_bytes=report.checkpoint_bytes,
        blobs=report.blobs,
        blob_bytes=report.blob_bytes,
    )


def log_prune_skipped() -> None:
    """A prune tick with no age (an older claimflow deferred it) taken by a worker without CLAIMFLOW_PRUNE_AFTER."""
    emit(
        logging.WARNING,
        "prune.skipped",
        note="the tick names no age (an older claimflow scheduled it) and this worker has no CLAIMFLOW_PRUNE_AFTER",
    )


_RECORD_REMOVED = (
    "the record of the worker that held them was removed, and procrastinate keeps neither its id nor its last heartbeat"
)


class _WithoutJobArguments(logging.Filter):
    """procrastinate's lines name a job with its arguments (a decision's values): keep only its task and id."""

    def filter(self, record: logging.LogRecord) -> bool:
        job = getattr(record, "job", None)
        if isinstance(job, dict) and job.get("call_string"):
            record.msg = record.getMessage().replace(job["call_string"], f"{job.get('task_name')}[{job.get('id')}]")
            record.args = None
        return True


def error_line(error: BaseException) -> str:
    """An exception in one line: its type and message, then what caused it (`; caused by Type: message`).

    procrastinate wraps a database error in its own with a vague message ("Database error."): the cause says what.
    """
    parts: list[str] = []
    current: BaseException | None = error
    while current is not None and len(parts) < 3:
        said = " ".join(str(current).split())
        parts.append(f"{type(current).__name__}: {said}" if said else type(current).__name__)
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
    return redact("; caused by ".join(parts))


class OneLine(logging.Formatter):
    """Each record on one line: an exception as its type and message (`error_line`), never a traceback.

    An operator greps a worker's log by event; a traceback of pages (procrastinate logs one with each failed
    job or side task) buries the lines around it. The record itself is left as it was, for other handlers.
    """

    def format(self, record: logging.LogRecord) -> str:
        """The record's line, with ` (Type: message)` for its exception, newlines folded into spaces."""
        saved = record.exc_info, record.exc_text, record.stack_info
        record.exc_info = record.exc_text = record.stack_info = None
        try:
            line = super().format(record)
        finally:
            record.exc_info, record.exc_text, record.stack_info = saved
        error = saved[0][1] if saved[0] else None
        if error is not None:
            line = f"{line} ({error_line(error)})"
        return _NEWLINES.sub(" ", line.strip())


_NEWLINES = re.compile(r"\s*\n\s*")


_SHOWN = (
    ("claimflow", logging.INFO),
    ("procrastinate", logging.WARNING),
    ("asyncio", logging.WARNING),
    ("psycopg", logging.ERROR),
)
"""The loggers a worker shows, from which level. asyncio's "Task exception was never retrieved" went to Python's
last-resort handler, traceback and all. psycopg's pools warn of every failed reconnect during an outage and every
session they discard: the worker's own `worker.restarting` and `job.retry` lines say it once."""


def log_to_stderr(stream: TextIO | None = None) -> logging.Handler:
    """Show claimflow's lines from INFO, procrastinate's and asyncio's from WARNING on stderr, with time and level.

    One line each (`OneLine`). claimflow sets no logging up on import: a program embedding the worker keeps its
    own set-up.
    """
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(OneLine("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(_WithoutJobArguments())
    for name, level in _SHOWN:
        logger = logging.getLogger(name)
        logger.addHandler(handler)
        logger.setLevel(level)
    return handler
