"""Rendering one call's messages, and the hashes record/replay keys on."""

from __future__ import annotations

from claimflow.doctypes import BUILTIN_TYPES, CONTRACT, INVOICE, RECEIPT
from claimflow.nodes.ports import ModelInput
from claimflow.prompts import CLASSIFY, extract_prompt
from claimflow.prompts.extract import render_fields
from claimflow.runtime.gateway.render import input_hash, render_document, render_messages, schema_hash
from claimflow.state.claims import ClassificationClaim, ExtractionClaim
from tests.factories import PURCHASE_ORDER


def test_pages_get_one_based_markers_and_form_feeds_between() -> None:
    assert render_document(("first", "second")) == "--- page 1 ---\nfirst\f\n--- page 2 ---\nsecond"


def test_the_field_list_names_kind_requirement_meaning_and_labels() -> None:
    lines = render_fields(CONTRACT).splitlines()

    assert lines[0] == "- parties (text, required, one claim per value): Each party to the contract."
    assert lines[1] == (
        "- effective_date (date, optional): Date the contract takes effect."
        " Printed as: Effective Date, Effective as of, dated as of."
    )


def test_a_table_field_lists_its_columns_and_asks_for_row_claims() -> None:
    lines = render_fields(INVOICE).splitlines()

    start = lines.index("- line_items (table, optional): The item table: one row per line.")
    assert lines[start + 1 :] == [
        "    - column description (text, optional): What was sold, as printed",
        "    - column quantity (number, a plain decimal with a dot like 14.5 or 1250, without grouping or unit,"
        " optional): Quantity, if printed, without its unit",
        "    - column unit_price (amount, optional): Price of one unit, if printed",
        "    - column amount (amount, required): The line's total",
        "  Return each row of line_items as a row claim with table 'line_items'.",
    ]


def test_classify_messages_list_the_active_types_then_unknown() -> None:
    _, user = render_messages(CLASSIFY, ModelInput(pages=("INVOICE",), types=(RECEIPT, CONTRACT)))

    offered = user.split("<document>")[0].splitlines()
    assert offered[0] == "Document types:"
    assert offered[1].startswith(f"- receipt: {RECEIPT.description} Named by: Receipt; Official Receipt; ")
    assert offered[2].startswith(f"- contract: {CONTRACT.description} Named by: Agreement; Contract; ")
    assert offered[3] == "- unknown: none of the above"
    assert "invoice" not in "\n".join(offered)  # only the active types are offered


def test_a_type_declared_without_titles_is_named_by_its_name_in_words() -> None:
    _, user = render_messages(CLASSIFY, ModelInput(pages=("PO",), types=(PURCHASE_ORDER,)))

    assert f"- purchase_order: {PURCHASE_ORDER.description} Named by: purchase order.\n" in user


def test_a_first_attempt_has_no_feedback() -> None:
    system, user = render_messages(CLASSIFY, ModelInput(pages=("INVOICE",), types=BUILTIN_TYPES))

    assert system == CLASSIFY.system
    assert "<document>\n--- page 1 ---\nINVOICE\n</document>" in user
    assert "invalid" not in user


def test_a_retry_lists_what_was_wrong() -> None:
    request = ModelInput(pages=("INVOICE",), feedback=("confidence: too high", "doc_type: Field required"))

    _, user = render_messages(CLASSIFY, request)

    assert user.endswith(
        "Your previous answer was invalid:\n- confidence: too high\n- doc_type: Field required\n"
        "Answer again, correcting these errors.\n"
    )


def test_extract_messages_carry_the_fields_and_the_types_guidance() -> None:
    prompt = extract_prompt(RECEIPT)
    request = ModelInput(pages=("x",), doc_type=RECEIPT)

    system, user = render_messages(prompt, request)

    assert system == prompt.system
    assert system.startswith("You extract fields from a document of type receipt.")
    assert system.endswith(RECEIPT.guidance)
    assert user.startswith("Fields:\n- vendor_name (text, required): Name of the shop or company.\n")
    assert "<document>\n--- page 1 ---\nx\n</document>" in user


def test_input_hash_changes_with_either_message_and_is_stable() -> None:
    assert input_hash("s", "u") == input_hash("s", "u")
    assert len({input_hash("s", "u"), input_hash("s", "u2"), input_hash("s2", "u"), input_hash("su", "")}) == 4


def test_schema_hash_tells_claim_types_apart() -> None:
    assert schema_hash(ClassificationClaim) == schema_hash(ClassificationClaim)
    assert schema_hash(ClassificationClaim) != schema_hash(ExtractionClaim)
    assert schema_hash(extract_prompt(INVOICE).response_model) == schema_hash(ExtractionClaim)
