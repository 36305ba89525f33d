"""The FastAPI app: one engine opened for the app's lifetime, the worker pool, and the routers."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import asynccontextmanager
from datetime import date

from fastapi import Depends, FastAPI

from claimflow.nodes.ports import ModelGateway, Parser
from claimflow.runtime import web
from claimflow.runtime.discovery import ActiveTypes
from claimflow.runtime.engine import open_engine
from claimflow.runtime.service import api_docs, doc_types, documents, health, reviews, runs
from claimflow.runtime.service.api_headers import ApiHeaders
from claimflow.runtime.service.body_limit import BodyLimit
from claimflow.runtime.service.deps import plain_query
from claimflow.runtime.service.errors import add_error_handlers
from claimflow.runtime.service.head import HeadAsGet
from claimflow.runtime.service.openapi import documented_errors
from claimflow.runtime.service.pool import RunPool
from claimflow.runtime.service.query_names import declared_query
from claimflow.runtime.service.sweeper import Sweeper
from claimflow.runtime.service.unrouted import Unrouted
from claimflow.runtime.settings import Settings
from claimflow.state.schema import DocumentType

_log = logging.getLogger("claimflow.serve")


def create_app(
    settings: Settings,
    *,
    types: Iterable[DocumentType] | ActiveTypes | None = None,
    gateway: ModelGateway | None = None,
    parser: Parser | None = None,
    today: date | None = None,
    clock: Callable[[], float] = time.time,
) -> FastAPI:
    """The REST service over the data directory / database `settings` name.

    The engine opens when the app starts (the lifespan) and closes when it stops; runs a stopped server
    left unfinished are continued in the background at start, unless runs advance in workers
    (CLAIMFLOW_EXECUTION=queue). `types`, `gateway`, `parser` and `today` are
    passed to `open_engine` as they are (tests and embedding programs); `clock` is the time the review sweep
    (every `settings.sweep_seconds`) takes as now.
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with open_engine(settings, types=types, gateway=gateway, parser=parser, today=today) as engine:
            pool = RunPool(engine, settings.serve_concurrency)
            sweeper = Sweeper(engine, settings.sweep_seconds, clock)
            app.state.engine, app.state.pool, app.state.sweeper = engine, pool, sweeper
            if not any(token.revoked_at is None for token in await engine.api_tokens()):
                _log.warning(
                    "no API token: every request but /healthz and /readyz is refused; "
                    "`claimflow token create` makes one"
                )
            await engine.warm_up()  # before the server answers, not in the first upload while other runs wait
            if not engine.queued:  # in production mode the workers' reaper gives unfinished runs back
                pool.recover()
            sweeper.start()
            try:
                yield
            finally:
                await sweeper.close()
                await pool.close()

    app = FastAPI(
        title="claimflow",
        summary="Upload documents, follow their runs, and answer their reviews.",
        lifespan=lifespan,
        docs_url=None,  # `/docs` and `/redoc` are `api_docs`: their assets from claimflow itself, not a CDN
        redoc_url=None,
        # No query parameter with a control character reaches a route, nor one the route does not take (a typo).
        dependencies=[Depends(plain_query), Depends(declared_query)],
        redirect_slashes=False,  # `Unrouted` redirects instead, to a path: Starlette's URL takes the Host header
    )
    app.router.default = Unrouted(app.router)
    add_error_handlers(app)
    # No body is read past MAX_REQUEST_BYTES, an upload's past its document's limit and the form around it: 413
    # (401 under /v1/ without a valid token, as any unauthenticated request there).
    app.add_middleware(BodyLimit, document_limit=settings.limits.max_bytes)
    app.add_middleware(ApiHeaders)  # around those: its 413 and 401 answers carry the headers too
    app.add_middleware(HeadAsGet)  # outermost: a HEAD is a GET to all of the app, its answer sent without the body
    app.openapi = documented_errors(app)  # type: ignore[method-assign]  # FastAPI's documented way to change it
    # Routers: every resource's router is included on the next line; add a router to it to serve it.
    for router in (health.router, documents.router, runs.router, reviews.router, doc_types.router, web.router):
        app.include_router(router)
    app.include_router(api_docs.router)
    return app
