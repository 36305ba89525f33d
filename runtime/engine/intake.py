"""Intake: a document's bytes into the content-addressed store, and its run into the registry."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from claimflow.graphs import WORKFLOW_NAME
from claimflow.nodes.ports import WorkflowContext
from claimflow.runtime.ingest import IngestLimits, size_versus_limit, sniff_media_type
from claimflow.runtime.offload import offload
from claimflow.runtime.registry import AsyncRegistry, NewRun, RegistryError, RunRow
from claimflow.runtime.registry.runs import NewStatus
from claimflow.runtime.settings import Settings
from claimflow.runtime.sources import NotRegularFileError, path_text, read_regular_file, sent_name, source_of
from claimflow.runtime.store import AsyncDocumentStore, blob_id_of
from claimflow.state.documents import NO_DOCUMENT, DocumentRef
from claimflow.state.events import Event, event
from claimflow.state.policy import Policy

RunModel = tuple[str, str | None]
"""A run's model and the endpoint it was reached at, as a run's row keeps them."""


class SourceConflictError(RegistryError):
    """Other bytes were sent from a source (an idempotency key) that already names a document."""

    def __init__(self, message: str, *, run_id: str) -> None:
        super().__init__(message)
        self.run_id = run_id
        """The run the source names, with its own document."""


def _conflict(source: str, document_id: str, row: RunRow | None) -> None:
    """Refuse a document other than the one the source's run holds."""
    if row is not None and row.document_id != document_id:
        raise _used(source, row)


async def holds_document(row: RunRow, data: bytes) -> bool:
    """Whether the run's document is these bytes; a large document is hashed off the event loop."""
    return row.document_id == await offload(len(data), blob_id_of, data)


def _used(source: str, row: RunRow) -> SourceConflictError:
    return SourceConflictError(
        f"{source} was used for another document (run {row.run_id}); send those bytes, or use a new key",
        run_id=row.run_id,
    )


class Intake:
    """Registers documents as queued runs; a file that cannot be read fails its own run at once.

    A document is its bytes and where they were read from: the same bytes at the same path are the same
    document, registered once; the same bytes under another path, or other bytes at the same path, are new.
    """

    settings: Settings
    registry: AsyncRegistry
    store: AsyncDocumentStore
    limits: IngestLimits
    owner: str

    if TYPE_CHECKING:
        # Provided by the engine this mixes into.
        @property
        def context(self) -> WorkflowContext:  # noqa: D102
            ...

        @property
        def version(self) -> str:  # noqa: D102
            ...

        @property
        def model_endpoint(self) -> str | None:  # noqa: D102
            ...

        @property
        def queued(self) -> bool:  # noqa: D102
            ...

        async def _enqueue_received(  # noqa: D102
            self, run_id: str, data: bytes, name: str, source: str, *, by_source: bool
        ) -> tuple[RunRow, bool, DocumentRef]: ...

    async def submit(self, path: Path) -> RunRow:
        """Store a document and register its run, or find the run it already has; see `register`."""
        row, _ = await self.register(path)
        return row

    async def register(self, path: Path, *, starting: bool = False) -> tuple[RunRow, bool]:
        """The document's run, and whether it is new: a file read before (same bytes, same path) keeps its run.

        Only regular files are read; anything else, or a file that cannot be read or is over the size limit,
        fails a run of its own at once, before its bytes are read. With `starting`, a new run is registered
        running rather than queued: the caller starts it at once (`start(registered=row)` then takes it as
        its own, without a claim of its own).
        """
        run_id = uuid.uuid4().hex
        read = await self._read(run_id, path)
        if isinstance(read, RunRow):
            return read, True
        name, source, data = read
        earlier = await self._registered_before(source, data, path)
        if earlier is not None:
            return earlier, False
        row, new, _ = await self._store_and_register(run_id, data, name, source, starting=starting)
        return row, new

    async def _registered_before(self, source: str, data: bytes, path: Path | None = None) -> RunRow | None:
        """The run these bytes from this source already have, found before they are stored again.

        Storing them would stamp the blob saved now: the original of a run pruned since would come back, and
        stay as long as the file is sent again within every retention period (a cron job re-running a folder).
        A run registered when sources were kept as given (absolute, links unresolved) is found by `path` too.
        """
        earlier = await self.registry.run_from_source(source)
        if earlier is None and path is not None:
            given = path_text(path if path.is_absolute() else await asyncio.to_thread(path.absolute))
            earlier = await self.registry.run_from_source(given) if given != source else None
        return earlier if earlier is not None and await holds_document(earlier, data) else None

    async def _store_and_register(
        self, run_id: str, data: bytes, name: str, source: str, *, by_source: bool = False, starting: bool = False
    ) -> tuple[RunRow, bool, DocumentRef]:
        """Store the bytes, then find the run they already have or register a new one (see `register_run`)."""
        ref = await self.store.save_document(data, name, sniff_media_type(data, name))
        started = self._started_event(ref)
        run = self._new_run(run_id, ref, source, status="running" if starting else "queued")
        # The run and, if it is new, its `run.started` event: one trip to the registry's thread.
        row, new = await self.registry.register_run(run, by_source=by_source, started=[started])
        return row, new, ref

    async def receive(
        self, data: bytes, filename: str, *, size: int | None = None, source: str | None = None
    ) -> tuple[RunRow, bool]:
        """Register uploaded bytes as a run: the document's run, and whether it is new.

        Without `source` every upload is a run of its own. With one (e.g. an idempotency key), the run from
        that source is returned if it holds the same bytes; other bytes from a used source are refused with
        `SourceConflictError`, before the bytes are stored. `size` is the upload's full size when `data` was
        cut at the size limit: a document over it fails its own run, as a file would. In production mode
        (`queued`) a new run is recorded with its start job in one transaction, for a worker to advance.
        """
        run_id = uuid.uuid4().hex
        name = sent_name(filename)
        keyed = source or f"upload:{run_id}"
        size = max(size or 0, len(data))
        if size > self.limits.max_bytes:
            if source is not None and (earlier := await self.registry.run_from_source(source)) is not None:
                # Bytes over the limit are never read whole, so never compared: the same upload again is one of
                # the same size that failed for it; anything else under a used source is another document.
                if earlier.document_id == NO_DOCUMENT and earlier.size == size:
                    return earlier, False
                raise _used(source, earlier)
            shown, limit = size_versus_limit(size, self.limits.max_bytes)
            reason = f"{name} is {shown}, over the {limit} limit (CLAIMFLOW_MAX_DOCUMENT_BYTES); it was not read"
            return await self._fail_at_intake(run_id, name, keyed, size, reason), True
        if source is not None:
            # Refused before the bytes are stored, and the same bytes again are not stored again (see
            # `_registered_before`). Two uploads racing under one source are settled atomically by `register_run`
            # below; the loser's bytes then stay in the store, referenced by no run, until a prune sweeps them.
            earlier = await self.registry.run_from_source(source)
            if earlier is not None:
                if not await holds_document(earlier, data):
                    raise _used(source, earlier)
                return earlier, False
        register = self._enqueue_received if self.queued else self._store_and_register
        row, new, ref = await register(run_id, data, name, keyed, by_source=source is not None)
        if not new:
            _conflict(keyed, ref.document_id, row)
        return row, new

    async def admit(self, run_id: str, *, path: Path | None = None, name: str = "", data: bytes = b"") -> RunRow:
        """Register a new run with this id for the file at `path`, or for `data` (bytes sent whole) named `name`.

        Unlike `register`, the run is new even when the same document was registered before: the caller
        chose its id (a server's thread). A file that cannot be read, or bytes over the size limit, fail
        the run at once, as in `register`.
        """
        source: str | None = None
        if path is not None:
            read = await self._read(run_id, path)
            if isinstance(read, RunRow):
                return read
            name, source, data = read
        elif len(data) > self.limits.max_bytes:
            shown, limit = size_versus_limit(len(data), self.limits.max_bytes)
            return await self._fail_at_intake(
                run_id, name, None, len(data), f"{name} is {shown}, over the {limit} limit; it was not stored"
            )
        ref = await self.store.save_document(data, name, sniff_media_type(data, name))
        return await self._create(run_id, ref, source=source)

    async def _read(self, run_id: str, path: Path) -> tuple[str, str, bytes] | RunRow:
        """(name, source, bytes) of a regular file within the size limit; else its run, failed with the reason."""
        name = path_text(path.name)

        def source_and_bytes() -> tuple[str, tuple[int, bytes] | OSError]:
            source = source_of(path)
            try:
                return source, read_regular_file(path, self.limits.max_bytes)
            except OSError as error:
                return source, error

        # Resolving links and the working directory, and reading, are file system calls: off the loop, in one trip.
        source, read = await asyncio.to_thread(source_and_bytes)
        if isinstance(read, NotRegularFileError):
            return await self._fail_at_intake(run_id, name, source, 0, f"{name} is {read.strerror}")
        if isinstance(read, OSError):
            reason = f"{name} cannot be read: {read.strerror or read}"
            return await self._fail_at_intake(run_id, name, source, 0, reason)
        size, data = read
        if size > self.limits.max_bytes:
            shown, limit = size_versus_limit(size, self.limits.max_bytes)
            reason = f"{name} is {shown}, over the {limit} limit (CLAIMFLOW_MAX_DOCUMENT_BYTES); it was not read"
            return await self._fail_at_intake(run_id, name, source, size, reason)
        return name, source, data

    async def _fail_at_intake(self, run_id: str, name: str, source: str | None, size: int, reason: str) -> RunRow:
        ref = DocumentRef(document_id=NO_DOCUMENT, filename=name, media_type="unknown", size=size)
        await self._create(run_id, ref, source=source)
        await self.registry.append_events(run_id, [event("run.failed", "intake", reason=reason)])
        await self.registry.release(run_id, owner=self.owner, status="failed", error=reason)
        return await self.registry.get_run(run_id)

    async def _create(
        self, run_id: str, ref: DocumentRef, *, source: str | None, model: RunModel | None = None, **started: str
    ) -> RunRow:
        """Register a new run leased to this engine, and its `run.started` event; on `model`, else the engine's."""
        row = await self.registry.create_run(self._new_run(run_id, ref, source, model=model))
        await self.registry.append_events(run_id, [self._started_event(ref, model=model, **started)])
        return row

    @property
    def _own_model(self) -> RunModel:
        """This engine's model and the endpoint it reaches, as a new run on it keeps them."""
        return self.context.gateway.name, self.model_endpoint

    def _new_run(
        self,
        run_id: str,
        ref: DocumentRef,
        source: str | None,
        *,
        status: NewStatus = "queued",
        leased: bool = True,
        model: RunModel | None = None,
    ) -> NewRun:
        """A run of this document under this engine's version and model (or `model`); leased to it unless not."""
        name, base_url = model or self._own_model
        return NewRun(
            run_id=run_id,
            document=ref,
            workflow=WORKFLOW_NAME,
            workflow_version=self.version,
            model=name,
            source=source,
            owner=self.owner if leased else None,
            model_base_url=base_url,
            status=status,
        )

    async def started_policy(self, run_id: str) -> Policy:
        """The policy the run's `run.started` recorded, which it applies wherever it is advanced.

        A queued run was recorded by the process that submitted it (`run --queue`, the API, `rerun`), with that
        process's `CLAIMFLOW_POLICY`; the worker that starts it applies that policy, not its own, so the trail
        and the run agree. A run whose `run.started` holds no policy (recorded by an older claimflow) gets this
        engine's.
        """
        for item in await self.registry.events(run_id):
            if item["type"] == "run.started":
                recorded = (item.get("data") or {}).get("policy")
                return self.settings.policy if recorded is None else Policy.model_validate(recorded)
        return self.settings.policy

    def _started_event(self, ref: DocumentRef, *, model: RunModel | None = None, **started: str) -> Event:
        """The `run.started` event of a run of this document under this engine's version, model and policy."""
        return event(
            "run.started",
            "intake",
            document_id=ref.document_id,
            filename=ref.filename,
            media_type=ref.media_type,
            size=ref.size,
            workflow=WORKFLOW_NAME,
            workflow_version=self.version,
            model=(model or self._own_model)[0],
            policy=self.settings.policy.model_dump(mode="json"),
            **started,
        )
