"""A page footer (`Page 1 of 2`) under a table's last row is no row: its page count is no amount.

A PDF's text layer keeps no blank line for the gap between a table and the page's foot, so the footer follows
the last row directly in the text claimflow reads.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from reportlab.pdfgen.canvas import Canvas

from claimflow import Column, DocumentType, Field, RuleInput, RuleResult, rule
from claimflow.runtime.batch import process_files
from claimflow.runtime.engine import open_engine
from claimflow.runtime.settings import Settings
from claimflow.state.apply import check_row_claim
from claimflow.state.documents import SourceText
from tests.factories import row_claim
from tests.runtime._drawn_pdf import drawn_page


@rule("charges_sum_to_total", fields=["charges", "total_due"])
def charges_sum_to_total(doc: RuleInput) -> RuleResult | None:
    """The charges add up to the total due."""
    rows, total = doc.rows("charges"), doc.amount("total_due")
    if not rows or total is None:
        return None
    charged = sum((row.amount("amount") or Decimal(0) for row in rows), Decimal(0))
    return doc.check(charged == total, f"charges {charged} vs total {total}")


BILL = DocumentType(
    name="energy_bill",
    description="A bill from an energy supplier: account, charges, total due.",
    titles=("Electricity Bill",),
    fields=[
        Field("account_number", "identifier", required=True, labels=("Account Number",)),
        Field("total_due", "amount", required=True, labels=("Total Due",)),
        Field(
            "charges",
            "table",
            columns=[
                Column("description", "text", labels=("Description",)),
                Column("amount", "amount", required=True, labels=("Amount",)),
            ],
        ),  # fmt: skip
    ],
    rules=[charges_sum_to_total],
)

ROWS = (("Standing charge", "12.40"), ("Energy used", "90.00"), ("Loyalty credit", "-5.00"))


def _bill(pdf: Canvas) -> None:
    y = 800
    for line in ("Electricity Bill", "Account Number: 88-301-777", "Total Due: 97.40"):
        pdf.drawString(60, y, line)
        y -= 18
    pdf.drawString(60, y, "Description")
    pdf.drawRightString(400, y, "Amount")
    for description, amount in ROWS:
        y -= 18
        pdf.drawString(60, y, description)
        pdf.drawRightString(400, y, amount)
    pdf.drawString(60, 60, "Page 1 of 2")  # the page's foot, far below the table


async def test_the_offline_backend_ends_a_table_at_the_page_footer_of_a_real_pdf(tmp_path: Path) -> None:
    path = tmp_path / "bill.pdf"
    path.write_bytes(drawn_page(_bill))

    async with open_engine(Settings(data_dir=tmp_path / "data"), types=[BILL]) as engine:
        [row] = await process_files(engine, [path])
        state = await engine.state(row.run_id)
        assert state is not None and state.text is not None
        [page] = (await engine.store.load_text(state.text)).pages

    assert "Loyalty credit  -5.00\nPage 1 of 2" in page  # no blank line between the last row and the footer
    assert row.status == "completed", (row.error, state.review_reasons)
    rows = [(cells.cells["description"], cells.cells["amount"]) for cells in state.tables["charges"]]
    assert rows == [(description, amount) for description, amount in ROWS]


def test_a_row_claimed_from_the_page_footer_is_refused_naming_the_count() -> None:
    page = "Electricity Bill\nDescription Amount\nMeter 1 of 2 12.40\nPage 1 of 2\n"
    source = SourceText(pages=(page,))
    footer = row_claim("charges", {"description": "Page 1 of", "amount": "2.00"}, "Page 1 of 2", page=1)
    meter = row_claim("charges", {"description": "Meter 1 of 2", "amount": "12.40"}, "Meter 1 of 2 12.40", page=1)

    refused, _ = check_row_claim(BILL, footer, source, step="extract_energy_bill", claim_id="r1")
    kept, _ = check_row_claim(BILL, meter, source, step="extract_energy_bill", claim_id="r2")

    assert not refused.accepted
    assert "amount: '2.00' is written as a count ('Page 1 of 2'), not as an amount" in refused.reasons
    assert kept.accepted, kept.reasons  # a count in a row's description leaves its amount an amount
