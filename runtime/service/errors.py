"""Errors as JSON bodies with a message: unknown runs 404, refused operations 409, invalid input 422, storage 503.

A run whose state this server cannot read (a newer claimflow compressed it with a dictionary this one lacks) is
refused as an operation it cannot do to that run now: 409.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.exceptions import HTTPException

from claimflow.runtime.engine.intake import SourceConflictError
from claimflow.runtime.engine.models import RunModelError
from claimflow.runtime.errors import UnknownDictionaryError
from claimflow.runtime.registry import RegistryError, RunBusyError, RunNotFoundError, RunSupersededError
from claimflow.runtime.registry.runs import SHORTEST_PREFIX
from claimflow.runtime.service.advice import at_body, decision_words, for_the_api
from claimflow.runtime.unavailable import unavailable_reason
from claimflow.runtime.unreadable import unreadable_note
from claimflow.runtime.version import WorkflowVersionError
from claimflow.runtime.visible import visible
from claimflow.state.errors import InvalidDecisionError, UnknownDocumentTypeError
from claimflow.state.redaction import redact


def _message(status: int, message: str, **more: object) -> JSONResponse:
    return JSONResponse({"message": message, **more}, status_code=status)


_UNPARSED = "There was an error parsing the body"
"""FastAPI's 400 for a JSON body it could not read other than as invalid JSON; what it met is its cause."""


def _unreadable_json(error: HTTPException) -> str | None:
    """Why a JSON body could not be read, as a 422's problem says it; None for any other error."""
    if error.status_code != 400 or error.detail != _UNPARSED:
        return None
    cause = error.__cause__
    if isinstance(cause, UnicodeDecodeError):
        return f"body: the body is not UTF-8 text ({cause.reason} at byte {cause.start}); send JSON as UTF-8"
    if isinstance(cause, RecursionError):
        return "body: the body nests its arrays and objects too deep to read"
    return f"body: the body could not be read as JSON ({type(cause).__name__})" if cause is not None else None


def _not_allowed(request: Request, error: HTTPException) -> str | None:
    """A 405's message naming the methods the path takes (Starlette said only "Method Not Allowed"); else None."""
    allowed = (error.headers or {}).get("Allow")
    if error.status_code != 405 or allowed is None:
        return None
    return f"{request.method} is not allowed on {visible(request.url.path[:200])}; it takes {allowed}"


async def _http(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, HTTPException)
    unreadable = _unreadable_json(error)
    if unreadable is not None:  # a body no route can take: 422 with `errors`, as invalid JSON is
        return _message(422, f"invalid request: {unreadable}", errors=[unreadable])
    body: dict[str, object] = {"message": _not_allowed(request, error) or str(error.detail)}
    if error.status_code == 422:  # every 422 has `errors` (`InvalidRequest`), one raised by a route too
        body["errors"] = [str(error.detail)]
    return JSONResponse(body, status_code=error.status_code, headers=error.headers)


def _line(item: Mapping[str, Any]) -> str:
    what = str(item["msg"]).removeprefix("Value error, ")
    return ".".join(str(part) for part in item["loc"]) + ": " + what if item["loc"] else what


def problems(error: ValidationError | RequestValidationError) -> list[str]:
    """One line per error: `where.it.is: what is wrong` (pydantic's "Value error, " prefix dropped)."""
    return [_line(item) for item in error.errors()]


_AS_JSON = "(Content-Type: application/json)"


def _body_problem(request: Request, error: RequestValidationError, item: Mapping[str, Any]) -> str | None:
    """What is wrong with a body that is no JSON object at all, in words; None for a problem within one.

    FastAPI says `body.1: JSON decode error` for JSON it cannot parse, and "Input should be a valid dictionary"
    for a body it did not parse as JSON (another Content-Type): neither tells the caller what to change.
    """
    if item["type"] == "json_invalid" and isinstance(error.body, str):
        at = int(item["loc"][-1])
        line, column = error.body.count("\n", 0, at) + 1, at - error.body.rfind("\n", 0, at)
        return f"body: the body is not valid JSON: {item['ctx']['error']} at line {line}, column {column}"
    if tuple(item["loc"]) != ("body",):
        return None
    if isinstance(item.get("input"), bytes):  # read, but not as JSON: its Content-Type says it is something else
        sent = (request.headers.get("content-type") or "no Content-Type")[:100]
        return f"body: send the body as JSON {_AS_JSON}; it came as {sent}"
    if item["type"] == "missing":
        return f"body: the body is empty: send it as JSON {_AS_JSON}"
    if item["type"] == "model_attributes_type":
        return f"body: send a JSON object ({{...}}), not {_JSON_KINDS.get(type(item.get('input')), 'that')}"
    return None


_JSON_KINDS = {
    type(None): "null",
    list: "an array",
    str: "a string",
    bool: "true or false",
    int: "a number",
    float: "a number",
}


async def _invalid_request(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    found = [_body_problem(request, error, item) or _line(item) for item in error.errors()]
    return _message(422, "invalid request: " + "; ".join(found), errors=found)


async def _not_found(request: Request, error: Exception) -> JSONResponse:
    # One message for a run that does not exist and one the caller may not see: nothing tells them apart.
    run_id = request.path_params.get("run_id")
    if run_id is None:
        return _message(404, str(error))
    # Said of the id as sent, never of the runs: a prefix names a run only from SHORTEST_PREFIX characters on.
    short = f" (a run id's prefix needs {SHORTEST_PREFIX} or more characters)" if len(run_id) < SHORTEST_PREFIX else ""
    return _message(404, f"no run {run_id!r}{short}")


async def _conflict(request: Request, error: Exception) -> JSONResponse:
    return _message(409, for_the_api(str(error), request.path_params.get("run_id")))


async def _superseded(request: Request, error: Exception) -> JSONResponse:
    # The run was run again: the caller is told which run to follow, without reading it out of the message.
    assert isinstance(error, RunSupersededError)
    return _message(409, for_the_api(str(error), request.path_params.get("run_id")), superseded_by=error.superseded_by)


async def _unreadable(request: Request, error: Exception) -> JSONResponse:
    # The note, not the error's words: those name the dictionaries' folder on the server.
    assert isinstance(error, UnknownDictionaryError)
    run_id = request.path_params.get("run_id")
    note = unreadable_note(error)
    return _message(409, f"run {run_id}: {note}" if run_id is not None else note)


async def _invalid_decision(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, InvalidDecisionError)
    # Its reasons name `review decide`'s options (`--reject`): a client of the API sends the decision's JSON.
    return _message(422, decision_words(str(error)), errors=[at_body(problem) for problem in error.problems])


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
    app.add_exception_handler(UnknownDictionaryError, _unreadable)
    app.add_exception_handler(InvalidDecisionError, _invalid_decision)
    app.add_exception_handler(UnknownDocumentTypeError, _unknown_type)
    app.add_exception_handler(RunModelError, _run_model)
    app.add_exception_handler(Exception, _unexpected)
