"""apply_extraction against adversarial claims: every value needs a quote, at its stated place, that shows it."""

from __future__ import annotations

from claimflow.state.apply import apply_extraction
from claimflow.state.claims import ExtractionClaim, FieldClaim, LineItemClaim
from claimflow.state.documents import SourceText
from claimflow.state.fields import DocType, fields_of
from claimflow.state.outcomes import FieldResult
from claimflow.state.reasons import review_reasons
from claimflow.state.workflow import Patch
from tests.factories import CONTRACT, INVOICE, INVOICE_PAGE_2, claimed, field_claim, invoice_state


def _extract(
    *claims: FieldClaim,
    line_items: tuple[LineItemClaim, ...] = (),
    doc_type: DocType = "invoice",
    source: SourceText = INVOICE,
) -> Patch:
    claim = ExtractionClaim(fields=list(claims), line_items=list(line_items))
    return apply_extraction(doc_type, claim, source, step=f"extract_{doc_type}", attempt=1)


def _field(patch: Patch, name: str) -> FieldResult:
    assert patch.fields is not None
    return patch.fields[name]


def test_supported_claims_are_accepted_with_located_evidence() -> None:
    patch = _extract(
        field_claim("vendor_name", "ACME Tools GmbH", "ACME Tools GmbH", page=1, confidence=0.97),
        field_claim("issue_date", "2024-03-12", "Invoice date: 12.03.2024"),
        field_claim("total_amount", "160.65", "Total 160,65 €", page=2),
    )
    total = _field(patch, "total_amount")
    assert total.status == "accepted"
    assert total.value == "160.65"
    assert [(e.page, e.quote) for e in total.evidence] == [(2, "Total 160,65 €")]
    assert total.decided_by == "extract_invoice#1.3"
    assert _field(patch, "issue_date").value == "2024-03-12"
    assert _field(patch, "vendor_name").confidence == 0.97
    assert all(o.accepted for o in patch.claims or [])
    assert [e.type for e in patch.events or []] == ["claim.accepted"] * 3


def test_values_are_stored_in_canonical_form() -> None:
    patch = _extract(
        field_claim("net_amount", "135,00", "Net amount: 135,00 EUR"),
        field_claim("currency", "€", "Total 160,65 €"),
        field_claim("due_date", "11 April 2024", "Due date: 11 April 2024"),
    )
    assert _field(patch, "net_amount").value == "135.00"
    assert _field(patch, "currency").value == "EUR"
    assert _field(patch, "due_date").value == "2024-04-11"


def test_quote_not_in_the_source_is_rejected() -> None:
    patch = _extract(field_claim("total_amount", "170.65", "Total 170,65 €"))
    total = _field(patch, "total_amount")
    assert total.status == "rejected"
    assert total.value is None
    assert any("evidence rejected" in r and "not in the document" in r for r in total.reasons)
    assert [e.type for e in patch.events or []] == ["claim.rejected"]


def test_stated_page_that_disagrees_is_rejected() -> None:
    total = _field(_extract(field_claim("total_amount", "160.65", "Total 160,65 €", page=1)), "total_amount")
    assert total.status == "rejected"
    assert any("not on stated page 1" in r for r in total.reasons)


def test_stated_offsets_that_disagree_are_rejected() -> None:
    start = INVOICE_PAGE_2.index("Total 160,65")
    claim = field_claim("total_amount", "160.65", "Total 160,65 €", page=2, start=start + 2, end=start + 16)
    total = _field(_extract(claim), "total_amount")
    assert total.status == "rejected"
    assert any("disagree" in r for r in total.reasons)


def test_stated_offsets_that_agree_are_accepted() -> None:
    start = INVOICE_PAGE_2.index("Total 160,65")
    claim = field_claim("total_amount", "160.65", "Total 160,65 €", page=2, start=start, end=start + 14)
    total = _field(_extract(claim), "total_amount")
    assert total.status == "accepted"
    assert (total.evidence[0].start, total.evidence[0].end) == (start, start + 14)


def test_value_that_does_not_follow_from_its_quote_is_rejected() -> None:
    patch = _extract(field_claim("total_amount", "170.65", "Total 160,65"))
    total = _field(patch, "total_amount")
    assert total.status == "rejected"
    assert any("does not follow from quote" in r for r in total.reasons)
    (outcome,) = patch.claims or []
    assert outcome.normalized == "170.65"
    assert outcome.evidence is not None  # the quote itself was found


def test_value_of_the_wrong_type_is_rejected() -> None:
    patch = _extract(
        field_claim("total_amount", "abc", "Total 160,65 €"),
        field_claim("issue_date", "2023-13-45", "Invoice date: 12.03.2024"),
    )
    assert _field(patch, "total_amount").status == "rejected"
    assert any("cannot be read as an amount" in r for r in _field(patch, "total_amount").reasons)
    assert _field(patch, "issue_date").status == "rejected"
    assert any("cannot be read as a date" in r for r in _field(patch, "issue_date").reasons)


def test_unknown_field_is_rejected_and_not_recorded() -> None:
    patch = _extract(field_claim("iban", "DE89", "INVOICE"), field_claim("parties", "ACME", "ACME Tools GmbH"))
    assert patch.fields is not None
    assert set(patch.fields) == {spec.name for spec in fields_of("invoice")}
    outcomes = patch.claims or []
    assert [o.accepted for o in outcomes] == [False, False]
    assert all("unknown field" in o.reasons[0] for o in outcomes)


def test_conflicting_values_reject_the_field_and_send_it_to_review() -> None:
    patch = _extract(
        field_claim("total_amount", "160.65", "Total 160,65 €"),
        field_claim("total_amount", "135.00", "Net amount: 135,00 EUR"),
    )
    total = _field(patch, "total_amount")
    assert total.status == "rejected"
    assert total.value is None
    assert total.reasons[0].startswith("conflicting values")
    assert "'160.65'" in total.reasons[0]
    assert "'135.00'" in total.reasons[0]
    assert all(o.accepted for o in patch.claims or [])  # each claim alone was supported
    state = invoice_state(**patch.as_update())
    conflicts = [r for r in review_reasons(state) if r.code == "conflicting_values"]
    assert [r.field for r in conflicts] == ["total_amount"]


def test_both_readings_of_an_ambiguous_date_conflict() -> None:
    source = SourceText(pages=("INVOICE\nDate: 01/02/2023\n",))
    patch = _extract(
        field_claim("issue_date", "2023-01-02", "Date: 01/02/2023"),
        field_claim("issue_date", "2023-02-01", "Date: 01/02/2023"),
        source=source,
    )
    assert _field(patch, "issue_date").reasons[0].startswith("conflicting values")


def test_equal_values_merge_into_one_accepted_field() -> None:
    patch = _extract(
        field_claim("total_amount", "160.65", "Total 160,65 €", confidence=0.7),
        field_claim("total_amount", "160,65", "Total 160,65", page=2, confidence=0.9),
    )
    total = _field(patch, "total_amount")
    assert total.status == "accepted"
    assert total.value == "160.65"
    assert total.confidence == 0.9
    assert len(total.evidence) == 2
    assert total.decided_by == "extract_invoice#1.1, extract_invoice#1.2"


def test_text_values_that_differ_only_in_case_merge() -> None:
    patch = _extract(
        field_claim("vendor_name", "ACME Tools GmbH", "ACME Tools GmbH"),
        field_claim("vendor_name", "Acme Tools GmbH", "ACME Tools GmbH"),
    )
    assert _field(patch, "vendor_name").status == "accepted"


def test_a_supported_claim_wins_over_an_unsupported_one_and_keeps_its_reasons() -> None:
    patch = _extract(
        field_claim("total_amount", "170.65", "Total 170,65 €"),
        field_claim("total_amount", "160.65", "Total 160,65 €"),
    )
    total = _field(patch, "total_amount")
    assert total.status == "accepted"
    assert total.value == "160.65"
    assert any(r.startswith("extract_invoice#1.1: evidence rejected") for r in total.reasons)


def test_parties_take_several_values() -> None:
    patch = _extract(
        field_claim("parties", "Northwind Traders Ltd.", "between Northwind Traders Ltd. (the Client)"),
        field_claim("parties", "Blue Harbor Consulting LLC", "and Blue Harbor Consulting LLC (the Provider)"),
        field_claim("parties", "NORTHWIND TRADERS LTD.", "Northwind Traders Ltd."),
        field_claim("term", "2 years", "The term of this Agreement is two (2) years."),
        field_claim("effective_date", "2023-10-01", "made on 1. Oktober 2023"),
        doc_type="contract",
        source=CONTRACT,
    )
    parties = _field(patch, "parties")
    assert parties.status == "accepted"
    assert parties.value == ["Northwind Traders Ltd.", "Blue Harbor Consulting LLC"]
    assert len(parties.evidence) == 3
    assert _field(patch, "term").value == "2 years"
    assert _field(patch, "effective_date").value == "2023-10-01"
    assert _field(patch, "jurisdiction").status == "missing"


def test_fields_without_a_claim_are_missing() -> None:
    patch = _extract(field_claim("total_amount", "160.65", "Total 160,65 €"))
    missing = {name for name, result in (patch.fields or {}).items() if result.status == "missing"}
    assert missing == {spec.name for spec in fields_of("invoice")} - {"total_amount"}
    vendor = _field(patch, "vendor_name")
    assert vendor.value is None
    assert vendor.decided_by == "no claim"


def test_line_item_is_accepted_when_its_amount_is_in_the_quote() -> None:
    item = LineItemClaim(
        description=" Hammer ", quantity="2", unit_price="25,00", amount="50.00",
        evidence=claimed("Hammer 2 25,00 50,00", page=2),
    )  # fmt: skip
    patch = _extract(line_items=(item,))
    (accepted,) = patch.line_items or []
    assert accepted.description == "Hammer"
    assert (accepted.quantity, accepted.unit_price, accepted.amount) == ("2.00", "25.00", "50.00")
    assert accepted.evidence.page == 2
    (outcome,) = patch.claims or []
    assert outcome.accepted
    assert outcome.claim_id == "extract_invoice#1.L1"


def test_line_item_whose_amount_is_not_in_the_quote_is_rejected() -> None:
    item = LineItemClaim(description="Hammer", amount="55.00", evidence=claimed("Hammer 2 25,00 50,00"))
    patch = _extract(line_items=(item,))
    assert patch.line_items == []
    (outcome,) = patch.claims or []
    assert not outcome.accepted
    assert "does not follow" in outcome.reasons[0]


def test_line_item_with_a_fabricated_line_or_bad_quantity_is_rejected() -> None:
    fabricated = LineItemClaim(description="Saw", amount="40.00", evidence=claimed("Saw 1 40,00 40,00"))
    bad_quantity = LineItemClaim(
        description="Hammer", quantity="two", amount="50.00", evidence=claimed("Hammer 2 25,00 50,00")
    )
    patch = _extract(line_items=(fabricated, bad_quantity))
    assert patch.line_items == []
    reasons = [o.reasons for o in patch.claims or []]
    assert "evidence rejected" in reasons[0][0]
    assert reasons[1] == ["quantity 'two' is not a number"]
