"""Intake: a document's bytes into the content-addressed store, and its run into the registry."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from claimflow.graphs import WORKFLOW_NAME
from claimflow.nodes.ports import WorkflowContext
from claimflow.runtime.ingest import IngestLimits, size_versus_limit, sniff_media_type
from claimflow.runtime.registry import AsyncRegistry, RunRow
from claimflow.runtime.settings import Settings
from claimflow.runtime.store import AsyncDocumentStore
from claimflow.state.documents import DocumentRef
from claimflow.state.events import event


class Intake:
    """Registers documents as queued runs; a file that cannot be read fails its own run at once."""

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

    async def submit(self, path: Path) -> RunRow:
        """Store a document and register its run; an oversized file fails here, before it is read."""
        run_id = uuid.uuid4().hex
        try:
            size, data = await asyncio.to_thread(self._read, path)
        except OSError as error:
            reason = f"{path.name} cannot be read: {error.strerror or error}"
            return await self._fail_at_intake(run_id, path, 0, reason)
        if size > self.limits.max_bytes:
            shown, limit = size_versus_limit(size, self.limits.max_bytes)
            reason = f"{path.name} is {shown}, over the {limit} limit; it was not read"
            return await self._fail_at_intake(run_id, path, size, reason)
        ref = await asyncio.to_thread(
            self.store.files.save_document, data, path.name, sniff_media_type(data, path.name)
        )
        return await self._create(run_id, ref)

    def _read(self, path: Path) -> tuple[int, bytes]:
        size = path.stat().st_size
        return size, path.read_bytes() if size <= self.limits.max_bytes else b""

    async def _fail_at_intake(self, run_id: str, path: Path, size: int, reason: str) -> RunRow:
        ref = DocumentRef(document_id="0" * 64, filename=path.name, media_type="unknown", size=size)
        await self._create(run_id, ref)
        await self.registry.append_events(run_id, [event("run.failed", "intake", reason=reason)])
        await self.registry.release(run_id, owner=self.owner, status="failed", error=reason)
        return await self.registry.get_run(run_id)

    async def _create(self, run_id: str, ref: DocumentRef, **started: str) -> RunRow:
        row = await self.registry.create_run(
            run_id=run_id,
            document=ref,
            workflow=WORKFLOW_NAME,
            workflow_version=self.version,
            model=self.context.gateway.name,
        )
        await self.registry.append_events(
            run_id,
            [
                event(
                    "run.started",
                    "intake",
                    document_id=ref.document_id,
                    filename=ref.filename,
                    media_type=ref.media_type,
                    size=ref.size,
                    workflow=WORKFLOW_NAME,
                    workflow_version=self.version,
                    model=self.context.gateway.name,
                    policy=self.settings.policy.model_dump(mode="json"),
                    **started,
                )
            ],
        )
        return row
