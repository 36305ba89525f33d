"""apply_extraction against adversarial claims: every value needs a quote, at its stated place, that proves it."""

from __future__ import annotations

from claimflow.doctypes import CONTRACT, INVOICE
from claimflow.state.apply import apply_extraction
from claimflow.state.claims import ExtractionClaim, FieldClaim, RowClaim
from claimflow.state.documents import SourceText
from claimflow.state.outcomes import ClaimOutcome, FieldResult
from claimflow.state.reasons import review_reasons
from claimflow.state.schema import DocumentType
from claimflow.state.workflow import Patch
from tests.factories import (
    CONTRACT_SOURCE,
    INVOICE_PAGE_2,
    INVOICE_SOURCE,
    TYPES,
    clean_invoice_fields,
    field_claim,
    invoice_state,
    row_claim,
)


def _extract(
    *claims: FieldClaim,
    rows: tuple[RowClaim, ...] = (),
    doc_type: DocumentType = INVOICE,
    source: SourceText = INVOICE_SOURCE,
) -> Patch:
    claim = ExtractionClaim(fields=list(claims), rows=list(rows))
    return apply_extraction(doc_type, claim, source, step=f"extract_{doc_type.name}", attempt=1)


def _field(patch: Patch, name: str) -> FieldResult:
    assert patch.fields is not None
    return patch.fields[name]


def _outcome(patch: Patch) -> ClaimOutcome:
    (outcome,) = patch.claims or []
    return outcome


def _line(cells: dict[str, str], quote: str, *, page: int | None = None) -> RowClaim:
    return row_claim("line_items", cells, quote, page=page)


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


def test_each_verdict_names_the_check_and_the_label_that_decided() -> None:
    patch = _extract(
        field_claim("vendor_name", "ACME Tools GmbH", "ACME Tools GmbH"),
        field_claim("issue_date", "2024-03-12", "Invoice date: 12.03.2024"),
        field_claim("total_amount", "160.65", "Total 160,65 €"),
    )
    assert [(o.field, o.check, o.label) for o in patch.claims or []] == [
        ("vendor_name", "no_label", None),
        ("issue_date", "own_label", "Invoice date"),
        ("total_amount", "own_label", "Total"),
    ]
    (event, *_) = patch.events or []
    assert (event.data["check"], event.data["label"]) == ("no_label", None)


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
    assert _outcome(patch).check == "quote_not_found"
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


def test_value_that_is_not_written_in_its_quote_is_rejected() -> None:
    patch = _extract(field_claim("total_amount", "170.65", "Total 160,65"))
    total = _field(patch, "total_amount")
    assert total.status == "rejected"
    assert "extract_invoice#1.1: value '170.65' is not written as a whole amount in quote 'Total 160,65'" in (
        total.reasons
    )
    outcome = _outcome(patch)
    assert outcome.check == "value_not_in_quote"
    assert outcome.normalized == "170.65"
    assert outcome.evidence is not None  # the quote itself was found


def test_value_that_is_only_part_of_a_token_in_its_quote_is_rejected() -> None:
    # 60.65 is the tail of 160,65, and 2024 the middle of INV-2024-0042: neither is written there.
    patch = _extract(
        field_claim("total_amount", "60.65", "Total 160,65 €"),
        field_claim("invoice_number", "2024", "Invoice No.: INV-2024-0042"),
    )
    assert _field(patch, "total_amount").status == "rejected"
    assert _field(patch, "invoice_number").status == "rejected"
    assert [o.check for o in patch.claims or []] == ["value_not_in_quote", "value_not_in_quote"]


def test_value_of_the_wrong_type_is_rejected() -> None:
    patch = _extract(
        field_claim("total_amount", "abc", "Total 160,65 €"),
        field_claim("issue_date", "2023-13-45", "Invoice date: 12.03.2024"),
    )
    assert _field(patch, "total_amount").status == "rejected"
    assert any("cannot be read as an amount" in r for r in _field(patch, "total_amount").reasons)
    assert _field(patch, "issue_date").status == "rejected"
    assert any("cannot be read as a date" in r for r in _field(patch, "issue_date").reasons)
    assert [o.check for o in patch.claims or []] == ["value_unreadable", "value_unreadable"]


def test_a_value_under_another_fields_label_is_rejected_naming_that_label() -> None:
    patch = _extract(field_claim("due_date", "2024-03-12", "Invoice date: 12.03.2024"))
    due = _field(patch, "due_date")
    assert due.status == "rejected"
    outcome = _outcome(patch)
    assert (outcome.check, outcome.label) == ("wrong_label", "Invoice date")
    assert outcome.reasons == ["'2024-03-12' stands under 'Invoice date', the label of issue_date, not of due_date"]


def test_quoting_only_the_value_does_not_hide_the_label_that_governs_it() -> None:
    outcome = _outcome(_extract(field_claim("due_date", "2024-03-12", "12.03.2024")))
    assert (outcome.accepted, outcome.check, outcome.label) == (False, "wrong_label", "Invoice date")


def test_every_field_and_line_of_the_sample_invoice_is_proved_by_its_own_line() -> None:
    patch = _extract(
        field_claim("vendor_name", "ACME Tools GmbH", "ACME Tools GmbH"),
        field_claim("invoice_number", "INV-2024-0042", "Invoice No.: INV-2024-0042"),
        field_claim("issue_date", "2024-03-12", "Invoice date: 12.03.2024"),
        field_claim("due_date", "2024-04-11", "Due date: 11 April 2024"),
        field_claim("currency", "EUR", "Net amount: 135,00 EUR"),
        field_claim("net_amount", "135.00", "Net amount: 135,00 EUR"),
        field_claim("tax_amount", "25.65", "VAT 19%: 25,65 EUR"),
        field_claim("total_amount", "160.65", "Total 160,65 €"),
        rows=(
            _line({"description": "Hammer", "quantity": "2", "unit_price": "25,00", "amount": "50,00"},
                  "Hammer 2 25,00 50,00"),
            _line({"description": "Screwdriver set", "quantity": "1", "unit_price": "85,00", "amount": "85,00"},
                  "Screwdriver set 1 85,00 85,00"),
        ),
    )  # fmt: skip
    assert all(o.accepted for o in patch.claims or []), [o.reasons for o in patch.claims or [] if not o.accepted]
    # The claims name no buyer, VAT id, order number, IBAN, amount due or kind: those fields stay empty.
    assert {name: result.value for name, result in (patch.fields or {}).items()} == {
        **{name: result.value for name, result in clean_invoice_fields().items()},
        **dict.fromkeys(
            ("amount_due", "buyer_name", "vendor_tax_id", "order_number", "iban", "invoice_type", "invoice_type_code")
        ),
    }
    assert [row.cells["amount"] for row in (patch.tables or {})["line_items"]] == ["50.00", "85.00"]
    assert {o.field: o.label for o in patch.claims or [] if o.check == "own_label"} == {
        "invoice_number": "Invoice No.", "issue_date": "Invoice date", "due_date": "Due date",
        "net_amount": "Net amount", "tax_amount": "VAT", "total_amount": "Total",
    }  # fmt: skip


def test_the_customer_under_a_counter_label_is_not_the_vendor() -> None:
    source = SourceText(pages=("ACME Tools GmbH\nINVOICE\nBill to:\nGlobex Corporation\n5 Main Street\n",))
    patch = _extract(field_claim("vendor_name", "Globex Corporation", "Globex Corporation"), source=source)
    assert _field(patch, "vendor_name").status == "rejected"
    outcome = _outcome(patch)
    assert (outcome.check, outcome.label) == ("counter_label", "Bill to")
    assert "marks another role than vendor_name" in outcome.reasons[0]


def test_unknown_field_is_rejected_and_not_recorded() -> None:
    patch = _extract(field_claim("swift", "DEUT", "INVOICE"), field_claim("parties", "ACME", "ACME Tools GmbH"))
    assert patch.fields is not None
    assert set(patch.fields) == {spec.name for spec in INVOICE.value_fields}
    outcomes = patch.claims or []
    assert [o.accepted for o in outcomes] == [False, False]
    assert [o.check for o in outcomes] == ["unknown_field", "unknown_field"]
    assert outcomes[0].reasons[0].startswith("unknown field 'swift' for a invoice; known: vendor_name, invoice_number")


def test_a_table_field_cannot_be_claimed_as_a_value() -> None:
    outcome = _outcome(_extract(field_claim("line_items", "50.00", "Hammer              2   25,00     50,00")))
    assert (outcome.accepted, outcome.check) == (False, "unknown_field")


def test_conflicting_values_reject_the_field_and_send_it_to_review() -> None:
    source = SourceText(pages=("INVOICE\nTotal 160,65 €\n", "INVOICE (corrected)\nTotal 135,00 €\n"))
    patch = _extract(
        field_claim("total_amount", "160.65", "Total 160,65 €"),
        field_claim("total_amount", "135.00", "Total 135,00 €"),
        source=source,
    )
    total = _field(patch, "total_amount")
    assert total.status == "rejected"
    assert total.value is None
    assert total.reasons[0].startswith("conflicting values")
    assert "'160.65'" in total.reasons[0]
    assert "'135.00'" in total.reasons[0]
    assert all(o.accepted for o in patch.claims or [])  # each claim alone was supported
    state = invoice_state(**patch.as_update())
    conflicts = [r for r in review_reasons(state, TYPES) if r.code == "conflicting_values"]
    assert [r.field for r in conflicts] == ["total_amount"]


def test_evidence_settles_a_disagreement_when_one_value_stands_under_another_fields_label() -> None:
    patch = _extract(
        field_claim("total_amount", "160.65", "Total 160,65 €"),
        field_claim("total_amount", "135.00", "Net amount: 135,00 EUR"),
    )
    total = _field(patch, "total_amount")
    assert (total.status, total.value) == ("accepted", "160.65")
    assert any(r.startswith("extract_invoice#1.2: '135.00' stands under 'Net amount'") for r in total.reasons)


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
        doc_type=CONTRACT,
        source=CONTRACT_SOURCE,
    )
    parties = _field(patch, "parties")
    assert parties.status == "accepted"
    assert parties.value == ["Northwind Traders Ltd.", "Blue Harbor Consulting LLC"]
    assert len(parties.evidence) == 3
    assert _field(patch, "term").value == "2 years"
    assert _field(patch, "effective_date").value == "2023-10-01"
    assert _field(patch, "jurisdiction").status == "missing"
    assert patch.tables == {}


def test_fields_without_a_claim_are_missing_and_tables_without_rows_are_empty() -> None:
    patch = _extract(field_claim("total_amount", "160.65", "Total 160,65 €"))
    missing = {name for name, result in (patch.fields or {}).items() if result.status == "missing"}
    assert missing == {spec.name for spec in INVOICE.value_fields} - {"total_amount"}
    vendor = _field(patch, "vendor_name")
    assert vendor.value is None
    assert vendor.decided_by == "no claim"
    assert patch.tables == {"line_items": []}


def test_line_item_is_accepted_when_every_cell_is_in_the_quote() -> None:
    item = _line(
        {"description": " Hammer ", "quantity": "2", "unit_price": "25,00", "amount": "50.00"},
        "Hammer 2 25,00 50,00",
        page=2,
    )
    patch = _extract(rows=(item,))
    (accepted,) = (patch.tables or {})["line_items"]
    assert accepted.cells == {"description": "Hammer", "quantity": "2", "unit_price": "25.00", "amount": "50.00"}
    assert accepted.evidence.page == 2
    outcome = _outcome(patch)
    assert outcome.accepted
    assert outcome.claim_id == "extract_invoice#1.line_items1"
    assert outcome.field == "line_items"


def test_a_row_claim_reads_the_same_whatever_the_order_of_its_cells() -> None:
    cells = {"description": "Hammer", "quantity": "2", "unit_price": "25,00", "amount": "50,00"}
    as_claimed = _outcome(_extract(rows=(_line(cells, "Hammer 2 25,00 50,00"),)))
    as_recorded = _outcome(_extract(rows=(_line(dict(sorted(cells.items())), "Hammer 2 25,00 50,00"),)))
    # In the table's column order, as `replay` compares a recorded run with its live one.
    assert as_claimed.value == as_recorded.value == "description=Hammer; quantity=2; unit_price=25,00; amount=50,00"


def test_line_item_cells_not_printed_stay_empty() -> None:
    patch = _extract(rows=(_line({"description": "Hammer", "amount": "50.00"}, "Hammer 2 25,00 50,00"),))
    (accepted,) = (patch.tables or {})["line_items"]
    assert accepted.cells == {"description": "Hammer", "quantity": None, "unit_price": None, "amount": "50.00"}


def test_line_item_whose_amount_is_not_in_the_quote_is_rejected() -> None:
    patch = _extract(rows=(_line({"description": "Hammer", "amount": "55.00"}, "Hammer 2 25,00 50,00"),))
    assert patch.tables == {"line_items": []}
    outcome = _outcome(patch)
    assert not outcome.accepted
    assert outcome.check == "value_not_in_quote"
    assert outcome.reasons == [
        "amount: value '55.00' is not written as a whole amount in quote 'Hammer              2   25,00     50,00'"
    ]


def test_line_item_with_a_fabricated_line_or_bad_quantity_is_rejected() -> None:
    fabricated = _line({"description": "Saw", "amount": "40.00"}, "Saw 1 40,00 40,00")
    bad_quantity = _line({"description": "Hammer", "quantity": "two", "amount": "50.00"}, "Hammer 2 25,00 50,00")
    patch = _extract(rows=(fabricated, bad_quantity))
    assert patch.tables == {"line_items": []}
    outcomes = patch.claims or []
    assert outcomes[0].check == "quote_not_found"
    assert "evidence rejected" in outcomes[0].reasons[0]
    assert outcomes[1].reasons == ["quantity: value 'two' cannot be read as a number"]


def test_a_printed_row_claimed_twice_is_one_row() -> None:
    hammer = {"description": "Hammer", "quantity": "2", "amount": "50.00"}
    screwdriver = {"description": "Screwdriver set", "quantity": "1", "amount": "85.00"}
    patch = _extract(
        rows=(
            _line(hammer, "Hammer 2 25,00 50,00"),
            _line(screwdriver, "Screwdriver set 1 85,00 85,00"),
            _line(hammer, "Hammer 2 25,00 50,00"),  # the same line again: it would count twice in the net's sum
            _line({"quantity": "2", "amount": "50.00"}, "2   25,00     50,00"),  # a part of that line
        )
    )
    rows = (patch.tables or {})["line_items"]
    assert [row.cells["description"] for row in rows] == ["Hammer", "Screwdriver set"]
    outcomes = patch.claims or []
    assert [o.accepted for o in outcomes] == [True, True, False, False]
    assert {o.check for o in outcomes[2:]} == {"row_repeated"}
    assert "row 1" in outcomes[2].reasons[0]


def test_line_item_without_its_required_amount_or_with_an_unknown_column_is_rejected() -> None:
    no_amount = _line({"description": "Hammer"}, "Hammer 2 25,00 50,00")
    extra = _line({"description": "Hammer", "amount": "50.00", "sku": "H-2"}, "Hammer 2 25,00 50,00")
    patch = _extract(rows=(no_amount, extra))
    assert patch.tables == {"line_items": []}
    reasons = [o.reasons for o in patch.claims or []]
    assert reasons[0] == ["required column 'amount' is empty"]
    assert reasons[1] == ["unknown column 'sku'; columns: description, quantity, unit_price, amount"]


def test_rows_of_an_unknown_table_are_rejected() -> None:
    patch = _extract(rows=(row_claim("payments", {"amount": "50.00"}, "Hammer 2 25,00 50,00"),))
    assert patch.tables == {"line_items": []}
    outcome = _outcome(patch)
    assert (outcome.accepted, outcome.check) == (False, "unknown_field")
    assert outcome.claim_id == "extract_invoice#1.payments?"
    assert outcome.reasons == ["unknown table 'payments' for a invoice; tables: line_items"]


WRAPPED_ROW = "Annual maintenance of the packaging 1 $1,450.00 $1,450.00\nline, including spare parts"
"""A row whose description runs on below its figures."""
WRAPPED_SOURCE = SourceText(pages=(f"ACME Services LLC\nItem Qty Rate Amount\n{WRAPPED_ROW}\nSubtotal $1,450.00\n",))
_FIGURES = {"quantity": "1", "unit_price": "1450.00", "amount": "1450.00"}


def _wrapped_row(description: str, quote: str = WRAPPED_ROW) -> ClaimOutcome:
    row = _line({"description": description, **_FIGURES}, quote)
    return _outcome(_extract(rows=(row,), source=WRAPPED_SOURCE))


def test_a_row_description_written_around_its_figures_is_accepted() -> None:
    row = _line(
        {"description": "Annual maintenance of the packaging line, including spare parts", **_FIGURES}, WRAPPED_ROW
    )
    patch = _extract(rows=(row,), source=WRAPPED_SOURCE)
    (accepted,) = (patch.tables or {})["line_items"]
    assert accepted.cells["description"] == "Annual maintenance of the packaging line, including spare parts"
    assert accepted.evidence.quote == WRAPPED_ROW
    assert _outcome(patch).accepted


def test_a_row_description_above_its_figures_is_accepted() -> None:
    quote = "1 Wartung der\nHeizungsanlage\n120,0000 2 Std 19% 240,00"
    cells = {"description": "Wartung der Heizungsanlage", "quantity": "2", "unit_price": "120.00", "amount": "240.00"}
    patch = _extract(rows=(_line(cells, quote),), source=SourceText(pages=(f"Rechnung\n{quote}\n",)))
    assert _outcome(patch).accepted


def test_a_row_description_with_a_word_not_in_the_quote_is_rejected() -> None:
    outcome = _wrapped_row("Annual maintenance of the conveyor line, including spare parts")
    assert (outcome.accepted, outcome.check) == (False, "value_not_in_quote")
    assert outcome.reasons[0].startswith("description: value 'Annual maintenance of the conveyor line")


def test_a_row_description_with_its_words_out_of_order_is_rejected() -> None:
    assert not _wrapped_row("Annual maintenance line, including spare parts of the packaging").accepted
    assert not _wrapped_row("line, including spare parts Annual maintenance of the packaging").accepted


def test_a_row_description_may_not_skip_words_beside_its_figures() -> None:
    # Figures are passed over only where the description runs on to another line, never to leave out words.
    assert not _wrapped_row("Annual maintenance of the spare parts").accepted
    quote = "Roll-up banner 85 x 200 cm 1 95,25 95,25"
    cells = {"description": "Roll-up banner cm", "quantity": "1", "unit_price": "95.25", "amount": "95.25"}
    outcome = _outcome(_extract(rows=(_line(cells, quote),), source=SourceText(pages=(quote,))))
    assert not outcome.accepted


def test_a_field_claim_gets_no_leniency_for_text_around_figures() -> None:
    claim = field_claim("vendor_name", "Annual maintenance of the packaging line", WRAPPED_ROW)
    outcome = _outcome(_extract(claim, source=WRAPPED_SOURCE))
    assert (outcome.accepted, outcome.check) == (False, "value_not_in_quote")
    assert _field(_extract(claim, source=WRAPPED_SOURCE), "vendor_name").status == "rejected"
