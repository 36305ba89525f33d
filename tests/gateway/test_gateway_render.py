"""Rendering one call's messages, and the hashes record/replay keys on."""

from __future__ import annotations

from claimflow.nodes.ports import ModelInput
from claimflow.prompts import CLASSIFY, EXTRACT_INVOICE, EXTRACT_RECEIPT
from claimflow.runtime.gateway.render import input_hash, render_document, render_fields, render_messages, schema_hash
from claimflow.state.claims import ClassificationClaim, ExtractionClaim
from claimflow.state.fields import fields_of


def test_pages_get_one_based_markers_and_form_feeds_between() -> None:
    assert render_document(("first", "second")) == "--- page 1 ---\nfirst\f\n--- page 2 ---\nsecond"


def test_the_field_list_names_kind_requirement_and_meaning() -> None:
    lines = render_fields(fields_of("contract")).splitlines()

    assert lines[0] == "- parties (text, required, one claim per value): Each party to the contract"
    assert lines[1] == "- effective_date (date, optional): Date the contract takes effect"


def test_a_first_attempt_has_no_feedback() -> None:
    system, user = render_messages(CLASSIFY, ModelInput(pages=("INVOICE",)))

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


def test_extract_messages_carry_the_fields() -> None:
    request = ModelInput(pages=("x",), doc_type="receipt", fields=fields_of("receipt"))

    system, user = render_messages(EXTRACT_RECEIPT, request)

    assert system == EXTRACT_RECEIPT.system
    assert user.startswith("Fields:\n- vendor_name (text, required): Name of the shop or company\n")


def test_input_hash_changes_with_either_message_and_is_stable() -> None:
    assert input_hash("s", "u") == input_hash("s", "u")
    assert len({input_hash("s", "u"), input_hash("s", "u2"), input_hash("s2", "u"), input_hash("su", "")}) == 4


def test_schema_hash_tells_claim_types_apart() -> None:
    assert schema_hash(ClassificationClaim) == schema_hash(ClassificationClaim)
    assert schema_hash(ClassificationClaim) != schema_hash(ExtractionClaim)
    assert schema_hash(EXTRACT_INVOICE.response_model) == schema_hash(ExtractionClaim)
