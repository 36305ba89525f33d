"""The service in-process: the real ASGI app (lifespan, engine, worker pool) behind an httpx client."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
from fastapi import FastAPI

from claimflow.doctypes import BUILTIN_TYPES
from claimflow.nodes.ports import ModelGateway
from claimflow.runtime.engine import Engine
from claimflow.runtime.service import create_app
from claimflow.runtime.settings import Settings
from claimflow.state.schema import DocumentType

MOVING = ("queued", "running", "resume_queued", "resuming")


@dataclass
class Api:
    """A running app, its engine, a client, and tokens by role (`admin`, `submitter`, `reviewer`)."""

    app: FastAPI
    client: httpx.AsyncClient
    tokens: dict[str, str] = field(default_factory=dict)

    @property
    def engine(self) -> Engine:
        engine: Engine = self.app.state.engine
        return engine

    def auth(self, who: str) -> dict[str, str]:
        """The Authorization header of the token `who`."""
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    async def token(self, name: str, role: str, types: list[str] | None = None) -> str:
        token, _ = await self.engine.create_token(name, role, types)
        self.tokens[name] = token
        return token

    async def upload(
        self, name: str, content: str | bytes, *, who: str = "submitter", key: str | None = None
    ) -> httpx.Response:
        headers = self.auth(who) | ({"Idempotency-Key": key} if key is not None else {})
        data = content.encode() if isinstance(content, str) else content
        return await self.client.post("/v1/documents", files={"file": (name, data)}, headers=headers)

    async def settled(self, run_id: str, *, timeout: float = 60.0) -> dict[str, Any]:
        """The run once it stopped moving (finished or paused)."""
        deadline = time.monotonic() + timeout
        while True:
            view = (await self.client.get(f"/v1/runs/{run_id}", headers=self.auth("admin"))).json()
            if view["status"] not in MOVING:
                return dict(view)
            assert time.monotonic() < deadline, f"run {run_id} still {view['status']} after {timeout} s"
            await asyncio.sleep(0.05)

    async def processed(self, name: str, content: str | bytes, **upload: Any) -> dict[str, Any]:
        """Upload a document and wait for its run to stop moving."""
        response = await self.upload(name, content, **upload)
        assert response.status_code == 201, response.text
        return await self.settled(response.json()["run_id"])


@asynccontextmanager
async def serving(
    settings: Settings,
    *,
    tokens: bool = True,
    gateway: ModelGateway | None = None,
    clock: Callable[[], float] = time.time,
    types: Sequence[DocumentType] = BUILTIN_TYPES,
) -> AsyncIterator[Api]:
    """The app started (its lifespan entered), with an admin, a submitter and a reviewer token."""
    app = create_app(settings, types=types, gateway=gateway, clock=clock)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://claimflow.test") as client:
            api = Api(app, client)
            if tokens:
                for role in ("admin", "submitter", "reviewer"):
                    await api.token(role, role)
            yield api
