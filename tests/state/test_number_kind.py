"""The `number` kind: quantities, weights, counts and measures, never read as money.

A number's canonical form is a plain decimal with a dot, as precise as printed (`14.555`, `200`); on the page it
may be grouped, carry either decimal mark and a unit. One separator before three digits reads two ways: the evidence
check takes the reading the document's other figures give (`12.50`: a dot marks decimals), and either where they
give none; a figure beside a currency is money and proves no number. Rules read a
number with `doc.number` and `row.number`; records hold a Decimal, and the eval compares by value.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from claimflow import Column, DocumentType, Field, RuleInput, RuleResult, rule
from claimflow.state.apply import apply_extraction, build_review_request, check_field_claim
from claimflow.state.apply.rows import check_row_claim
from claimflow.state.claims import ExtractionClaim, FieldClaim, RowClaim
from claimflow.state.documents import SourceText
from claimflow.state.errors import RuleFieldError
from claimflow.state.evidence import ClaimedEvidence, Evidence
from claimflow.state.normalize import check_value, normalize_value, not_canonical
from claimflow.state.outcomes import ClaimOutcome, TableRow
from claimflow.state.reasons import review_reasons
from claimflow.state.records import typed_value
from claimflow.state.review import ReviewDecision
from claimflow.state.schema import DocumentTypes
from evals.scoring import is_right
from tests.factories import classified, make_state


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("200", "200"),
        ("200.00", "200"),
        ("14.555", "14.555"),
        ("14.50", "14.5"),
        ("14.555 kg", "14.555"),
        ("1,250", "1250"),
        ("1,250 pcs", "1250"),
        ("1.250,5", "1250.5"),
        ("1,250.5", "1250.5"),
        ("1 250", "1250"),
        ("1.250.000", "1250000"),
        ("0.125", "0.125"),
        ("0,125", "0.125"),
        ("-3", "-3"),
        ("\u22123 Stk.", "-3"),
        ("12 m²", "12"),
        ("-0.0", "0"),
        ("€14.50", None),
        ("14.50 EUR", None),
        ("$3", None),
        ("19%", None),
        ("abc", None),
        ("14.5 kg net", None),
        ("1.250.5", None),
        ("2024-03-14", None),
        ("", None),
    ],
)
def test_a_number_is_brought_to_its_canonical_form(value: str, expected: str | None) -> None:
    assert normalize_value("number", value) == expected


@pytest.mark.parametrize(
    ("value", "quote", "written"),
    [
        ("14.555", "Gross weight: 14.555 kg", ["14.555"]),
        ("14555", "Gross weight: 14.555 kg", ["14.555"]),
        ("14.5", "Net weight: 14.50 kg", ["14.50"]),
        ("1250", "Qty 1,250 pcs", ["1,250"]),
        ("1.25", "Qty 1,250 pcs", ["1,250"]),
        ("1250.5", "Menge: 1.250,5 m²", ["1.250,5"]),
        ("1250", "Count 1 250", ["1 250"]),
        ("3", "3 $12.50", ["3"]),
    ],
)
def test_a_number_is_found_in_its_quote_by_either_reading(value: str, quote: str, written: list[str]) -> None:
    checked = check_value("number", value, quote)
    assert checked.ok, checked.reason
    assert [quote[start:end] for start, end in checked.spans] == written


@pytest.mark.parametrize(
    ("value", "quote"),
    [
        ("14.5", "Price: €14.50"),
        ("14.5", "Total 14.50 EUR"),
        ("19", "VAT 19%"),
        ("12.5", "Weight 112.5 kg"),
        ("14.5", "Weight 14.555 kg"),
        ("555", "Weight 14.555 kg"),
        ("2024", "Shipped 2024-03-14"),
        ("2024", "Ref NW-2024-0117"),
    ],
)
def test_a_number_written_otherwise_is_not_in_its_quote(value: str, quote: str) -> None:
    assert not check_value("number", value, quote).ok


SHIPMENT = DocumentType(
    name="shipment",
    description="A packing list.",
    fields=[
        Field("gross_weight", "number", labels=("Gross weight",)),
        Field("freight", "amount", labels=("Freight charge",)),
        Field("packages", "table", columns=[
            Column("description", "text", labels=("Description",)),
            Column("quantity", "number", required=True, labels=("Qty",)),
        ]),
    ],
)  # fmt: skip
PAGE = (
    "Packing List\n"
    "Gross weight: 14.555 kg\n"
    "Freight charge: €14.50\n"
    "Tare 1,250.75 kg\n"
    "Correction: -3 kg\n"
    "\n"
    "Description      Qty\n"
    "Cartons          1,250 pcs\n"
)
SOURCE = SourceText(pages=(PAGE,))


def _judge(field: str, value: str, quote: str) -> tuple[bool, str | None, str | None]:
    claim = FieldClaim(field=field, value=value, confidence=0.9, evidence=ClaimedEvidence(quote=quote, page=1))
    outcome = check_field_claim(SHIPMENT, claim, SOURCE, step="extract_shipment", claim_id="c")
    return outcome.accepted, outcome.check, outcome.normalized


@pytest.mark.parametrize(
    ("field", "value", "quote", "verdict"),
    [
        ("gross_weight", "14.555", "Gross weight: 14.555 kg", (True, "own_label", "14.555")),
        ("gross_weight", "14555", "Gross weight: 14.555 kg", (False, "value_not_in_quote", "14555")),
        ("gross_weight", "14.5550", "Gross weight: 14.555 kg", (True, "own_label", "14.555")),
        ("gross_weight", "14.5", "Freight charge: €14.50", (False, "value_not_in_quote", "14.5")),
        ("gross_weight", "14.5", "14.50", (False, "value_not_in_quote", "14.5")),
        ("gross_weight", "250.75", "Tare 1,250.75 kg", (False, "value_not_in_quote", "250.75")),
        ("gross_weight", "3", "3 kg", (False, "value_not_in_quote", "3")),
        ("freight", "14555.00", "Gross weight: 14.555 kg", (False, "value_not_in_quote", "14555.00")),
        ("gross_weight", "weighty", "Gross weight: 14.555 kg", (False, "value_unreadable", None)),
    ],
    ids=[
        "decimal-reading", "grouped-reading-where-a-dot-marks-decimals", "trailing-zero", "money",
        "money-cut-after-currency", "inside-a-longer-number", "cut-after-its-sign", "amount-from-a-weight",
        "unreadable",
    ],
)  # fmt: skip
def test_the_evidence_check_judges_a_number(
    field: str, value: str, quote: str, verdict: tuple[bool, str | None, str | None]
) -> None:
    assert _judge(field, value, quote) == verdict


def test_a_reading_the_documents_decimal_mark_rules_out_is_refused_saying_so() -> None:
    claim = FieldClaim(field="gross_weight", value="14555", confidence=0.9, evidence=ClaimedEvidence(quote="14.555 kg"))
    outcome = check_field_claim(SHIPMENT, claim, SOURCE, step="extract_shipment", claim_id="c")
    assert outcome.reasons == [
        "the page writes 'Gross weight: 14.555 kg', which reads 14.555 there, not 14555: "
        "the document's figures mark decimals with a dot"
    ]


_OTHER_FIGURES = {
    "dot": ("Freight charge: 12.50\n", {"14.555", "1250"}),
    "comma": ("Freight charge: 12,50\n", {"14555", "1.25"}),
    "no-other-figure": ("", {"14.555", "14555", "1250", "1.25"}),
    "both-marks": ("Freight charge: 12.50\nInsurance: 3,20\n", {"14.555", "14555", "1250", "1.25"}),
}


@pytest.mark.parametrize("figures", list(_OTHER_FIGURES))
def test_a_number_that_reads_two_ways_reads_as_the_documents_other_figures_mark_decimals(figures: str) -> None:
    written, proved = _OTHER_FIGURES[figures]
    page = f"Packing List\nGross weight: 14.555 kg\n{written}\nDescription      Qty\nCartons          1,250 pcs\n"
    source = SourceText(pages=(page,))
    weights = {
        value
        for value in ("14.555", "14555")
        if check_field_claim(
            SHIPMENT,
            FieldClaim(field="gross_weight", value=value, confidence=0.9, evidence=ClaimedEvidence(quote="14.555 kg")),
            source,
            step="extract_shipment",
            claim_id="c",
        ).accepted
    }
    quantities = {
        value
        for value in ("1250", "1.25")
        if check_row_claim(
            SHIPMENT,
            RowClaim(
                table="packages",
                cells={"description": "Cartons", "quantity": value},
                evidence=ClaimedEvidence(quote="Cartons          1,250 pcs", page=1),
            ),
            source,
            step="extract_shipment",
            claim_id="r",
        )[0].accepted
    }
    assert weights | quantities == proved


def test_a_number_claimed_from_money_is_refused_saying_it_is_an_amount() -> None:
    claim = FieldClaim(
        field="gross_weight", value="14.50", confidence=0.9, evidence=ClaimedEvidence(quote="Freight charge: €14.50")
    )
    outcome = check_field_claim(SHIPMENT, claim, SOURCE, step="extract_shipment", claim_id="c")
    assert outcome.reasons == ["'14.5' is written as an amount in quote 'Freight charge: €14.50', not as a number"]


def test_a_number_under_an_amounts_label_is_refused_naming_the_label() -> None:
    page = "Freight charge: 14.5\n"
    claim = FieldClaim(field="gross_weight", value="14.5", confidence=0.9, evidence=ClaimedEvidence(quote=page[:-1]))
    outcome = check_field_claim(SHIPMENT, claim, SourceText(pages=(page,)), step="extract_shipment", claim_id="c")
    assert (outcome.accepted, outcome.check, outcome.label) == (False, "wrong_label", "Freight charge")


@pytest.mark.parametrize(("quantity", "accepted"), [("1250", True), ("1.25", False), ("250", False), ("12.5", False)])
def test_a_rows_number_cell_is_checked_as_the_row_prints_it(quantity: str, accepted: bool) -> None:
    claim = RowClaim(
        table="packages",
        cells={"description": "Cartons", "quantity": quantity},
        evidence=ClaimedEvidence(quote="Cartons          1,250 pcs", page=1),
    )
    outcome, row = check_row_claim(SHIPMENT, claim, SOURCE, step="extract_shipment", claim_id="r")
    assert outcome.accepted is accepted, outcome.reasons
    assert (row.cells["quantity"] if row is not None else None) == (quantity if accepted else None)


@rule("quantities_reach_the_gross_weight", fields=["gross_weight", "packages"])
def quantities_reach_the_gross_weight(doc: RuleInput) -> RuleResult | None:
    """The packages' quantities add up to the gross weight (a made-up rule that reads both accessors)."""
    weight, rows = doc.number("gross_weight"), doc.rows("packages")
    if weight is None or not rows:
        return None
    counted = sum((row.number("quantity") or Decimal(0) for row in rows), Decimal(0))
    return doc.check(counted == weight, f"{counted} vs {weight}")


RULED = DocumentType(
    name="shipment",
    description="A packing list.",
    fields=list(SHIPMENT.fields),
    rules=[quantities_reach_the_gross_weight],
)


def test_rules_read_numbers_as_decimals_by_value() -> None:
    [result] = RULED.check({"gross_weight": "14.555"}, tables={"packages": [{"quantity": "12"}, {"quantity": "2.555"}]})
    assert (result.passed, result.message) == (True, "14.555 vs 14.555")
    [result] = RULED.check({"gross_weight": "14.50"}, tables={"packages": [{"quantity": "14.5"}]})
    assert result.passed, result.message


def _reader(fields: tuple[str, ...]) -> RuleInput:
    return RuleInput(
        rule="r", fields=fields, values={}, doc_type="shipment", declared={spec.name: spec for spec in SHIPMENT.fields}
    )


def test_a_number_read_as_an_amount_names_doc_number() -> None:
    with pytest.raises(RuleFieldError, match=r"reads number field 'gross_weight' with doc\.amount\(\).*read it with "
                       r"doc\.number\(\)"):  # fmt: skip
        _reader(("gross_weight",)).amount("gross_weight")


def test_an_amount_read_as_a_number_names_doc_amount() -> None:
    with pytest.raises(RuleFieldError, match=r"reads amount field 'freight' with doc\.number\(\) at \S+, which reads "
                       r"number fields; read it with doc\.amount\(\)"):  # fmt: skip
        _reader(("freight",)).number("freight")


def test_a_number_cell_read_as_an_amount_names_row_number() -> None:
    rows = {"packages": [TableRow(cells={"quantity": "3"}, evidence=Evidence(page=1, start=0, end=1, quote="3"))]}
    reader = RuleInput(
        rule="r", fields=("packages",), values={}, tables=rows, doc_type="shipment",
        declared={spec.name: spec for spec in SHIPMENT.fields},
    )  # fmt: skip
    [row] = reader.rows("packages")
    assert row.number("quantity") == Decimal(3)
    with pytest.raises(RuleFieldError, match=r"reads number column 'quantity'.*read it with row\.number\(\)"):
        row.amount("quantity")


@pytest.mark.parametrize(("value", "problem"), [("14.50", None), ("14.5", None), ("14.5 kg", "'14.5'"),
                                                ("1,250", "'1250'"), ("heavy", "'14.5'")])  # fmt: skip
def test_a_rule_test_value_must_be_a_numbers_canonical_text(value: str, problem: str | None) -> None:
    said = not_canonical("number", value)
    assert (said is None) == (problem is None) and (problem is None or problem in (said or "")), said


def test_a_record_holds_a_number_as_its_decimal_not_as_money() -> None:
    assert typed_value("number", "14.555") == Decimal("14.555")
    assert typed_value("amount", "14.555") == Decimal("14555")  # what a weight declared as an amount became


def test_the_eval_compares_numbers_by_value() -> None:
    spec = SHIPMENT.fields[0]
    assert is_right(spec, "14.50", "14.5")
    assert is_right(spec, "14.5 kg", "14.5")
    assert not is_right(spec, "14.555", "14555")


UNSETTLED = "the document's figures do not show whether a dot or a comma marks its decimals"
WEIGHED = "Packing List\nGross weight: 1.500 kg\n\nDescription      Qty\nCartons          1,250 pcs\n"
"""A page whose figures with one or two decimals are none: `1.500` and `1,250` each read two ways."""


def _weight(value: str, page: str, quote: str = "1.500 kg") -> ClaimOutcome:
    claim = FieldClaim(field="gross_weight", value=value, confidence=0.99, evidence=ClaimedEvidence(quote=quote))
    return check_field_claim(SHIPMENT, claim, SourceText(pages=(page,)), step="extract_shipment", claim_id="c")


@pytest.mark.parametrize("value", ["1.5", "1500"])
def test_a_number_that_reads_two_ways_where_the_document_does_not_say_is_accepted_in_doubt(value: str) -> None:
    outcome = _weight(value, WEIGHED)

    assert outcome.accepted, outcome.reasons
    assert outcome.doubt == f"the page writes 'Gross weight: 1.500 kg', which reads 1.5 or 1500: {UNSETTLED}"
    assert outcome.reasons[-1] == f"in doubt: {outcome.doubt}"  # in its claim event, for `explain`


def test_a_number_whose_figure_reads_one_way_or_as_the_document_marks_decimals_is_in_no_doubt() -> None:
    settled = _weight("1.5", WEIGHED + "Freight charge: 12.50\n")  # a dot marks decimals
    plain = _weight("1.5", "Gross weight: 1.5 kg\n", "1.5 kg")  # one reading only

    assert (settled.accepted, settled.doubt) == (True, None)
    assert (plain.accepted, plain.doubt) == (True, None)


def test_a_value_in_doubt_goes_to_review_whatever_its_confidence_until_a_reviewer_has_seen_it() -> None:
    claim = FieldClaim(
        field="gross_weight", value="1500", confidence=0.99, evidence=ClaimedEvidence(quote="Gross weight: 1.500 kg")
    )
    patch = apply_extraction(
        SHIPMENT, ExtractionClaim(fields=[claim]), SourceText(pages=(WEIGHED,)), step="extract_shipment", attempt=1
    )
    state = make_state(classification=classified("shipment"), fields=patch.fields)
    types = DocumentTypes([SHIPMENT])

    (reason,) = review_reasons(state, types)

    assert (reason.code, reason.field) == ("ambiguous_value", "gross_weight")
    assert reason.message == (
        f"gross_weight = '1500' is in doubt: the page writes 'Gross weight: 1.500 kg', which reads 1.5 or 1500: "
        f"{UNSETTLED}"
    )
    reviewed = state.model_copy(
        update={
            "review_request": build_review_request(state, types, [reason], None),
            "review_decision": ReviewDecision(reviewer="kim", action="approve"),
        }
    )
    assert review_reasons(reviewed, types) == []


def test_a_tables_number_cell_that_reads_two_ways_holds_its_row_in_doubt_and_the_table_goes_to_review() -> None:
    claim = RowClaim(
        table="packages",
        cells={"description": "Cartons", "quantity": "1250"},
        evidence=ClaimedEvidence(quote="Cartons          1,250 pcs", page=1),
    )
    patch = apply_extraction(
        SHIPMENT, ExtractionClaim(rows=[claim]), SourceText(pages=(WEIGHED,)), step="extract_shipment", attempt=1
    )
    [row] = (patch.tables or {})["packages"]
    doubt = f"quantity: the page writes 'Cartons          1,250 pcs', which reads 1250 or 1.25: {UNSETTLED}"
    assert (row.cells["quantity"], row.doubts) == ("1250", [doubt])
    state = make_state(classification=classified("shipment"), tables=patch.tables)

    (reason,) = review_reasons(state, DocumentTypes([SHIPMENT]))

    assert (reason.code, reason.field) == ("ambiguous_value", "packages")
    assert reason.message == f"packages: 1 cell(s) in doubt: row 1: {doubt}"
    settled = SourceText(pages=(WEIGHED + "Freight charge: 12.50\n",))
    patch = apply_extraction(SHIPMENT, ExtractionClaim(rows=[claim]), settled, step="extract_shipment", attempt=1)
    assert [row.doubts for row in (patch.tables or {})["packages"]] == [[]]


def test_a_number_a_space_may_group_with_the_next_figure_is_in_doubt_naming_the_space_not_the_decimal_mark() -> None:
    page = "Packing List\nGross weight: 1 250 kg\nFreight charge: 12.50\n"  # a dot marks decimals here
    outcome = _weight("1", page, "Gross weight: 1 250 kg")

    assert outcome.accepted, outcome.reasons
    assert outcome.doubt == (
        "the page writes 'Gross weight: 1 250 kg', which reads 1 or 1250: a space may group the thousands of one "
        "number ('1 250') or part two values"
    )
    assert _weight("1250", page, "Gross weight: 1 250 kg").doubt is None  # read whole, it reads one way
