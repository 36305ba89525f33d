"""Personal data never reaches a model, whatever the input format: text, HTML and PDF through the real engine.

Each document is parsed by the real ingest path and masked by the mask step; a fake model records every page
it is given and answers as the rules backend does.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

import pytest

from claimflow.nodes.ports import ModelInput, ModelResult
from claimflow.prompts import PromptSpec
from claimflow.runtime.batch import process_files
from claimflow.runtime.engine import Engine, open_engine
from claimflow.runtime.registry import RunRow
from claimflow.runtime.settings import Settings
from claimflow.state.masking import MaskPatterns, Replacement, unmask_text
from claimflow.state.workflow import WorkflowState
from tests.integration._docs import invoice_text, text_pdf, write
from tests.integration._fake_models import ScriptedGateway

CONTACT = (
    "Contact: jane.doe@example.com or user@localhost\n"
    "Write to jane(at)example.org, billing[at]example.org\n"
    "Pay to de89 3704 0044 0532 0130 00 or GB29-NWBK-6016-1331-9268-19\n"
    "Second account FR14  2004  1010  0505  0001  3M02  606\n"
    "US office 555-123-4567, Berlin 030 1234567, UK 07946 095800\n"
    "Questions? call +49 30 1234 5678.\n"
    "Cards 4111.1111.1111.1111 / 5555 5555 5555 4444\n"
)
PERSONAL = [
    "jane.doe@example.com", "user@localhost", "jane(at)example.org", "billing[at]example.org",
    "de89 3704 0044 0532 0130 00", "GB29-NWBK-6016-1331-9268-19", "FR14  2004  1010  0505  0001  3M02  606",
    "555-123-4567", "030 1234567", "07946 095800", "+49 30 1234 5678", "4111.1111.1111.1111", "5555 5555 5555 4444",
]  # fmt: skip
FRAGMENTS = ["jane", "localhost", "3704", "NWBK", "3M02", "4567", "1234567", "095800", "5678", "4111", "4444"]
"""Pieces of the values above: none may reach a model either."""
FOR_EXTRACTION = ["NW-2024-0117", "05.03.2024", "04.04.2024", "150.00", "20%", "30.00", "180.00"]
EXPECTED = {
    "invoice_number": "NW-2024-0117",
    "issue_date": "2024-03-05",
    "due_date": "2024-04-04",
    "net_amount": "150.00",
    "tax_amount": "30.00",
    "total_amount": "180.00",
}


class SeeingModel(ScriptedGateway):
    """Answers as the rules backend does and keeps every page it was shown."""

    def __init__(self) -> None:
        super().__init__("fake:model")
        self.seen: list[str] = []

    async def complete(self, prompt: PromptSpec[Any], request: ModelInput) -> ModelResult[Any]:
        self.seen.extend(request.pages)
        return await super().complete(prompt, request)


def _document(text: str) -> str:
    return text.replace("Invoice No.", CONTACT + "Invoice No.")


def _flat(text: str) -> str:
    """White space as HTML and PDF text layers give it back: runs of it are one space."""
    return " ".join(text.split())


def _html(text: str) -> str:
    # A second space survives HTML only as a no-break space.
    paragraphs = "".join(f"<p>{html.escape(line).replace('  ', '&nbsp; ')}</p>\n" for line in text.splitlines())
    return f"<!DOCTYPE html><html><head><title>Invoice</title></head><body>\n{paragraphs}</body></html>\n"


FORMATS = {
    "text": ("invoice.txt", _document),
    "html": ("invoice.html", lambda text: _html(_document(text))),
    "pdf": ("invoice.pdf", lambda text: text_pdf(_document(text))),
}


async def _run(engine: Engine, path: Path) -> tuple[RunRow, WorkflowState]:
    [row] = await process_files(engine, [path])
    state = await engine.state(row.run_id)
    assert state is not None
    return row, state


@pytest.mark.parametrize("fmt", sorted(FORMATS))
async def test_no_personal_data_reaches_the_model_and_extraction_still_works(
    fmt: str, data_dir: Path, docs_dir: Path
) -> None:
    name, build = FORMATS[fmt]
    path = write(docs_dir, name, build(invoice_text()))
    model = SeeingModel()
    async with open_engine(Settings(data_dir=data_dir), gateway=model) as engine:
        row, state = await _run(engine, path)
        assert state.text is not None and state.masked is not None
        source = (await engine.store.load_text(state.text)).pages
        masked = (await engine.store.load_text(state.masked.text)).pages
        mapping = json.loads(await engine.store.load_blob(state.masked.mapping_id))

    # The parser kept every value, so the check below means something for this format.
    assert [value for value in PERSONAL if _flat(value) not in _flat(source[0])] == []
    assert model.calls == ["classify", "extract_invoice"] and model.seen
    seen = _flat("\n".join(model.seen))
    assert [value for value in PERSONAL + FRAGMENTS if _flat(value) in seen] == []
    assert [value for value in FOR_EXTRACTION if value not in seen] == []
    # Every masked value comes back: the mapping restores the source exactly.
    replacements = tuple(Replacement.model_validate(item) for item in mapping)
    assert tuple(unmask_text(page, replacements).text for page in masked) == source
    assert {name: state.fields[name].value for name in EXPECTED} == EXPECTED
    # Three accounts and no IBAN label: which to pay into is for a reviewer, who sees each as the page prints it.
    assert row.status == "needs_review", row.error
    [reason] = state.review_reasons
    assert (reason.code, reason.field) == ("conflicting_values", "iban")
    assert "'de89 3704 0044 0532 0130 00'" in reason.message and "'GB29-NWBK-6016-1331-9268-19'" in reason.message
    for field, result in state.fields.items():
        for evidence in result.evidence:
            assert source[evidence.page - 1][evidence.start : evidence.end] == evidence.quote, field


async def test_a_configured_pattern_is_masked_before_the_model_sees_the_page(data_dir: Path, docs_dir: Path) -> None:
    path = write(docs_dir, "invoice.txt", invoice_text().replace("Invoice No.", "Approved by EMP-004211\nInvoice No."))
    settings = Settings(data_dir=data_dir, mask_patterns=MaskPatterns(patterns={"employee_id": r"\bEMP-\d{6}\b"}))
    model = SeeingModel()
    async with open_engine(settings, gateway=model) as engine:
        row, _ = await _run(engine, path)
        events = await engine.registry.events(row.run_id)

    assert row.status == "completed", row.error
    seen = "\n".join(model.seen)
    assert "004211" not in seen and "Approved by [EMPLOYEE_ID_1]" in seen
    [masked] = [e["data"] for e in events if e["type"] == "pii.masked"]
    assert masked["kinds"] == {"EMPLOYEE_ID": 1}


async def test_a_pattern_past_its_time_budget_fails_the_run_before_any_model_call(
    data_dir: Path, docs_dir: Path
) -> None:
    path = write(docs_dir, "invoice.txt", invoice_text() + "a" * 60 + "!\n")
    patterns = MaskPatterns(patterns={"slow": r"(?:a|aa)+b"}, seconds_per_page=0.2)
    model = SeeingModel()
    async with open_engine(Settings(data_dir=data_dir, mask_patterns=patterns), gateway=model) as engine:
        row, _ = await _run(engine, path)

    assert row.status == "failed"
    assert row.error is not None and "mask pattern 'slow' took more than 0.2 s on page 1" in row.error
    assert model.calls == []


async def _masked_lines(data_dir: Path, docs_dir: Path, personal: str) -> tuple[str, dict[str, int]]:
    """What the model saw of an invoice with `personal` lines before its number, and pii.masked's kinds."""
    path = write(docs_dir, "invoice.txt", invoice_text().replace("Invoice No.", personal + "Invoice No."))
    model = SeeingModel()
    async with open_engine(Settings(data_dir=data_dir), gateway=model) as engine:
        row, _ = await _run(engine, path)
        events = await engine.registry.events(row.run_id)

    assert row.status == "completed", row.error
    [masked] = [e["data"] for e in events if e["type"] == "pii.masked"]
    return "\n".join(model.seen), masked["kinds"]


async def test_national_ids_and_a_partly_hidden_card_are_counted_by_kind_and_never_reach_the_model(
    data_dir: Path, docs_dir: Path
) -> None:
    personal = "Employee SSN: 123-45-6789, NI number AB 12 34 56 C\nPaid with VISA 4111 11** **** 1111\n"
    seen, kinds = await _masked_lines(data_dir, docs_dir, personal)

    assert [value for value in ("6789", "AB 12 34 56 C", "4111 11", "** 1111") if value in seen] == []
    assert "Employee SSN: [NATIONAL_ID_1], NI number [NATIONAL_ID_2]\nPaid with VISA [CARD_1]" in seen
    assert kinds == {"NATIONAL_ID": 2, "CARD": 1}


async def test_spaced_addresses_short_card_forms_and_extensions_are_counted_by_kind_and_never_reach_the_model(
    data_dir: Path, docs_dir: Path
) -> None:
    personal = (
        "Contact jane . doe @ example . com, Tel +44 20 7946 0958 ext. 12\n"
        "Paid with VISA **** 4242 12/2025, refund to card ending 1234\n"
    )
    seen, kinds = await _masked_lines(data_dir, docs_dir, personal)

    assert [value for value in ("jane", "doe", "0958", "ext", "4242", "1234\n") if value in seen] == []
    assert "Contact [EMAIL_1], Tel [PHONE_1]\nPaid with VISA [CARD_1] 12/2025, refund to card ending [CARD_2]" in seen
    assert kinds == {"EMAIL": 1, "PHONE": 1, "CARD": 2}
