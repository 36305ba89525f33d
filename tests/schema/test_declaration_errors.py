"""A malformed document type is refused when it is declared, with a message naming the problem."""

from __future__ import annotations

import pytest

from claimflow import Column, DeclarationError, DocumentType, DocumentTypes, Field, RuleInput, RuleResult, rule


def _ok(doc: RuleInput) -> RuleResult | None:
    return doc.passed("fine")


def declare(**changes: object) -> DocumentType:
    spec: dict[str, object] = {
        "name": "purchase_order",
        "description": "An order a buyer sends a supplier.",
        "fields": [Field("po_number", "identifier", labels=("PO Number",)), Field("total", "amount")],
    }
    spec.update(changes)
    return DocumentType(**spec)  # type: ignore[arg-type]


def test_a_valid_declaration_is_accepted_and_keeps_its_fields_in_order() -> None:
    doc_type = declare()
    assert [spec.name for spec in doc_type.fields] == ["po_number", "total"]
    assert doc_type.titles == ("purchase order",)


def test_duplicate_field_is_refused() -> None:
    with pytest.raises(DeclarationError, match=r"document type 'purchase_order': duplicate field\(s\) total"):
        declare(fields=[Field("total", "amount"), Field("total", "amount")])


def test_unknown_kind_is_refused_with_the_known_kinds() -> None:
    with pytest.raises(DeclarationError, match=r"field 'total': unknown kind 'money'; kinds: text, identifier"):
        Field("total", "money")  # type: ignore[arg-type]


def test_a_rule_that_names_no_field_is_refused() -> None:
    with pytest.raises(DeclarationError, match=r"rule 'always' names no field"):
        rule("always", fields=[])(_ok)


def test_a_rule_that_names_a_field_the_type_lacks_is_refused() -> None:
    checked = rule("total_positive", fields=["grand_total"])(_ok)
    with pytest.raises(DeclarationError, match=r"rule 'total_positive' names unknown field\(s\) grand_total"):
        declare(rules=[checked])


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"rules": [rule("checked", fields=["totl", "po_number"])(_ok)]},
         "rule 'checked' names unknown field(s) totl (did you mean 'total'?); fields: po_number, total, lines"),
        ({"rules": [rule("checked", fields=["po_numbr", "zzz"])(_ok)]},
         "rule 'checked' names unknown field(s) po_numbr (did you mean 'po_number'?), zzz; fields: po_number, total,"
         " lines"),
        ({"duplicate_key": ("po_numbr",)},
         "duplicate_key names 'po_numbr', which is not a single-valued field (did you mean 'po_number'?)"),
        # A table is no misspelling: it is the wrong kind of field, said without a guess.
        ({"duplicate_key": ("lines",)}, "duplicate_key names 'lines', which is not a single-valued field"),
        ({"risk_field": "totl"}, "risk_field 'totl' is not an amount field of the type (did you mean 'total'?)"),
    ],
)  # fmt: skip
def test_a_misspelt_field_name_is_refused_naming_the_field_it_is_closest_to(
    changes: dict[str, object], message: str
) -> None:
    lines = Field("lines", "table", columns=[Column("amount", "amount")])
    with pytest.raises(DeclarationError) as raised:
        declare(fields=[Field("po_number", "identifier"), Field("total", "amount"), lines], **changes)
    # A rule's problem also says where the rule is declared: here, `_ok` of this file.
    where = f" (checked: {__file__}:{_ok.__code__.co_firstlineno})" if "rules" in changes else ""
    assert str(raised.value) == f"document type 'purchase_order': {message}{where}"


def test_two_types_with_one_name_are_refused() -> None:
    with pytest.raises(DeclarationError, match=r"two document types are named 'purchase_order'"):
        DocumentTypes([declare(), declare()])


def test_a_label_two_fields_declare_is_refused() -> None:
    fields = [Field("order_date", "date", labels=("Date",)), Field("delivery_date", "date", labels=("date",))]
    with pytest.raises(DeclarationError, match=r"label 'date' is declared by both order_date and delivery_date"):
        declare(fields=fields)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Field("terms", "enum"), r"an enum field needs its values"),
        (lambda: Field("total", "amount", values=["a"]), r"only enum fields take values"),
        (lambda: Field("lines", "table"), r"a table field needs its columns"),
        (lambda: Field("total", "amount", columns=[Column("x")]), r"only table fields have columns"),
        (lambda: Field("lines", "table", multiple=True, columns=[Column("x")]), r"drop multiple=True"),
        (lambda: Field("lines", "table", columns=[Column("x"), Column("x")]), r"duplicate column\(s\) x"),
        (lambda: Column("x", "table"), r"column 'x': unknown kind 'table'"),  # type: ignore[arg-type]
        (lambda: Field("Total Amount"), r"field name 'Total Amount' is not a lower-case identifier"),
        (lambda: Field("doc_type"), r"the name is reserved"),
        (lambda: Field("total", "amount", auto_accept=1.5), r"auto_accept 1.5 is not between 0 and 1"),
        (lambda: Field("vendor", labels=("Seller",), counter_labels=("seller",)), r"both a label and a counter"),
    ],
)
def test_malformed_fields_are_refused(make: object, message: str) -> None:
    with pytest.raises(DeclarationError, match=message):
        make()  # type: ignore[operator]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": "unknown"}, r"the name is reserved"),
        ({"name": "Purchase-Order"}, r"is not a lower-case identifier"),
        ({"description": " "}, r"give a description"),
        ({"fields": []}, r"declare at least one field"),
        ({"fields": ["po_number"]}, r"fields must be Field\(...\) declarations"),
        ({"version": "one two"}, r"version 'one two' must be a short string"),
        ({"duplicate_key": ("supplier",)}, r"duplicate_key names 'supplier', which is not a single-valued field"),
        ({"risk_field": "po_number"}, r"risk_field 'po_number' is not an amount field"),
        ({"rules": [_ok]}, r"rules must be @rule functions"),
        ({"extractor": "rules"}, r"extractor 'rules' is not a function"),
    ],
)
def test_malformed_types_are_refused(changes: dict[str, object], message: str) -> None:
    with pytest.raises(DeclarationError, match=message):
        declare(**changes)


def test_two_rules_with_one_name_are_refused() -> None:
    first = rule("same", fields=["total"])(_ok)
    second = rule("same", fields=["po_number"])(_ok)
    with pytest.raises(DeclarationError, match=r"duplicate rule\(s\) same"):
        declare(rules=[first, second])


@pytest.mark.parametrize("name", ["required_fields_present", "date_plausible", "not_seen_before"])
def test_a_rule_named_like_a_common_rule_that_runs_for_the_type_is_refused(name: str) -> None:
    # Accepted, its results read as the common rule's: a review reason `required_fields_present: ...` that the
    # common rule did not give, and two results of one name in `explain` and in a rule case's expectation.
    fields = [Field("po_number", "identifier"), Field("order_date", "date"), Field("total", "amount")]
    with pytest.raises(DeclarationError, match=rf"rule '{name}' has the name of a rule the type runs before its own"):
        declare(fields=fields, rules=[rule(name, fields=["total"])(_ok)], duplicate_key=("po_number",))
    # Where the common rule does not run for the type, its name is free: no date to judge, no duplicate_key, or
    # a rule of the type's own that judges its duplicates and takes not_seen_before's place.
    if name != "required_fields_present":
        assert declare(rules=[rule(name, fields=["total"])(_ok)]).rules[0].name == name
        own = rule(name, fields=["po_number"], reason="duplicate")(_ok)
        assert declare(fields=fields[:1] + fields[2:], rules=[own], duplicate_key=("po_number",)).rules == (own,)
