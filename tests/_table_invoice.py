"""An invoice with two lines that waits for review, and the refusal of a decision that sets its lines.

Shared by the CLI and REST tests of table fields under review.
"""

from __future__ import annotations

LINES = ("Copier paper A4 2 10.00 20.00", "Gel pens, blue 3 5.00 15.00")
"""The invoice's lines as written: each row's evidence quotes one."""

INVOICE = f"""Harbour Stationery Ltd
INVOICE
Invoice No.: HS-3301
Invoice Date: 02.04.2024
Description Qty Unit Price Amount
{LINES[0]}
{LINES[1]}
Subtotal: 35.00
VAT 20%: 7.00
Total: EUR 45.00
"""
"""Two invoice lines; the total is not net + VAT, so the run waits for review."""

CELLS = [
    {"description": "Copier paper A4", "quantity": "2", "unit_price": "10.00", "amount": "20.00"},
    {"description": "Gel pens, blue", "quantity": "3", "unit_price": "5.00", "amount": "15.00"},
]
"""The rows' cells as read (amounts and quantities normalized)."""

TABLE_REFUSAL = (
    "line_items is a table: its rows cannot be set whole in a decision; set its cells"
    " (`--set line_items.ROW.COLUMN=VALUE`) or drop rows (`--drop-row line_items.ROW`), rows numbered from 1"
    " as the review shows them"
)
