"""An embedding program cancels `Engine.process`, or processes one file twice at once, through `import claimflow`.

Cancelled mid-document, the run is left where its last checkpoint put it, leased to nobody, so `recover` (of
this process or another) finishes it without running a finished step again. Two calls for one file advance
its run once; both get its result.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path

import pytest

import claimflow
from tests.integration._docs import invoice_text, write
from tests.integration._fake_models import StallingGateway


async def _events(engine: claimflow.Engine, run_id: str) -> Counter[str]:
    return Counter(item["type"] for item in await engine.registry.events(run_id))


async def test_a_cancelled_process_leaves_its_run_for_recover_to_finish(tmp_path: Path) -> None:
    invoice = write(tmp_path, "invoice.txt", invoice_text("NW-2024-0951"))
    gateway = StallingGateway()
    async with claimflow.open_engine(data_dir=tmp_path / "data", gateway=gateway) as engine:
        processing = asyncio.create_task(engine.process(invoice))
        await gateway.stalled.wait()  # parsed and masked, waiting for the model to classify it
        processing.cancel()
        with pytest.raises(asyncio.CancelledError):
            await processing

        (left,) = await engine.runs()
        assert left.status == "running" and left.lease_owner is None  # nobody holds it: recover may take it
        (recovered,) = await engine.recover()

        assert recovered.run_id == left.run_id and recovered.status == "completed"
        events = await _events(engine, left.run_id)
        assert events["document.parsed"] == 1 and events["run.completed"] == 1  # continued, not started over
        assert (await engine.view(left.run_id)).fields["invoice_number"].value == "NW-2024-0951"


async def test_one_file_processed_twice_at_once_is_advanced_once(tmp_path: Path) -> None:
    invoice = write(tmp_path, "invoice.txt", invoice_text("NW-2024-0952"))
    async with claimflow.open_engine(data_dir=tmp_path / "data") as engine:
        first, second = await asyncio.gather(engine.process(invoice), engine.process(invoice))
        events = await _events(engine, first.run_id)
        alone = await engine.process(write(tmp_path, "other.txt", invoice_text("NW-2024-0953")))
        steps_alone = (await _events(engine, alone.run_id))["step.started"]

    assert first == second and first.status == "completed"
    assert events["run.completed"] == 1 and events["document.parsed"] == 1
    assert events["step.started"] == steps_alone  # each step once, as for a file processed once


async def test_a_path_given_as_a_string_is_processed(tmp_path: Path) -> None:
    document = write(tmp_path, "invoice.txt", invoice_text())
    async with claimflow.open_engine(data_dir=str(tmp_path / "data")) as engine:
        run = await engine.process(str(document))
    assert run.status == "completed" and run.document == "invoice.txt"


async def test_a_decision_cancelled_while_its_run_resumes_leaves_the_run_for_recover(tmp_path: Path) -> None:
    memo = write(tmp_path, "memo.txt", "Team notes\nWe talked about the spring picnic and the parking.\n")
    gateway = StallingGateway(armed=False)
    async with claimflow.open_engine(data_dir=tmp_path / "data", gateway=gateway) as engine:
        paused = await engine.process(memo)
        assert paused.status == "needs_review"
        # Naming the type runs extraction after the review: a model call, which stalls.
        edit = claimflow.ReviewDecision(reviewer="kim", action="edit", doc_type="invoice")
        gateway.armed = True
        deciding = asyncio.create_task(engine.decide(paused.run_id, edit))
        await gateway.stalled.wait()
        deciding.cancel()
        with pytest.raises(asyncio.CancelledError):
            await deciding

        left = await engine.registry.get_run(paused.run_id)
        assert left.status == "resuming" and left.lease_owner is None  # nobody holds it: recover may take it
        (recovered,) = await engine.recover()
        decisions = await engine.registry.decisions(paused.run_id)

    assert recovered.status in ("completed", "needs_review") and recovered.lease_owner is None
    assert [d["outcome"] for d in decisions] == ["applied"]  # its resume was committed: recover finished it
