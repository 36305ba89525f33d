"""`/openapi.json` as the server answers: the error bodies it sends, on every route that may send them.

FastAPI documents a 422 as its own `HTTPValidationError` (`{"detail": [...]}`), while this server answers every
invalid request with `{"message", "errors"}` (errors.py); and it documents no 401 or 403 where a dependency, not
the route, refuses the caller. A client generated from the schema would fail to read the errors it gets. So the
schema FastAPI builds is mended once, when first asked for:
- every 422 is `InvalidRequest`, FastAPI's validation schemas are dropped;
- every operation answers 422: a query parameter with a control character is refused on every route, and under
  `/v1/` one the route does not take or one given twice (`query_names.py`), on a route with no parameters too;
- every operation behind the bearer token, and every one under `/v1/` (a page image checks its token, or the review
  page's cookie, itself), answers 401 (a route whose principal needs a role declares its 403,
  `deps.ROLE_REFUSED`), and 503 when storage or the database cannot be reached (`errors._unexpected`);
- every operation with a path parameter answers 404 (no such run, review or page; one the caller may not see);
- every operation whose body is counted against MAX_REQUEST_BYTES (body_limit.py: all that take one, but the upload,
  which declares its own 413) answers 413.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from claimflow.runtime.service.api_headers import API_PREFIX
from claimflow.runtime.service.body_limit import MAX_REQUEST_BYTES, UPLOAD, WITH_BODY
from claimflow.runtime.service.schemas import InvalidRequest, Message

_FASTAPI_VALIDATION = ("HTTPValidationError", "ValidationError")

_UNREACHABLE = "Storage or the database cannot be reached; nothing was lost: send the request again once it is back."
"""The 503 every operation that reads the run registry may answer (the token is looked up there)."""


def _ref(model: type[Message] | type[InvalidRequest], description: str) -> dict[str, Any]:
    schema = {"$ref": f"#/components/schemas/{model.__name__}"}
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _is_fastapis_validation(response: dict[str, Any] | None) -> bool:
    schema = (response or {}).get("content", {}).get("application/json", {}).get("schema", {})
    return str(schema.get("$ref", "")).endswith("/HTTPValidationError")


def _mend(schema: dict[str, Any]) -> dict[str, Any]:
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for model in (Message, InvalidRequest):
        components[model.__name__] = model.model_json_schema(ref_template="#/components/schemas/{model}")
    for name in _FASTAPI_VALIDATION:
        components.pop(name, None)
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            if method.upper() in WITH_BODY and (method.upper(), path) != UPLOAD:
                responses.setdefault("413", _ref(Message, f"The request body is over {MAX_REQUEST_BYTES:,} bytes."))
            if _is_fastapis_validation(responses.get("422")) or "422" not in responses:
                responses["422"] = _ref(InvalidRequest, "Invalid parameters or body: `errors` has one line a problem.")
            if operation.get("security") or path.startswith(API_PREFIX):
                responses.setdefault("401", _ref(Message, "No token, or one unknown or revoked."))
                responses.setdefault("503", _ref(Message, _UNREACHABLE))
            if any(parameter.get("in") == "path" for parameter in operation.get("parameters", [])):
                responses.setdefault(
                    "404", _ref(Message, "No such run, review or page, or one this token may not see.")
                )
    return schema


def documented_errors(app: FastAPI) -> Callable[[], dict[str, Any]]:
    """The app's `openapi` function: FastAPI's schema, mended once to say which errors come back and how."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, summary=app.summary, routes=app.routes)
            app.openapi_schema = _mend(schema)
        return app.openapi_schema

    return openapi
