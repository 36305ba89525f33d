"""Pieces other routes build on: authenticating a raw token (a page's cookie), the concurrency setting, `since`,
and what a request does not wait for (the thread pool, the workflow's version, reading back a run just registered)."""

from __future__ import annotations

import errno
import inspect
import time
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated

import httpx
import pytest
from fastapi import APIRouter, Cookie
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from claimflow.doctypes import BUILTIN_TYPES
from claimflow.runtime.engine import open_engine
from claimflow.runtime.service import Authenticate, Principal, authenticate, create_app
from claimflow.runtime.settings import Settings, SettingsError
from tests.integration._docs import invoice_text
from tests.service._api import Api


async def test_authenticate_checks_a_raw_token_against_the_store(api: Api) -> None:
    await api.token("kim", "reviewer", ["invoice"])
    assert await api.engine.revoke_token("submitter")

    assert await authenticate(api.engine, api.tokens["kim"]) == Principal("kim", "reviewer", ("invoice",))
    assert await authenticate(api.engine, api.tokens["admin"]) == Principal("admin", "admin", None)
    for refused in (None, "", "cf_nope", api.tokens["submitter"], api.tokens["kim"] + "x"):
        assert await authenticate(api.engine, refused) is None


async def test_a_route_added_to_the_app_authenticates_a_cookie(settings: Settings) -> None:
    page = APIRouter()

    @page.get("/whoami")
    async def whoami(auth: Authenticate, login: Annotated[str | None, Cookie()] = None) -> dict[str, str | None]:
        principal = await auth(login)
        return {"name": principal.name if principal else None}

    app = create_app(settings, types=BUILTIN_TYPES)
    app.include_router(page)
    async with app.router.lifespan_context(app):
        token, _ = await app.state.engine.create_token("kim", "reviewer")
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://claimflow.test") as client:
            assert (await client.get("/whoami")).json() == {"name": None}
            client.cookies.set("login", "cf_x")
            assert (await client.get("/whoami")).json() == {"name": None}
            client.cookies.set("login", token)
            assert (await client.get("/whoami")).json() == {"name": "kim"}


def test_the_serve_concurrency_comes_from_its_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings.load(data_dir=tmp_path).serve_concurrency == 4
    monkeypatch.setenv("CLAIMFLOW_SERVE_CONCURRENCY", "9")
    assert Settings.load(data_dir=tmp_path).serve_concurrency == 9
    for bad in ("0", "-2", "many"):
        monkeypatch.setenv("CLAIMFLOW_SERVE_CONCURRENCY", bad)
        with pytest.raises(SettingsError, match="CLAIMFLOW_SERVE_CONCURRENCY"):
            Settings.load(data_dir=tmp_path)


@pytest.fixture
def far_from_utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The process's local time zone is five hours off UTC for the test."""
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.usefixtures("far_from_utc")
async def test_since_without_a_zone_is_utc(api: Api) -> None:
    run_id = (await api.upload("a.txt", invoice_text())).json()["run_id"]
    created = datetime.fromtimestamp((await api.engine.registry.get_run(run_id)).created_at, UTC)
    # Written without a zone: read as UTC (read as local time, they would be hours off wherever TZ is not UTC).
    before = created.replace(tzinfo=None, microsecond=0).isoformat()
    later = (created.replace(tzinfo=None, microsecond=0) + timedelta(seconds=2)).isoformat()

    listed = await api.client.get("/v1/runs", params={"since": before}, headers=api.auth("admin"))
    none = await api.client.get("/v1/runs", params={"since": later}, headers=api.auth("admin"))

    assert [item["run_id"] for item in listed.json()["items"]] == [run_id]
    assert none.json()["items"] == []


async def test_storage_gone_is_503_and_anything_unexpected_a_500_with_a_json_message(settings: Settings) -> None:
    broken = APIRouter()

    @broken.get("/disk-full")
    async def disk_full() -> None:
        raise OSError(errno.ENOSPC, "No space left on device", "/data/blobs/ab")

    @broken.get("/bug")
    async def bug() -> None:
        raise KeyError("secret detail")

    app = create_app(settings, types=BUILTIN_TYPES)
    app.include_router(broken)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://claimflow.test") as client:
            full = await client.get("/disk-full")
            failed = await client.get("/bug")

    assert full.status_code == 503
    assert full.json() == {
        "message": "stopped: cannot write /data/blobs/ab: No space left on device; send the request again later"
    }
    assert failed.status_code == 500
    assert failed.json() == {"message": "internal error; the server's log has the details"}


async def test_the_openapi_schema_describes_every_route_and_the_bearer_scheme(api: Api) -> None:
    schema = (await api.client.get("/openapi.json")).json()
    docs = await api.client.get("/docs")

    assert docs.status_code == 200 and "/openapi.json" in docs.text
    assert set(schema["paths"]) == {
        "/healthz",
        "/readyz",
        "/metrics",
        "/v1/documents",
        "/v1/documents/{run_id}/pages/{number}",
        "/v1/runs",
        "/v1/runs/{run_id}",
        "/v1/runs/{run_id}/events",
        "/v1/runs/{run_id}/events/stream",
        "/v1/runs/{run_id}/explain",
        "/v1/runs/{run_id}/record",
        "/v1/runs/{run_id}/rerun",
        "/v1/runs/{run_id}/erase",
        "/v1/runs/erase",
        "/v1/runs/rerun-failed",
        "/v1/reviews",
        "/v1/reviews/{run_id}",
        "/v1/reviews/{run_id}/decision",
        "/v1/reviews/{run_id}/assign",
        "/v1/reviews/{run_id}/claim",
        "/v1/types",
    }
    assert schema["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    assert "security" not in schema["paths"]["/healthz"]["get"]
    assert schema["paths"]["/v1/runs"]["get"]["security"] == [{"HTTPBearer": []}]
    upload = schema["paths"]["/v1/documents"]["post"]["requestBody"]["content"]["multipart/form-data"]
    assert upload["schema"]["required"] == ["file"]


def _api_routes(routes: Iterable[object]) -> Iterator[APIRoute]:
    """Every APIRoute below `routes`, through included routers (FastAPI wraps them: `original_router`) and mounts."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        else:
            yield from _api_routes(getattr(getattr(route, "original_router", route), "routes", ()))


def _dependencies(dependant: Dependant) -> Iterator[object]:
    for dependency in dependant.dependencies:
        yield dependency.call
        yield from _dependencies(dependency)


def _waits_on_the_thread_pool(call: object) -> bool:
    """Whether FastAPI runs `call` on its thread pool: a plain function, or an object with a plain `__call__`."""
    target = call if inspect.isfunction(call) or inspect.ismethod(call) else getattr(call, "__call__", call)  # noqa: B004
    return not (inspect.iscoroutinefunction(target) or inspect.isasyncgenfunction(target))


def test_no_route_or_dependency_of_the_app_runs_on_the_thread_pool(settings: Settings) -> None:
    # Each would be a hand-off to a thread and back per request, and under load a wait for the interpreter lock.
    app = create_app(settings, types=BUILTIN_TYPES)
    routes = list(_api_routes(app.routes))
    assert len(routes) > 20  # every route of the API and the review pages, not a walk that found none
    on_the_pool = [
        f"{route.path}: {getattr(call, '__qualname__', call)}"
        for route in routes
        for call in (route.endpoint, *_dependencies(route.dependant))
        if _waits_on_the_thread_pool(call)
    ]
    assert on_the_pool == []


async def test_the_app_knows_its_workflow_version_before_it_answers(settings: Settings) -> None:
    app = create_app(settings, types=BUILTIN_TYPES)
    async with app.router.lifespan_context(app):
        # Hashed in the lifespan (a cached property, so it is in the engine's attributes), not by the first upload.
        assert vars(app.state.engine)["version"] == app.state.engine.version


async def test_a_run_registered_just_now_is_shown_from_its_row_as_it_reads_back(settings: Settings) -> None:
    async with open_engine(settings, types=BUILTIN_TYPES) as engine:
        text = invoice_text().encode()
        new, fresh = await engine.receive(text, "invoice.txt")
        too_large, failed = await engine.receive(text[:10], "huge.txt", size=engine.limits.max_bytes + 1)
        assert fresh and failed and (new.status, too_large.status) == ("queued", "failed")
        for row in (new, too_large):
            assert await engine.view_of(row, registered_now=True) == await engine.view(row.run_id)
        advanced = await engine.start(new.run_id)
        shown = await engine.view_of(advanced)
        assert shown == await engine.view(new.run_id) and shown.fields  # a row with state: the state is read
