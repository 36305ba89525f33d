"""Evidence must prove the field: the value is a whole token of its quote, under its own label or none.

Each case is a claim a real model makes by mistake: a value cut out of a longer token, a quote from another
field's line, the other party's name. All are rejected with the check that decided; the good cases still pass.
"""

from __future__ import annotations

import pytest

from claimflow import DocumentType, Field
from claimflow.doctypes import INVOICE, RECEIPT
from claimflow.state.apply import arbitrate, check_field_claim
from claimflow.state.claims import ExtractionClaim, FieldClaim
from claimflow.state.documents import SourceText
from claimflow.state.evidence import ClaimedEvidence
from claimflow.state.workflow import Candidate

PAGE = (
    "Northwind Traders GmbH\n"
    "INVOICE\n"
    "Invoice No.: NW-2024-0117\n"
    "Invoice Date: 12 March 2024\n"
    "Due Date: 11 April 2024\n"
    "\n"
    "Bill to:\n"
    "Globex Corporation\n"
    "5 Main Street\n"
    "\n"
    "Seller:                  Buyer:\n"
    "Northwind Traders GmbH   Globex Corporation\n"
    "\n"
    "Subtotal: 135.00\n"
    "VAT 19%: 25.65\n"
    "Total incl. VAT: EUR 160.65\n"
    "Shipping 112.00\n"
    "Contract term: 12 years\n"
    "Order Date        Delivery Date\n"
    "01.03.2024        02.03.2024\n"
)
SOURCE = SourceText(pages=(PAGE,))


def judge(field: str, value: str, quote: str):  # type: ignore[no-untyped-def]
    claim = FieldClaim(field=field, value=value, confidence=0.9, evidence=ClaimedEvidence(quote=quote, page=1))
    return check_field_claim(INVOICE, claim, SOURCE, step="extract_invoice", claim_id="c1")


@pytest.mark.parametrize(
    ("field", "value", "quote"),
    [
        ("invoice_number", "2", "Invoice No.: NW-2024-0117"),
        ("invoice_number", "2024-0117", "Invoice No.: NW-2024-0117"),
        ("net_amount", "12.00", "Shipping 112.00"),
        ("issue_date", "2024-01-02", "Invoice Date: 12 March 2024"),
        ("vendor_name", "Northwind Traders GmbH", "Northwind Traders"),
        ("vendor_name", "Globe", "Globex Corporation"),
        ("currency", "EU", "Total incl. VAT: EUR 160.65"),
    ],
)
def test_a_value_that_is_only_part_of_a_token_is_rejected(field: str, value: str, quote: str) -> None:
    outcome = judge(field, value, quote)
    assert not outcome.accepted
    assert outcome.check in ("value_not_in_quote", "value_unreadable"), outcome.reasons


@pytest.mark.parametrize(
    ("field", "value", "quote", "label"),
    [
        ("due_date", "2024-03-12", "Invoice Date: 12 March 2024", "Invoice Date"),
        ("total_amount", "135.00", "Subtotal: 135.00", "Subtotal"),
        ("net_amount", "25.65", "VAT 19%: 25.65", "VAT"),
        ("issue_date", "2024-04-11", "Due Date: 11 April 2024", "Due Date"),
        ("issue_date", "2024-03-02", "Order Date        Delivery Date\n01.03.2024        02.03.2024", "Delivery Date"),
    ],
)
def test_a_value_under_another_fields_label_is_rejected_naming_that_label(
    field: str, value: str, quote: str, label: str
) -> None:
    outcome = judge(field, value, quote)
    assert not outcome.accepted
    assert (outcome.check, outcome.label) in (("wrong_label", label), ("counter_label", label))
    assert repr(label) in outcome.reasons[0]


@pytest.mark.parametrize(
    "quote",
    ["Bill to:\nGlobex Corporation", "Globex Corporation", "Seller:                  Buyer:\n"
     "Northwind Traders GmbH   Globex Corporation"],
)  # fmt: skip
def test_the_customer_is_not_accepted_as_the_vendor(quote: str) -> None:
    outcome = judge("vendor_name", "Globex Corporation", quote)
    assert not outcome.accepted
    assert outcome.check == "counter_label"
    assert outcome.label in ("Bill to", "Buyer")


@pytest.mark.parametrize(
    ("field", "value", "quote", "check"),
    [
        ("invoice_number", "NW-2024-0117", "Invoice No.: NW-2024-0117", "own_label"),
        ("invoice_number", "nw20240117", "Invoice No.: NW-2024-0117", "own_label"),
        ("issue_date", "2024-03-12", "Invoice Date: 12 March 2024", "own_label"),
        ("due_date", "2024-04-11", "Due Date: 11 April 2024", "own_label"),
        ("net_amount", "135.00", "Subtotal: 135.00", "own_label"),
        ("tax_amount", "25.65", "VAT 19%: 25.65", "own_label"),
        # "incl. VAT" qualifies the total; the currency beside the amount is not governed by the amount's label.
        ("total_amount", "160.65", "Total incl. VAT: EUR 160.65", "own_label"),
        ("currency", "EUR", "Total incl. VAT: EUR 160.65", "no_label"),
        ("vendor_name", "Northwind Traders GmbH", "Northwind Traders GmbH\nINVOICE", "no_label"),
        (
            "vendor_name",
            "Northwind Traders GmbH",
            "Seller:                  Buyer:\nNorthwind Traders GmbH",
            "own_label",
        ),
    ],
)
def test_good_claims_are_still_accepted_with_the_check_that_decided(
    field: str, value: str, quote: str, check: str
) -> None:
    outcome = judge(field, value, quote)
    assert outcome.accepted, outcome.reasons
    assert outcome.check == check


def test_receipt_total_under_a_counter_label_is_rejected() -> None:
    source = SourceText(pages=("KEDAI MAJU\nSUBTOTAL 19.99\nROUNDING ADJ 0.01\nTOTAL 20.00\nCHANGE 0.00\n",))
    claim = FieldClaim(field="total_amount", value="0.01", confidence=0.9,
                       evidence=ClaimedEvidence(quote="ROUNDING ADJ 0.01"))  # fmt: skip
    outcome = check_field_claim(RECEIPT, claim, source, step="extract_receipt", claim_id="c")
    assert (outcome.accepted, outcome.check, outcome.label) == (False, "counter_label", "ROUNDING ADJ")


def test_both_extractors_of_a_second_opinion_face_the_same_checks() -> None:
    honest = ExtractionClaim(
        fields=[
            FieldClaim(
                field="due_date",
                value="2024-04-11",
                confidence=0.9,
                evidence=ClaimedEvidence(quote="Due Date: 11 April 2024"),
            )
        ]
    )
    careless = ExtractionClaim(
        fields=[
            FieldClaim(
                field="due_date",
                value="2024-03-12",
                confidence=0.99,
                evidence=ClaimedEvidence(quote="Invoice Date: 12 March 2024"),
            )
        ]
    )
    candidates = [
        Candidate(source="primary", model="m1", attempt=1, claim=honest),
        Candidate(source="second", model="m2", attempt=1, claim=careless),
    ]  # fmt: skip
    patch = arbitrate(INVOICE, candidates, SOURCE, step="extract_invoice")
    assert patch.fields is not None and patch.fields["due_date"].value == "2024-04-11"
    assert patch.fields["due_date"].status == "accepted"
    rejected = [c for c in patch.claims or [] if not c.accepted]
    assert [(c.origin, c.check, c.label) for c in rejected] == [("second:m2", "wrong_label", "Invoice Date")]


SHIPMENT = DocumentType(
    name="shipment",
    description="A shipping notice.",
    fields=[
        Field("warranty", "duration", labels=("Warranty",)),
        Field("discount", "percentage", labels=("Discount",)),
        Field("service", "enum", values={"express": ["Express"], "standard": ["Standard"]}, labels=("Service",)),
        Field("insured", "boolean", labels=("Insured",)),
        Field("carrier", "text", labels=("Carrier",)),
    ],
)
NOTICE = SourceText(
    pages=(
        "Warranty: 12 years\nDiscount: 19 %\nService: Expressway delivery\nInsured: November batch\n"
        "Carrier: Hermesline Logistics\nService: Standard\nInsured: no\n",
    )
)


@pytest.mark.parametrize(
    ("field", "value", "quote"),
    [
        ("warranty", "2 years", "Warranty: 12 years"),
        ("discount", "9", "Discount: 19 %"),
        ("service", "express", "Service: Expressway delivery"),
        ("insured", "false", "Insured: November batch"),
        ("carrier", "Hermes", "Carrier: Hermesline Logistics"),
    ],
)
def test_every_kind_refuses_a_value_cut_out_of_a_longer_token(field: str, value: str, quote: str) -> None:
    claim = FieldClaim(field=field, value=value, confidence=0.9, evidence=ClaimedEvidence(quote=quote))
    outcome = check_field_claim(SHIPMENT, claim, NOTICE, step="extract_shipment", claim_id="c")
    assert (outcome.accepted, outcome.check) == (False, "value_not_in_quote"), outcome.reasons


@pytest.mark.parametrize(
    ("field", "value", "quote", "normalized"),
    [
        ("warranty", "12 years", "Warranty: 12 years", "12 years"),
        ("discount", "19%", "Discount: 19 %", "19"),
        ("service", "Standard", "Service: Standard", "standard"),
        ("insured", "no", "Insured: no", "false"),
        ("carrier", "hermesline logistics", "Carrier: Hermesline Logistics", "hermesline logistics"),
    ],
)
def test_every_kind_accepts_its_whole_value_under_its_own_label(
    field: str, value: str, quote: str, normalized: str
) -> None:
    claim = FieldClaim(field=field, value=value, confidence=0.9, evidence=ClaimedEvidence(quote=quote))
    outcome = check_field_claim(SHIPMENT, claim, NOTICE, step="extract_shipment", claim_id="c")
    assert (outcome.accepted, outcome.check, outcome.normalized) == (True, "own_label", normalized), outcome.reasons


@pytest.mark.parametrize(
    ("value", "quote"),
    [("Northwind", "Northwind Traders GmbH"), ("Traders GmbH", "Northwind Traders GmbH"), ("Northwind", "Northwind")],
)
def test_a_name_cut_out_of_a_longer_name_is_rejected(value: str, quote: str) -> None:
    outcome = judge("vendor_name", value, quote)
    assert (outcome.accepted, outcome.check) == (False, "value_not_in_quote")
    assert "is only part of the name 'Northwind Traders GmbH'" in outcome.reasons[0]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("LAWS OF THE STATE OF DELAWARE", "DELAWARE"),
        ("between Northwind Traders Ltd. (the Client) and Blue Harbor", "Northwind Traders Ltd."),
        ("Seller: ACME Tools GmbH, Berlin", "ACME Tools GmbH"),
    ],
)
def test_a_whole_name_in_a_sentence_or_a_list_is_not_cut(text: str, value: str) -> None:
    source = SourceText(pages=(text + "\n",))
    claim = FieldClaim(field="vendor_name", value=value, confidence=0.9, evidence=ClaimedEvidence(quote=text))
    assert check_field_claim(INVOICE, claim, source, step="extract_invoice", claim_id="c").accepted


@pytest.mark.parametrize(
    ("value", "quote", "label"),
    [
        ("Bill to: Globex Corporation", "Bill to: Globex Corporation", "Bill to"),
        ("Bill to Globex Corporation", "Bill to Globex Corporation", "Bill to"),
        ("Customer:\tGlobex Corporation", "Customer:\tGlobex Corporation", "Customer"),
        ("Buyer   Globex Corporation", "Buyer   Globex Corporation", "Buyer"),
        # quoted with the text before it: the value still begins with the buyer's heading
        ("Bill to: Globex Corporation", "Invoice for Bill to: Globex Corporation", "Bill to"),
    ],
)
def test_a_value_that_begins_with_a_counter_label_is_the_other_partys(value: str, quote: str, label: str) -> None:
    source = SourceText(pages=(f"Northwind Traders GmbH\nINVOICE\n{quote}\nTotal: 10.00\n",))
    claim = FieldClaim(field="vendor_name", value=value, confidence=0.9, evidence=ClaimedEvidence(quote=quote))
    outcome = check_field_claim(INVOICE, claim, source, step="extract_invoice", claim_id="c")
    assert (outcome.accepted, outcome.check, outcome.label) == (False, "counter_label", label), outcome.reasons
    assert outcome.reasons[0] == (
        f"{outcome.normalized!r} begins with {label!r}, which marks another role than vendor_name"
    )


def test_the_name_right_behind_a_counter_label_on_its_line_is_the_other_partys() -> None:
    source = SourceText(pages=("Northwind Traders GmbH\nINVOICE\nBill to: Globex Corporation\n",))
    claim = FieldClaim(field="vendor_name", value="Globex Corporation", confidence=0.9,
                       evidence=ClaimedEvidence(quote="Bill to: Globex Corporation"))  # fmt: skip
    outcome = check_field_claim(INVOICE, claim, source, step="extract_invoice", claim_id="c")
    assert (outcome.accepted, outcome.check, outcome.label) == (False, "counter_label", "Bill to")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        # a one-word label that begins a name, printed as part of it, is no label of the name
        ("vendor_name", "Client Solutions GmbH"),
        ("buyer_name", "Customer First Ltd"),
        # the buyer quoted with its own heading is not refused as another party's
        ("buyer_name", "Bill to: Globex Corporation"),
    ],
)
def test_a_value_that_begins_with_a_word_of_a_label_but_not_as_one_is_not_refused(field: str, value: str) -> None:
    source = SourceText(pages=(f"INVOICE\n{value}\nTotal: 10.00\n",))
    claim = FieldClaim(field=field, value=value, confidence=0.9, evidence=ClaimedEvidence(quote=value))
    outcome = check_field_claim(INVOICE, claim, source, step="extract_invoice", claim_id="c")
    assert outcome.accepted, outcome.reasons
