"""`GET /v1/runs?type=unknown` over real HTTP, on SQLite and on Postgres: every run of no known type is listed."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest

from claimflow.doctypes import BUILTIN_TYPES
from claimflow.runtime.engine import open_engine
from claimflow.runtime.ingest import IngestLimits
from claimflow.runtime.service import create_app
from claimflow.runtime.settings import Settings
from tests.integration._docs import CORRUPT_PDF, invoice_text
from tests.service._live import live_server

MOVING = ("queued", "running", "resume_queued", "resuming")
MEMO = "Team memo\n\nThe office is closed on Friday for the move to the third floor. Pack your desks by Thursday.\n"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    """Settings with a 3,000-byte document limit, on SQLite and on Postgres."""
    database_url = request.getfixturevalue("postgres_url") if request.param == "postgres" else None
    made = Settings(data_dir=tmp_path / "data", database_url=database_url)
    return replace(made, limits=IngestLimits(max_bytes=3000))


@pytest.fixture
def base_and_auth(settings: Settings) -> Iterator[tuple[str, dict[str, str]]]:
    async def make_token() -> str:
        async with open_engine(settings, types=BUILTIN_TYPES) as engine:
            return (await engine.create_token("root", "admin"))[0]

    auth = {"Authorization": f"Bearer {asyncio.run(make_token())}"}
    with live_server(create_app(settings, types=BUILTIN_TYPES)) as base:
        yield base, auth


def _settled(base: str, auth: dict[str, str], name: str, content: bytes) -> dict[str, Any]:
    sent = httpx.post(f"{base}/v1/documents", files={"file": (name, content)}, headers=auth, timeout=30)
    assert sent.status_code == 201, sent.text
    deadline = time.monotonic() + 60
    while (view := httpx.get(f"{base}/v1/runs/{sent.json()['run_id']}", headers=auth).json())["status"] in MOVING:
        assert time.monotonic() < deadline, f"{name} still {view['status']}"
        time.sleep(0.05)
    return dict(view)


def _listed(base: str, auth: dict[str, str], **query: str) -> list[str]:
    """Every run id `GET /v1/runs` lists with `query`, one run a page (the cursor goes past each filtered run)."""
    listed: list[str] = []
    cursor: str | None = None
    while True:
        params = query | {"limit": "1"} | ({"cursor": cursor} if cursor is not None else {})
        page = httpx.get(f"{base}/v1/runs", params=params, headers=auth, timeout=30)
        assert page.status_code == 200, page.text
        listed += [run["run_id"] for run in page.json()["items"]]
        if (cursor := page.json()["next_cursor"]) is None:
            return listed


def test_type_unknown_lists_the_runs_that_failed_before_classification(
    base_and_auth: tuple[str, dict[str, str]],
) -> None:
    # A run that fails before it is classified has no type at all (null), and `type=unknown` left it out.
    base, auth = base_and_auth
    invoice = _settled(base, auth, "invoice.txt", invoice_text().encode())
    memo = _settled(base, auth, "memo.txt", MEMO.encode())
    corrupt = _settled(base, auth, "corrupt.pdf", CORRUPT_PDF)
    too_big = _settled(base, auth, "big.txt", b"x" * 3001)
    assert (invoice["doc_type"], memo["doc_type"]) == ("invoice", "unknown")
    assert (corrupt["status"], corrupt["doc_type"]) == (too_big["status"], too_big["doc_type"]) == ("failed", None)

    assert _listed(base, auth, type="unknown") == [memo["run_id"], corrupt["run_id"], too_big["run_id"]]
    assert _listed(base, auth, type="unknown", status="failed") == [corrupt["run_id"], too_big["run_id"]]
    assert _listed(base, auth, type="invoice") == [invoice["run_id"]]
