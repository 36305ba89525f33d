"""/metrics: Prometheus text whose numbers are the registry's."""

from __future__ import annotations

import asyncio
import re
import threading
import time
from pathlib import Path

from claimflow.doctypes import BUILTIN_TYPES
from claimflow.runtime.settings import Settings
from tests.integration._docs import CORRUPT_PDF, MEMO, invoice_text, json_lines, mismatch_invoice_text, run_cli
from tests.integration._spinning import ORDER_TEXT, order_form, spinning_until
from tests.service._api import Api, serving


def _samples(text: str) -> dict[str, float]:
    samples = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            samples[name] = float(value)
    return samples


async def test_metrics_match_the_registry(api: Api) -> None:
    await api.processed("clean.txt", invoice_text())
    await api.processed("clean2.txt", invoice_text("NW-2"))
    await api.processed("mismatch.txt", mismatch_invoice_text())
    await api.processed("memo.txt", MEMO)
    await api.processed("broken.pdf", CORRUPT_PDF)
    before = time.time()

    response = await api.client.get("/metrics", headers=api.auth("admin"))

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    samples = _samples(response.text)
    assert samples['claimflow_runs{status="completed"}'] == 2
    assert samples['claimflow_runs{status="needs_review"}'] == 2
    assert samples['claimflow_runs{status="failed"}'] == 1
    assert samples["claimflow_reviews_waiting"] == 2
    # Model calls and cost are what the registry's events hold.
    events = [e for row in await api.engine.registry.list_runs() for e in await api.engine.registry.events(row.run_id)]
    calls = [e for e in events if e["type"] == "model.called"]
    assert samples["claimflow_model_calls_total"] == len(calls) > 0
    assert samples["claimflow_model_cost_total"] == round(sum(e["data"]["cost"] for e in calls), 6)
    # The oldest review waits since the mismatch run paused.
    pending = await api.engine.pending_review((await api.engine.registry.list_runs("needs_review"))[0].run_id)
    assert pending is not None and pending.opened_at is not None
    assert before - pending.opened_at - 1 <= samples["claimflow_oldest_review_age_seconds"]
    assert samples["claimflow_oldest_review_age_seconds"] <= time.time() - pending.opened_at + 1
    assert re.search(r"^# TYPE claimflow_model_calls_total counter$", response.text, re.MULTILINE)


async def test_metrics_of_an_empty_registry_are_zero(api: Api) -> None:
    samples = _samples((await api.client.get("/metrics", headers=api.auth("admin"))).text)

    assert samples == {
        "claimflow_runs_rejected": 0,
        "claimflow_reviews_waiting": 0,
        "claimflow_oldest_review_age_seconds": 0,
        "claimflow_model_calls_total": 0,
        "claimflow_model_cost_total": 0,
        "claimflow_abandoned_work_running": 0,
    }


async def test_code_spinning_past_its_documents_wall_time_is_counted_until_it_returns(tmp_path: Path) -> None:
    release = threading.Event()
    settings = Settings(data_dir=tmp_path / "data", max_document_seconds=2.0)
    types = (*BUILTIN_TYPES, order_form(spinning_until(release), "rule"))
    try:
        async with serving(settings, types=types) as api:
            order = await api.processed("order.txt", ORDER_TEXT)
            assert order["status"] == "failed"

            text = (await api.client.get("/metrics", headers=api.auth("admin"))).text
            assert _samples(text)["claimflow_abandoned_work_running"] == 1
            assert re.search(r"^# TYPE claimflow_abandoned_work_running gauge$", text, re.MULTILINE)

            release.set()
            deadline = time.monotonic() + 10
            while _samples((await api.client.get("/metrics", headers=api.auth("admin"))).text)[
                "claimflow_abandoned_work_running"
            ]:
                assert time.monotonic() < deadline, "the released rule is still counted"
                await asyncio.sleep(0.02)
    finally:
        release.set()


async def test_a_run_rejected_in_review_counts_as_failed_and_as_rejected_as_status_counts_it(api: Api) -> None:
    await api.processed("broken.pdf", CORRUPT_PDF)
    paused = await api.processed("mismatch.txt", mismatch_invoice_text())
    run_id = paused["run_id"]
    review = (await api.client.get(f"/v1/reviews/{run_id}", headers=api.auth("reviewer"))).json()
    body = {"interrupt_id": review["interrupt_id"], "action": "reject", "reason": "not ours"}
    decided = await api.client.post(f"/v1/reviews/{run_id}/decision", json=body, headers=api.auth("reviewer"))
    assert decided.status_code == 200 and (await api.engine.registry.get_run(run_id)).status == "rejected"

    response = await api.client.get("/metrics", headers=api.auth("admin"))

    samples = _samples(response.text)
    runs = {name: value for name, value in samples.items() if name.startswith("claimflow_runs{")}
    # One word for one run, as `runs` and `status` give it: the rejected run is failed, and the series add up to
    # all the runs; how many of the failed were rejected is a gauge of its own, as `status` says it.
    assert runs == {'claimflow_runs{status="failed"}': 2}
    assert samples["claimflow_runs_rejected"] == 1
    status = run_cli("status", "--json", CLAIMFLOW_DATA_DIR=str(api.engine.settings.data_dir))
    assert status.returncode == 0, status.stderr
    [found] = json_lines(status.stdout)
    assert (found["runs"], found["rejected"]) == ({"failed": 2}, 1)
    assert re.search(r"^# TYPE claimflow_runs_rejected gauge$", response.text, re.MULTILINE)
