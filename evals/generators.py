"""Documents for `document` golden cases, generated at eval time from a case's parameters.

Every figure is computed here (an invoice's net, tax and total add up unless a case says otherwise), so a
case states only what it varies. All names and numbers are invented.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

Generator = Callable[..., Path]
"""A generator: a directory to write into and the case's parameters in, the written file out."""

_CENT = Decimal("0.01")


def _money(value: Decimal) -> str:
    return str(value.quantize(_CENT, rounding=ROUND_HALF_UP))


def invoice_lines(
    *,
    vendor: str = "Brightline Print Services Ltd",
    number: str = "BPS-2024-0311",
    issued: str = "14 March 2024",
    due: str = "13 April 2024",
    currency: str = "GBP",
    items: list[tuple[str, int, str]] | None = None,
    vat_percent: int = 20,
    total_extra: str = "0.00",
) -> list[str]:
    """An invoice's text lines; `total_extra` is added to the printed total (to make one that does not add up)."""
    rows = items or [("Flyers A5 (1000)", 2, "60.00"), ("Posters A2", 5, "6.00")]
    amounts = [Decimal(price) * quantity for _, quantity, price in rows]
    net = sum(amounts, Decimal(0))
    vat = (net * vat_percent / 100).quantize(_CENT, rounding=ROUND_HALF_UP)
    total = net + vat + Decimal(total_extra)
    body = [f"{name:<22} {quantity:>3} {price:>11} {_money(amount):>10}" for (name, quantity, price), amount in
            zip(rows, amounts, strict=True)]  # fmt: skip
    return [
        vendor, "12 Harbour Road, Bristol BS1 4QA", "INVOICE", f"Invoice No.: {number}", f"Invoice Date: {issued}",
        f"Due Date: {due}", "Bill to: Meadow Cafe", "Description            Qty   Unit price   Amount", *body,
        f"Subtotal: {_money(net)}", f"VAT {vat_percent}%: {_money(vat)}", f"Total: {currency} {_money(total)}",
    ]  # fmt: skip


def text_invoice(directory: Path, *, filename: str = "invoice.txt", **params: Any) -> Path:
    """A plain-text invoice (see `invoice_lines` for the parameters)."""
    path = directory / filename
    path.write_text("\n".join(invoice_lines(**params)) + "\n")
    return path


def pdf_invoice(directory: Path, *, filename: str = "invoice.pdf", **params: Any) -> Path:
    """The same invoice as a one-page PDF with a text layer."""
    from reportlab.lib.pagesizes import A4  # imported here: only this generator draws a PDF
    from reportlab.pdfgen.canvas import Canvas

    path = directory / filename
    canvas = Canvas(str(path), pagesize=A4, invariant=True)
    canvas.setFont("Courier", 10)
    for number, line in enumerate(invoice_lines(**params)):
        canvas.drawString(50, 790 - 14 * number, line)
    canvas.save()
    return path


def text_receipt(
    directory: Path,
    *,
    filename: str = "receipt.txt",
    shop: str = "KEDAI RUNCIT MAJU JAYA",
    address: str = "NO 8, JALAN MELATI 3, 43000 KAJANG",
    date: str = "02/05/2018 14:22",
    items: list[tuple[str, int, str]] | None = None,
    paid: str = "30.00",
) -> Path:
    """A till receipt in ringgit; the total is the items' sum."""
    rows = items or [("MILO 1KG", 1, "18.90"), ("ROTI GARDENIA", 2, "5.60")]
    total = sum((Decimal(price) for _, _, price in rows), Decimal(0))
    lines = [shop, address, "TEL 03-8736 1234", "CASH RECEIPT", f"DATE: {date}",
             *(f"{name:<17} {quantity} {price:>7}" for name, quantity, price in rows),
             f"TOTAL:          RM {_money(total)}", f"CASH            RM {paid}",
             f"CHANGE          RM {_money(Decimal(paid) - total)}", "THANK YOU"]  # fmt: skip
    path = directory / filename
    path.write_text("\n".join(lines) + "\n")
    return path


def text_contract(
    directory: Path,
    *,
    filename: str = "contract.txt",
    first: str = "Orion Data Systems, Inc.",
    second: str = "Kestrel Analytics LLC",
    effective: str = "June 3, 2021",
    years: str = "three (3)",
    law: str = "the State of New York",
) -> Path:
    """A mutual non-disclosure agreement between two companies."""
    text = (
        "MUTUAL NON-DISCLOSURE AGREEMENT\n"
        f'This Mutual Non-Disclosure Agreement (the "Agreement") is entered into as of {effective} (the "Effective'
        f' Date") by and between {first}, a Delaware corporation, and {second}, a Texas limited liability company.\n'
        f"1. Term. The obligations of this Agreement shall continue for a period of {years} years from the"
        " Effective Date.\n"
        f"2. Governing Law. This Agreement shall be governed by the laws of {law}.\n"
    )
    path = directory / filename
    path.write_text(text)
    return path


def text_memo(directory: Path, *, filename: str = "memo.txt", subject: str = "Office move on Friday") -> Path:
    """An internal memo: a document of none of the built-in types."""
    path = directory / filename
    path.write_text(
        f"Internal memo\nTo: all staff\nFrom: Facilities\nSubject: {subject}\n"
        "Please pack your desks by Thursday evening. Boxes are in the kitchen.\n"
    )
    return path


GENERATORS: dict[str, Generator] = {
    "text_invoice": text_invoice,
    "pdf_invoice": pdf_invoice,
    "text_receipt": text_receipt,
    "text_contract": text_contract,
    "text_memo": text_memo,
}
"""Generator name (as a case names it) -> function."""

_FORWARDED: dict[str, Callable[..., object]] = {"text_invoice": invoice_lines, "pdf_invoice": invoice_lines}
"""Generators that pass their other keyword arguments on: the function that takes them."""


def _parameters(function: Callable[..., object]) -> list[str]:
    kinds = (inspect.Parameter.KEYWORD_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    return [
        p.name for p in inspect.signature(function).parameters.values() if p.kind in kinds and p.name != "directory"
    ]


def generator_problem(name: str, params: Mapping[str, Any]) -> str | None:
    """Why a case's generator and parameters cannot make its document (an unknown name or parameter), or None."""
    if name not in GENERATORS:
        return f"generator {name!r} does not exist; the generators: {', '.join(GENERATORS)}"
    known = _parameters(GENERATORS[name]) + (_parameters(_FORWARDED[name]) if name in _FORWARDED else [])
    unknown = [param for param in params if param not in known]
    if unknown:
        return (
            f"params names {', '.join(map(repr, unknown))}, which {name} does not take; its params: {', '.join(known)}"
        )
    return None
