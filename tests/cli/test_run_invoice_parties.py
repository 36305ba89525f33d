"""An invoice's buyer, seller's VAT id, order number, IBAN, amount due and kind, through `claimflow run`.

The IBAN reaches the extractor masked and the record with its original; a credit note is a credit note; a total
printed only as what is due is both the total and the amount due; an amount due above the total goes to review.
The documents are synthetic.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from tests.integration._docs import json_lines, run_cli, write

INVOICE = """Harbour Tools Ltd · 4 Quay Road · BS1 6XY Bristol
Greenfield Builders
12 Station Road
Cardiff CF10 1AA
{title}
Invoice No.: INV-2024-117
Invoice Date: 12 March 2024
Due Date: 11 April 2024
Purchase Order No.: PO-88172
Bill to: Greenfield Builders Ltd
Subtotal £100.00
VAT 20% £20.00
{total}
Harbour Tools Ltd
VAT Reg. No.: GB 294 7716 58
IBAN: GB29 NWBK 6016 1331 9268 19 BIC: NWBKGB2L
"""


def _run(tmp_path: Path, **parts: str) -> dict[str, Any]:
    write(tmp_path / "docs", "invoice.txt", INVOICE.format(**parts))
    done = run_cli("run", tmp_path / "docs", "--json", "--data-dir", tmp_path / "data", "--model", "rules")
    [view] = json_lines(done.stdout)
    return view


def _values(view: dict[str, Any]) -> dict[str, Any]:
    return {name: field["value"] for name, field in view["fields"].items() if name != "line_items"}


def test_an_invoices_parties_and_payment_details_are_read_and_exported(tmp_path: Path) -> None:
    view = _run(tmp_path, title="INVOICE", total="Total £120.00\nAmount Due £120.00")
    assert (view["status"], view["review_reasons"]) == ("completed", []), view
    assert _values(view) == {
        "vendor_name": "Harbour Tools Ltd", "invoice_number": "INV-2024-117", "issue_date": "2024-03-12",
        "due_date": "2024-04-11", "currency": "GBP", "net_amount": "100.00", "tax_amount": "20.00",
        "total_amount": "120.00", "amount_due": "120.00", "buyer_name": "Greenfield Builders Ltd",
        "vendor_tax_id": "GB294771658", "order_number": "PO-88172", "iban": "GB29 NWBK 6016 1331 9268 19",
        "invoice_type": "commercial_invoice", "invoice_type_code": "380",
    }  # fmt: skip
    # The IBAN was masked for the extractor: its claim names the placeholder, and the record the original.
    explained = run_cli("explain", view["run_id"], "--data-dir", tmp_path / "data")
    assert "iban = 'GB29 NWBK 6016 1331 9268 19' [accepted]" in explained.stdout
    assert "rule amount_due_not_above_total: passed - due 120.00 is not above the total 120.00" in explained.stdout
    out = tmp_path / "invoices.csv"
    assert run_cli("export", out, "--type", "invoice", "--data-dir", tmp_path / "data").returncode == 0
    [record] = list(csv.DictReader(out.read_text(encoding="utf-8").splitlines()))
    assert (record["buyer_name"], record["iban"], record["invoice_type_code"]) == (
        "Greenfield Builders Ltd",
        "GB29 NWBK 6016 1331 9268 19",
        "380",
    )


def test_a_vat_id_in_a_table_of_registration_details_is_read_and_its_evidence_accepted(tmp_path: Path) -> None:
    document = INVOICE.format(title="INVOICE", total="Total £120.00").replace(
        "VAT Reg. No.: GB 294 7716 58", "VAT Registration No. Phone No. Email\nGB294771658 0117 496 0000 ap@example.com"
    )
    write(tmp_path / "docs", "invoice.txt", document)
    done = run_cli("run", tmp_path / "docs", "--json", "--data-dir", tmp_path / "data", "--model", "rules")
    [view] = json_lines(done.stdout)
    assert view["fields"]["vendor_tax_id"]["value"] == "GB294771658"
    assert view["fields"]["vendor_tax_id"]["status"] == "accepted", view["fields"]["vendor_tax_id"]


def test_a_total_printed_only_as_what_is_due_is_both(tmp_path: Path) -> None:
    view = _run(tmp_path, title="INVOICE", total="Total Due £120.00")
    values = _values(view)
    assert (values["total_amount"], values["amount_due"]) == ("120.00", "120.00")
    assert view["fields"]["total_amount"]["status"] == "accepted"


def test_a_credit_note_is_a_credit_note(tmp_path: Path) -> None:
    view = _run(tmp_path, title="CREDIT NOTE", total="Total £120.00")
    values = _values(view)
    assert (values["invoice_type"], values["invoice_type_code"]) == ("credit_note", "381")


def test_more_due_than_the_total_goes_to_review(tmp_path: Path) -> None:
    view = _run(tmp_path, title="INVOICE", total="Total £120.00\nBalance Due £150.00")
    assert view["status"] == "needs_review"
    assert (
        "validation_failed: amount_due_not_above_total: due 150.00 is above the total 120.00" in view["review_reasons"]
    )
