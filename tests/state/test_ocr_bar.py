"""The policy's bar for text OCR read: fields of a scan or photo are accepted only above it, and say why."""

from __future__ import annotations

import math

import pytest

from claimflow.state.documents import TextRef
from claimflow.state.evidence import Evidence
from claimflow.state.outcomes import TableRow
from claimflow.state.policy import Policy
from claimflow.state.reasons import field_threshold, review_reasons
from claimflow.state.schema import Field
from tests.factories import TYPES, clean_invoice_fields, invoice_state


def _text(method: str, ocr_pages: tuple[int, ...] | None = None) -> TextRef:
    return TextRef(text_id="t" * 64, page_count=2, char_count=100, method=method, ocr_pages=ocr_pages)


def _reasons(
    method: str, policy: Policy, confidence: float = 0.9, ocr_pages: tuple[int, ...] | None = None
) -> list[tuple[str, str | None, str]]:
    fields = clean_invoice_fields(confidence=confidence)
    if ocr_pages is not None:  # each value quoted from page 1
        quoted = {"evidence": [Evidence(page=1, start=0, end=1, quote="x")]}
        fields = {name: result.model_copy(update=quoted) for name, result in fields.items()}
    state = invoice_state(fields=fields).model_copy(update={"text": _text(method, ocr_pages), "policy": policy})
    return [(reason.code, reason.field, reason.message) for reason in review_reasons(state, TYPES)]


@pytest.mark.parametrize(("method", "read"), [("ocr", True), ("text-layer+ocr", True), ("text-layer", False),
                                              ("plain", False), ("html", False), ("docx", False)])  # fmt: skip
def test_which_text_ocr_read(method: str, read: bool) -> None:
    assert _text(method).read_by_ocr is read


def test_of_a_pdf_mixing_text_and_scans_only_values_quoted_from_a_scanned_page_are_held() -> None:
    always = Policy(ocr_field_auto_accept="always_review")
    # Every value is quoted from page 1, its text layer; page 2 was a scan.
    assert _reasons("text-layer+ocr", always, ocr_pages=(2,)) == []
    held = _reasons("text-layer+ocr", always, ocr_pages=(1,))
    assert held and all(message.endswith("for text read by OCR") for _, _, message in held)
    # A text stored before the pages OCR read were recorded: every page counts as its method says.
    assert _reasons("text-layer+ocr", always) == held
    assert _text("text-layer+ocr", ()).read_by_ocr is False


def test_a_scans_fields_below_the_ocr_bar_go_to_review_saying_so() -> None:
    strict = Policy(ocr_field_auto_accept=0.95)
    reasons = _reasons("ocr", strict)
    assert reasons, "a scan's fields at 0.90 pass the OCR bar of 0.95"
    assert {code for code, _, _ in reasons} == {"low_confidence_field"}
    total = next(message for _, name, message in reasons if name == "total_amount")
    assert total == "total_amount = '160.65' at confidence 0.90, below 0.95 for text read by OCR"
    # The same fields read from a text layer: the OCR bar is not theirs.
    assert _reasons("text-layer", strict) == []
    # Above the bar, a scan's fields pass as any others do.
    assert _reasons("ocr", strict, confidence=0.96) == []


def test_always_review_sends_every_value_of_a_scan_to_a_human() -> None:
    reasons = _reasons("text-layer+ocr", Policy(ocr_field_auto_accept="always_review"), confidence=1.0)
    total = next(message for _, name, message in reasons if name == "total_amount")
    assert total == "total_amount = '160.65' at confidence 1.00, always reviewed by the policy for text read by OCR"


def test_no_ocr_bar_and_a_laxer_one_change_nothing() -> None:
    assert _reasons("ocr", Policy()) == []  # none set: a scan is judged as any text
    # A bar below the fields' own (0.8) does not lower it, and is not named.
    lax = _reasons("ocr", Policy(ocr_field_auto_accept=0.5), confidence=0.7)
    assert lax and all(message.endswith("below 0.80") for _, _, message in lax)


def test_the_ocr_bar_raises_the_threshold_only_where_stricter() -> None:
    spec, policy = Field("total_amount", "amount", auto_accept=0.97), Policy(ocr_field_auto_accept=0.9)
    assert field_threshold(spec, policy, high_risk=False, read_by_ocr=True) == 0.97
    assert field_threshold(Field("x"), policy, high_risk=False, read_by_ocr=True) == 0.9
    assert field_threshold(Field("x"), policy, high_risk=False, read_by_ocr=False) == 0.8
    assert field_threshold(Field("x"), policy, high_risk=True, read_by_ocr=True) == 0.95  # high risk: stricter still
    always = Policy(ocr_field_auto_accept="always_review")
    assert field_threshold(Field("x"), always, high_risk=False, read_by_ocr=True) == math.inf


@pytest.mark.parametrize("bar", [1.5, -0.1, "sometimes"])
def test_an_ocr_bar_outside_zero_to_one_is_refused(bar: object) -> None:
    with pytest.raises(ValueError, match="ocr_field_auto_accept"):
        Policy.model_validate({"ocr_field_auto_accept": bar})


def test_under_always_review_table_rows_quoted_from_a_scanned_page_wait_too() -> None:
    # A text-layer page 1 with every value, the item table on a scanned page 2.
    row = TableRow(
        cells={"description": "Bolts", "amount": "135.00"}, evidence=Evidence(page=2, start=0, end=1, quote="x")
    )
    fields = {
        name: result.model_copy(update={"evidence": [Evidence(page=1, start=0, end=1, quote="x")]})
        for name, result in clean_invoice_fields(confidence=0.95).items()
    }
    state = invoice_state(fields=fields, tables={"line_items": [row, row]})
    scanned = state.model_copy(update={"text": _text("text-layer+ocr", (2,))})

    always = scanned.model_copy(update={"policy": Policy(ocr_field_auto_accept="always_review")})
    reasons = [(reason.code, reason.field, reason.message) for reason in review_reasons(always, TYPES)]
    assert reasons == [
        (
            "low_confidence_field",
            "line_items",
            "line_items: 2 row(s) quoted from a page OCR read, always reviewed by the policy for text read by OCR",
        )
    ]
    # Rows carry no confidence: a numeric bar does not hold them; nor is a table of the text layer held.
    assert review_reasons(scanned.model_copy(update={"policy": Policy(ocr_field_auto_accept=0.9)}), TYPES) == []
    on_text = always.model_copy(update={"text": _text("text-layer+ocr", (3,))})
    assert review_reasons(on_text, TYPES) == []
