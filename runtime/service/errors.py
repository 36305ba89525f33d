"""Errors as JSON bodies with a message: unknown runs 404, refused operations 409, invalid input 422, storage 503."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.exceptions import HTTPException

from claimflow.runtime.engine.intake import SourceConflictError
from claimflow.runtime.engine.models import RunModelError
from claimflow.runtime.registry import RegistryError, RunBusyError, RunNotFoundError, RunSupersededError
from claimflow.runtime.unavailable import unavailable_reason
from claimflow.runtime.version import WorkflowVersionError
from claimflow.state.errors import InvalidDecisionError, UnknownDocumentTypeError
from claimflow.state.redaction import redact


def _message(status: int, message: str, **more: object) -> JSONResponse:
    return JSONResponse({"message": message, **more}, status_code=status)


async def _http(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, HTTPException)
    return JSONResponse({"message": str(error.detail)}, status_code=error.status_code, headers=error.headers)


def problems(error: ValidationError | RequestValidationError) -> list[str]:
    """One line per error: `where.it.is: what is wrong` (pydantic's "Value error, " prefix dropped)."""
    lines = []
    for item in error.errors():
        what = str(item["msg"]).removeprefix("Value error, ")
        lines.append(".".join(str(part) for part in item["loc"]) + ": " + what if item["loc"] else what)
    return lines


async def _invalid_request(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    found = problems(error)
    return _message(422, "invalid request: " + "; ".join(found), errors=found)


async def _not_found(request: Request, error: Exception) -> JSONResponse:
    # One message for a run that does not exist and one the caller may not see: nothing tells them apart.
    run_id = request.path_params.get("run_id")
    return _message(404, f"no run {run_id!r}" if run_id is not None else str(error))


async def _conflict(_: Request, error: Exception) -> JSONResponse:
    return _message(409, str(error))


async def _superseded(_: Request, error: Exception) -> JSONResponse:
    # The run was run again: the caller is told which run to follow, without reading it out of the message.
    assert isinstance(error, RunSupersededError)
    return _message(409, str(error), superseded_by=error.superseded_by)


async def _invalid_decision(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, InvalidDecisionError)
    return _message(422, str(error), errors=list(error.problems))


async def _unknown_type(_: Request, error: Exception) -> JSONResponse:
    return _message(422, str(error))


async def _run_model(_: Request, error: Exception) -> JSONResponse:
    # The run's own model cannot be built on this server (a key not set): nothing changed, the run waits.
    return _message(503, redact(str(error)))


async def _unexpected(_: Request, error: Exception) -> JSONResponse:
    reason = unavailable_reason(error)
    if reason is not None:
        # Storage or the database is gone: nothing was lost, the request may be sent again once it is back.
        return _message(503, f"stopped: {redact(reason)}; send the request again later")
    return _message(500, "internal error; the server's log has the details")


def add_error_handlers(app: FastAPI) -> None:
    """Every known error becomes `{"message": ...}` with its status; storage or a database gone is 503."""
    app.add_exception_handler(HTTPException, _http)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(RunNotFoundError, _not_found)
    app.add_exception_handler(RunSupersededError, _superseded)
    app.add_exception_handler(RunBusyError, _conflict)
    app.add_exception_handler(SourceConflictError, _conflict)
    app.add_exception_handler(WorkflowVersionError, _conflict)
    app.add_exception_handler(RegistryError, _conflict)
    app.add_exception_handler(InvalidDecisionError, _invalid_decision)
    app.add_exception_handler(UnknownDocumentTypeError, _unknown_type)
    app.add_exception_handler(RunModelError, _run_model)
    app.add_exception_handler(Exception, _unexpected)
