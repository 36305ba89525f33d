"""The stricter evidence check through the real engine: a model's quote must prove the field it claims.

A value must be written as a whole token of its quote, and the label governing it must be the field's own
(or none): a due date quoted from the invoice date's line proves the issue date, not the due date.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from claimflow import ClaimedEvidence, ExtractionClaim
from claimflow.nodes.ports import ModelInput
from claimflow.runtime.backends import rules
from claimflow.runtime.batch import process_files
from claimflow.runtime.engine import open_engine
from claimflow.runtime.explain import claims_of
from claimflow.runtime.settings import Settings
from claimflow.state.policy import Policy, StepPolicy
from tests.integration._docs import invoice_text, write
from tests.integration._fake_models import ScriptedGateway


def _claiming(field: str, value: str, quote: str) -> Callable[[ModelInput], ExtractionClaim]:
    """The rules backend's claim, with `field` claimed as `value` quoting `quote` (which is in the document)."""

    def answer(request: ModelInput) -> ExtractionClaim:
        assert request.doc_type is not None
        base = rules.extract(request.doc_type, request.pages)
        claimed = next(f for f in base.fields if f.field == field)
        changed = claimed.model_copy(update={"value": value, "evidence": ClaimedEvidence(quote=quote, page=1)})
        return base.model_copy(update={"fields": [*(f for f in base.fields if f.field != field), changed]})

    return answer


def _model(field: str, value: str, quote: str) -> ScriptedGateway:
    return ScriptedGateway("fake:model", {"extract_invoice": _claiming(field, value, quote)})


async def test_a_due_date_quoted_from_the_invoice_date_line_is_rejected(data_dir: Path, docs_dir: Path) -> None:
    path = write(docs_dir, "invoice.txt", invoice_text())
    model = _model("due_date", "2024-03-05", "Invoice Date: 05.03.2024")
    async with open_engine(Settings(data_dir=data_dir), gateway=model) as engine:
        [row] = await process_files(engine, [path])
        state = await engine.state(row.run_id)
        view = (await engine.view(row.run_id)).model_dump(mode="json")
        claims = claims_of(await engine.registry.events(row.run_id))

    assert state is not None
    [claim] = [c for c in claims if c.field == "due_date"]
    assert not claim.accepted and (claim.check, claim.label) == ("wrong_label", "Invoice Date")
    assert claim.reasons == ["'2024-03-05' stands under 'Invoice Date', the label of issue_date, not of due_date"]
    assert (state.fields["due_date"].status, state.fields["due_date"].value) == ("rejected", None)
    # The same line still proves the field it belongs to.
    assert (state.fields["issue_date"].value, state.fields["issue_date"].status) == ("2024-03-05", "accepted")
    # An optional field without proof is marked unsupported; the default policy does not review it for that.
    assert row.status == "completed"
    assert view["fields"]["due_date"] == {"value": None, "status": "rejected", "confidence": None, "evidence": []}


async def test_policy_can_send_every_unsupported_field_to_review(data_dir: Path, docs_dir: Path) -> None:
    path = write(docs_dir, "invoice.txt", invoice_text())
    model = _model("due_date", "2024-03-05", "Invoice Date: 05.03.2024")
    policy = Policy(steps={"classify": StepPolicy(), "extract": StepPolicy(on_missing_evidence="review")})
    async with open_engine(Settings(data_dir=data_dir, policy=policy), gateway=model) as engine:
        [row] = await process_files(engine, [path])
        state = await engine.state(row.run_id)

    assert row.status == "needs_review"
    assert state is not None
    [reason] = state.review_reasons
    assert reason.code == "unsupported_evidence" and reason.field == "due_date"
    assert "the label of issue_date, not of due_date" in reason.message


async def test_a_value_that_is_only_part_of_a_token_is_rejected(data_dir: Path, docs_dir: Path) -> None:
    path = write(docs_dir, "invoice.txt", invoice_text("NW-2024-0117"))
    model = _model("invoice_number", "2024", "Invoice No.: NW-2024-0117")
    async with open_engine(Settings(data_dir=data_dir), gateway=model) as engine:
        [row] = await process_files(engine, [path])
        state = await engine.state(row.run_id)
        claims = claims_of(await engine.registry.events(row.run_id))

    assert row.status == "needs_review"
    assert state is not None
    [claim] = [c for c in claims if c.field == "invoice_number"]
    assert not claim.accepted and claim.check == "value_not_in_quote"
    assert claim.reasons == ["value '2024' is not written as a whole identifier in quote 'Invoice No.: NW-2024-0117'"]
    # A required field without a proved value: the rule and the rejected claim are both reasons.
    assert [r.code for r in state.review_reasons] == ["missing_required", "unsupported_evidence"]
    assert "invoice_number" in state.review_reasons[0].message


async def test_a_vendor_quoted_from_the_buyers_block_is_rejected(data_dir: Path, docs_dir: Path) -> None:
    text = invoice_text().replace("14 Harbour Road", "Bill to: Contoso Trading GmbH\n14 Harbour Road")
    path = write(docs_dir, "invoice.txt", text)
    model = _model("vendor_name", "Contoso Trading GmbH", "Bill to: Contoso Trading GmbH")
    async with open_engine(Settings(data_dir=data_dir), gateway=model) as engine:
        [row] = await process_files(engine, [path])
        state = await engine.state(row.run_id)
        claims = claims_of(await engine.registry.events(row.run_id))

    assert state is not None
    [claim] = [c for c in claims if c.field == "vendor_name"]
    assert not claim.accepted and (claim.check, claim.label) == ("counter_label", "Bill to")
    assert row.status == "needs_review"
    assert [r.code for r in state.review_reasons] == ["missing_required", "unsupported_evidence"]
