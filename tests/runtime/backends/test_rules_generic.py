"""The label-driven extractor and detector the rules backend uses for declared types without their own.

Every document here is synthetic, written for these tests.
"""

from __future__ import annotations

import time

import pytest

from claimflow import Column, DocumentType, Field
from claimflow.runtime.backends.rules._generic import generic_detect, generic_extract
from claimflow.runtime.backends.rules._rank import MIN_SCORE, rank
from claimflow.runtime.ingest.html import parse_html
from claimflow.state.apply import apply_extraction, check_field_claim, check_row_claim
from claimflow.state.claims import ExtractionClaim, FieldClaim
from claimflow.state.documents import SourceText

AUTO_ACCEPT = 0.8
"""The policy's default field auto-accept bar."""

PO = DocumentType(
    name="purchase_order",
    description="A buyer's order to a supplier: number, date, supplier, items and total.",
    titles=("Purchase Order", "Bestellung"),
    fields=[
        Field("po_number", "identifier", required=True, labels=("PO Number", "Order No.", "Bestellnummer")),
        Field("order_date", "date", labels=("Order Date", "Bestelldatum")),
        Field("supplier", "text", labels=("Supplier", "Lieferant"), counter_labels=("Ship to", "Bill to")),
        Field("total", "amount", labels=("Total", "Gesamtbetrag")),
        Field("currency", "currency", labels=("Currency", "Währung")),
        Field("line_items", "table", columns=[
            Column("description", "text", labels=("Description", "Beschreibung")),
            Column("quantity", "amount", labels=("Qty", "Menge")),
            Column("unit_price", "amount", labels=("Unit Price", "Einzelpreis")),
            Column("amount", "amount", required=True, labels=("Amount", "Betrag")),
        ]),
    ],
)  # fmt: skip

DELIVERY = DocumentType(
    name="delivery_note",
    description="A note that goes with delivered goods: number, date, shipping, carriers.",
    titles=("Delivery Note", "Lieferschein"),
    fields=[
        Field("note_number", "identifier", required=True, labels=("Delivery Note No.", "Lieferschein-Nr.")),
        Field("delivery_date", "date", labels=("Delivery Date", "Lieferdatum")),
        Field("shipping", "enum", values={"standard": ("Standard",), "express": ("Express", "Expressversand")},
              labels=("Shipping Method", "Versandart")),
        Field("partial", "boolean", labels=("Partial Delivery", "Teillieferung")),
        Field("discount", "percentage", labels=("Discount", "Rabatt")),
        Field("warranty", "duration", labels=("Warranty", "Gewährleistung")),
        Field("carriers", "text", multiple=True, labels=("Carrier", "Spediteur")),
        Field("weight", "number", labels=("Gross Weight", "Bruttogewicht")),
    ],
)  # fmt: skip

PO_EN = """PURCHASE ORDER

PO Number: 4500012345
Order Date      Delivery Date
12.03.2024      20.03.2024

Supplier:
Müller Industriebedarf GmbH
Industriestraße 5, 80331 München

Ship to:
Acme Warehouse Ltd
12 Dock Road

Description                 Qty    Unit Price      Amount
Steel bolts M8              100          0.25       25.00
Hex nuts M8                 100          0.15       15.00
Washers                     200          0.06       12.00

Total: 52.00 EUR
"""

PO_DE = """Bestellung

Bestellnummer: 4500098765
Bestelldatum: 05.02.2024
Lieferant:\tSchmidt & Söhne KG
Währung: EUR

Beschreibung Menge Einzelpreis Betrag
Schraubendreher-Satz 6-tlg. 3 Stk. 24,90 € 74,70 €
Akku-Bohrschrauber 18 V 1 Stk. 1.149,00 € 1.149,00 €
Bitbox 32 Teile 5 Stk. 9,95 € 49,75 €
Gesamtbetrag: 1.273,45 €
"""

DELIVERY_EN = """DELIVERY NOTE
Delivery Note No.: LS-2024-0042
Delivery Date: 03/04/2024
Shipping Method: Express
Partial Delivery: No
Discount: 2,5 %
Warranty: 24 months
Carrier: DHL Freight
Carrier: Dachser SE
Gross Weight: 125.5 kg
"""

DELIVERY_DE = """Lieferschein
Lieferschein-Nr.: LS-7
Lieferdatum: 12.03.2024
Versandart: Expressversand
Teillieferung: ja
Rabatt: 3 Prozent
"""

TABBED = """Purchase Order
Pos.\tDescription\tQty\tUnit Price\tAmount
1\tSteel bolts, box of 100\t2\t15.00\t30.00
2\tFreight\t\t\t40.00
Total:\t70.00
"""

DOLLARS = """Purchase Order
Currency: USD
Description        Qty    Unit Price    Amount
Exam gloves         40         $8.25   $330.00
Prophy angles        5        $46.80   $234.00
Order Total: $564.00
"""

GARDENING = """Notes on the garden

Water the tomatoes every morning and the roses twice a week.
Trim the hedge in spring; the apple tree wants pruning in late winter.
"""


def _claims(claim: ExtractionClaim, name: str) -> list[FieldClaim]:
    return [c for c in claim.fields if c.field == name]


def _one(claim: ExtractionClaim, name: str) -> FieldClaim:
    found = _claims(claim, name)
    assert len(found) == 1, f"{name}: {found}"
    return found[0]


def _values(claim: ExtractionClaim) -> dict[str, str]:
    return {c.field: c.value for c in claim.fields}


def _rows(claim: ExtractionClaim) -> list[dict[str, str]]:
    return [row.cells for row in claim.rows]


# same line ------------------------------------------------------------------------------------------------


def test_a_label_and_its_value_on_one_line_are_claimed_confidently() -> None:
    claim = generic_extract([PO_EN], PO)
    number = _one(claim, "po_number")
    assert number.value == "4500012345"
    assert number.confidence >= AUTO_ACCEPT
    assert number.evidence.quote == "PO Number: 4500012345"
    assert (number.evidence.page, number.evidence.start) == (1, PO_EN.index("PO Number"))
    total = _one(claim, "total")
    assert (total.value, total.confidence >= AUTO_ACCEPT) == ("52.00", True)


def test_tabs_and_padding_separate_a_label_from_its_value() -> None:
    text = "Purchase Order\nOrder Date\t12.03.2024\nTotal                 1,234.50\nPO Number  #PO-2024/117\n"
    values = _values(generic_extract([text], PO))
    assert values == {"order_date": "2024-03-12", "total": "1234.50", "po_number": "PO-2024/117"}


def test_text_after_a_label_needs_a_colon_tab_or_gap_not_a_sentence() -> None:
    text = "Purchase Order\nThe Supplier shall deliver the goods by the agreed date.\nSupplier: Baumann AG\n"
    supplier = _one(generic_extract([text], PO), "supplier")
    assert supplier.value == "Baumann AG"
    assert supplier.confidence >= AUTO_ACCEPT


def test_german_labels_give_canonical_values() -> None:
    claim = generic_extract([PO_DE], PO)
    assert _values(claim) == {
        "po_number": "4500098765",
        "order_date": "2024-02-05",
        "supplier": "Schmidt & Söhne KG",
        "currency": "EUR",
        "total": "1273.45",
    }
    assert all(c.confidence >= AUTO_ACCEPT for c in claim.fields)


# below the label ------------------------------------------------------------------------------------------


def test_a_value_on_the_line_below_its_label_is_claimed_less_surely() -> None:
    supplier = _one(generic_extract([PO_EN], PO), "supplier")
    assert supplier.value == "Müller Industriebedarf GmbH"
    assert 0.6 <= supplier.confidence < AUTO_ACCEPT
    assert supplier.evidence.quote == "Supplier:\nMüller Industriebedarf GmbH"


def test_a_value_after_a_blank_line_is_less_sure_still() -> None:
    text = "Purchase Order\nTotal\n\n99.50\n"
    total = _one(generic_extract([text], PO), "total")
    assert total.value == "99.50"
    assert total.confidence < 0.7


def test_a_value_aligned_under_a_row_of_headings_is_read_by_column() -> None:
    order_date = _one(generic_extract([PO_EN], PO), "order_date")
    assert order_date.value == "2024-03-12"  # not 20.03.2024, which stands under "Delivery Date"
    assert order_date.confidence < AUTO_ACCEPT
    text = "Purchase Order\nReference      Order Date\nR-77           01.02.2024\n"
    assert _one(generic_extract([text], PO), "order_date").value == "2024-02-01"


def test_a_misaligned_value_is_not_read_under_a_heading() -> None:
    text = "Purchase Order\nReference      Order Date\n01.02.2024     R-77\n"
    assert not _claims(generic_extract([text], PO), "order_date")


# counter-labels -------------------------------------------------------------------------------------------


def test_a_ship_to_block_is_never_the_supplier() -> None:
    text = "Purchase Order\nPO Number: 77\nShip to:\nAcme Warehouse Ltd\n12 Dock Road\n"
    assert not _claims(generic_extract([text], PO), "supplier")


def test_side_by_side_blocks_give_the_supplier_its_own_column() -> None:
    text = (
        "Purchase Order\n"
        "Ship to:                     Supplier:\n"
        "Acme Warehouse Ltd           Müller Industriebedarf GmbH\n"
        "12 Dock Road                 Industriestraße 5\n"
    )
    assert _one(generic_extract([text], PO), "supplier").value == "Müller Industriebedarf GmbH"


@pytest.mark.parametrize("below", ["Ship to: Acme Warehouse Ltd", "Name: Acme Warehouse Ltd"])
def test_a_label_and_its_value_below_a_label_are_not_its_value(below: str) -> None:
    text = f"Purchase Order\nSupplier:\n{below}\n"
    assert not _claims(generic_extract([text], PO), "supplier")


# doubt ----------------------------------------------------------------------------------------------------


def test_different_values_at_two_labels_go_to_review() -> None:
    text = "Purchase Order\nPO Number: 4500012345\nOrder Date: 2024-03-12\n\nOrder No. 4500099999\n"
    claim = generic_extract([text], PO)
    numbers = _claims(claim, "po_number")
    assert {c.value for c in numbers} == {"4500012345", "4500099999"}
    assert all(c.confidence <= 0.5 for c in numbers)
    assert _one(claim, "order_date").confidence >= AUTO_ACCEPT  # the doubt stays with the field in doubt
    patch = apply_extraction(PO, claim, SourceText(pages=(text,)), step="extract", attempt=1)
    assert patch.fields is not None
    result = patch.fields["po_number"]
    assert result.status != "accepted"
    assert any(reason.startswith("conflicting values") for reason in result.reasons)


def test_the_same_value_at_two_labels_stays_confident() -> None:
    pages = ["Purchase Order\nPO Number: 4500012345\n", "Continued\nPO Number: 4500012345\nTotal: 10.00\n"]
    number = _one(generic_extract(pages, PO), "po_number")
    assert (number.value, number.confidence >= AUTO_ACCEPT, number.evidence.page) == ("4500012345", True, 1)


def test_labels_on_a_later_page_quote_that_page() -> None:
    pages = ["Purchase Order\nSee next page.\n", "Order Date: 2024-05-06\n"]
    order_date = _one(generic_extract(pages, PO), "order_date")
    assert (order_date.evidence.page, order_date.evidence.start) == (2, 0)


def test_a_date_the_document_does_not_settle_is_not_confident() -> None:
    ambiguous = _one(generic_extract([DELIVERY_EN], DELIVERY), "delivery_date")
    assert ambiguous.value == "2024-04-03"
    assert ambiguous.confidence < AUTO_ACCEPT
    # Another date that can only be day-first settles how the document writes dates.
    settled = _one(generic_extract([DELIVERY_EN + "Printed: 15/04/2024\n"], DELIVERY), "delivery_date")
    assert (settled.value, settled.confidence >= AUTO_ACCEPT) == ("2024-04-03", True)


def test_a_qualified_label_is_not_confident_unless_it_spells_the_title() -> None:
    # `Sub Total` is a label of another value (state/other_labels.py): its figure is no total at all.
    assert not _claims(generic_extract(["Purchase Order\nSub Total: 10.00\n"], PO), "total")
    sub = _one(generic_extract(["Purchase Order\nNet Total: 10.00\n"], PO), "total")
    assert sub.confidence < AUTO_ACCEPT
    titled = _one(generic_extract(["Purchase Order No. 4711\n"], PO), "po_number")
    assert (titled.value, titled.confidence >= AUTO_ACCEPT) == ("4711", True)


def test_two_values_after_one_label_are_not_confident() -> None:
    total = _one(generic_extract(["Purchase Order\nTotal: 10.00 12.00\n"], PO), "total")
    assert (total.value, total.confidence < AUTO_ACCEPT) == ("10.00", True)


def test_no_value_is_invented() -> None:
    text = "Purchase Order\nPO Number: pending\nTotal: see attachment\nOrder Date: tomorrow\nCurrency: local\n"
    assert generic_extract([text], PO).fields == []


def test_a_document_without_labels_gets_no_claims() -> None:
    assert generic_extract([GARDENING], PO) == ExtractionClaim()
    assert generic_extract([GARDENING], DELIVERY) == ExtractionClaim()


# kinds ----------------------------------------------------------------------------------------------------


def test_enum_boolean_percentage_duration_number_and_several_values() -> None:
    claim = generic_extract([DELIVERY_EN], DELIVERY)
    values = _values(claim)
    assert values["note_number"] == "LS-2024-0042"
    assert values["shipping"] == "express"
    assert values["partial"] == "false"
    assert values["discount"] == "2.5"
    assert values["warranty"] == "24 months"
    assert values["weight"] == "125.5"  # a number, not money: the unit is no part of it
    carriers = _claims(claim, "carriers")
    assert [c.value for c in carriers] == ["DHL Freight", "Dachser SE"]
    assert all(c.confidence >= AUTO_ACCEPT for c in carriers)  # several values of a multiple field agree


def test_german_choices_and_percent_words() -> None:
    values = _values(generic_extract([DELIVERY_DE], DELIVERY))
    assert values == {
        "note_number": "LS-7",
        "delivery_date": "2024-03-12",
        "shipping": "express",
        "partial": "true",
        "discount": "3",
    }


def test_an_undeclared_choice_is_not_claimed() -> None:
    text = "Delivery Note\nShipping Method: Pigeon\nPartial Delivery: perhaps\n"
    assert generic_extract([text], DELIVERY).fields == []


# currency -------------------------------------------------------------------------------------------------


def test_a_currency_beside_the_total_is_claimed_less_surely() -> None:
    currency = _one(generic_extract([PO_EN], PO), "currency")
    assert currency.value == "EUR"
    assert currency.confidence < AUTO_ACCEPT
    assert currency.evidence.quote == "Total: 52.00 EUR"


def test_a_labelled_currency_wins_over_the_one_beside_an_amount() -> None:
    currency = _one(generic_extract(["Purchase Order\nCurrency: CHF\nTotal: 52.00 EUR\n"], PO), "currency")
    assert (currency.value, currency.confidence >= AUTO_ACCEPT) == ("CHF", True)


def test_amounts_in_two_currencies_give_no_currency() -> None:
    text = "Purchase Order\nTotal: 52.00 EUR\n\nTotal: 60.00 USD\n"
    assert not _claims(generic_extract([text], PO), "currency")


@pytest.mark.parametrize("written", ["$849.60", "$ 849.60", "849.60 $", "¥849.60"])
def test_a_symbol_that_names_no_single_currency_rides_with_its_amount(written: str) -> None:
    text = f"Purchase Order\nTotal: {written}\n"
    claim = generic_extract([text], PO)
    total = _one(claim, "total")
    assert (total.value, total.confidence >= AUTO_ACCEPT) == ("849.60", True)
    assert check_field_claim(PO, total, SourceText(pages=(text,)), step="t", claim_id="c").accepted
    assert not _claims(claim, "currency")  # which dollar (or yen or yuan), the symbol does not say


@pytest.mark.parametrize("written", ["-$5.00", "-€5.00"])
def test_a_minus_before_the_currency_is_not_dropped_from_the_amount(written: str) -> None:
    """Never 5.00, a credit read as a charge: the amount is read from its minus, in a field and in a row."""
    claim = generic_extract([f"Purchase Order\nTotal: {written}\nDescription Amount\nDiscount {written}\n"], PO)
    assert [(c.field, c.value, c.evidence.quote) for c in claim.fields] == [("total", "-5.00", f"Total: {written}")]
    assert [dict(row.cells) for row in claim.rows] == [{"description": "Discount", "amount": "-5.00"}]
    assert _values(generic_extract(["Purchase Order\nTotal: $-5.00\n"], PO)) == {"total": "-5.00"}


def test_cells_with_a_bare_dollar_are_read() -> None:
    assert _rows(generic_extract([DOLLARS], PO)) == [
        {"description": "Exam gloves", "quantity": "40.00", "unit_price": "8.25", "amount": "330.00"},
        {"description": "Prophy angles", "quantity": "5.00", "unit_price": "46.80", "amount": "234.00"},
    ]
    single = "Purchase Order\nDescription Qty Amount\nSteel bolts 2 $30.00\nTotal: $30.00\n"
    claim = generic_extract([single], PO)
    assert (_rows(claim), _values(claim)) == (
        [{"description": "Steel bolts", "quantity": "2.00", "amount": "30.00"}], {"total": "30.00"}
    )  # fmt: skip


def test_a_currency_before_an_amount_is_no_part_of_the_description() -> None:
    text = "Purchase Order\nDescription Amount\nSteel bolts $30.00\nHex nuts EUR 5.00\n"
    assert _rows(generic_extract([text], PO)) == [
        {"description": "Steel bolts", "amount": "30.00"},
        {"description": "Hex nuts", "amount": "5.00"},
    ]


# tables ---------------------------------------------------------------------------------------------------


def test_rows_are_read_by_column_position() -> None:
    assert _rows(generic_extract([PO_EN], PO)) == [
        {"description": "Steel bolts M8", "quantity": "100.00", "unit_price": "0.25", "amount": "25.00"},
        {"description": "Hex nuts M8", "quantity": "100.00", "unit_price": "0.15", "amount": "15.00"},
        {"description": "Washers", "quantity": "200.00", "unit_price": "0.06", "amount": "12.00"},
    ]


def test_rows_printed_with_single_spaces_are_read_by_kind() -> None:
    claim = generic_extract([PO_DE], PO)
    assert _rows(claim) == [
        {"description": "Schraubendreher-Satz 6-tlg.", "quantity": "3.00", "unit_price": "24.90", "amount": "74.70"},
        {"description": "Akku-Bohrschrauber 18 V", "quantity": "1.00", "unit_price": "1149.00", "amount": "1149.00"},
        {"description": "Bitbox 32 Teile", "quantity": "5.00", "unit_price": "9.95", "amount": "49.75"},
    ]
    assert claim.rows[1].evidence.quote == "Akku-Bohrschrauber 18 V 1 Stk. 1.149,00 € 1.149,00 €"


def test_rows_whose_cells_do_not_stand_under_their_headings_are_read_by_kind() -> None:
    # A PDF's text parts its columns with two spaces, whatever the widths of the glyphs before them.
    text = (
        "Purchase Order\n"
        "Description  Qty  Unit Price  Amount\n"
        "Hex bolts M8 x 40 mm, zinc plated, box of 100  12  £14.80  £177.60\n"
        "Nylon lock nuts M8, box of 200  6  £9.95  £59.70\n"
        "Total:  £237.30\n"
    )
    assert _rows(generic_extract([text], PO)) == [
        {"description": "Hex bolts M8 x 40 mm, zinc plated, box of 100", "quantity": "12.00", "unit_price": "14.80",
         "amount": "177.60"},
        {"description": "Nylon lock nuts M8, box of 200", "quantity": "6.00", "unit_price": "9.95", "amount": "59.70"},
    ]  # fmt: skip


def test_a_column_left_empty_is_no_cell_and_the_table_ends_at_a_label() -> None:
    text = (
        "Purchase Order\n"
        "Description          Qty      Amount\n"
        "Freight                         40.00\n"
        "Pallets              2          30.00\n"
        "Total:                          70.00\n"
        "Fees                 1           5.00\n"
    )
    assert _rows(generic_extract([text], PO)) == [
        {"description": "Freight", "amount": "40.00"},
        {"description": "Pallets", "quantity": "2.00", "amount": "30.00"},
    ]


def test_rules_and_units_under_the_header_are_no_rows() -> None:
    text = (
        "Purchase Order\n"
        "Description          Qty      Amount\n"
        "                     pcs         EUR\n"
        "-----------------    ---    --------\n"
        "Pallets              2         30.00\n"
    )
    assert _rows(generic_extract([text], PO)) == [{"description": "Pallets", "quantity": "2.00", "amount": "30.00"}]


def test_a_header_repeated_on_the_next_page_continues_the_table() -> None:
    page = "Purchase Order\nDescription        Amount\n{item}             {amount}\n"
    pages = [page.format(item="Bolts", amount="1.00"), page.format(item="Nuts ", amount="2.00")]
    rows = generic_extract(pages, PO).rows
    assert [(row.cells["description"], row.evidence.page) for row in rows] == [("Bolts", 1), ("Nuts", 2)]


@pytest.mark.parametrize(
    "body",
    [
        # a price that is no figure
        "Steel bolts M8     100     0.25     25.00\n"
        "Washers            200      n/a     12.00\n"
        "Hex nuts M8        100     0.15     15.00\n",
        # a row without its (required) amount
        "Steel bolts M8     100     0.25     25.00\n"
        "Washers            200     0.06\n"
        "Hex nuts M8        100     0.15     15.00\n",
        # a description wrapped onto a second line: the rows after it would be lost
        "Annual maintenance   1  1,450.00  1,450.00\n"
        "  of the packaging line\n"
        "Travel costs         2     85.00    170.00\n",
    ],
)  # fmt: skip
def test_a_table_with_a_row_that_does_not_read_yields_no_rows(body: str) -> None:
    text = "Purchase Order\nDescription      Qty   Unit Price    Amount\n" + body + "\nTotal: 52.00\n"
    claim = generic_extract([text], PO)
    assert claim.rows == []
    assert _one(claim, "total").value == "52.00"  # the fields are read all the same


def test_tab_separated_rows_are_read_cell_by_cell_under_their_headings() -> None:
    # A tab is as wide as whoever shows it makes it: the cells' order places them, not their offsets.
    assert _rows(generic_extract([TABBED], PO)) == [
        {"description": "Steel bolts, box of 100", "quantity": "2.00", "unit_price": "15.00", "amount": "30.00"},
        {"description": "Freight", "amount": "40.00"},
    ]


def test_a_tab_row_gives_each_figure_to_its_own_column() -> None:
    text = "Purchase Order\nDescription\tQty\tAmount\nSteel bolts, box of 100\t2\t30.00\nTotal:\t30.00\n"
    assert _rows(generic_extract([text], PO)) == [
        {"description": "Steel bolts, box of 100", "quantity": "2.00", "amount": "30.00"}  # not the 2 as amount
    ]


def test_an_html_table_is_read_with_its_empty_end_cells() -> None:
    html = (
        "<h1>Purchase Order</h1><table>"
        "<tr><th>Pos.</th><th>Description</th><th>Qty</th><th>Unit Price</th><th>Amount</th><th>Note</th></tr>"
        "<tr><td>1</td><td>Steel bolts, box of 100</td><td>2</td><td>$15.00</td><td>$30.00</td><td>urgent</td></tr>"
        "<tr><td></td><td>Freight</td><td></td><td></td><td>$40.00</td><td></td></tr>"
        "<tr><td>3</td><td>Washers</td><td>200</td><td>0,06 €</td><td>12,00 €</td><td></td></tr>"
        "</table><p>Total: $82.00</p>"
    ).encode()
    (text,) = parse_html(html).pages
    assert "\nFreight\t\t\t$40.00\n" in text  # no tab for an empty first or last cell
    assert _rows(generic_extract([text], PO)) == [
        {"description": "Steel bolts, box of 100", "quantity": "2.00", "unit_price": "15.00", "amount": "30.00"},
        {"description": "Freight", "amount": "40.00"},
        {"description": "Washers", "quantity": "200.00", "unit_price": "0.06", "amount": "12.00"},
    ]


@pytest.mark.parametrize(
    "row",
    [
        "3\tWashers\t200\t0.06\t12.00\t12.00",  # a cell more than the header has headings
        "3\t200\tWashers\t0.06\t12.00",  # cells out of order
        "3\tWashers\t200\t0.06",  # no amount
        "3\tWashers\t200\tn/a\t12.00",  # a price that is no figure
    ],
)
def test_a_tab_row_that_does_not_line_up_yields_no_rows(row: str) -> None:
    text = TABBED.replace("Total:", row + "\nTotal:")
    claim = generic_extract([text], PO)
    assert claim.rows == []
    assert _one(claim, "total").value == "70.00"


def test_a_tab_row_that_reads_in_two_places_yields_no_rows() -> None:
    # It lost an empty cell at one end, but which: quantity, price and amount, or price, amount and a note?
    text = "Purchase Order\nQty\tUnit Price\tAmount\tNote\n1\t5.00\t5.00\tspare\n2\t15.00\t30.00\n"
    assert generic_extract([text], PO).rows == []


def test_a_header_without_the_required_column_reads_no_rows() -> None:
    text = (
        "Purchase Order\nDescription                 Qty    Unit Price\nSteel bolts M8              100          0.25\n"
    )
    assert generic_extract([text], PO).rows == []


def test_a_value_label_used_as_a_column_heading_is_not_read_as_the_field() -> None:
    labelled = DocumentType(
        name="order_total_column",
        description="An order whose item table heads its amount column Total.",
        fields=[
            Field("total", "amount", labels=("Total",)),
            Field("items", "table", columns=[Column("name", "text", labels=("Item",)),
                                             Column("amount", "amount", required=True, labels=("Sum",))]),
        ],
    )  # fmt: skip
    text = "Item       Price      Total\nBolts      10.00      20.00\n\nTotal: 20.00\n"
    total = _one(generic_extract([text], labelled), "total")
    assert (total.value, total.confidence >= AUTO_ACCEPT) == ("20.00", True)


# the contract with apply ----------------------------------------------------------------------------------

CASES = [
    (PO, [PO_EN]),
    (PO, [PO_DE]),
    (PO, [PO_EN, PO_DE]),
    (PO, [PO_EN.replace("\n", "\r\n")]),
    (PO, ["  " + PO_DE.replace("\n", "\n   ")]),
    (PO, [DELIVERY_EN]),
    (PO, [TABBED]),
    (PO, [DOLLARS]),
    (DELIVERY, [DELIVERY_EN]),
    (DELIVERY, [DELIVERY_DE]),
    (DELIVERY, [PO_EN]),
    (PO, [GARDENING]),
]


@pytest.mark.parametrize(("doc_type", "pages"), CASES)
def test_every_claim_passes_the_checks_apply_runs(doc_type: DocumentType, pages: list[str]) -> None:
    claim = generic_extract(pages, doc_type)
    source = SourceText(pages=tuple(pages))
    for field in claim.fields:
        ev = field.evidence
        assert ev.page is not None and ev.start is not None and ev.end is not None
        assert pages[ev.page - 1][ev.start : ev.end] == ev.quote
        assert check_field_claim(doc_type, field, source, step="t", claim_id="c").accepted, field
    for row in claim.rows:
        assert check_row_claim(doc_type, row, source, step="t", claim_id="r")[0].accepted, row
    patch = apply_extraction(doc_type, claim, source, step="t", attempt=1)
    assert patch.fields is not None and patch.tables is not None
    assert sum(len(rows) for rows in patch.tables.values()) == len(claim.rows)


def test_the_same_pages_give_the_same_claims() -> None:
    assert generic_extract([PO_EN], PO) == generic_extract([PO_EN], PO)


def test_a_huge_text_is_read_in_time_proportional_to_it() -> None:
    block = "PO Number: 4500012345   Total: 12.00 EUR   Supplier: Foo GmbH   Note " * 3000
    pages = [block + "\n" + "Supplier:\nFoo GmbH\nTotal\n12.00\n" * 5000]
    started = time.perf_counter()
    claim = generic_extract(pages, PO)
    detection = generic_detect(pages, PO)
    assert time.perf_counter() - started < 20  # about 1 s here; a quadratic scan takes many minutes
    assert _one(claim, "po_number").value == "4500012345"
    assert detection.score == 3.0  # PO Number, Total, Supplier: no title


# detection ------------------------------------------------------------------------------------------------


def test_a_purchase_order_scores_its_title_and_labels() -> None:
    detection = generic_detect([PO_EN], PO)
    assert detection.score >= MIN_SCORE
    # title 3 + po_number, order_date, supplier, total, line_items (one for its columns): 5; capped at 6
    assert detection.score == 8.0
    assert [q.quote for q in detection.quotes] == ["PURCHASE ORDER", "PO Number", "Order Date"]
    assert detection.quotes[0].start == 0 and detection.quotes[0].page == 1


def test_labels_count_once_per_field_and_at_most_six() -> None:
    text = PO_EN + "\nCurrency: EUR\nPO Number: 4500012345\n"
    assert generic_detect([text], PO).score == 9.0  # title 3 + six fields (not seven, not the repeats)
    table_only = "Description    Qty    Amount\nBolts          1       2.00\n"
    assert generic_detect([table_only], PO).score == 1.0


def test_a_title_that_is_a_label_is_no_title() -> None:
    assert generic_detect(["Purchase Order No. 4711\n"], PO).score == 1.0  # the label "Order No." only
    assert generic_detect(["Purchase Order Date\n"], PO).score == 1.0  # the label "Order Date" only
    assert generic_detect(["Purchase Order\n"], PO).score == 3.0


def test_a_title_deep_in_the_text_or_in_a_sentence_is_no_title() -> None:
    sentence = "Please send the purchase order to our office in Hamburg before Friday.\n"
    assert generic_detect([sentence], PO).score == 0.0
    late = "filler line\n" * 40 + "Purchase Order\n"
    assert generic_detect([late], PO).score == 0.0


def test_random_text_scores_low() -> None:
    detection = generic_detect([GARDENING], PO)
    assert detection.score < MIN_SCORE
    assert detection.quotes == []


def test_ranking_names_the_declared_type_the_text_shows() -> None:
    pages = [DELIVERY_DE]
    claim = rank({t.name: generic_detect(pages, t) for t in (PO, DELIVERY)})
    assert claim.doc_type == "delivery_note"
    assert claim.evidence[0].quote == "Lieferschein"
    assert rank({t.name: generic_detect([GARDENING], t) for t in (PO, DELIVERY)}).doc_type == "unknown"
