"""Receipt name, date and currency on synthetic slips from several countries."""

import pytest

from claimflow.doctypes import RECEIPT
from claimflow.runtime.backends import rules
from claimflow.runtime.backends.rules._receipt import receipt_findings
from claimflow.state.claims import ExtractionClaim

AUTO = 0.8

US_SLIP = """CORNER HARDWARE LLC
1200 MAPLE AVENUE
SPRINGFIELD, IL 62704
03/14/2024 4:12 PM
CASHIER: DANA REG 2
HAMMER 16OZ 12.99
WOOD GLUE 4.49
SUBTOTAL 17.48
SALES TAX 6.25% 1.09
TOTAL 18.57
VISA 18.57
CHANGE DUE 0.00
THANK YOU FOR SHOPPING
"""

DE_SLIP = """Bäckerei Sonnenschein GmbH
Hauptstraße 12
80331 München
Datum: 05.03.2024 08:15
Brötchen 6 x 0,45 2,70
Kaffee 3,20
SUMME EUR 5,90
Gegeben BAR 10,00
Rückgeld 4,10
MwSt 7% Netto 5,51 MwSt 0,39
Vielen Dank für Ihren Einkauf
"""

FR_SLIP = """SUPERMARCHÉ DU PORT SARL
14 rue des Mouettes
13002 Marseille
Ticket de caisse
12/04/2024 18:42
Pain 1,20 €
Fromage 4,80 €
TOTAL TTC 6,00 €
ESPECES 10,00 €
RENDU 4,00 €
Merci de votre visite
"""


def fields(text: str) -> dict[str, tuple[str, float]]:
    claim: ExtractionClaim = rules.extract(RECEIPT, [text])
    return {f.field: (f.value, f.confidence) for f in claim.fields}


def findings(text: str) -> dict[str, tuple[str, float]]:
    return {f.field: (f.value, f.confidence) for f in receipt_findings([text])}


def test_us_slip() -> None:
    got = fields(US_SLIP)
    assert got["vendor_name"][0] == "CORNER HARDWARE LLC"
    assert got["issue_date"][0] == "2024-03-14"
    assert got["total_amount"] == ("18.57", 0.92)


def test_german_slip() -> None:
    got = fields(DE_SLIP)
    assert got["vendor_name"] == ("Bäckerei Sonnenschein GmbH", 0.85)
    assert got["vendor_address"][0] == "Hauptstraße 12 80331 München"
    assert got["issue_date"][0] == "2024-03-05" and got["issue_date"][1] >= AUTO
    assert findings(DE_SLIP)["currency"] == ("EUR", 0.9)


def test_french_slip_date_is_read_day_first_from_the_euro() -> None:
    got = fields(FR_SLIP)
    assert got["issue_date"][0] == "2024-04-12"
    assert got["issue_date"][1] >= AUTO
    assert findings(FR_SLIP)["currency"][0] == "EUR"


def test_ambiguous_date_on_a_dollar_slip_goes_to_review() -> None:
    text = US_SLIP.replace("03/14/2024", "03/04/2024")
    assert fields(text)["issue_date"][1] < AUTO


def test_ambiguous_date_on_a_ringgit_slip_is_day_first() -> None:
    text = "KEDAI ABC\nNO 3, JALAN TIGA, 43000 KAJANG\n05/03/2019 14:22\nMEE 5.00\nTOTAL RM 5.00\n"
    assert fields(text)["issue_date"][0] == "2019-03-05"


def test_a_phone_number_is_not_a_date() -> None:
    text = "KEDAI ABC\nNO 3, JALAN TIGA, 43000 KAJANG\nTEL 06-11-2020\nMEE 5.00\nTOTAL 5.00\n15/06/2019\n"
    assert fields(text)["issue_date"][0] == "2019-06-15"


def test_timestamp_beats_an_earlier_bare_date() -> None:
    text = "KEDAI ABC\nNO 3, JALAN TIGA\nVALID UNTIL 31/12/2019\n15/06/2019 10:22\nMEE 5.00\nTOTAL 5.00\n"
    got = fields(text)["issue_date"]
    assert got[0] == "2019-06-15" and got[1] >= AUTO  # the date under VALID UNTIL is not the sale's: no rival


def test_registration_number_below_the_name_makes_it_sure() -> None:
    text = "SYARIKAT MAJU JAYA\n(123456-K)\nNO 8, JALAN MAWAR, 53100 KUALA LUMPUR\nMEE 5.00\nTOTAL 5.00\n"
    assert fields(text)["vendor_name"] == ("SYARIKAT MAJU JAYA", 0.86)


def test_plain_top_line_without_company_cues_goes_to_review() -> None:
    text = "SRI MAWAR\nNO 8, JALAN MAWAR, 53100 KUALA LUMPUR\nMEE 5.00\nTOTAL 5.00\n"
    assert fields(text)["vendor_name"][1] < AUTO


def test_registered_name_under_a_brand_line() -> None:
    text = (
        "HAPPY SCOOPS - MID MALL\nSWEET CONE SDN BHD (765432-A)\nLOT 3, JALAN DUA, 50000 KUALA LUMPUR\n"
        "CONE 5.00\nTOTAL 5.00\n"
    )
    assert fields(text)["vendor_name"] == ("SWEET CONE SDN BHD", 0.86)


def test_brand_and_branch_name_gives_the_brand() -> None:
    text = "TAX INVOICE\nPIZZA ROMA\nPIZZA ROMA HILLTOP\nNO 12, JALAN BUKIT 3, 81750 MASAI\nPIZZA 20.00\nTOTAL 20.00\n"
    assert fields(text)["vendor_name"][0] == "PIZZA ROMA"


def test_currency_from_a_column_heading_only() -> None:
    text = "KEDAI ABC\nNO 3, JALAN TIGA\nQTY ITEM AMT(RM)\n1 MEE 5.00\nTOTAL 5.00\n"
    got = findings(text)["currency"]
    assert got[0] == "MYR" and got[1] < AUTO


def test_petrol_grade_and_legal_form_are_not_currencies() -> None:
    text = "PETROL KITA SDN BHD\nNO 3, JALAN TIGA\nRON95 30.00\nTOTAL 30.00\n"
    assert "currency" not in findings(text)


def test_two_currencies_are_not_claimed_confidently() -> None:
    text = "DUTY FREE\n1 AIRPORT ROAD\nWATCH EUR 100.00\nTOTAL USD 110.00\n"
    assert findings(text)["currency"][1] < AUTO


@pytest.mark.parametrize(
    "label", ["EXPIRY DATE:", "DUE DATE:", "DELIVERY DATE:", "BEST BEFORE", "RETURN BY", "PROMO ENDS"]
)
def test_a_date_of_something_else_is_not_the_sale_date(label: str) -> None:
    text = f"KEDAI ABC\nNO 3, JALAN TIGA\n{label} 30/06/2019\nMEE 5.00\nTOTAL 5.00\n"
    assert "issue_date" not in fields(text)
    later = f"KEDAI ABC\n{label} 30/06/2019\nDATE: 01/06/2019 10:22\nMEE 5.00\nTOTAL 5.00\n"
    assert fields(later)["issue_date"][0] == "2019-06-01"
