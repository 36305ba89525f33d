"""A rule reads only names it may: a misspelt field or column raises, naming it, instead of switching the rule off.

Before, `doc.date("period_strat")` read as "no value" and the rule returned None on every document, unsaid.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from claimflow import Column, DocumentType, Field, RuleInput, RuleResult, rule
from claimflow.doctypes import BUILTIN_TYPES
from claimflow.state.errors import RuleFailedError, RuleFieldError
from claimflow.state.outcomes import FieldResult

Body = Callable[[RuleInput], RuleResult | None]


def _bill(body: Body, fields: list[str]) -> DocumentType:
    return DocumentType(
        name="utility_bill",
        description="A bill from an electricity supplier.",
        fields=[
            Field("supplier", "text"),
            Field("period_start", "date"),
            Field("period_end", "date"),
            Field("direct_debit", "boolean"),
            Field("total_amount", "amount"),
            Field("charges", "table", columns=[Column("description"), Column("amount", "amount", required=True)]),
        ],
        rules=[rule("judged", fields=fields)(body)],
    )


VALUES = {"supplier": "Northgrid", "period_start": "2024-01-01", "period_end": "2024-02-01", "total_amount": "3.00"}
ROWS = {"charges": [{"description": "Energy", "amount": "1.00"}, {"amount": "2.00"}]}
FIELDS = "supplier, period_start, period_end, direct_debit, total_amount, charges"


@pytest.mark.parametrize(
    ("body", "accessor", "meant"),
    [
        (lambda doc: doc.check(doc.date("period_strat") is not None, "-"), "date", "period_start"),
        (lambda doc: doc.check(doc.amount("totl_amount") is not None, "-"), "amount", "total_amount"),
        (lambda doc: doc.check(doc.text("suplier") is not None, "-"), "text", "supplier"),
        (lambda doc: doc.check(bool(doc.all("suplier")), "-"), "all", "supplier"),
        (lambda doc: doc.check(doc.boolean("direct_debt") is not None, "-"), "boolean", "direct_debit"),
        (lambda doc: doc.check(doc.has("suplier"), "-"), "has", "supplier"),
        (lambda doc: doc.check(bool(doc.rows("charegs")), "-"), "rows", "charges"),
    ],
)
def test_a_misspelt_field_raises_naming_the_field_rule_type_and_its_fields(
    body: Body, accessor: str, meant: str
) -> None:
    bill = _bill(body, ["period_start", "total_amount", "supplier", "charges", "direct_debit"])

    with pytest.raises(RuleFieldError) as raised:
        bill.check(VALUES, tables=ROWS)

    message = str(raised.value)
    assert message.startswith("rule 'judged' of document type 'utility_bill' reads field '")
    assert f"with doc.{accessor}() at test_rule_field_names.py:" in message
    assert message.endswith(f"which the type does not declare (did you mean {meant!r}?) (fields: {FIELDS})")
    assert isinstance(raised.value, RuleFailedError)  # a rule that fails, as one that raises: the document fails


def test_a_field_the_rule_does_not_list_is_refused_so_its_results_name_every_field_it_judges() -> None:
    # `fields` is what results, `claimflow explain` and the review screen show a failure beside: a rule that
    # judged the supplier but listed only the period would point a reviewer at the wrong fields.
    bill = _bill(lambda doc: doc.check(doc.text("supplier") is not None, "-"), ["period_start"])

    with pytest.raises(RuleFieldError) as raised:
        bill.check(VALUES)
    assert "reads field 'supplier' with doc.text() at test_rule_field_names.py:" in str(raised.value)
    assert str(raised.value).endswith(
        "which the rule does not list in @rule(fields=[...]) (it lists: period_start); add it, so the rule's results"
        " name every field it judges"
    )


def test_a_misspelt_column_raises_naming_the_table_and_its_columns() -> None:
    def total(doc: RuleInput) -> RuleResult | None:
        return doc.passed(str(sum((row.amount("amuont") or Decimal(0) for row in doc.rows("charges")), Decimal(0))))

    with pytest.raises(
        RuleFieldError,
        match=r"rule 'judged' of document type 'utility_bill' reads column 'amuont' of table 'charges' at "
        r"test_rule_field_names\.py:\d+, which the table does not declare \(did you mean 'amount'\?\)"
        r" \(columns: description, amount\)",
    ):
        _bill(total, ["charges"]).check({}, tables=ROWS)


def test_a_table_read_as_a_value_or_a_value_read_as_rows_says_how_to_read_it() -> None:
    as_value = _bill(lambda doc: doc.check(doc.amount("charges") is None, "-"), ["charges"])
    as_rows = _bill(lambda doc: doc.check(not doc.rows("total_amount"), "-"), ["total_amount"])

    with pytest.raises(RuleFieldError, match=r"reads table 'charges' with doc\.amount\(\).*doc\.rows\('charges'\)"):
        as_value.check({}, tables=ROWS)
    with pytest.raises(RuleFieldError, match=r"it is not a table \(its kind is amount\): read it with doc\.text\(\)"):
        as_rows.check(VALUES)


@pytest.mark.parametrize(
    ("body", "field", "kind", "accessor", "reader"),
    [
        (lambda doc: doc.check(doc.date("total_amount") is None, "-"), "total_amount", "amount", "date", "amount"),
        (lambda doc: doc.check(doc.amount("period_end") is None, "-"), "period_end", "date", "amount", "date"),
        (lambda doc: doc.check(doc.boolean("supplier") is False, "-"), "supplier", "text", "boolean", "text"),
    ],
)
def test_a_value_read_as_another_kind_raises_naming_the_accessor_that_reads_it(
    body: Body, field: str, kind: str, accessor: str, reader: str
) -> None:
    # Read as another kind, the value would be None (or False) for every document: the rule would never fire.
    with pytest.raises(RuleFieldError) as raised:
        _bill(body, [field]).check(VALUES)
    message = str(raised.value)
    assert f"rule 'judged' of document type 'utility_bill' reads {kind} field {field!r} with doc.{accessor}()" in (
        message
    )
    assert f"read it with doc.{reader}()" in message


def test_a_cell_read_as_another_kind_raises_naming_the_accessor_that_reads_it() -> None:
    as_date = _bill(lambda doc: doc.check(all(row.date("amount") is None for row in doc.rows("charges")), "-"),
                    ["charges"])  # fmt: skip
    with pytest.raises(RuleFieldError) as raised:
        as_date.check({}, tables=ROWS)
    assert "reads amount column 'amount' of table 'charges' with row.date()" in str(raised.value)
    assert "read it with row.amount()" in str(raised.value)
    as_text = _bill(lambda doc: doc.check(all(row.text("amount") for row in doc.rows("charges")), "-"), ["charges"])
    [result] = [r for r in as_text.check({}, tables=ROWS) if r.rule == "judged"]
    assert result.passed  # row.text reads a cell of any kind


def test_text_and_all_read_a_field_of_any_kind() -> None:
    bill = _bill(lambda doc: doc.check(doc.text("total_amount") == "3.00" and doc.all("period_end") == ["2024-02-01"],
                                       "read as text"), ["total_amount", "period_end"])  # fmt: skip
    [result] = [r for r in bill.check(VALUES) if r.rule == "judged"]
    assert result.passed


def test_rows_read_their_declared_cells_and_a_table_has_a_value_when_it_has_rows() -> None:
    def body(doc: RuleInput) -> RuleResult | None:
        rows = doc.rows("charges")
        cells = [(row.text("description"), row.amount("amount"), row.text("amount")) for row in rows]
        return doc.check(doc.has("charges"), repr(cells))

    (result,) = _bill(body, ["charges"]).check({}, tables=ROWS)
    assert result.passed
    assert result.message == "[('Energy', Decimal('1.00'), '1.00'), (None, Decimal('2.00'), '2.00')]"
    (empty,) = _bill(body, ["charges"]).check({})
    assert not empty.passed and empty.message == "[]"


def test_table_rows_may_be_given_with_the_values_or_with_tables() -> None:
    def body(doc: RuleInput) -> RuleResult | None:
        lines = sum((row.amount("amount") or Decimal(0) for row in doc.rows("charges")), Decimal(0))
        return doc.check(lines == doc.amount("total_amount"), f"charges {lines}")

    bill = _bill(body, ["charges", "total_amount"])
    assert bill.check({**VALUES, **ROWS}) == bill.check(VALUES, tables=ROWS)
    (result,) = bill.check({"total_amount": "3.00", "charges": ROWS["charges"]})
    assert result.passed and result.message == "charges 3.00"


@pytest.mark.parametrize(
    ("values", "tables", "message"),
    [
        (
            {"totl_amount": "3.00"},
            None,
            r"utility_bill\.check\(\): the type has no field 'totl_amount' \(did you mean 'total_amount'\?\)"
            r" \(fields: ",
        ),
        ({"total_amount": 3}, None, r"'total_amount' is 3; give canonical text as a rule would see it"),
        ({"charges": "1.00"}, None, r"table 'charges' is '1.00'; give a list of rows, each a dict of column"),
        ({}, {"charges": [{"amuont": "1.00"}]}, r"table 'charges' has no column 'amuont' \(columns: description, am"),
        ({}, {"charges": [{"amount": 1}]}, r"charges\.amount is 1; give canonical text"),
        ({}, {"total_amount": []}, r"'total_amount' is not a table \(its kind is amount\)"),
        (ROWS, ROWS, r"table 'charges' is given both in the values and in tables="),
    ],
)
def test_check_refuses_what_no_rule_could_read_saying_what_to_pass(
    values: dict[str, object], tables: dict[str, object] | None, message: str
) -> None:
    bill = _bill(lambda doc: None, ["charges"])
    with pytest.raises(ValueError, match=message):
        bill.check(values, tables=tables)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("values", "tables", "message"),
    [
        ({"period_end": "01.05.2024"}, None, r"date field 'period_end': '01.05.2024' is not how rules read a date; give"
                                             r" its canonical text '2024-05-01'"),
        ({"period_end": "sometime"}, None, r"date field 'period_end': 'sometime' cannot be read as a date; give"
                                           r" canonical text such as '2024-03-14'"),
        ({"total_amount": "lots"}, None, r"amount field 'total_amount': 'lots' cannot be read as an amount; give"
                                         r" canonical text such as '12.50'"),
        # As a page prints it: rules would read it, but no stored amount is so written, and `1,234` is a thousand.
        ({"total_amount": "1.234,56"}, None, r"amount field 'total_amount': '1\.234,56' is not how rules read an"
                                             r" amount; give its canonical text '1234\.56'"),
        ({"total_amount": "1,234.56"}, None, r"amount field 'total_amount': '1,234\.56' is not how rules read an"
                                             r" amount; give its canonical text '1234\.56'"),
        ({"total_amount": "1,234"}, None, r"amount field 'total_amount': '1,234' is not how rules read an amount;"
                                          r" give its canonical text '1234\.00'"),
        ({"total_amount": " 12.50"}, None, r"amount field 'total_amount': ' 12\.50' is not how rules read an"
                                           r" amount; give its canonical text '12\.50'"),
        ({}, {"charges": [{"amount": "2,50"}]}, r"amount column charges\.amount: '2,50' is not how rules read an"
                                                r" amount; give its canonical text '2\.50'"),
        ({"direct_debit": "yes"}, None, r"boolean field 'direct_debit': 'yes' is not how rules read a boolean; give"
                                        r" its canonical text 'true'"),
        ({}, {"charges": [{"amount": "lots"}]}, r"amount column charges\.amount: 'lots' cannot be read as an amount"),
    ],
)  # fmt: skip
def test_check_refuses_a_value_no_rule_reads_as_its_kind_naming_the_canonical_text(
    values: dict[str, object], tables: dict[str, object] | None, message: str
) -> None:
    # Taken as given, the rules read no date or amount (and `yes` as false): they did not run, and nothing said so.
    bill = _bill(lambda doc: None, ["charges"])
    with pytest.raises(ValueError, match=r"utility_bill\.check\(\): " + message):
        bill.check(values, tables=tables)  # type: ignore[arg-type]


@pytest.mark.parametrize(("given", "read"), [("12.5", "12.50"), ("12", "12.00"), ("-3.10", "-3.10"), ("2.5000", "2.5")])
def test_check_takes_an_amount_as_a_plain_decimal_whatever_its_decimals(given: str, read: str) -> None:
    (result,) = _bill(lambda doc: doc.check(doc.amount("total_amount") == Decimal(read), "-"), ["total_amount"]).check(
        {"total_amount": given, "supplier": "  Northgrid  Energy "}
    )
    assert result.passed


def test_a_rule_input_built_by_hand_without_the_declaration_reads_as_before() -> None:
    doc = RuleInput(
        "r", ("total",), {"total": FieldResult(name="total", value="1.50", status="accepted", decided_by="t")}
    )
    assert doc.amount("total") == Decimal("1.50")
    assert doc.amount("totl") is None and doc.rows("lines") == []


SAMPLES = {
    "date": "2024-03-14", "amount": "10.00", "percentage": "19", "currency": "EUR", "boolean": "true",
    "duration": "2 years", "number": "2",
}  # fmt: skip


def _sample(spec: Field) -> str | list[str]:
    value = next(iter(spec.choices)) if spec.kind == "enum" else SAMPLES.get(spec.kind, "ACME 1")
    return [value, value] if spec.multiple else value


@pytest.mark.parametrize("doc_type", BUILTIN_TYPES, ids=lambda t: t.name)
def test_the_builtin_rules_read_only_the_fields_they_list(doc_type: DocumentType) -> None:
    values = {spec.name: _sample(spec) for spec in doc_type.value_fields}
    tables = {
        spec.name: [{column.name: SAMPLES.get(column.kind, "x") for column in spec.columns}]
        for spec in doc_type.table_fields
    }
    results = doc_type.check(values, tables=tables, earlier_runs=("run-0",))  # every rule applies, none raises
    assert {result.rule for result in results} == {item.name for item in doc_type.rules}
