"""normalize_value and check_value for every value kind: a value must be a whole token of its quote."""

from __future__ import annotations

import pytest

from claimflow.state.normalize import ValueKind, check_value, normalize_value, value_spans, with_article

SHIPPING = {"standard": ("Standardversand",), "express": ("Eilversand", "Express delivery")}
"""An enum field's declared values, with the ways documents print them."""


@pytest.mark.parametrize(
    ("kind", "value", "expected"),
    [
        ("text", "  ACME   Tools\nGmbH ", "ACME Tools GmbH"),
        ("text", "   ", None),
        ("identifier", " INV-2024-0042 ", "INV-2024-0042"),
        ("identifier", "--/--", None),
        ("date", "2024-03-12", "2024-03-12"),
        ("date", "12.03.2024", "2024-03-12"),
        ("date", "11 April 2024", "2024-04-11"),
        ("date", "01/02/2023", None),
        ("date", "2023-13-45", None),
        ("date", "12.03.2024 - 14.03.2024", None),
        ("date", "soon", None),
        ("amount", "1234.5", "1234.50"),
        ("amount", "1.234,56", "1234.56"),
        ("amount", "-2,00", "-2.00"),
        ("amount", "abc", None),
        ("amount", "160,65 EUR", None),
        ("currency", "eur", "EUR"),
        ("currency", "€", "EUR"),
        ("currency", "$", None),
        ("duration", "two (2) years", "2 years"),
        ("duration", "forever", None),
        ("percentage", "19%", "19"),
        ("percentage", "19 %", "19"),
        ("percentage", "7,5", "7.5"),
        ("percentage", "19.50%", "19.5"),
        ("percentage", "about half", None),
        ("boolean", "Ja", "true"),
        ("boolean", "[x]", "true"),
        ("boolean", "NO", "false"),
        ("boolean", "maybe", None),
    ],
)
def test_normalize_value(kind: ValueKind, value: str, expected: str | None) -> None:
    assert normalize_value(kind, value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("express", "express"), ("EXPRESS", "express"), ("Eilversand", "express"), ("express  delivery", "express"),
     ("Standardversand", "standard"), ("overnight", None)],
)  # fmt: skip
def test_an_enum_value_is_one_of_its_declared_values_or_their_printed_forms(value: str, expected: str | None) -> None:
    assert normalize_value("enum", value, SHIPPING) == expected


@pytest.mark.parametrize(
    ("kind", "value", "quote", "normalized"),
    [
        ("text", "acme tools gmbh", "Seller: ACME  Tools\nGmbH, Berlin", "acme tools gmbh"),
        ("identifier", "INV-2024-0042", "Invoice No.: INV 2024 0042", "INV-2024-0042"),
        ("identifier", "inv20240042", "Invoice No.: INV-2024-0042", "inv20240042"),
        ("date", "2024-03-12", "Invoice date: 12.03.2024", "2024-03-12"),
        ("date", "2023-01-02", "Date: 01/02/2023", "2023-01-02"),
        ("date", "2023-02-01", "Date: 01/02/2023", "2023-02-01"),
        ("date", "2024-04-11", "Due date: 11 April 2024", "2024-04-11"),
        ("amount", "160.65", "Total 160,65 €", "160.65"),
        ("amount", "1234.56", "Total 1.234,56", "1234.56"),
        ("amount", "62.8", "TOTAL RM62.80", "62.80"),
        ("amount", "-2.00", "Rounding -2,00", "-2.00"),
        ("currency", "EUR", "Total 160,65 €", "EUR"),
        ("currency", "MYR", "TOTAL RM62.80", "MYR"),
        ("duration", "2 years", "The term is two (2) years.", "2 years"),
        ("duration", "18 months", "for eighteen months", "18 months"),
        ("identifier", "NW-2024-0117", "Invoice No.: NW-2024-0117.", "NW-2024-0117"),
        ("percentage", "19", "VAT 19%: 25,65 EUR", "19"),
        ("percentage", "7,5", "MwSt 7,5 Prozent", "7.5"),
        ("boolean", "yes", "Paid: [x]", "true"),
        ("boolean", "no", "Signed: No", "false"),
    ],
)
def test_check_value_accepts_values_written_in_the_quote(
    kind: ValueKind, value: str, quote: str, normalized: str
) -> None:
    checked = check_value(kind, value, quote)
    assert checked.ok, checked.reason
    assert checked.normalized == normalized
    assert checked.spans
    assert checked.reason == f"{kind} {normalized!r} is written in the quote"


@pytest.mark.parametrize(
    ("kind", "value", "quote", "written"),
    [
        ("amount", "160.65", "Total 160,65 €", ["160,65"]),
        ("date", "2024-04-11", "Due date: 11 April 2024", ["11 April 2024"]),
        ("text", "acme tools gmbh", "Seller: ACME  Tools\nGmbH, Berlin", ["ACME  Tools\nGmbH"]),
        ("identifier", "INV-2024-0042", "Invoice No.: INV 2024 0042", ["INV 2024 0042"]),
        ("currency", "EUR", "Net 10,00 EUR, total 11,90 €", ["EUR", "€"]),
        ("percentage", "19", "VAT 19 %: 25,65", ["19 %"]),
        ("duration", "2 years", "The term is two (2) years.", ["two (2) years"]),
    ],
)
def test_check_value_says_where_the_quote_writes_the_value(
    kind: ValueKind, value: str, quote: str, written: list[str]
) -> None:
    checked = check_value(kind, value, quote)
    assert [quote[start:end] for start, end in checked.spans] == written


def test_an_enum_value_is_found_in_any_of_its_printed_forms() -> None:
    checked = check_value("enum", "express", "Versand: Eilversand", SHIPPING)
    assert (checked.ok, checked.normalized, checked.spans) == (True, "express", ((9, 19),))
    assert not check_value("enum", "express", "Versand: Standardversand", SHIPPING).ok
    unreadable = check_value("enum", "overnight", "Versand: overnight", SHIPPING)
    assert unreadable.normalized is None
    assert unreadable.reason == "value 'overnight' cannot be read as an enum (one of: standard, express)"


@pytest.mark.parametrize(
    ("kind", "value", "quote"),
    [
        ("text", "ACME Tools AG", "Seller: ACME Tools GmbH"),
        ("identifier", "INV-2024-0043", "Invoice No.: INV-2024-0042"),
        ("date", "2024-12-03", "Invoice date: 12.03.2024"),
        ("date", "2024-03-13", "Due date: 11 April 2024"),
        ("amount", "170.65", "Total 160,65"),
        ("amount", "-2023.00", "INV-2023"),
        ("amount", "1.00", "Date 01.01.24"),
        ("currency", "USD", "Total $12.00"),
        ("currency", "EUR", "TOTAL RM62.80"),
        ("duration", "3 years", "The term is two (2) years."),
        ("duration", "2 months", "The term is two (2) years."),
        ("percentage", "9", "VAT 19%"),
        ("percentage", "19", "Total 19,00"),
        ("boolean", "true", "Paid: no"),
    ],
)
def test_check_value_rejects_values_the_quote_does_not_write(kind: ValueKind, value: str, quote: str) -> None:
    checked = check_value(kind, value, quote)
    assert not checked.ok
    assert checked.normalized is not None
    assert checked.spans == ()
    assert checked.reason == f"value {checked.normalized!r} is not written as a whole {kind} in quote {quote!r}"


@pytest.mark.parametrize(
    ("kind", "value", "quote"),
    [
        ("identifier", "2", "Invoice No.: NW-2024-0117"),
        ("identifier", "2024-0117", "Invoice No.: NW-2024-0117"),
        ("amount", "2", "Invoice No.: NW-2024-0117"),
        ("amount", "12.00", "Shipping 112.00"),
        ("amount", "100.00", "Total 1.100,00"),
        ("amount", "60.65", "Total 160,65 €"),
        ("text", "ACME", "ACMEX GmbH"),
        ("text", "Tools", "ACME Toolshop"),
        ("currency", "EUR", "EUROPE 7"),
        ("date", "2024-03-12", "Ref 112.03.20245"),
        ("duration", "2 years", "for 12 years"),
        ("boolean", "no", "November"),
    ],
)
def test_a_value_inside_a_longer_token_is_not_written_in_the_quote(kind: ValueKind, value: str, quote: str) -> None:
    checked = check_value(kind, value, quote)
    assert not checked.ok, checked.spans
    assert "is not written as a whole" in checked.reason
    assert value_spans(kind, checked.normalized or "", quote) == []


@pytest.mark.parametrize(
    ("kind", "value"),
    [("amount", "abc"), ("date", "2023-13-45"), ("date", "01/02/2023"), ("currency", "$"), ("duration", "soon"),
     ("text", " "), ("identifier", "---"), ("percentage", "lots"), ("boolean", "perhaps")],
)  # fmt: skip
def test_check_value_rejects_unreadable_values(kind: ValueKind, value: str) -> None:
    checked = check_value(kind, value, "Anything at all 01/02/2023 $ 12")
    assert not checked.ok
    assert checked.normalized is None
    assert f"cannot be read as {with_article(kind)}" in checked.reason
