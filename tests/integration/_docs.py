"""Synthetic documents and process helpers shared by the integration and CLI tests.

Every document is written here, at test time; none is a real one. The clean invoice adds up
(150.00 + 30.00 = 180.00) and carries a labelled seller, so the rules backend accepts every field
at or above the auto-accept threshold and the run completes without review.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import zipfile
from pathlib import Path
from typing import Any

from tests.integration._forked import ForkedProcess, claimflow_executable, run_forked, spawn_forked

VENDOR = "Northwind Widgets Ltd"


def invoice_text(number: str = "NW-2024-0117", *, total: str = "180.00", vendor: str = VENDOR) -> str:
    """An English invoice: net 150.00 + VAT 30.00; `total` is printed as given."""
    return (
        "INVOICE\n"
        f"Seller: {vendor}\n"
        "14 Harbour Road, Bristol\n"
        f"Invoice No.: {number}\n"
        "Invoice Date: 05.03.2024\n"
        "Due Date: 04.04.2024\n"
        "Subtotal 150.00 GBP\n"
        "VAT 20% 30.00 GBP\n"
        f"Total {total} GBP\n"
    )


def mismatch_invoice_text(number: str = "NW-2024-0118") -> str:
    """An invoice whose printed total (190.00) is not net + tax (180.00).

    The line above the subtotal prints 180.00, so a reviewer who corrects the total to 180.00
    finds evidence for it in the source.
    """
    return invoice_text(number, total="190.00").replace("Subtotal", "Steel brackets 10 x 18.00 = 180.00\nSubtotal")


MEMO = (
    "MEMO\n"
    "To: All staff\n"
    "From: Facilities\n"
    "Re: Parking garage closure\n"
    "The parking garage will be closed for repairs next weekend. Please use the lot behind building C.\n"
)
"""A document of none of the known types."""

CORRUPT_PDF = b"%PDF-1.7\n" + bytes(range(256)) * 4
"""A PDF header followed by garbage."""


def zip_bytes(members: dict[str, str]) -> bytes:
    """A zip archive with the given members (a DOCX is one whose [Content_Types].xml declares a Word document)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


DOCX = zip_bytes({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"})
ZIP = zip_bytes({"readme.txt": "hello"})


def text_pdf(text: str, *, encrypt: str | None = None) -> bytes:
    """A PDF with a text layer: one page per form-feed-separated part, one drawn line per line.

    With `encrypt`, the PDF opens only with that password.
    """
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, encrypt=encrypt)
    for page in text.split("\f"):
        y = 800
        for line in page.splitlines():
            pdf.drawString(72, y, line)
            y -= 16
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def write(directory: Path, name: str, content: str | bytes) -> Path:
    """Write a document and return its path."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path


# processes -----------------------------------------------------------------------------------
def cli_env(**extra: str) -> dict[str, str]:
    """The environment for a CLI process: no CLAIMFLOW_* leaking in, wide enough not to wrap messages."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("CLAIMFLOW_")}
    env.update({"COLUMNS": "1000", "NO_COLOR": "1", "TERM": "dumb"}, **extra)
    return env


def run_cli(*args: str | Path, timeout: float = 60.0, **env: str) -> subprocess.CompletedProcess[str]:
    """Run `claimflow ARGS...` in its own process, forked from one that has imported the engine (`_forked`)."""
    return run_forked([str(arg) for arg in args], cli_env(**env), timeout, claimflow_executable())


def spawn_cli(*args: str | Path, **env: str) -> ForkedProcess:
    """Start `claimflow ARGS...` without waiting for it; its output is piped, as `Popen(..., stdout=PIPE, ...)`."""
    return spawn_forked([str(arg) for arg in args], cli_env(**env), claimflow_executable())


def json_lines(stdout: str) -> list[dict[str, Any]]:
    """Parse one JSON object per non-empty line; fail loudly on anything else."""
    parsed: list[dict[str, Any]] = []
    for line in stdout.splitlines():
        if line.strip():
            value = json.loads(line)
            assert isinstance(value, dict), f"not a JSON object: {line!r}"
            parsed.append(value)
    return parsed


def flat(text: str) -> str:
    """Collapse whitespace and rich's box drawing, so messages can be matched whatever the wrapping."""
    for char in "│╭╮╰╯─":
        text = text.replace(char, " ")
    return " ".join(text.split())
