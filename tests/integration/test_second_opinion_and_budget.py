"""Second opinion with arbitration, per-run budgets, and concurrent batches, through the real engine."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from langgraph.types import Command

from claimflow.nodes.ports import ModelInput
from claimflow.runtime.backends import rules
from claimflow.runtime.batch import process_files
from claimflow.runtime.engine import open_engine
from claimflow.runtime.explain import claims_of
from claimflow.runtime.gateway import RulesGateway
from claimflow.runtime.settings import Settings
from claimflow.state.budget import Budget
from claimflow.state.claims import ExtractionClaim
from claimflow.state.errors import InvalidDecisionError
from claimflow.state.evidence import ClaimedEvidence
from claimflow.state.policy import Policy
from claimflow.state.review import ReviewDecision
from tests.integration._docs import VENDOR, invoice_text, write
from tests.integration._fake_models import ScriptedGateway


def _with_total(value: str, quote: str) -> Callable[[ModelInput], ExtractionClaim]:
    """The rules backend's claim, with the total replaced by `value` quoting `quote`."""

    def answer(request: ModelInput) -> ExtractionClaim:
        assert request.doc_type is not None and request.doc_type.name == "invoice"
        base = rules.extract(request.doc_type, request.pages)
        total = next(f for f in base.fields if f.field == "total_amount")
        evidence = ClaimedEvidence(quote=quote, page=1)
        changed = total.model_copy(update={"value": value, "evidence": evidence})
        return ExtractionClaim(fields=[*(f for f in base.fields if f.field != "total_amount"), changed])

    return answer


async def test_two_extractors_run_concurrently_and_agreement_raises_confidence(data_dir: Path, docs_dir: Path) -> None:
    path = write(docs_dir, "invoice.txt", invoice_text())
    primary = ScriptedGateway("fake:primary", delay_s=0.05)
    second = ScriptedGateway("fake:second", delay_s=0.05)
    async with open_engine(Settings(data_dir=data_dir), gateway=primary, second_gateway=second) as engine:
        [row] = await process_files(engine, [path])
        state = await engine.state(row.run_id)
        events = await engine.registry.events(row.run_id)
        claims = claims_of(events)

    assert row.status == "completed", row.error
    assert primary.calls == ["classify", "extract_invoice"] and second.calls == ["extract_invoice"]
    assert primary.max_in_flight == 1 and second.max_in_flight == 1  # one document: one call each at a time
    assert state is not None
    vendor = state.fields["vendor_name"]
    assert vendor.value == VENDOR
    assert any(reason.startswith("agreed by primary:fake:primary and second:fake:second") for reason in vendor.reasons)
    single = 0.85  # what the rules backend claims for a labelled seller on its own
    assert vendor.confidence is not None and vendor.confidence > single
    [arbitrated] = [e["data"] for e in events if e["type"] == "arbitration.decided"]
    assert arbitrated["candidates"] == ["primary:fake:primary", "second:fake:second"]
    assert {c.origin for c in claims if c.field == "vendor_name"} == {
        "primary:fake:primary",
        "second:fake:second",
    }


async def test_calls_overlap_in_time(data_dir: Path, docs_dir: Path) -> None:
    path = write(docs_dir, "invoice.txt", invoice_text())
    shared = ScriptedGateway("fake:shared", delay_s=0.05)
    async with open_engine(Settings(data_dir=data_dir), gateway=shared, second_gateway=shared) as engine:
        await process_files(engine, [path])
    assert shared.calls.count("extract_invoice") == 2
    assert shared.max_in_flight == 2


async def test_disagreement_goes_to_review_with_both_candidates(data_dir: Path, docs_dir: Path) -> None:
    path = write(
        docs_dir, "invoice.txt", invoice_text(total="180.00").replace("Subtotal", "Invoice Total 10.00 GBP\nSubtotal")
    )
    second = ScriptedGateway("fake:second", {"extract_invoice": _with_total("10.00", "Invoice Total 10.00 GBP")})
    async with open_engine(Settings(data_dir=data_dir), gateway=RulesGateway(), second_gateway=second) as engine:
        [row] = await process_files(engine, [path])
        pending = await engine.pending_review(row.run_id)
        state = await engine.state(row.run_id)

    assert row.status == "needs_review"
    assert state is not None and pending is not None
    assert "conflicting_values" in [r.code for r in state.review_reasons]
    total = next(f for f in pending.request.fields if f.name == "total_amount")
    assert total.status == "rejected" and total.value is None
    conflict = next(r for r in total.reasons if r.startswith("conflicting values"))
    assert "'180.00'" in conflict and "'10.00'" in conflict and "(primary:rules)" in conflict
    assert "(second:fake:second)" in conflict


async def test_evidence_settles_a_disagreement(data_dir: Path, docs_dir: Path) -> None:
    path = write(docs_dir, "invoice.txt", invoice_text())
    fabricated = _with_total("999.00", "Total 999.00 GBP")
    second = ScriptedGateway("fake:second", {"extract_invoice": fabricated})
    async with open_engine(Settings(data_dir=data_dir), gateway=RulesGateway(), second_gateway=second) as engine:
        [row] = await process_files(engine, [path])
        state = await engine.state(row.run_id)
        claims = claims_of(await engine.registry.events(row.run_id))

    assert state is not None
    total = state.fields["total_amount"]
    assert (total.value, total.status) == ("180.00", "accepted")
    rejected = [c for c in claims if c.field == "total_amount" and not c.accepted]
    assert rejected and rejected[0].origin == "second:fake:second"
    assert "not in the document" in rejected[0].reasons[0]


async def test_a_budget_stops_model_calls_and_sends_the_run_to_review(data_dir: Path, docs_dir: Path) -> None:
    path = write(docs_dir, "invoice.txt", invoice_text())
    model = ScriptedGateway("fake:model", tokens=(1000, 200), cost=0.02)
    policy = Policy(budget=Budget(max_cost=0.015))
    async with open_engine(Settings(data_dir=data_dir, policy=policy), gateway=model) as engine:
        [row] = await process_files(engine, [path])
        state = await engine.state(row.run_id)
        events = [e["type"] for e in await engine.registry.events(row.run_id)]

    assert model.calls == ["classify"]  # the extraction call would have started beyond the budget
    assert row.status == "needs_review"
    assert state is not None and state.budget_stop is not None
    assert state.usage.calls == 1 and state.usage.cost == 0.02 and state.usage.input_tokens == 1000
    assert [r.code for r in state.review_reasons] == ["budget_exceeded"]
    assert "budget.exceeded" in events


async def test_the_budget_still_holds_after_a_resume_in_a_new_engine(data_dir: Path, docs_dir: Path) -> None:
    path = write(docs_dir, "invoice.txt", invoice_text())
    policy = Policy(budget=Budget(max_calls=1))
    async with open_engine(Settings(data_dir=data_dir, policy=policy), gateway=ScriptedGateway("fake:a")) as engine:
        [row] = await process_files(engine, [path])
    later = ScriptedGateway("fake:b")
    async with open_engine(Settings(data_dir=data_dir, policy=policy), gateway=later) as engine:
        decision = ReviewDecision.model_validate({"reviewer": "ann", "action": "edit", "doc_type": "invoice"})
        row = await engine.decide(row.run_id, decision)
        state = await engine.state(row.run_id)
    assert later.calls == []  # the totals came back from the checkpoint: no call was allowed
    assert row.status == "needs_review"
    assert state is not None and state.usage.calls == 1


async def test_a_budget_can_fail_the_run_instead(data_dir: Path, docs_dir: Path) -> None:
    path = write(docs_dir, "invoice.txt", invoice_text())
    policy = Policy(budget=Budget(max_calls=1, on_exceeded="fail"))
    async with open_engine(Settings(data_dir=data_dir, policy=policy), gateway=ScriptedGateway("fake:a")) as engine:
        [row] = await process_files(engine, [path])
    assert row.status == "failed"
    assert row.error is not None and row.error.startswith("budget exceeded: 1 model call(s) made")


async def test_a_concurrent_batch_overlaps_documents(data_dir: Path, docs_dir: Path) -> None:
    paths = [write(docs_dir, f"inv-{i}.txt", invoice_text(f"NW-2024-{i:04d}")) for i in range(6)]
    model = ScriptedGateway("fake:slow", delay_s=0.05)
    async with open_engine(Settings(data_dir=data_dir), gateway=model) as engine:
        rows = await process_files(engine, paths, concurrency=3)
    assert [row.filename for row in rows] == [p.name for p in paths]
    assert all(row.status == "completed" for row in rows), [(r.filename, r.error) for r in rows]
    assert model.max_in_flight == 3


async def test_approving_a_run_whose_budget_classify_spent_is_refused_and_it_stays_paused(
    data_dir: Path, docs_dir: Path
) -> None:
    # Paused before extraction (`--max-calls 1`): approving it would complete it with every required field empty.
    path = write(docs_dir, "invoice.txt", invoice_text())
    policy = Policy(budget=Budget(max_calls=1))
    async with open_engine(Settings(data_dir=data_dir, policy=policy), gateway=ScriptedGateway("fake:a")) as engine:
        [row] = await process_files(engine, [path])
        pending = await engine.pending_review(row.run_id)
        assert row.status == "needs_review" and pending is not None
        approve = ReviewDecision(reviewer="ana", action="approve")

        with pytest.raises(InvalidDecisionError, match="required field\\(s\\) without a value: vendor_name") as said:
            await engine.decide(row.run_id, approve)
        # The graph's own resume (a LangGraph server's) refuses it alike, and keeps nothing.
        config = {"configurable": {"thread_id": row.run_id}}
        resume = Command(resume=approve.model_dump(mode="json"))
        with pytest.raises(InvalidDecisionError, match="invoice_number, issue_date, total_amount"):
            await engine.graph.ainvoke(resume, config, context=engine.context, durability="sync")

        still = await engine.registry.get_run(row.run_id)
        again = await engine.pending_review(row.run_id)
        rejected = await engine.decide(row.run_id, ReviewDecision(reviewer="ana", action="reject", reason="no budget"))
    assert "set them with an edit (`--set FIELD=VALUE`) or reject the run (`--reject`)" in str(said.value)
    assert still.status == "needs_review"
    assert again is not None and again.interrupt_id == pending.interrupt_id
    assert rejected.status == "rejected"
