"""`POST /v1/documents`: upload a document; its run is queued and advanced by the server's worker pool.

In production mode (CLAIMFLOW_EXECUTION=queue) the run and its start job are recorded in one transaction and
a `claimflow worker` advances it; the server's pool advances nothing.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, HTTPException, Request, Response, status
from starlette.datastructures import UploadFile

from claimflow.runtime.service.deps import EngineDep, PoolDep, Submitter, row_public
from claimflow.runtime.service.schemas import Message, RunPublic
from claimflow.state.plain_text import PlainName

router = APIRouter(prefix="/v1/documents", tags=["documents"])

IdempotencyKey = Annotated[
    PlainName | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        description="The same key with the same bytes returns the same run; other bytes with a used key are 409. "
        "Keys are per token name.",
    ),
]


_MULTIPART = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {"file": {"type": "string", "format": "binary", "description": "The document."}},
                }
            }
        },
    }
}


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses={
        409: {"model": Message, "description": "The Idempotency-Key was used for other bytes."},
        400: {"model": Message, "description": "A malformed multipart/form-data body."},
        422: {"model": Message, "description": "No file in a multipart/form-data body."},
    },
    openapi_extra=_MULTIPART,
)
async def upload(
    principal: Submitter,
    engine: EngineDep,
    pool: PoolDep,
    request: Request,
    response: Response,
    key: IdempotencyKey = None,
) -> RunPublic:
    """Store the document (the multipart field `file`) and queue its run; the answer comes at once.

    The body is read only once the token is checked. A document over the size limit
    (CLAIMFLOW_MAX_DOCUMENT_BYTES) is not read past it: its run fails at once with the reason, as with
    `claimflow run`. In production mode a worker advances the run, not this server.
    """
    limit = engine.limits.max_bytes
    # A malformed multipart body, or one with more than one file or any other field, is 400 (Starlette's parser).
    async with request.form(max_files=1, max_fields=0) as form:
        file = form.get("file")
        if not isinstance(file, UploadFile):
            raise HTTPException(422, "send the document as the multipart/form-data file field `file`")
        data = await file.read(limit + 1)  # never more than one byte past the limit in memory
        name, size = file.filename or "upload", file.size
    source = f"api:{principal.name}:{key}" if key is not None else None
    row, new = await engine.receive(data, name, size=size, source=source)
    if not new:
        response.headers["Idempotent-Replayed"] = "true"
    # Made before the pool may start advancing the run; a new run's answer is the row registering it returned.
    public = await row_public(engine, row, registered_now=new)
    if row.status == "queued" and not engine.queued:
        pool.start(row.run_id)
    return public
