"""The runs table: one row per run, with its status and the lease that serialises work on it."""

from __future__ import annotations

import os
import secrets
import socket
import sqlite3
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypedDict, Unpack

from claimflow.runtime.registry._database import Database
from claimflow.runtime.registry.pages import RunPage, page_sql
from claimflow.state.documents import DocumentRef

FINISHED = ("completed", "failed", "rejected")
"""Statuses a run never leaves: its checkpoints and blobs may be pruned, its record and events stay."""

IN_PROGRESS = ("queued", "running", "resuming")
"""Statuses of a run that is to be advanced: neither finished nor waiting for a review."""

UNFINISHED = (*IN_PROGRESS, "needs_review")
"""Every status but the finished ones."""

STATUSES = (*UNFINISHED, "resume_queued", *FINISHED, "delivery_failed")
"""Every status a run may have in the registry."""

HOLDS_ITS_KEY = (*UNFINISHED, "resume_queued", "delivery_failed")
"""The statuses of a run whose held duplicate key keeps later runs back: under way, in review, or its record kept
undelivered. A completed run counts by the key its record has (`record_keys`), which the run's last validation
may have changed or taken away (a document reclassified as a type without a key); a failed or rejected one not at
all."""


def status_refusal(status: str | None) -> str | None:
    """Why `status` cannot filter runs (no run can have it: a typo would list nothing), or None when it can."""
    if status is None or status in STATUSES:
        return None
    return f"{status!r} is no run status; use one of: {', '.join(STATUSES)}"


LEASE_SECONDS = 600.0
"""How long a claimed run stays claimed if its process dies without releasing it."""

MAX_DECISION_MESSAGE_CHARS = 2_000
"""The most of a decision's message (why it was refused, abandoned...) the registry keeps."""


def kept_message(message: str | None) -> str | None:
    """`message` as the registry keeps it: cut at MAX_DECISION_MESSAGE_CHARS, saying how much was left out.

    The message is shown to every reviewer with the run's review (its `note`): however long a refusal came out,
    the queue stays small.
    """
    if message is None or len(message) <= MAX_DECISION_MESSAGE_CHARS:
        return message
    # The note counts in the cap, so a message kept once is kept as it is again (the note shown, re-read).
    kept = MAX_DECISION_MESSAGE_CHARS - len(f"... ({len(message):,} more characters)")
    return f"{message[:kept]}... ({len(message) - kept:,} more characters)"


NewStatus = Literal["queued", "running"]
"""How a run is registered: queued for whoever advances it, or running for the registrant, which holds its lease."""


class RegistryError(Exception):
    """Base class for run registry errors."""


SHORTEST_PREFIX = 6
"""A run id's prefix names a run when it has at least this many characters and only one run starts with it."""


class RunNotFoundError(RegistryError):
    """No run has this id."""

    def __init__(self, message: str, *, run_id: str | None = None) -> None:
        super().__init__(message)
        self.run_id = run_id
        """The id (or prefix) asked for, where the finder says (`get_run`): for a caller that may say more."""


class RunBusyError(RegistryError):
    """The run is claimed by another process or is not in a state that allows the operation."""


class RunSupersededError(RunBusyError):
    """The run was run again as another (`RunRow.superseded`): what was asked of it is the new run's to do."""

    def __init__(self, message: str, *, superseded_by: str | None) -> None:
        super().__init__(message)
        self.superseded_by = superseded_by
        """The run that took over."""


SUPERSEDED = "superseded: run again as "
"""How the error of a run that was run again begins (`Engine.supersede` writes it), the new run's id next.

For people to read: whether a run was superseded is its `superseded_by` column, never its error's text, which may
begin with a file's name (a file named `superseded: run again as ...` that fails at intake is not superseded)."""

LATEST_FROM_SOURCE = "SELECT * FROM runs WHERE source = ? ORDER BY created_at DESC, run_id DESC LIMIT 1"
"""The latest run registered from a source (read off the index `runs_source`, not a scan of every run)."""


@dataclass(frozen=True)
class RunRow:
    """One row of the run registry."""

    run_id: str
    document_id: str
    filename: str
    media_type: str
    size: int
    workflow: str
    workflow_version: str
    model: str
    status: str
    doc_type: str | None
    interrupt_id: str | None
    error: str | None
    lease_owner: str | None
    lease_until: float | None
    created_at: float
    updated_at: float
    source: str | None = None
    """Where the document was read from (its absolute path as text, see `path_text`); part of its identity."""
    review_opened_at: float | None = None
    """When the run paused for its open review (Unix time); kept with the last review once the run moves on."""
    review_due_at: float | None = None
    """When that review is due, from the policy's `review.due` for the run's type; None: no due time."""
    assignee: str | None = None
    """The reviewer, or reviewer group, the review is assigned to."""
    priority: str | None = None
    """The review's priority: None (normal), or "high" once escalated."""
    escalated_at: float | None = None
    """When the sweep escalated the review."""
    overdue_at: float | None = None
    """When the sweep found the review overdue (it acts on each review once)."""
    model_base_url: str | None = None
    """The endpoint of the run's model (`model`), when it has one; never a key. None: the provider's default,
    or a run registered before endpoints were kept."""
    superseded_by: str | None = None
    """The run this one was run again as (`Engine.supersede`, which also fails this one), else None."""

    @property
    def superseded(self) -> bool:
        """Whether the run was run again as another (`Engine.supersede`): `superseded_by` names it."""
        return self.superseded_by is not None


def process_owner() -> str:
    """The lease owner of this process as a whole: host and process (leases of other processes are told by it)."""
    return f"{socket.gethostname()}:{os.getpid()}"


_OPEN_ENGINES: set[str] = set()
"""The owners of this process's engines that are open: a lease held by one closed since is stale at once."""


def engine_owner() -> str:
    """A new lease owner for one engine: host, process and engine, open until `close_owner`.

    Two engines of one process (a server and a CLI command embedded in one program, two data directories'
    engines on one database) are two owners: neither can take a run the other holds.
    """
    owner = f"{process_owner()}:{secrets.token_hex(4)}"
    _OPEN_ENGINES.add(owner)
    return owner


def close_owner(owner: str) -> None:
    """The engine leasing as `owner` is closed: what it still holds may be taken by anyone."""
    _OPEN_ENGINES.discard(owner)


def lease_is_stale(owner: str | None, until: float | None, now: float) -> bool:
    """Whether a lease may be taken: it expired, or its holder is gone.

    A holder on this host is gone when its process is (a crash, a kill -9); one of this process, when its engine
    was closed. A holder on another host holds until the lease runs out.
    """
    if owner is None or until is None or until <= now:
        return True
    host, _, process_and_engine = owner.partition(":")  # a host name holds no colon
    pid, _, engine = process_and_engine.partition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False
    if int(pid) == os.getpid():
        return bool(engine) and owner not in _OPEN_ENGINES
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def check_claim(
    row: Mapping[str, Any], *, owner: str, allowed: tuple[str, ...], interrupt_id: str | None, now: float
) -> None:
    """Raise RunBusyError saying why, unless `owner` may claim the run in `row` now (every backend uses this)."""
    run_id, holder = row["run_id"], row["lease_owner"]
    if holder and holder != owner and not lease_is_stale(holder, row["lease_until"], now):
        raise RunBusyError(f"run {run_id} is being processed by {holder} (status {row['status']})")
    if row["status"] not in allowed:
        raise RunBusyError(f"run {run_id} is {row['status']}, not {' or '.join(allowed)}")
    if interrupt_id is not None and row["interrupt_id"] != interrupt_id:
        raise RunBusyError(f"run {run_id} is waiting on review {row['interrupt_id']}, not {interrupt_id}")


def busy_error(row: RunRow, message: str) -> RunBusyError:
    """Why the run refuses an operation, as the error to raise: naming the new run of one that was run again."""
    if row.superseded:
        return RunSupersededError(message, superseded_by=row.superseded_by)
    return RunBusyError(message)


def review_clock(
    status: str, before: str | None, interrupt_id: str | None, due_in: float | None, now: float
) -> tuple[float, float | None] | None:
    """A release that pauses the run at another review than before opens it now: (opened at, due at), else None.

    The same review released again (a recovered run, a refused decision) keeps its clock and its assignment.
    """
    if status != "needs_review" or interrupt_id is None or interrupt_id == before:
        return None
    return now, None if due_in is None else now + due_in


def like_prefix(prefix: str) -> str:
    r"""A LIKE pattern (with `ESCAPE '\'`) matching what starts with `prefix`, taken literally.

    Run ids are user input here: unescaped, `%` and `_` would match any run.
    """
    return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def left_behind(rows: Iterable[RunRow], now: float) -> list[RunRow]:
    """Of these runs, those still in progress whose lease is gone (every backend uses this)."""
    in_progress = [row for row in rows if row.status in IN_PROGRESS]
    return [row for row in in_progress if lease_is_stale(row.lease_owner, row.lease_until, now)]


class ReleaseChanges(TypedDict, total=False):
    """What a release records besides the status; a change left out is None (see each registry's `release`)."""

    doc_type: str | None
    """The type the run was classified as (None keeps the one it has)."""
    interrupt_id: str | None
    """The review the run now waits on."""
    error: str | None
    decisions: str | None
    """The outcome the run's pending review decisions get in the same transaction (None: they stay as they are)."""
    decision_message: str | None
    """Why the decisions got that outcome (None keeps each one's message)."""
    review_due: float | None
    """Seconds from now a review the run pauses at is due (None: no due time)."""
    superseded_by: str | None
    """The run this one was run again as (None keeps what the run has)."""


@dataclass(frozen=True)
class NewRun:
    """A run to register: its document, where it was read, what it runs with, and who holds it first."""

    run_id: str
    document: DocumentRef
    workflow: str
    workflow_version: str
    model: str
    source: str | None = None
    """Where the document was read: a path, an idempotency key, or an upload's own; part of its identity."""
    owner: str | None = None
    """The process the run is leased to from the start, if any."""
    model_base_url: str | None = None
    """Where `model` is called (never a key), written with the row: no reader ever sees the run without it."""
    status: NewStatus = "queued"
    """Queued for whoever advances it, or running for `owner`, which advances it at once without a claim."""

    def values(self, now: float) -> tuple[object, ...]:
        """The row's values, created at `now` (an owner's lease runs from then), in the order of `RUN_COLUMNS`."""
        document = self.document
        lease_until = now + LEASE_SECONDS if self.owner else None
        return (
            self.run_id,
            document.document_id,
            document.filename,
            document.media_type,
            document.size,
            self.workflow,
            self.workflow_version,
            self.model,
            self.model_base_url,
            self.status,
            now,
            now,
            self.source,
            self.owner,
            lease_until,
        )


RUN_COLUMNS = (
    "run_id",
    "document_id",
    "filename",
    "media_type",
    "size",
    "workflow",
    "workflow_version",
    "model",
    "model_base_url",
    "status",
    "created_at",
    "updated_at",
    "source",
    "lease_owner",
    "lease_until",
)
"""The columns `NewRun.values` fills, in its order."""


def insert_run_sql(table: str, placeholder: str) -> str:
    """The statement that inserts a `NewRun` into `table`, in the database's `placeholder` style ("?" or "%s")."""
    return f"INSERT INTO {table} ({', '.join(RUN_COLUMNS)}) VALUES ({', '.join([placeholder] * len(RUN_COLUMNS))})"


def required_source(run: NewRun) -> str:
    """The source a run is registered from: registering finds a document's run by it."""
    if run.source is None:
        raise ValueError(f"run {run.run_id} has no source to be registered from; create_run takes a run without one")
    return run.source


_INSERT_RUN = insert_run_sql("runs", "?")


class RunTable(Database):
    """Creating, reading, claiming and releasing runs."""

    def create_run(self, run: NewRun) -> RunRow:
        """Register a new run, queued unless `run.status` says running; with an owner, leased to it from the start."""
        with self._write() as db:
            self._insert(db, run)
        return self.get_run(run.run_id)

    def register_run(self, run: NewRun, *, by_source: bool = False) -> tuple[RunRow, bool]:
        """The latest run of this document from `run.source`, or `run`, new (then True).

        With `by_source`, the latest run from this source whatever its document (the caller compares them).
        Looking and inserting happen in one write transaction, so two processes registering the same file
        at once make one run.
        """
        source = required_source(run)
        with self._write() as db:
            found = db.execute(
                "SELECT * FROM runs WHERE (document_id = ? OR ?) AND source = ?"
                " ORDER BY created_at DESC, run_id DESC LIMIT 1",
                (run.document.document_id, by_source, source),
            ).fetchone()
            if found is None:
                self._insert(db, run)
        if found is not None:
            return RunRow(**dict(found)), False
        return self.get_run(run.run_id), True

    @staticmethod
    def _insert(db: sqlite3.Connection, run: NewRun) -> None:
        db.execute(_INSERT_RUN, run.values(time.time()))

    def renew_leases(self, owner: str) -> int:
        """Extend every lease `owner` holds by `LEASE_SECONDS` from now (its heartbeat); returns how many."""
        now = time.time()
        with self._write() as db:
            cursor = db.execute("UPDATE runs SET lease_until = ? WHERE lease_owner = ?", (now + LEASE_SECONDS, owner))
        return cursor.rowcount

    def set_model(self, run_id: str, model: str, base_url: str | None) -> None:
        """Record another model (and its endpoint, never a key) for the run to continue on (an override).

        A new run gets its model with its row (`create_run`, `register_run`); this changes it later.
        """
        with self._write() as db:
            db.execute("UPDATE runs SET model = ?, model_base_url = ? WHERE run_id = ?", (model, base_url, run_id))

    def get_run(self, run_id: str) -> RunRow:
        """The run with this id (a unique prefix of at least 6 characters works too)."""
        row = self._db.execute("SELECT * FROM runs WHERE run_id = ?", (run_id,)).fetchone()
        if row is None and len(run_id) >= SHORTEST_PREFIX:
            rows = self._db.execute(
                "SELECT * FROM runs WHERE run_id LIKE ? ESCAPE '\\'", (like_prefix(run_id),)
            ).fetchall()
            row = rows[0] if len(rows) == 1 else None
        if row is None:
            raise RunNotFoundError(f"no run {run_id!r}; `claimflow runs` lists them", run_id=run_id)
        return RunRow(**dict(row))

    def document_of(self, row: RunRow) -> DocumentRef:
        """The document reference a run was registered with."""
        return DocumentRef(document_id=row.document_id, filename=row.filename, media_type=row.media_type, size=row.size)

    def stale_runs(self) -> list[RunRow]:
        """Runs left queued, running or resuming by a process that is gone."""
        # Only a run in progress can be left behind: read those (by the status index), not every run.
        rows = self._db.execute(
            "SELECT * FROM runs WHERE status IN ('queued', 'running', 'resuming') ORDER BY created_at, run_id"
        )
        return left_behind((RunRow(**dict(row)) for row in rows), time.time())

    def count_superseded(self) -> int:
        """How many runs were run again (`superseded_by` names the new run): failed runs nothing is left to do for."""
        return int(self._db.execute("SELECT count(*) FROM runs WHERE superseded_by IS NOT NULL").fetchone()[0])

    def list_runs(self, status: str | None = None) -> list[RunRow]:
        """Runs, oldest first, optionally of one status."""
        query, args = "SELECT * FROM runs", ()  # type: tuple[str, tuple[str, ...]]
        if status:
            query, args = query + " WHERE status = ?", (status,)
        return [RunRow(**dict(row)) for row in self._db.execute(query + " ORDER BY created_at, run_id", args)]

    def count_runs(self) -> dict[str, int]:
        """How many runs there are of each status (statuses without runs left out)."""
        return {row[0]: row[1] for row in self._db.execute("SELECT status, count(*) FROM runs GROUP BY status")}

    def run_from_source(self, source: str) -> RunRow | None:
        """The latest run registered from this source, if any."""
        row = self._db.execute(LATEST_FROM_SOURCE, (source,)).fetchone()
        return RunRow(**dict(row)) if row is not None else None

    def page_runs(self, page: RunPage) -> list[RunRow]:
        """Up to `page.limit` runs in creation order after `page.after`, with the page's filters."""
        tail, args = page_sql(page, "?")
        return [RunRow(**dict(row)) for row in self._db.execute("SELECT * FROM runs" + tail, args)]

    def claim(
        self,
        run_id: str,
        *,
        owner: str,
        allowed: Iterable[str],
        status: str,
        interrupt_id: str | None = None,
        workflow_version: str | None = None,
    ) -> RunRow:
        """Atomically take the run's lease and move it to `status`, or raise RunBusyError saying why.

        `allowed` are the statuses the run may be in; `interrupt_id`, when given, must be the pending one.
        `workflow_version`, when given, becomes the run's.
        """
        allowed = tuple(allowed)
        now = time.time()
        with self._write() as db:
            row = db.execute("SELECT * FROM runs WHERE run_id = ?", (run_id,)).fetchone()
            if row is None:
                raise RunNotFoundError(f"no run {run_id!r}")
            check_claim(row, owner=owner, allowed=allowed, interrupt_id=interrupt_id, now=now)
            db.execute(
                "UPDATE runs SET status = ?, lease_owner = ?, lease_until = ?, updated_at = ?,"
                " workflow_version = COALESCE(?, workflow_version) WHERE run_id = ?",
                (status, owner, now + LEASE_SECONDS, now, workflow_version, run_id),
            )
        return self.get_run(run_id)

    def release(self, run_id: str, *, owner: str, status: str, **changes: Unpack[ReleaseChanges]) -> None:
        """Record where the run stands and give up its lease.

        `decisions`, when given, is the outcome the run's pending review decisions get in the same transaction
        (e.g. "applied" once the resume they started is committed, "refused" with `decision_message` saying
        why): a decision is never settled without the run being released, nor the other way round. A run
        pausing at a new review starts that review's clock: opened now, due `review_due` seconds later (None:
        no due time), unassigned.
        """
        doc_type, interrupt_id, error = changes.get("doc_type"), changes.get("interrupt_id"), changes.get("error")
        decisions, review_due = changes.get("decisions"), changes.get("review_due")
        now = time.time()
        with self._write() as db:
            before = db.execute("SELECT interrupt_id FROM runs WHERE run_id = ?", (run_id,)).fetchone()
            released = db.execute(
                "UPDATE runs SET status = ?, doc_type = COALESCE(?, doc_type), interrupt_id = ?, error = ?,"
                " superseded_by = COALESCE(?, superseded_by), lease_owner = NULL, lease_until = NULL, updated_at = ?"
                " WHERE run_id = ? AND (lease_owner = ? OR lease_owner IS NULL)",
                (status, doc_type, interrupt_id, error, changes.get("superseded_by"), now, run_id, owner),
            ).rowcount
            clock = review_clock(status, before["interrupt_id"] if before else None, interrupt_id, review_due, now)
            if released and clock is not None:
                db.execute(
                    "UPDATE runs SET review_opened_at = ?, review_due_at = ?, assignee = NULL, priority = NULL,"
                    " escalated_at = NULL, overdue_at = NULL WHERE run_id = ?",
                    (*clock, run_id),
                )
            if released and decisions is not None:
                db.execute(
                    "UPDATE review_decisions SET outcome = ?, message = COALESCE(?, message)"
                    " WHERE run_id = ? AND outcome = 'pending'",
                    (decisions, kept_message(changes.get("decision_message")), run_id),
                )
