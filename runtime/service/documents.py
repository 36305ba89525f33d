"""`POST /v1/documents`: upload a document; its run is queued and advanced by the server's worker pool."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Response, UploadFile, status

from claimflow.runtime.service.deps import EngineDep, PoolDep, Submitter
from claimflow.runtime.service.schemas import Message, RunPublic

router = APIRouter(prefix="/v1/documents", tags=["documents"])

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        description="The same key with the same bytes returns the same run; other bytes with a used key are 409. "
        "Keys are per token name.",
    ),
]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses={409: {"model": Message, "description": "The Idempotency-Key was used for other bytes."}},
)
async def upload(
    principal: Submitter,
    engine: EngineDep,
    pool: PoolDep,
    file: UploadFile,
    response: Response,
    key: IdempotencyKey = None,
) -> RunPublic:
    """Store the document and queue its run; the answer comes at once, the run advances in the background.

    A document over the size limit (CLAIMFLOW_MAX_DOCUMENT_BYTES) is not read: its run fails at once with
    the reason, as with `claimflow run`.
    """
    limit = engine.limits.max_bytes
    data = await file.read(limit + 1)  # never more than one byte past the limit in memory
    source = f"api:{principal.name}:{key}" if key is not None else None
    row, new = await engine.receive(data, file.filename or "upload", size=file.size, source=source)
    if not new:
        response.headers["Idempotent-Replayed"] = "true"
    view = await engine.view(row.run_id)
    if row.status == "queued":
        pool.start(row.run_id)
    return RunPublic.model_validate(view.model_dump(mode="json"))
