"""The server's worker pool: bounded concurrency, and runs a stopping server leaves are continued next start."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import replace

import pytest

from claimflow.doctypes import BUILTIN_TYPES
from claimflow.runtime.engine import open_engine
from claimflow.runtime.registry import RunRow
from claimflow.runtime.service import runs
from claimflow.runtime.settings import Settings
from tests.integration._docs import invoice_text
from tests.integration._fake_models import ScriptedGateway
from tests.service._api import serving


async def _until(condition: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"{what} did not happen within {timeout} s"
        await asyncio.sleep(0.02)


async def test_uploads_advance_at_most_the_configured_number_at_once(settings: Settings) -> None:
    model = ScriptedGateway("scripted", delay_s=0.1)
    async with serving(replace(settings, serve_concurrency=2), gateway=model) as api:
        uploads = [await api.upload(f"{n}.txt", invoice_text(f"NW-{n}")) for n in range(6)]
        assert all(response.json()["status"] == "queued" for response in uploads)
        done = [await api.settled(response.json()["run_id"]) for response in uploads]

    assert [view["status"] for view in done] == ["completed"] * 6
    assert model.max_in_flight == 2  # the bound was reached, never passed


async def test_a_run_cut_off_by_a_server_stop_completes_on_the_next_start(settings: Settings) -> None:
    stuck = ScriptedGateway("scripted", delay_s=3600)
    async with serving(settings, gateway=stuck) as api:
        run_id = (await api.upload("cut.txt", invoice_text())).json()["run_id"]
        await _until(lambda: stuck.in_flight == 1, "the run's first model call")
    # The server stopped in the middle of the run: it is left running, with no process holding it.
    row = await _row(settings, run_id)
    assert (row.status, row.lease_owner) == ("running", None)

    async with serving(settings, tokens=False, gateway=ScriptedGateway("scripted")) as again:
        again.tokens = api.tokens
        done = await again.settled(run_id)

    assert done["status"] == "completed"
    assert done["fields"]["total_amount"]["value"] == "180.00"


async def _row(settings: Settings, run_id: str) -> RunRow:
    async with open_engine(settings, types=BUILTIN_TYPES, readonly=True) as engine:
        return await engine.registry.get_run(run_id)


async def test_metrics_count_the_cost_of_model_calls(settings: Settings) -> None:
    model = ScriptedGateway("scripted", cost=0.25)
    async with serving(settings, gateway=model) as api:
        await api.processed("a.txt", invoice_text())
        await api.processed("b.txt", invoice_text("NW-2"))
        text = (await api.client.get("/metrics", headers=api.auth("submitter"))).text

    assert f"claimflow_model_calls_total {len(model.calls)}" in text
    assert f"claimflow_model_cost_total {0.25 * len(model.calls):.6f}" in text
    assert len(model.calls) == 4


async def test_a_silent_stream_sends_keepalive_comments_until_events_come(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runs, "KEEPALIVE_SECONDS", 0.05)
    slow = ScriptedGateway("scripted", delay_s=0.5)
    async with serving(settings, gateway=slow) as api:
        run_id = (await api.upload("slow.txt", invoice_text())).json()["run_id"]
        text = (await api.client.get(f"/v1/runs/{run_id}/events/stream", headers=api.auth("admin"))).text

    blocks = text.strip().split("\n\n")
    assert ": keepalive" in blocks  # while the model call was under way
    events = [block for block in blocks if block.startswith("id: ")]
    assert len(events) == len(await _events(settings, run_id))
    assert blocks[-1] == "event: end\ndata: {}"


async def _events(settings: Settings, run_id: str) -> list[dict[str, object]]:
    async with open_engine(settings, types=BUILTIN_TYPES, readonly=True) as engine:
        return await engine.registry.events(run_id)
