"""Personal data as invoices print it never reaches the model; the numbers the workflow extracts still do.

Each document is a real PDF, parsed by the real ingest path and masked by the mask step; the model is the fake
OpenAI-compatible server over real HTTP, which records every request and answers with the rules backend's
claims about the very pages it was shown. What the model was sent is read back from those requests.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from claimflow.doctypes import BUILTIN_TYPES
from claimflow.runtime.backends import rules
from claimflow.runtime.batch import process_files
from claimflow.runtime.engine import Engine, open_engine
from claimflow.runtime.settings import Settings
from claimflow.state.claims import ExtractionClaim
from claimflow.state.schema import DocumentTypes
from claimflow.state.workflow import WorkflowState
from tests.factories import claimed
from tests.fakes.openai_server import (
    FakeModelServer,
    ReceivedRequest,
    Reply,
    claim_reply,
    document_run_replies,
    shown_pages,
)
from tests.integration._docs import VENDOR, invoice_text, text_pdf, write

QUOTED = '"john doe"@northwind.example'
"""An address whose local part is quoted, as RFC 5322 allows: the space and the quotes are the address's."""
CONTACTS = f'Accounts: {QUOTED}\nDisputes: "j.doe"@northwind.co.uk\n'
# A narrow cell wraps a long address right after its sign, or right before it, as a PDF's text layer gives it back.
WRAPPED = "Remittance advice to remittances.team@\nnorthwind-widgets.example\nor to\npayables\n@northwind.example\n"


@pytest.fixture
async def engine(tmp_path: Path, server: FakeModelServer, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Engine]:
    """The engine on the fake server's model, one attempt a call."""
    monkeypatch.setenv("CLAIMFLOW_MODEL_MAX_ATTEMPTS", "1")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    settings = Settings.load(data_dir=tmp_path / "data", model="openai:fake-model", base_url=server.base_url)
    async with open_engine(settings) as opened:
        yield opened


async def _run(engine: Engine, path: Path) -> WorkflowState:
    [row] = await process_files(engine, [path])
    state = await engine.state(row.run_id)
    assert state is not None, row.error
    return state


def _sent(server: FakeModelServer) -> str:
    assert server.requests
    return "\n".join(request.text_of("user") for request in server.requests)


def _quoting_the_accounts_line(request: ReceivedRequest) -> Reply:
    """The rules' claims, with the seller's name quoted from the line that holds the quoted address.

    A model quotes what it was shown: the placeholder, which apply must put back and find in the source.
    """
    [invoice] = [t for t in DocumentTypes(BUILTIN_TYPES) if t.name == "invoice"]
    pages = shown_pages(request)
    claim = rules.extract(invoice, pages)
    quote = next(line for line in pages[0].splitlines() if "Accounts: " in line)
    start = pages[0].index(quote)
    fields = [field for field in claim.fields if field.field != "vendor_name"]
    fields.append(
        claim.fields[0].model_copy(
            update={
                "field": "vendor_name",
                "value": VENDOR,
                "confidence": 0.95,
                "evidence": claimed(quote, 1, start, start + len(quote)),
            }
        )
    )
    return claim_reply(ExtractionClaim(fields=fields, rows=claim.rows))


async def test_quoted_local_parts_are_masked_and_a_quote_over_one_is_checked_in_the_source(
    engine: Engine, server: FakeModelServer, tmp_path: Path
) -> None:
    text = invoice_text().replace("Invoice No.", f"{VENDOR} · {CONTACTS}Invoice No.")
    path = write(tmp_path / "docs", "invoice.pdf", text_pdf(text))
    [classify, _] = document_run_replies()
    server.script(classify, _quoting_the_accounts_line)
    state = await _run(engine, path)

    assert state.text is not None
    source = (await engine.store.load_text(state.text)).pages
    assert QUOTED in source[0]
    sent = _sent(server)
    assert "john doe" not in sent and "j.doe" not in sent
    assert "Accounts: [EMAIL_1]\nDisputes: [EMAIL_2]\n" in sent
    # The quote the model gave over the placeholder is the source's line, found where the page prints it.
    vendor = state.fields["vendor_name"]
    assert vendor.value == VENDOR and vendor.status == "accepted", vendor
    [evidence] = vendor.evidence
    assert evidence.quote == f"{VENDOR} · Accounts: {QUOTED}"
    assert source[evidence.page - 1][evidence.start : evidence.end] == evidence.quote


async def test_an_address_wrapped_at_its_sign_is_masked_whole(
    engine: Engine, server: FakeModelServer, tmp_path: Path
) -> None:
    path = write(tmp_path / "docs", "invoice.pdf", text_pdf(invoice_text().replace("Subtotal", WRAPPED + "Subtotal")))
    server.script(*document_run_replies())
    state = await _run(engine, path)

    sent = _sent(server)
    assert "remittances" not in sent and "payables" not in sent
    assert "Remittance advice to [EMAIL_1]\nor to\n[EMAIL_2]\nSubtotal" in sent
    assert state.fields["total_amount"].value == "180.00"


EAN = "4 006381 333931"
"""An article number (EAN-13) as printed under its bars: one digit, then two groups of six."""
INVOICE_NUMBER = "4020240305000002"
"""Sixteen digits with a Visa prefix that pass the Luhn check, as one number in ten of that shape does."""


async def test_an_article_number_printed_under_its_bars_reaches_the_model_as_printed(
    engine: Engine, server: FakeModelServer, tmp_path: Path
) -> None:
    text = invoice_text().replace("Subtotal", f"EAN {EAN} Steel brackets 10 x 15.00\nSubtotal")
    path = write(tmp_path / "docs", "invoice.pdf", text_pdf(text))
    server.script(*document_run_replies())
    state = await _run(engine, path)

    assert f"EAN {EAN} Steel" in _sent(server)
    assert state.fields["total_amount"].value == "180.00"


async def test_an_invoice_number_that_passes_a_card_check_reaches_the_model_and_is_accepted(
    engine: Engine, server: FakeModelServer, tmp_path: Path
) -> None:
    text = invoice_text(INVOICE_NUMBER).replace("Invoice No.", "Card paid: 4111 1111 1111 1111\nInvoice No.")
    path = write(tmp_path / "docs", "invoice.pdf", text_pdf(text))
    server.script(*document_run_replies())
    state = await _run(engine, path)

    sent = _sent(server)
    assert f"Invoice No.: {INVOICE_NUMBER}\n" in sent
    # A card number is still one, behind any other label.
    assert "Card paid: [CARD_1]" in sent and "4111" not in sent
    number = state.fields["invoice_number"]
    assert (number.value, number.status) == (INVOICE_NUMBER, "accepted")


# Numbers without a "+" or a trunk zero, which only their labels tell: Spain, Mexico, Germany, Belgium.
LABELLED_PHONES = {
    "Telf.: 912 345 678": "Telf.: [PHONE_1]",
    "Móvil: 612 345 678": "Móvil: [PHONE_2]",
    "Cel.: 55 1234 5678": "Cel.: [PHONE_3]",
    "Fon 30 1234567": "Fon [PHONE_4]",
    "GSM 475 12 34 56": "GSM [PHONE_5]",
}


async def test_phone_numbers_behind_the_labels_of_other_languages_are_masked(
    engine: Engine, server: FakeModelServer, tmp_path: Path
) -> None:
    contacts = "".join(f"{line}\n" for line in LABELLED_PHONES)
    path = write(
        tmp_path / "docs", "invoice.pdf", text_pdf(invoice_text().replace("Invoice No.", contacts + "Invoice No."))
    )
    server.script(*document_run_replies())
    state = await _run(engine, path)

    sent = _sent(server)
    assert [line for line in LABELLED_PHONES if line in sent] == []
    assert "".join(f"{line}\n" for line in LABELLED_PHONES.values()) in sent
    assert state.fields["invoice_number"].value == "NW-2024-0117"
