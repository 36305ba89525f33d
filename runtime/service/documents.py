"""`POST /v1/documents`: upload a document; its run is queued and advanced by the server's worker pool.

In production mode (CLAIMFLOW_EXECUTION=queue) the run and its start job are recorded in one transaction and
a `claimflow worker` advances it; the server's pool advances nothing.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, HTTPException, Request, Response, status
from fastapi.exceptions import RequestValidationError
from pydantic import AfterValidator, StringConstraints
from starlette.datastructures import FormData, UploadFile

from claimflow.runtime.engine.intake import SourceConflictError
from claimflow.runtime.service.body_limit import FORM_ALLOWANCE_BYTES
from claimflow.runtime.service.deps import ROLE_REFUSED, EngineDep, PoolDep, Submitter, row_public
from claimflow.runtime.service.schemas import InvalidRequest, Message, RunPublic
from claimflow.runtime.service.upload_form import upload_form
from claimflow.state.plain_text import control_problem

router = APIRouter(prefix="/v1/documents", tags=["documents"])


def _plain_key(key: str) -> str:
    """The key, refused with the reason if it holds a control character (as a `PlainName` is)."""
    problem = control_problem(key)
    if problem is not None:
        raise ValueError(problem)
    return key


_Key = Annotated[str, StringConstraints(min_length=1, max_length=200), AfterValidator(_plain_key)]
"""The length is checked on the text, first: after `PlainName`'s validator pydantic counted it in "items"."""

IdempotencyKey = Annotated[
    _Key | None,
    Header(
        alias="Idempotency-Key",
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


def _the_file(form: FormData) -> UploadFile:
    """The body's one field, the file `file`: 400 for any other field, 422 (with `errors`) without that file."""
    names = [name for name, _ in form.multi_items()]
    if names.count("file") > 1 or set(names) - {"file"}:
        others = ", ".join(sorted(set(names) - {"file"})) or "the second `file`"
        raise HTTPException(400, f"send one field, the file `file`, and nothing else: remove {others}")
    file = form.get("file")
    if isinstance(file, UploadFile):
        return file
    # A `file` without a file name is a text field to the parser (curl's `-F file=<PATH` instead of `@PATH`).
    problem = (
        "send the document as the multipart/form-data file field `file`"
        if file is None
        else "is a text field, not a file: send the document as a file with a file name (curl -F file=@PATH)"
    )
    raise RequestValidationError([{"type": "value_error", "loc": ("body", "file"), "msg": problem, "input": None}])


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses={
        409: {"model": Message, "description": "The Idempotency-Key was used for other bytes."},
        413: {
            "model": Message,
            "description": f"The body is over CLAIMFLOW_MAX_DOCUMENT_BYTES and {FORM_ALLOWANCE_BYTES:,} bytes of"
            " form around the document; it is not read past that. Without a valid token such a body is 401.",
        },
        400: {"model": Message, "description": "A malformed multipart/form-data body, or one with other fields."},
        422: {"model": InvalidRequest, "description": "No file `file` in a multipart/form-data body."},
        **ROLE_REFUSED,
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

    The answer (201) is the run, `queued`; `Location` names it (`/v1/runs/{run_id}`), a replayed upload's too.

    The body is read only once the token is checked. A document over the size limit
    (CLAIMFLOW_MAX_DOCUMENT_BYTES) is not read past it: its run fails at once with the reason, as with
    `claimflow run`. A body over that limit and the form's allowance is 413 and no run (`body_limit`): refused
    before it is read if it declares its length, else at the chunk that passes the cap; without a valid token it
    is 401, as any request is. In production mode a worker advances the run, not this server.
    """
    limit = engine.limits.max_bytes
    # A malformed multipart body, or one with more than one file or two fields, is 400 (Starlette's parser). One
    # text field is let through, to be told apart from the file it should have been.
    async with upload_form(request, max_files=1, max_fields=1) as form:
        file = _the_file(form)
        data = await file.read(limit + 1)  # never more than one byte past the limit in memory
        name, size = file.filename or "upload", file.size
    source = f"api:{principal.name}:{key}" if key is not None else None
    try:
        row, new = await engine.receive(data, name, size=size, source=source)
    except SourceConflictError as error:
        # Said with the key the caller sent, not as the registry keeps it (`api:NAME:KEY`).
        raise HTTPException(
            409,
            f"the Idempotency-Key {key!r} was used for another document (run {error.run_id}); send those bytes,"
            " or use a new key",
        ) from None
    response.headers["Location"] = f"/v1/runs/{row.run_id}"  # where to poll it, as a rerun's answer says too
    if not new:
        response.headers["Idempotent-Replayed"] = "true"
    # Made before the pool may start advancing the run; a new run's answer is the row registering it returned.
    public = await row_public(engine, row, registered_now=new)
    if row.status == "queued" and not engine.queued:
        pool.start(row.run_id)
    return public
