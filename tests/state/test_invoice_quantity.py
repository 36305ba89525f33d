"""A line's quantity on the built-in invoice is a number, read as the document marks its decimals (version 4).

Declared an amount before, a quantity of three decimals was money to it: `48.250 l` of diesel was accepted as
48250.00 and the true 48.25 refused, and `0.125 kg` could not be read at all.
"""

from __future__ import annotations

import pytest

from claimflow.doctypes.invoice import INVOICE
from claimflow.state.apply import apply_extraction
from claimflow.state.claims import ExtractionClaim
from claimflow.state.documents import SourceText
from tests.factories import row_claim

DIESEL = "Diesel fuel 48.250 l 1.80 86.85"
WIRE = "Copper wire 0.125 kg 80.00 10.00"
SOURCE = SourceText(pages=(f"INVOICE\n{DIESEL}\n{WIRE}\nTotal 96.85 EUR\n",))
"""Its figures with two decimals use a dot: the dot marks decimals, so `48.250` is 48.25."""


def _applied(description: str, quantity: str, line: str) -> tuple[list[dict[str, str | None]], list[str]]:
    *_, price, amount = line.split()
    cells = {"description": description, "quantity": quantity, "unit_price": price, "amount": amount}
    claim = ExtractionClaim(fields=[], rows=[row_claim("line_items", cells, line)])
    patch = apply_extraction(INVOICE, claim, SOURCE, step="extract_invoice", attempt=1)
    rows = [row.cells for row in (patch.tables or {}).get("line_items", [])]
    return rows, [reason for outcome in patch.claims or [] for reason in outcome.reasons]


def test_the_item_tables_quantity_is_declared_a_number() -> None:
    assert INVOICE.version == "4"
    assert {column.name: column.kind for column in INVOICE.field("line_items").columns}["quantity"] == "number"


@pytest.mark.parametrize(
    ("description", "claimed", "line", "read"),
    [
        ("Diesel fuel", "48.25", DIESEL, "48.25"),
        ("Diesel fuel", "48.250", DIESEL, "48.25"),
        ("Copper wire", "0.125", WIRE, "0.125"),
    ],
)
def test_a_quantity_of_three_decimals_is_accepted_as_the_page_means_it(
    description: str, claimed: str, line: str, read: str
) -> None:
    rows, _ = _applied(description, claimed, line)
    assert [row["quantity"] for row in rows] == [read]


def test_a_quantity_a_thousand_times_what_the_page_means_is_refused_with_why() -> None:
    rows, reasons = _applied("Diesel fuel", "48250", DIESEL)
    assert rows == []
    assert reasons == [
        f"quantity: the page writes '{DIESEL}', which reads 48.25 there, not 48250: the document's figures mark"
        " decimals with a dot"
    ]


GADGET = "Gadget 1 100.00 100.00"
"""A quantity of 1 before a price of 100-999: `1 100.00` would also read as 1100.00 with a space grouping it."""


def _row(cells: dict[str, str], line: str, page: str) -> tuple[list[list[str]], list[str]]:
    claim = ExtractionClaim(fields=[], rows=[row_claim("line_items", cells, line)])
    patch = apply_extraction(INVOICE, claim, SourceText(pages=(page,)), step="extract_invoice", attempt=1)
    rows = (patch.tables or {}).get("line_items", [])
    return [row.doubts for row in rows], [reason for outcome in patch.claims or [] for reason in outcome.reasons]


@pytest.mark.parametrize(
    "page",
    [
        f"INVOICE\nDescription Qty Unit price Amount\nWidget 2 50.00 100.00\n{GADGET}\nNet: 200.00 EUR\n",
        f"INVOICE\n{GADGET}\n",  # no other figure says how the document marks decimals
    ],
)
def test_a_quantity_the_claims_own_cells_part_from_the_next_figure_is_in_no_doubt(page: str) -> None:
    cells = {"description": "Gadget", "quantity": "1", "unit_price": "100.00", "amount": "100.00"}
    doubts, reasons = _row(cells, GADGET, page)
    assert doubts == [[]], reasons


def test_a_quantity_a_space_may_group_with_a_figure_no_cell_claims_is_in_doubt_naming_the_space() -> None:
    cells = {"description": "Gadget", "quantity": "1", "amount": "100.00"}  # the price is not claimed
    doubts, _ = _row(cells, GADGET, f"INVOICE\n{GADGET}\nNet: 100.00 EUR\n")
    assert doubts == [
        [
            f"quantity: the page writes '{GADGET}', which reads 1 or 1100: a space may group the thousands of one "
            "number ('1 100.00') or part two values"
        ]
    ]
