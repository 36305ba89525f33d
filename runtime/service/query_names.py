"""A query parameter an API route does not take, or one given twice, is refused (422), not passed over.

A misspelled filter (`?stauts=failed`, or `?doc_type=invoice`: the runs' field, where the filter is `type`) was
ignored, and the answer listed every run, unfiltered: a client syncing its copy took them for the filtered ones.
A parameter given twice (`?type=invoice&type=receipt`) was read as its last value, the other dropped. Both are
refused as a filter's unknown value is, naming what the route takes. Only routes under `/v1/`: the review pages
are a browser's, which sends what their own links and forms say.
"""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute

from claimflow.runtime.service.api_headers import API_PREFIX
from claimflow.runtime.service.deps import query_problem


def _names(dependant: Dependant) -> Iterator[str]:
    yield from (field.alias for field in dependant.query_params)
    for dependency in dependant.dependencies:
        yield from _names(dependency)


def _taken(route: APIRoute) -> tuple[str, ...]:
    """The query parameters `route` takes (its dependencies' too), by the names a client sends (a few: not cached)."""
    return tuple(sorted(set(_names(route.dependant))))


def _problem(name: str, times: int, taken: tuple[str, ...]) -> str | None:
    if name not in taken:
        takes = f"it takes {', '.join(taken)}" if taken else "it takes none"
        return f"this request takes no query parameter {name!r}; {takes}"
    if times > 1:
        return f"given {times} times; give it once"
    return None


async def declared_query(request: Request) -> None:
    """Refuse (422) a query parameter the API route does not take, or one given more than once."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute) or not request.url.path.startswith(API_PREFIX):
        return
    taken = _taken(route)
    found = [
        query_problem(name, problem, request.query_params.getlist(name))
        for name in dict.fromkeys(request.query_params.keys())
        if (problem := _problem(name, len(request.query_params.getlist(name)), taken)) is not None
    ]
    if found:
        raise RequestValidationError(found)
