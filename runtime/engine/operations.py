"""What an embedding program does with an engine besides advancing runs: look at runs, and re-run them.

`Run` is the public view of a run (the JSON `claimflow show --json` prints). A run whose workflow version is
gone (its types, rules, prompts or code changed) can be re-run from its stored document under the current
version; the old run is closed as superseded, pointing at the new one. So can a failed run, once what failed it is
gone (a model's server that was down).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict

from claimflow.runtime.export import write_records
from claimflow.runtime.registry import (
    IN_PROGRESS,
    SUPERSEDED,
    UNFINISHED,
    AsyncRegistry,
    RunBusyError,
    RunRegistry,
    RunRow,
    busy_error,
    close_owner,
    engine_owner,
)
from claimflow.runtime.store import AsyncDocumentStore
from claimflow.runtime.unloaded_type import unloaded_type_refusal
from claimflow.runtime.unreadable import readable
from claimflow.runtime.views import run_view, with_status
from claimflow.state.documents import NO_DOCUMENT, DocumentRef
from claimflow.state.events import event
from claimflow.state.records import DocumentRecord, build_record, undeclared_values
from claimflow.state.redaction import redact
from claimflow.state.schema import UNKNOWN_TYPE, DocumentTypes
from claimflow.state.workflow import WorkflowState

if TYPE_CHECKING:
    from claimflow.nodes.ports import WorkflowContext
    from claimflow.runtime.engine.intake import RunModel

_log = logging.getLogger("claimflow")

_RERUN_WITHOUT_ITS_TYPE = "run again without it, its document would be none of the active types"
"""What re-running a run whose type is not loaded would do, as its refusal says it."""


class FieldView(BaseModel):
    """One field of a run as users see it: the value (None unless accepted or edited), status, evidence."""

    model_config = ConfigDict(frozen=True)

    value: Any = None
    status: str
    confidence: float | None = None
    """How sure the extractors were of the value (1.0 for a reviewer's); None where there is no value, or a table."""
    evidence: list[dict[str, Any]]


class Run(BaseModel):
    """A run as users see it; `model_dump(mode="json")` is what `claimflow show --json` prints."""

    model_config = ConfigDict(frozen=True)

    run_id: str
    document: str
    status: str
    """completed, needs_review or failed (queued, running or resuming while it moves); delivery_failed when its
    record could not be delivered (see `Engine.retry_delivery`)."""
    doc_type: str | None
    fields: dict[str, FieldView]
    review_reasons: list[str]
    error: str | None
    superseded_by: str | None = None
    """The run this failed or unfinished one was run again as (`Engine.rerun`), whose outcome to follow; else None."""


@dataclass(frozen=True)
class Export:
    """What an export wrote: how many records, in which files (a CSV's tables go to files of their own).

    A CSV export also says which files of an earlier export to the same name it removed, and which files of such
    a name it left in place because no export wrote them (see `claimflow.runtime.export.write_records`).
    """

    records: int
    files: tuple[Path, ...]
    removed: tuple[Path, ...] = ()
    kept: tuple[Path, ...] = ()
    inactive: tuple[tuple[str, int], ...] = ()
    """Runs left out because their document type is not active here, as (type, runs) pairs by type: a record is
    written as its type declares it, so one whose declaration is not loaded (no --types) cannot be written."""
    unreadable: tuple[tuple[str, str], ...] = ()
    """Runs left out because their state cannot be read here (a newer claimflow compressed it with a dictionary
    this one lacks), as (run id, why) pairs, oldest first: the rest is written, these are named."""
    untyped: int = 0
    """Runs of the status asked for that have no record to write: they ended before a type was accepted (a
    document that could not be read, one of no known type). Nothing of theirs is missing from the file."""
    undeclared: tuple[tuple[str, str, int], ...] = ()
    """Values left out because their type no longer declares their field (it was renamed or removed since the
    runs were made), as (type, field, records) by type and field: a record is written as its type declares it
    now, and each value stays in its run (`claimflow show`)."""


class Operations:
    """Reading runs and re-running them, for the CLI and for programs that embed claimflow."""

    _advancing: dict[str, asyncio.Future[RunRow]]
    """The runs `advance_once` is advancing in this engine, each with the future its other callers await."""

    registry: AsyncRegistry
    store: AsyncDocumentStore
    types: DocumentTypes
    owner: str
    override_model: bool

    if TYPE_CHECKING:
        # Provided by the engine this mixes into.
        @property
        def version(self) -> str:  # noqa: D102
            ...

        async def state(self, run_id: str, *, row: RunRow | None = None) -> WorkflowState | None:  # noqa: D102
            ...

        async def start(self, run_id: str, *, registered: RunRow | None = None) -> RunRow:  # noqa: D102
            ...

        async def context_for(self, row: RunRow) -> WorkflowContext:  # noqa: D102
            ...

        async def submit(self, path: Path) -> RunRow:  # noqa: D102
            ...

        async def register(self, path: Path, *, starting: bool = False) -> tuple[RunRow, bool]:  # noqa: D102
            ...

        async def _create(  # noqa: D102
            self, run_id: str, ref: DocumentRef, *, source: str | None, model: RunModel | None = None, **started: str
        ) -> RunRow: ...

        async def _enqueue_rerun(  # noqa: D102
            self, run_id: str, ref: DocumentRef, *, source: str | None, model: RunModel | None, rerun_of: str
        ) -> RunRow: ...

        @property
        def queued(self) -> bool:  # noqa: D102
            ...

    async def view(self, run_id: str) -> Run:
        """The run with this id (or a unique prefix of it), as users see it."""
        return await self.view_of(await self.registry.get_run(run_id))

    async def view_of(self, row: RunRow, *, registered_now: bool = False, listed: bool = False) -> Run:
        """The run of a row just read, as users see it; the row is not read again.

        `registered_now`: the row is the one registering the run returned, before any step could run (a new run,
        or one failed at intake), so it has no state to read. `listed`: the run is one of a list, which one run
        whose state cannot be read here must not stop: that run is shown without its state, its `error` saying why
        (see `runtime.unreadable`), where UnknownDictionaryError is raised otherwise.
        """
        state, unreadable = None, None
        if listed and not registered_now:
            state, unreadable = await readable(self.state(row.run_id, row=row))
        elif not registered_now:
            state = await self.state(row.run_id, row=row)
        return Run.model_validate(run_view(row, state, self.types, unreadable=unreadable))

    async def runs(self, status: str | None = None) -> list[RunRow]:
        """Runs, oldest first; `status` matches the registry status or the public one (failed covers rejected)."""
        return with_status(await self.registry.list_runs(), status)

    async def record(self, run_id: str) -> DocumentRecord | None:
        """The typed record of a run whose type is known (fields with provenance, tables with rows)."""
        row = await self.registry.get_run(run_id)
        state = await self.state(row.run_id)
        return build_record(state, self.types) if state is not None else None

    async def export(
        self, path: Path, *, status: str = "completed", doc_type: str | None = None, excel: bool = False
    ) -> Export:
        """Write the records of runs with `status` (of one type, if given) to `path`; say how many, and where.

        The format follows the file name (.jsonl, .json, .csv); see `claimflow.runtime.export`. `excel`: a CSV
        export starts each file with the UTF-8 byte order mark, which spreadsheets need to read accents right
        (ValueError for another format). A run whose state cannot be read here (`runtime.unreadable`) does not
        stop the export: it is left out and named in `unreadable`.
        """
        if doc_type is not None:
            self.types.get(doc_type)  # an unknown type is an error, not an empty export
        records = []
        inactive: Counter[str] = Counter()
        undeclared: Counter[tuple[str, str]] = Counter()
        unreadable: list[tuple[str, str]] = []
        untyped = 0
        for row in await self.runs(status):
            state, note = await readable(self.state(row.run_id))
            if note is not None and doc_type in (None, row.doc_type):  # of another type: no part of this export
                unreadable.append((row.run_id, note))
            if state is None:
                continue
            record = build_record(state, self.types)
            if record is not None and doc_type in (None, record.doc_type):
                records.append(record)
                undeclared.update((record.doc_type, name) for name in undeclared_values(state, self.types))
            elif record is None and doc_type is None and state.doc_type not in (None, UNKNOWN_TYPE):
                inactive[str(state.doc_type)] += 1  # its declaration is not loaded: said, never dropped unseen
            elif record is None and doc_type is None:
                untyped += 1  # no type, no record: counted, so that an export of failed runs is not a silent 0
        written = write_records(records, path, self.types, doc_type=doc_type, excel=excel)
        return Export(
            len(records),
            written.files,
            written.removed,
            written.kept,
            tuple(sorted(inactive.items())),
            tuple(unreadable),
            untyped,
            tuple((name, field, count) for (name, field), count in sorted(undeclared.items())),
        )

    async def process(self, path: Path | str) -> Run:
        """Submit one file as a run and advance it until it finishes or waits for review.

        The same file processed again while its run is under way here waits for that run's result: it is
        advanced once. Cancelled, the run is left where its last step put it, for `recover` to finish.
        """
        submitted, new = await self.register(Path(path), starting=True)  # a str too, as open_engine's data_dir
        row = await self.advance_once(submitted, new=new)
        return await self.view_of(row)

    async def advance_once(self, row: RunRow, *, new: bool) -> RunRow:
        """Start (or continue) a registered run, once at a time in this engine; `new`: just registered by the caller.

        Every run this engine advances is leased to the engine, so a second caller would pass the lease and
        run each step, and deliver the record, a second time: it waits for the first caller's result instead.
        If the first caller is cancelled, a waiting one continues the run. See `let_go_if_cancelled`.
        """
        while (first := self._advancing.get(row.run_id)) is not None:
            try:
                return await asyncio.shield(first)
            except asyncio.CancelledError:
                task = asyncio.current_task()
                if not first.cancelled() or (task is not None and task.cancelling()):
                    raise
                new = False  # the first caller let the run go, from where its checkpoints stand
        self._advancing[row.run_id] = mine = asyncio.get_running_loop().create_future()
        try:
            async with self.let_go_if_cancelled(row.run_id):
                done = await self.start(row.run_id, registered=row if new else None)
        except asyncio.CancelledError:
            mine.cancel()
            raise
        except BaseException as error:
            mine.set_exception(error)
            mine.exception()  # retrieved: the caller raises it; a waiter, if any, too
            raise
        else:
            mine.set_result(done)
        finally:
            del self._advancing[row.run_id]
        return done

    @asynccontextmanager
    async def let_go_if_cancelled(self, run_id: str) -> AsyncIterator[None]:
        """Around advancing a run: if the block is cancelled, give up the run's lease, so `recover` can finish it.

        The run is leased to this engine, whose heartbeat renews the lease while it is open: left so by a
        cancelled caller (a timeout, a task group's failure), it would look busy to `recover` and to every
        other engine for as long as this one is open. Its checkpoints hold whole steps only (the step in
        flight is not in them), so the run is released as it stands and continues from its last step.
        """
        try:
            yield
        except asyncio.CancelledError:
            try:
                await asyncio.shield(self.let_go(run_id))
            except Exception as error:  # noqa: BLE001 - the cancellation goes on; the lease lapses with the process
                # Told quietly: a batch cancelled because its database is gone stops with that one message.
                _log.debug("run %s: cancelled, and its lease could not be given up (%s)", run_id, redact(str(error)))
            raise

    async def let_go(self, run_id: str) -> None:
        """Release a run still in progress and leased to this engine, its status as it stands."""
        owner = self.owner

        def let_go(registry: RunRegistry) -> None:
            # One transaction, the claim's row lock first: a step's last write still in flight on another
            # thread (the run finishing) either went before, and the run is not in progress any more, or
            # comes after the release and records the run where it ended.
            row = registry.get_run(run_id)
            if row.status not in IN_PROGRESS:
                return
            try:
                registry.claim(run_id, owner=owner, allowed=(row.status,), status=row.status)
            except RunBusyError:  # moved on meanwhile, or another live process holds it: not ours to release
                return
            # The review it answers stays named: continuing a run left resuming applies that decision.
            registry.release(run_id, owner=owner, status=row.status, interrupt_id=row.interrupt_id)

        await self.registry.in_one_trip(let_go)

    async def rerunnable_failures(self, *, error: str | None = None) -> list[RunRow]:
        """Failed runs that `rerun` takes: with their document stored, and not run again already. Oldest first.

        `error`: only runs whose error holds this text, in any case (`ModelUnavailableError` picks the runs a model's
        server that was down failed, not a corrupt PDF, which would only fail again).
        """
        taken, _ = await self._failures(error)
        return taken

    async def failures_without_document(self, *, error: str | None = None) -> list[RunRow]:
        """Failed runs `rerun --failed` leaves, having no document to run again (never stored, or pruned)."""
        _, left = await self._failures(error)
        return left

    async def _failures(self, error: str | None) -> tuple[list[RunRow], list[RunRow]]:
        """Failed runs not run again (whose error holds `error`), oldest first: with their document, and without."""
        # A prune is what removes a finished run's document (any other run's blobs stay): one read for them all.
        pruned = await self.registry.pruned_runs()
        wanted = None if error is None else error.casefold()
        failed = sorted(
            (
                row
                for row in await self.registry.list_runs("failed")
                if not row.superseded and (wanted is None or wanted in (row.error or "").casefold())
            ),
            key=lambda row: (row.created_at, row.run_id),
        )
        stored = [row for row in failed if row.document_id != NO_DOCUMENT and row.run_id not in pruned]
        return stored, [row for row in failed if row not in stored]

    async def version_mismatches(self) -> list[RunRow]:
        """Unfinished runs (queued, running, resuming, waiting for review) started by another workflow version.

        Oldest first. Each unfinished status is read by itself, off the registry's status index: the finished
        runs, most of a registry that has run for a while, are never read.
        """
        rows = [row for status in UNFINISHED for row in await self.registry.list_runs(status)]
        mismatched = [row for row in rows if row.workflow_version != self.version]
        return sorted(mismatched, key=lambda row: (row.created_at, row.run_id))

    async def rerun(self, run_id: str) -> RunRow:
        """Run an unfinished or failed run's document again under the current version; close the old run as superseded.

        The new run is advanced here until it finishes or pauses; in production mode (`queued`) a worker advances
        it, and it is returned queued. See `supersede` for which runs are taken and on which model.
        """
        new = await self.supersede(run_id)
        return new if self.queued else await self.start(new.run_id, registered=new)

    def refuse_unloaded_type(self, row: RunRow) -> None:
        """Raise RunBusyError for a run of a document type that is not active here, before it is run again.

        Run again without its type (a command not given the `--types` the run was made with), its document would
        be read as none of the active types and end `unknown`, while the old run, its review with it, is closed.
        """
        refusal = unloaded_type_refusal(row.run_id, row.doc_type, self.types, because=_RERUN_WITHOUT_ITS_TYPE)
        if refusal is not None:
            raise RunBusyError(refusal)

    async def supersede(self, run_id: str) -> RunRow:
        """Register a new run of an unfinished or failed run's document, queued, and close the old run as superseded.

        The new run is this engine's to start (`start`), or, in production mode, has its start job for a worker.
        It uses the old run's model and endpoint, unless the engine overrides them (`override_model`); a
        model this process cannot build raises RunModelError before anything changes.
        A failed run is run again when what failed it is gone (the model's server was down, a rule raised): its
        error, kept in the superseded one, says what it was. A completed or rejected run is not: its record or its
        reviewer's decision stands. Nor is a run whose document is no longer stored (pruned), or one re-run before:
        those raise RunBusyError, and nothing changes.
        """
        old = await self.registry.get_run(run_id)
        self.refuse_unloaded_type(old)
        if old.status in ("completed", "rejected"):
            raise RunBusyError(f"run {old.run_id} is {old.status}; only unfinished and failed runs are re-run")
        if old.superseded:
            raise busy_error(old, f"run {old.run_id} was run again already ({old.error})")
        if old.document_id == NO_DOCUMENT:
            raise RunBusyError(f"run {old.run_id} has no stored document to run again ({old.error})")
        if old.status == "failed" and await self.store.blob_size(old.document_id) is None:
            raise RunBusyError(f"run {old.run_id} failed and its document is no longer stored (pruned)")
        # On the old run's model, as `recover` continues a run, unless this engine was opened to override it; one
        # this process cannot build stops here (RunModelError), with nothing changed.
        model = None if self.override_model else (old.model, old.model_base_url)
        if model is not None:
            await self.context_for(old)
        # Taking the old run's lease first: a run another process is advancing is not re-run under its feet. Nor
        # one this engine is advancing, or is about to (a server's pool, a decision resuming it): those claim as the
        # engine, and claims of one owner do not exclude each other, so the switch holds the run as an owner of its
        # own, whose lease the engine's other work finds held.
        owner = engine_owner()
        try:
            return await self._switch(old, model, owner)
        finally:
            close_owner(owner)  # what it still holds, after an error, may be taken at once in this process

    async def _switch(self, old: RunRow, model: RunModel | None, owner: str) -> RunRow:
        """`supersede` once its checks passed: under `owner`'s lease, the new run registered and the old one closed."""
        claimed = await self.registry.claim(old.run_id, owner=owner, allowed=(old.status,), status=old.status)
        if claimed.superseded:  # another process ran it again since it was read: let it go as it is now
            await self.registry.release(claimed.run_id, owner=owner, status=claimed.status, error=claimed.error)
            raise busy_error(claimed, f"run {old.run_id} was run again already ({claimed.error})")
        new_id = uuid.uuid4().hex
        document = self.registry.document_of(old)
        try:
            if self.queued:
                new = await self._enqueue_rerun(new_id, document, source=old.source, model=model, rerun_of=old.run_id)
            else:
                new = await self._create(new_id, document, source=old.source, model=model, rerun_of=old.run_id)
        except BaseException:
            # No new run (a queue not set up, the database gone): the old one is given back as it was, its review
            # (if it waits on one) included, rather than held until the lease runs out.
            with contextlib.suppress(Exception):
                await self.registry.release(
                    old.run_id,
                    owner=owner,
                    status=claimed.status,
                    interrupt_id=claimed.interrupt_id,
                    error=claimed.error,
                )
            raise
        # The new run is the same document: it keeps the old one's place among runs holding its duplicate key.
        await self.registry.hand_over_key(old.run_id, to=new_id)
        reason = f"{SUPERSEDED}{new_id} under workflow version {self.version}"
        if old.status == "failed":
            reason += f"; it had failed: {claimed.error}"
        await self.registry.append_events(
            old.run_id,
            [
                event(
                    "run.superseded", "engine", rerun=new_id, old_version=old.workflow_version, new_version=self.version
                )
            ],
        )
        await self.registry.release(old.run_id, owner=owner, status="failed", error=reason, superseded_by=new_id)
        return new
