"""Declaration mistakes a user makes are refused when the type is declared, naming the setting and what to fix.

Each was once let through: to fail later with a TypeError or AttributeError from deep inside claimflow, or to be
taken silently for something else (`required="no"` as true, a risk field that can never make a document risky).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pytest

from claimflow import Column, DeclarationError, Detection, Field, RuleInput, RuleResult, rule
from tests.schema.test_declaration_errors import _ok, declare


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"fields": Field("po_number")}, r"'purchase_order': fields must be a list of Field\(...\) declarations, got"),
        ({"fields": None}, r"'purchase_order': fields must be a list of Field\(...\) declarations, got None"),
        ({"rules": rule("checked", fields=["total"])(_ok)}, r"rules must be a list of @rule functions, got Rule\("),
        ({"guidance": None}, r"'purchase_order': guidance must be a string, got None"),
        ({"titles": None}, r"'purchase_order': titles must be a list of strings, got None"),
        ({"titles": ["Purchase Order", 7]}, r"'purchase_order': titles must be strings, got 7"),
        ({"keywords": [None]}, r"'purchase_order': keywords must be strings, got None"),
        ({"keywords": None}, r"'purchase_order': keywords must be a list of strings, got None"),
        ({"duplicate_key": None}, r"'purchase_order': duplicate_key must be a list of field names, got None"),
    ],
)
def test_a_setting_of_the_wrong_shape_is_refused_by_name(changes: dict[str, object], message: str) -> None:
    with pytest.raises(DeclarationError, match=message):
        declare(**changes)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Field("total", "amount", auto_accept="high"), r"field 'total': auto_accept 'high' is not between 0"),  # type: ignore[arg-type]
        (lambda: Field("total", "amount", auto_accept=float("nan")), r"auto_accept nan is not between 0 and 1"),
        (lambda: Field("total", "amount", required="no"), r"field 'total': required must be True or False, got 'no'"),  # type: ignore[arg-type]
        (lambda: Field("total", "amount", multiple=1), r"field 'total': multiple must be True or False, got 1"),  # type: ignore[arg-type]
        (lambda: Field("total", "amount", description=None), r"field 'total': description must be a string"),  # type: ignore[arg-type]
        (lambda: Column("qty", "amount", required="yes"), r"column 'qty': required must be True or False"),  # type: ignore[arg-type]
        (lambda: Column("qty", "amount", description=3), r"column 'qty': description must be a string, got 3"),  # type: ignore[arg-type]
        (lambda: Field("lines", "table", columns=Column("x")), r"field 'lines': columns must be a list of Column"),  # type: ignore[arg-type]
        (lambda: Field("lines", "table", columns=None), r"field 'lines': columns must be a list of Column"),  # type: ignore[arg-type]
    ],
)  # fmt: skip
def test_a_field_setting_of_the_wrong_type_is_refused_by_name(make: Callable[[], object], message: str) -> None:
    with pytest.raises(DeclarationError, match=message):
        make()


def test_a_multiple_amount_cannot_be_the_risk_field() -> None:
    # Which of several amounts reaches the high-risk bar? None did: such a document was never high-risk.
    fields = [Field("po_number", "identifier"), Field("totals", "amount", multiple=True)]
    with pytest.raises(DeclarationError, match=r"risk_field 'totals' holds several values; name one amount"):
        declare(fields=fields, risk_field="totals")


def test_one_printed_form_for_two_enum_values_is_refused() -> None:
    values = {"net_30": ["Net 30", "30 days"], "net_60": ["Net 60", "30 Days"]}
    with pytest.raises(DeclarationError, match=r"'30 Days' is printed for both enum values 'net_30' and 'net_60'"):
        Field("terms", "enum", values=values)


@pytest.mark.parametrize("value", [30, None])
def test_an_enum_value_that_is_not_a_string_is_refused(value: object) -> None:
    with pytest.raises(DeclarationError, match=rf"field 'terms': enum value {value} is not a string"):
        Field("terms", "enum", values={value: ["Net 30"]})  # type: ignore[dict-item]


def test_a_header_label_two_columns_declare_is_refused() -> None:
    columns = [Column("quantity", "amount", labels=("Qty",)), Column("amount", "amount", labels=("Amount", "qty"))]
    with pytest.raises(DeclarationError, match=r"field 'lines': label 'qty' is declared by both columns quantity"):
        Field("lines", "table", columns=columns)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (None, r"rule 'checked': fields must be a list of field names, got None"),
        ([1], r"rule 'checked': fields must be field names, got 1"),
        (["total", None], r"rule 'checked': fields must be field names, got None"),
    ],
)
def test_a_rule_whose_fields_are_not_names_is_refused(fields: object, message: str) -> None:
    with pytest.raises(DeclarationError, match=message):
        rule("checked", fields=fields)(_ok)  # type: ignore[arg-type]


def test_the_documented_shortcuts_still_hold() -> None:
    # A lone title is one phrase, a lone key field one key field; blank titles are dropped, not refused.
    doc_type = declare(titles="Purchase  Order", keywords=["", "Bestellung"], duplicate_key="po_number")
    assert doc_type.titles == ("Purchase Order",)
    assert doc_type.keywords == ("Bestellung",)
    assert doc_type.duplicate_key == ("po_number",)
    # A value printed the same for one enum value twice (its name and a printed form) is no conflict.
    assert Field("terms", "enum", values={"prepaid": ["Prepaid", "prepaid"]}).choices["prepaid"][0] == "prepaid"


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Field("po_number", labels=("PO Number", ":")), r"field 'po_number' labels: ':' has no words"),
        (lambda: Field("vendor", counter_labels=("...",)), r"field 'vendor' counter_labels: '...' has no words"),
        (lambda: Column("qty", labels=(".",)), r"column 'qty' labels: '.' has no words"),
    ],
)
def test_a_label_without_words_is_refused(make: Callable[[], object], message: str) -> None:
    # Compared as labels are, without its dots and colons, it was empty: two such labels were "one label".
    with pytest.raises(DeclarationError, match=message):
        make()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Field("model_config"), r"field 'model_config': the name is taken \(records are pydantic models"),
        (lambda: Field("json"), r"field 'json': the name is taken"),
        (lambda: Field("model_dump_raw"), r"field 'model_dump_raw': the name is taken"),
        (lambda: Column("copy"), r"column 'copy': the name is taken \(rows are pydantic models"),
        (lambda: Column("evidence"), r"column 'evidence': the name is reserved \(rows already have \['evidence'\]\)"),
    ],
)
def test_a_name_the_record_model_has_is_refused(make: Callable[[], object], message: str) -> None:
    # `model_config` broke `claimflow export` with a TypeError after the documents were read; `json` shadowed
    # the record's method; a column `evidence` replaced the row's own evidence.
    with pytest.raises(DeclarationError, match=message):
        make()


@pytest.mark.parametrize("name", ["run_id", "row", "page", "quote"])
def test_a_column_named_like_a_column_the_table_csv_writes_is_refused(name: str) -> None:
    # The table's CSV writes run id, row number, page and quote beside the columns: a column so named lost its
    # values there, overwritten by the export's own.
    message = rf"column '{name}': the name is reserved \(the CSV export of a table writes its own page, quote, row,"
    with pytest.raises(DeclarationError, match=message + rf".*such as 'line_{name}'"):
        Column(name, "amount")


@pytest.mark.parametrize("order", [1, -1])
def test_a_field_named_like_another_fields_status_column_is_refused(order: int) -> None:
    # The records CSV writes `shipment_status` for the status of `shipment`: a field so named overwrote it there.
    fields = [Field("shipment"), Field("shipment_status")][::order]
    message = r"fields shipment and shipment_status would share a CSV column \(the CSV export writes the status"
    with pytest.raises(DeclarationError, match=message + r".*rename shipment_status"):
        declare(fields=[Field("po_number"), *fields])
    # A table has no status column, and its CSV is a file of its own.
    lines = Field("shipment_status", "table", columns=[Column("amount", "amount")])
    assert declare(fields=[Field("shipment"), lines]).field("shipment_status") is lines


@pytest.mark.parametrize("suffix", ["confidence", "decided_by", "page", "quote"])
def test_a_field_named_like_another_fields_evidence_column_is_refused(suffix: str) -> None:
    # The records CSV writes `cover_page` for the pages of `cover`'s evidence: a field so named would be lost there.
    message = rf"fields cover and cover_{suffix} would share a CSV column \(the CSV export writes the"
    message += (
        rf" {suffix.replace('_', ' ')} of cover as cover_{suffix}\); rename cover_{suffix}, e.g. to {suffix}_of_cover"
    )
    with pytest.raises(DeclarationError, match=message):
        declare(fields=[Field("cover"), Field(f"cover_{suffix}")])
    assert declare(fields=[Field(f"cover_{suffix}")]).field(f"cover_{suffix}") is not None  # alone, it is no one's


def test_names_that_only_look_like_the_record_models_are_fine() -> None:
    doc_type = declare(fields=[Field("model_number", "identifier"), Field("fields"), Field("schema_version")])
    assert [spec.name for spec in doc_type.fields] == ["model_number", "fields", "schema_version"]


async def _reads(pages: Sequence[str]) -> Detection:
    return Detection(score=0.0)


def test_an_async_rule_or_detector_is_refused() -> None:
    # Called as a plain function, it returned a coroutine that never ran: the rule failed on every document.
    async def checks(doc: RuleInput) -> RuleResult | None:
        return None

    with pytest.raises(DeclarationError, match=r"rule 'checks' is an async function; a rule is a plain function"):
        rule("checks", fields=["total"])(checks)  # type: ignore[arg-type]
    with pytest.raises(DeclarationError, match=r"'purchase_order': detector .*_reads is async; it must be a plain"):
        declare(detector=_reads)
