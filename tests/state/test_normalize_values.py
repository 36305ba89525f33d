"""normalize_value and check_value for every field kind, including values the quote does not support."""

from __future__ import annotations

import pytest

from claimflow.state.normalize import FieldKind, check_value, normalize_value, with_article


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
    ],
)
def test_normalize_value(kind: FieldKind, value: str, expected: str | None) -> None:
    assert normalize_value(kind, value) == expected


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
    ],
)
def test_check_value_accepts_values_that_follow_from_the_quote(
    kind: FieldKind, value: str, quote: str, normalized: str
) -> None:
    checked = check_value(kind, value, quote)
    assert checked.ok, checked.reason
    assert checked.normalized == normalized


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
    ],
)
def test_check_value_rejects_values_that_do_not_follow(kind: FieldKind, value: str, quote: str) -> None:
    checked = check_value(kind, value, quote)
    assert not checked.ok
    assert checked.normalized is not None
    assert "does not follow from quote" in checked.reason


@pytest.mark.parametrize(
    ("kind", "value"),
    [("amount", "abc"), ("date", "2023-13-45"), ("date", "01/02/2023"), ("currency", "$"), ("duration", "soon"),
     ("text", " "), ("identifier", "---")],
)  # fmt: skip
def test_check_value_rejects_unreadable_values(kind: FieldKind, value: str) -> None:
    checked = check_value(kind, value, "Anything at all 01/02/2023 $ 12")
    assert not checked.ok
    assert checked.normalized is None
    assert f"cannot be read as {with_article(kind)}" in checked.reason
