"""Invoice line items from the rules backend: claimed only when the arithmetic proves the table.

Every document here is synthetic, written for these tests.
"""

from datetime import date
from decimal import Decimal

import pytest

from claimflow.doctypes import CONTRACT, INVOICE, RECEIPT
from claimflow.runtime.backends import rules
from claimflow.state.apply import apply_extraction, check_row_claim
from claimflow.state.claims import ExtractionClaim
from claimflow.state.documents import SourceText
from claimflow.state.policy import Policy
from claimflow.state.rules import validate_document

Row = tuple[str, str | None, str | None, str]
"""description, quantity, unit price, amount"""

ENGLISH = """Harbour Print Co.
INVOICE
Invoice No: HP-5521
Invoice Date: 2024-06-03
Description Qty Unit Price Amount
Business cards, 350 gsm matt 4 £18.50 £74.00
Flyers A5 (1000) 2 £60.00 £120.00
Roll-up banner 85 x 200 cm 1 £95.25 £95.25
Subtotal £289.25
VAT 20% £57.85
Total £347.10
"""

GERMAN = """Rechnung
Rechnungsnummer: 2024-118
Rechnungsdatum: 12.04.2024
Pos. Bezeichnung Menge Einzelpreis Gesamt
1 Schraubendreher-Satz 6-tlg. 3 Stk. 24,90 € 74,70 €
2 Akku-Bohrschrauber 18 V 1 Stk. 1.149,00 € 1.149,00 €
3 Bitbox 32 Teile 5 Stk. 9,95 € 49,75 €
Nettobetrag 1.273,45 €
zzgl. 19 % USt. 241,96 €
Gesamtbetrag 1.515,41 €
"""

US_WRAPPED = """ACME Services LLC
INVOICE
Invoice #: 7731
Item Qty Rate Amount
Annual maintenance of the packaging 1 $1,450.00 $1,450.00
line, including spare parts
Travel costs 2 $85.00 $170.00
Subtotal $1,620.00
Sales tax $129.60
Total $1,749.60
"""

NUMBERS_BELOW = """Rechnung
Rechnungsnummer: 77
Pos Beschreibung Nettopreis Menge Einheit Steuersatz Nettobetrag
1 Wartung der
Heizungsanlage
120,0000 2 Std 19% 240,00
2 Kleinmaterial
3,5000 10 Stk 19% 35,00
Rechnungssumme ohne USt. 275,00
Steuerbetrag 52,25
Bruttosumme 327,25
"""

PAGE_ONE = """INVOICE
Invoice No: 2291
Description Qty Unit price Amount
Oak shelf 80 cm 2 45.00 90.00
Wall brackets, pair 4 7.50 30.00
Carried forward 120.00
Page 1 of 2"""

PAGE_TWO = """Description Qty Unit price Amount
Wood screws, box of 200 1 6.80 6.80
Assembly service 1 0.00 0.00
Net total 126.80
VAT 25.36
Total 152.16
Page 2 of 2"""


def _items(pages: list[str]) -> list[Row]:
    claim = rules.extract(INVOICE, pages)
    assert {row.table for row in claim.rows} <= {"line_items"}
    return [
        (r.cells["description"], r.cells.get("quantity"), r.cells.get("unit_price"), r.cells["amount"])
        for r in claim.rows
    ]


def _assert_quoted(pages: list[str], claim: ExtractionClaim) -> None:
    source = SourceText(pages=tuple(pages))
    for row in claim.rows:
        ev = row.evidence
        assert ev.page is not None and ev.start is not None and ev.end is not None
        assert pages[ev.page - 1][ev.start : ev.end] == ev.quote
        outcome, accepted = check_row_claim(INVOICE, row, source, step="x", claim_id="r")
        assert outcome.accepted and accepted is not None, (row.cells, ev.quote, outcome.reasons)


@pytest.mark.parametrize(
    ("pages", "expected"),
    [
        (
            [ENGLISH],
            [
                ("Business cards, 350 gsm matt", "4", "18.50", "74.00"),
                ("Flyers A5 (1000)", "2", "60.00", "120.00"),
                ("Roll-up banner 85 x 200 cm", "1", "95.25", "95.25"),
            ],
        ),
        (
            [GERMAN],
            [
                ("Schraubendreher-Satz 6-tlg.", "3", "24.90", "74.70"),
                ("Akku-Bohrschrauber 18 V", "1", "1149.00", "1149.00"),
                ("Bitbox 32 Teile", "5", "9.95", "49.75"),
            ],
        ),
        (
            [US_WRAPPED],
            [
                ("Annual maintenance of the packaging line, including spare parts", "1", "1450.00", "1450.00"),
                ("Travel costs", "2", "85.00", "170.00"),
            ],
        ),
        (
            [NUMBERS_BELOW],
            [("Wartung der Heizungsanlage", "2", "120.00", "240.00"), ("Kleinmaterial", "10", "3.50", "35.00")],
        ),
        (
            [PAGE_ONE, PAGE_TWO],
            [
                ("Oak shelf 80 cm", "2", "45.00", "90.00"),
                ("Wall brackets, pair", "4", "7.50", "30.00"),
                ("Wood screws, box of 200", "1", "6.80", "6.80"),
                ("Assembly service", "1", "0.00", "0.00"),
            ],
        ),
    ],
    ids=["english-pounds", "german-euros", "us-wrapped-description", "numbers-below-description", "two-pages"],
)
def test_reads_a_table_that_adds_up(pages: list[str], expected: list[Row]) -> None:
    claim = rules.extract(INVOICE, pages)
    assert _items(pages) == expected
    _assert_quoted(pages, claim)


def test_each_quote_is_the_row_as_printed_from_its_description_to_its_figures() -> None:
    below = rules.extract(INVOICE, [US_WRAPPED])
    assert [r.evidence.quote for r in below.rows] == [
        "Annual maintenance of the packaging 1 $1,450.00 $1,450.00\nline, including spare parts",
        "Travel costs 2 $85.00 $170.00",  # a row's quote never reaches into the next row
    ]
    above = rules.extract(INVOICE, [NUMBERS_BELOW])
    assert [r.evidence.quote for r in above.rows] == [
        "1 Wartung der\nHeizungsanlage\n120,0000 2 Std 19% 240,00",
        "2 Kleinmaterial\n3,5000 10 Stk 19% 35,00",
    ]


def test_apply_accepts_the_rows_of_a_wrapped_table() -> None:
    for pages in ([US_WRAPPED], [NUMBERS_BELOW]):
        patch = apply_extraction(
            INVOICE, rules.extract(INVOICE, pages), SourceText(pages=tuple(pages)), step="x", attempt=1
        )
        assert patch.tables is not None and len(patch.tables["line_items"]) == 2, pages


def test_rows_on_the_second_page_name_it() -> None:
    claim = rules.extract(INVOICE, [PAGE_ONE, PAGE_TWO])
    assert [r.evidence.page for r in claim.rows] == [1, 1, 2, 2]


def test_apply_accepts_every_row_and_the_sum_rule_passes() -> None:
    pages = [GERMAN]
    patch = apply_extraction(
        INVOICE, rules.extract(INVOICE, pages), SourceText(pages=tuple(pages)), step="x", attempt=1
    )
    assert patch.fields is not None and patch.tables is not None
    assert len(patch.tables["line_items"]) == 3
    results = validate_document(INVOICE, patch.fields, patch.tables, Policy(), today=date(2024, 5, 1))
    assert next(r for r in results if r.rule == "line_items_sum_to_net").passed


def test_no_rows_when_they_do_not_add_up_to_the_net() -> None:
    text = ENGLISH.replace(
        "Subtotal £289.25\nVAT 20% £57.85\nTotal £347.10", "Subtotal £300.00\nVAT 20% £60.00\nTotal £360.00"
    )
    assert rules.extract(INVOICE, [text]).fields  # the totals are still read
    assert _items([text]) == []


def test_no_rows_when_one_line_does_not_multiply_out() -> None:
    # The printed amounts still add up to the net, but one line's quantity x price is not its amount.
    text = GERMAN.replace("3 Bitbox 32 Teile 5 Stk. 9,95 €", "3 Bitbox 32 Teile 3 Stk. 9,95 €")
    middle = text.replace("2 Akku-Bohrschrauber 18 V 1 Stk.", "2 Akku-Bohrschrauber 18 V 2 Stk.")
    assert _items([text]) == []
    assert _items([middle]) == []


def test_no_rows_when_a_discount_sits_in_the_table() -> None:
    text = ENGLISH.replace(
        "Flyers A5 (1000) 2 £60.00 £120.00\n", "Flyers A5 (1000) 2 £60.00 £120.00\nDiscount -£10.00\n"
    )
    text = text.replace("Subtotal £289.25", "Subtotal £279.25")
    assert _items([text]) == []


@pytest.mark.parametrize("written", [" -£10.00", " (£10.00)", " £-10.00", "    - £10.00", " \u2212£10.00"])
def test_a_credits_sign_and_currency_are_its_amounts_not_its_descriptions(written: str) -> None:
    text = ENGLISH.replace(
        "Flyers A5 (1000) 2 £60.00 £120.00\n", f"Flyers A5 (1000) 2 £60.00 £120.00\nLoyalty voucher{written}\n"
    ).replace("Subtotal £289.25", "Subtotal £279.25")
    assert ("Loyalty voucher", None, None, "-10.00") in _items([text])
    _assert_quoted([text], rules.extract(INVOICE, [text]))


def test_a_credit_row_with_its_sign_before_the_currency_multiplies_out() -> None:
    # The minus and currency stand between the quantity and the amount, where only units and currencies may.
    text = ENGLISH.replace(
        "Flyers A5 (1000) 2 £60.00 £120.00\n", "Flyers A5 (1000) 2 £60.00 £120.00\nReturned flyers 1 -£10.00 -£10.00\n"
    ).replace("Subtotal £289.25", "Subtotal £279.25")
    assert ("Returned flyers", "1", "-10.00", "-10.00") in _items([text])
    _assert_quoted([text], rules.extract(INVOICE, [text]))


def test_no_rows_without_a_net_amount() -> None:
    text = "Invoice\nInvoice No: 4\nWidget 2 5.00 10.00\nGadget 1 2.50 2.50\n"
    assert _items([text]) == []


def test_a_row_read_as_quantity_and_price_stays_plain_decimals() -> None:
    text = (
        "Invoice\nInvoice No: 8\nHourly support 1,5 80,00 120,00\nMounting kit 2 12,50 25,00\n"
        "Netto 145,00\nMwSt. 27,55\nBrutto 172,55\n"
    )
    claim = rules.extract(INVOICE, [text])
    assert _items([text]) == [("Hourly support", "1.5", "80.00", "120.00"), ("Mounting kit", "2", "12.50", "25.00")]
    assert sum(Decimal(r.cells["amount"]) for r in claim.rows) == Decimal("145.00")
    _assert_quoted([text], claim)


def test_a_tax_rate_column_without_percent_sign() -> None:
    text = (
        "Invoice 55\nNo. Description Quantity Unit Price VAT % Line Amount\n"
        "Desk chair, blue 3 Piece 191.00 19 573.00\nSubtotal 573.00\n19% VAT 108.87\nTotal 681.87\n"
    )
    assert _items([text]) == [("Desk chair, blue", "3", "191.00", "573.00")]


def test_other_document_types_get_no_line_items() -> None:
    assert rules.extract(RECEIPT, [ENGLISH]).rows == []
    assert rules.extract(CONTRACT, [GERMAN]).rows == []


def test_a_unit_price_finer_than_a_cent_proves_the_row_but_is_not_claimed() -> None:
    # 0.0625 per piece cannot be written as a two-decimal figure, which is all apply reads.
    text = "Rechnung 12\nKabelbinder 100 Stk. 0,0625 € 6,25 €\nSchellen 4 Stk. 2,5000 € 10,00 €\nNetto 16,25 €\n"
    assert _items([text]) == [("Kabelbinder", "100", None, "6.25"), ("Schellen", "4", "2.50", "10.00")]
    patch = apply_extraction(INVOICE, rules.extract(INVOICE, [text]), SourceText(pages=(text,)), step="x", attempt=1)
    assert patch.tables is not None and len(patch.tables["line_items"]) == 2
