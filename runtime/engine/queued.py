"""Production mode's side of the engine: runs and decisions handed to `claimflow worker` processes.

With `CLAIMFLOW_EXECUTION=queue` (and a Postgres database) nothing advances in the process that submits or
decides: `enqueue` records a run and its start job, `enqueue_decision` a decision and its resume job, each in
one transaction. The document's bytes go to the engine's document store first, so the worker must see the
same store. A decision needs no document text here: what can be checked without it (the action, the fields,
their values) is checked at once; the worker checks the evidence it cites against the document before it
resumes the run, and refuses it (the run stays paused) when it does not hold.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from claimflow.runtime.ingest import sniff_media_type
from claimflow.runtime.queue.errors import MIGRATE_HINT, NO_DATABASE, QueueSetupError, not_migrated
from claimflow.runtime.refusal_places import placed_message
from claimflow.runtime.registry import AsyncRegistry, RunBusyError, RunRow
from claimflow.runtime.settings import Settings
from claimflow.runtime.store import AsyncDocumentStore
from claimflow.state.apply import decision_errors
from claimflow.state.errors import InvalidDecisionError
from claimflow.state.review import ReviewDecision
from claimflow.state.schema import DocumentTypes

T = TypeVar("T")

if TYPE_CHECKING:
    from procrastinate import App

    from claimflow.runtime.engine.core import PendingReview
    from claimflow.runtime.engine.intake import RunModel
    from claimflow.runtime.registry._pg_schema import PgDatabase
    from claimflow.runtime.registry.runs import NewRun, NewStatus
    from claimflow.state.documents import DocumentRef
    from claimflow.state.events import Event


class Queued:
    """Submitting runs and decisions to the queue."""

    settings: Settings
    registry: AsyncRegistry
    store: AsyncDocumentStore
    owner: str
    types: DocumentTypes

    if TYPE_CHECKING:
        # Provided by the engine this mixes into.
        async def _read(self, run_id: str, path: Path) -> tuple[str, str, bytes] | RunRow: ...

        async def _registered_before(self, source: str, data: bytes, path: Path | None = None) -> RunRow | None: ...

        async def pending_review(self, run_id: str) -> PendingReview | None:  # noqa: D102
            ...

        async def decided_before(self, run_id: str, interrupt_id: str | None) -> str:  # noqa: D102
            ...

        def _started_event(self, ref: DocumentRef, *, model: RunModel | None = None, **started: str) -> Event: ...

        def _new_run(
            self,
            run_id: str,
            ref: DocumentRef,
            source: str | None,
            *,
            status: NewStatus = "queued",
            leased: bool = True,
            model: RunModel | None = None,
        ) -> NewRun: ...

    @property
    def queued(self) -> bool:
        """Whether runs advance in workers (CLAIMFLOW_EXECUTION=queue), not in this process."""
        return self.settings.execution == "queue"

    def _queue_app(self) -> tuple[App, PgDatabase]:
        from claimflow.runtime.registry._pg_schema import PgDatabase

        database = self.registry.sync
        if not self.settings.database_url or not isinstance(database, PgDatabase):
            raise QueueSetupError(NO_DATABASE)
        app: App | None = self.__dict__.get("_queue")
        if app is None:
            from claimflow.runtime.queue.app import build_app

            app = self.__dict__["_queue"] = build_app(self.settings)
        return app, database

    async def enqueue(self, path: Path) -> tuple[RunRow, bool]:
        """Store the file and record its run with a start job in one transaction; returns (run, new).

        A file read before (same bytes, same path) keeps its run and gets no second job. A file that cannot
        be read fails a run of its own at once, as with `register`.
        """
        app_and_database = self._queue_app()
        run_id = uuid.uuid4().hex
        read = await self._read(run_id, path)
        if isinstance(read, RunRow):
            return read, True
        name, source, data = read
        earlier = await self._registered_before(source, data, path)  # not stored again: see `Intake.register`
        if earlier is not None:
            return earlier, False
        row, new, _ = await self._enqueue_stored(app_and_database, run_id, name, data, source)
        return row, new

    async def _enqueue_received(
        self, run_id: str, data: bytes, name: str, source: str, *, by_source: bool
    ) -> tuple[RunRow, bool, DocumentRef]:
        """`receive`'s production path: the run from `source` (see `receive`), or a new one with its start job."""
        return await self._enqueue_stored(self._queue_app(), run_id, name, data, source, by_source=by_source)

    async def _enqueue_stored(
        self,
        app_and_database: tuple[App, PgDatabase],
        run_id: str,
        name: str,
        data: bytes,
        source: str,
        *,
        by_source: bool = False,
    ) -> tuple[RunRow, bool, DocumentRef]:
        from claimflow.runtime.queue.names import queue_for
        from claimflow.runtime.queue.submit import enqueue_run

        app, database = app_and_database
        ref = await self.store.save_document(data, name, sniff_media_type(data, name))
        started = self._started_event(ref)
        run = self._new_run(run_id, ref, source, leased=False)  # a worker takes it from the queue

        def write() -> tuple[RunRow, bool]:
            with database.session() as conn:
                return enqueue_run(conn, app, run, started, queue_for(run.model), by_source=by_source)

        row, new = await _migrated(asyncio.to_thread(write))
        return row, new, ref

    async def _enqueue_rerun(
        self, run_id: str, ref: DocumentRef, *, source: str | None, model: RunModel | None, rerun_of: str
    ) -> RunRow:
        """`supersede`'s production path: a new run of a stored document, with its start job, in one transaction.

        It keeps the old run's source, so the file sent again finds it, yet is never the old run found by it.
        """
        from claimflow.runtime.queue.names import queue_for
        from claimflow.runtime.queue.submit import enqueue_run

        app, database = self._queue_app()
        started = self._started_event(ref, model=model, rerun_of=rerun_of)
        run = self._new_run(run_id, ref, source, leased=False, model=model)  # a worker takes it from the queue

        def write() -> RunRow:
            with database.session() as conn:
                row, _ = enqueue_run(conn, app, run, started, queue_for(run.model), again=True)
                return row

        return await _migrated(asyncio.to_thread(write))

    async def enqueue_decision(
        self,
        run_id: str,
        decision: ReviewDecision,
        *,
        interrupt_id: str | None = None,
        seen_at: float | None = None,
    ) -> RunRow:
        """Record a review decision and its resume job in one transaction; a stale or second one is refused.

        The run moves to `resume_queued` and a worker applies the decision. A refusal is kept with its reason
        and raised as RunBusyError, and the run stays as it is.
        """
        from claimflow.runtime.queue.submit import enqueue_decision

        app, database = self._queue_app()
        row = await self.registry.get_run(run_id)
        as_json = decision.model_dump_json()
        opened = row.review_opened_at
        if seen_at is None or opened is None or opened <= seen_at:
            # A review that opened after the reviewer looked is not judged by what it asks: the decision answers
            # one they never saw, and the transaction refuses it for that (`enqueue_decision`), saying so.
            await self._check_without_document(row, decision, interrupt_id, as_json)

        def write() -> RunRow:
            with database.session() as conn:
                return enqueue_decision(
                    conn,
                    app,
                    row.run_id,
                    interrupt_id=interrupt_id,
                    reviewer=decision.reviewer,
                    decision=decision.model_dump(mode="json"),
                    decision_json=as_json,
                    owner=self.owner,
                    seen_at=seen_at,
                )

        try:
            # The run as the decision left it, resume_queued: a worker may have taken it on by the time it is read.
            return await _migrated(asyncio.to_thread(write))
        except RunBusyError as error:
            answered = interrupt_id or row.interrupt_id
            await self.registry.record_decision(row.run_id, answered, decision.reviewer, as_json, "refused", str(error))
            told = str(error) + await self.decided_before(row.run_id, answered)
            raise RunBusyError(f"decision refused, run stays as it is: {told}") from None

    async def _check_without_document(
        self, row: RunRow, decision: ReviewDecision, interrupt_id: str | None, as_json: str
    ) -> None:
        """Refuse now (InvalidDecisionError) a decision whose faults need no document: action, fields, values.

        The client hears of these at once, as in local mode; cited evidence is left to the worker, which has
        the document. A review this process cannot see (stale, or no review) is the transaction's to refuse.
        """
        pending = await self.pending_review(row.run_id)
        if pending is None or pending.interrupt_id != (interrupt_id or row.interrupt_id):
            return
        errors = decision_errors(pending.request, decision, self.types, tables=pending.state.tables)
        if errors:
            # Kept placed, as a worker's refusal is (`refusal_places`): the review's note says where each problem is.
            await self.registry.record_decision(
                row.run_id, pending.interrupt_id, decision.reviewer, as_json, "refused", placed_message(errors)
            )
            message = "; ".join(errors)
            raise InvalidDecisionError(f"decision refused, run {row.run_id} stays paused: {message}", errors)


async def _migrated(writing: Awaitable[T]) -> T:
    """Await the write; a schema without the queue's tables is a set-up error that says what to run."""
    try:
        return await writing
    except Exception as error:
        if not_migrated(error):
            raise QueueSetupError(MIGRATE_HINT) from None
        raise


__all__ = ["Queued"]
