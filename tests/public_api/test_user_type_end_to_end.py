"""A user's own document type, run end to end through the public API alone (`import claimflow`).

Declared, classified and extracted offline (claimflow's label-driven extractor), checked by the user's rule,
reviewed with an edit validated against the field's kind, and exported with the type's own columns.
"""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

import pytest

import claimflow
from claimflow import DocumentType, Field, ReviewDecision, RuleInput, RuleResult, rule


@rule("amount_within_budget", fields=["amount", "budget"])
def amount_within_budget(doc: RuleInput) -> RuleResult | None:
    """An expense claim does not exceed its approved budget."""
    amount, budget = doc.amount("amount"), doc.amount("budget")
    if amount is None or budget is None:
        return None
    return doc.check(amount <= budget, f"claimed {amount} against a budget of {budget}")


EXPENSE_CLAIM = DocumentType(
    name="expense_claim",
    description="An employee's claim for reimbursement of business expenses.",
    titles=("Expense Claim", "Spesenabrechnung"),
    fields=[
        Field("claim_number", "identifier", required=True, labels=("Claim No.", "Abrechnungsnummer")),
        Field("employee", "text", required=True, labels=("Employee", "Mitarbeiter")),
        Field("submitted", "date", labels=("Submitted", "Eingereicht am")),
        Field("amount", "amount", required=True, labels=("Amount claimed", "Betrag")),
        Field("budget", "amount", labels=("Approved budget", "Budget")),
        Field("currency", "currency", labels=("Currency", "Währung")),
    ],
    rules=[amount_within_budget],
    version="1",
)

CLAIM = """EXPENSE CLAIM
Claim No.: EC-2024-{number}
Employee: Dana Whitfield
Submitted: 04.03.2024
Currency: EUR
Approved budget: 500.00
Amount claimed: {amount}
"""


def _write(folder: Path, name: str, amount: str, number: str) -> Path:
    path = folder / name
    path.write_text(CLAIM.format(amount=amount, number=number), encoding="utf-8")
    return path


async def test_a_user_type_completes_is_reviewed_and_exports_its_own_columns(tmp_path: Path) -> None:
    within = _write(tmp_path, "claim-1.txt", "412.80", "0031")
    over = _write(tmp_path, "claim-2.txt", "612.80", "0032")
    async with claimflow.open_engine(data_dir=tmp_path / "data", types=[EXPENSE_CLAIM]) as engine:
        done = await engine.process(within)
        assert (done.status, done.doc_type) == ("completed", "expense_claim")
        assert done.fields["claim_number"].value == "EC-2024-0031"
        assert done.fields["amount"].value == "412.80"
        assert done.fields["submitted"].value == "2024-03-04"
        assert done.fields["amount"].evidence[0]["quote"] == "Amount claimed: 412.80"

        waiting = await engine.process(over)
        assert waiting.status == "needs_review"
        assert waiting.review_reasons == [
            "validation_failed: amount_within_budget: claimed 612.80 against a budget of 500.00"
        ]
        pending = await engine.pending_review(waiting.run_id)
        assert pending is not None and pending.request.editable_fields[:2] == ["claim_number", "employee"]

        # The edit is checked against the field's kind: the run stays paused and says why.
        with pytest.raises(claimflow.InvalidDecisionError, match=r"amount: value 'a lot' cannot be read as an amount"):
            await engine.decide(
                waiting.run_id, ReviewDecision(reviewer="kim", action="edit", edits={"amount": ["a lot"]})
            )
        assert (await engine.view(waiting.run_id)).status == "needs_review"

        fixed = ReviewDecision(reviewer="kim", action="edit", edits={"amount": ["500,00"]})
        await engine.decide(waiting.run_id, fixed, interrupt_id=pending.interrupt_id)
        reviewed = await engine.view(waiting.run_id)
        assert (reviewed.status, reviewed.fields["amount"].value) == ("completed", "500.00")

        record = await engine.record(waiting.run_id)
        assert record is not None and record.model_dump()["amount"]["value"] == Decimal("500.00")
        assert record.model_dump()["amount"]["decided_by"] == "reviewer kim"

        exported = await engine.export(tmp_path / "claims.csv")
        assert exported.records == 2 and exported.files == (tmp_path / "claims.csv",)
        rows = list(csv.DictReader((tmp_path / "claims.csv").read_text().splitlines()))
        fields = ("claim_number", "employee", "submitted", "amount", "budget", "currency")
        beside = ("status", "confidence", "decided_by", "page", "quote")
        assert list(rows[0]) == [
            "run_id", "document", "doc_type", *(f"{n}{s}" for n in fields for s in ("", *(f"_{b}" for b in beside))),
        ]  # fmt: skip
        assert [(r["document"], r["amount"], r["amount_status"]) for r in rows] == [
            ("claim-1.txt", "412.80", "accepted"),
            ("claim-2.txt", "500.00", "edited"),
        ]
        (await engine.export(tmp_path / "claims.jsonl"))
        lines = [json.loads(line) for line in (tmp_path / "claims.jsonl").read_text().splitlines()]
        assert {line["employee"]["value"] for line in lines} == {"Dana Whitfield"}


async def test_a_document_of_no_active_type_waits_for_review_naming_the_types(tmp_path: Path) -> None:
    memo = tmp_path / "memo.txt"
    memo.write_text("Team lunch moved to Friday. Bring your own mug.\n", encoding="utf-8")
    async with claimflow.open_engine(data_dir=tmp_path / "data", types=[EXPENSE_CLAIM]) as engine:
        run = await engine.process(memo)
    assert run.status == "needs_review"
    assert run.review_reasons == ["unknown_type: the document is none of: expense_claim"]


def test_declaring_a_type_does_not_load_the_runtime() -> None:
    import subprocess
    import sys

    probe = "import sys, claimflow; claimflow.DocumentType; print(int('langgraph' in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "0"
