"""The amount paid on a receipt, and when the slip's own sums make it sure (synthetic slips)."""

from claimflow.doctypes import RECEIPT
from claimflow.runtime.backends import rules
from claimflow.state.claims import ExtractionClaim

AUTO = 0.8


def total_of(text: str) -> tuple[str, float] | None:
    claim: ExtractionClaim = rules.extract(RECEIPT, [text])
    return next(((f.value, f.confidence) for f in claim.fields if f.field == "total_amount"), None)


def test_cash_and_change_are_not_the_total() -> None:
    text = "ABC MART\nNO 1, JALAN SATU, 10000 PENANG\nMILO 15.90\nTOTAL 21.30\nCASH 50.00\nCHANGE 28.70\n"
    assert total_of(text) == ("21.30", 0.92)


def test_payment_without_a_total_label_is_not_claimed_as_total() -> None:
    text = "ABC MART\nNO 1, JALAN SATU, 10000 PENANG\nMILO 15.90\nROTI 3.20\nCASH 50.00\nCHANGE 28.70\n"
    found = total_of(text)
    assert found is None or found[0] not in ("50.00", "28.70")


def test_subtotal_is_not_the_total_and_the_sum_confirms_the_total() -> None:
    text = "CORNER SHOP LLC\n12 MAPLE STREET\nHAMMER 12.99\nGLUE 4.49\nSUBTOTAL 17.48\nSALES TAX 1.09\nTOTAL 18.57\n"
    value, confidence = total_of(text) or ("", 0.0)
    assert value == "18.57"
    assert confidence >= AUTO


def test_a_running_total_followed_by_a_larger_amount_goes_to_review() -> None:
    text = "CAFE ONE\n1 HIGH STREET\nTEA 3.00\nCAKE 7.00\nTOTAL 10.00\nSERVICE CHARGE 1.00\nAMOUNT 11.00\n"
    found = total_of(text)
    assert found is not None and found[1] < AUTO


def test_an_unconfirmed_total_label_is_not_auto_accepted() -> None:
    text = "CAFE ONE\n1 HIGH STREET\nTEA 3.00\nCAKE 7.00\nDELIVERY 2.50\nTOTAL 14.00\n"
    found = total_of(text)
    assert found is not None and found[0] == "14.00" and found[1] < AUTO


def test_rounded_total_agrees_with_payment_and_rounding_line() -> None:
    text = (
        "KEDAI ABC\nNO 3, JALAN TIGA, 43000 KAJANG\nITEM 13.58\nTOTAL SALES (INCL GST) 13.58\n"
        "ROUNDING ADJ .02\nROUNDING 13.60\nCASH 14.00\nCHANGE .40\n"
    )
    value, confidence = total_of(text) or ("", 0.0)
    assert value == "13.60"
    assert confidence >= AUTO


def test_total_confirmed_by_the_tax_summary() -> None:
    text = (
        "KEDAI ABC SDN BHD\nNO 3, JALAN TIGA, 43000 KAJANG\nPAPER A4 25.00 SR\nTOTAL AMT INCL. GST @ 6% : 26.50\n"
        "GST SUMMARY AMOUNT(RM) TAX(RM)\nSR @ 6% 25.00 1.50\n"
    )
    value, confidence = total_of(text) or ("", 0.0)
    assert (value, confidence >= AUTO) == ("26.50", True)


def test_total_confirmed_by_the_items_added_up() -> None:
    text = "NASI HOUSE\nNO 9, JALAN EMPAT\n2 TEH ICE 3.00 6.00\n1 NASI GORENG 9.50\nTOTAL AMOUNT : 15.50\n"
    value, confidence = total_of(text) or ("", 0.0)
    assert (value, confidence >= AUTO) == ("15.50", True)


def test_ocr_cut_label_is_found_by_subtotal_plus_tax() -> None:
    text = (
        "LAMP HOUSE SDN BHD\nNO 5, JALAN LIMA, 41050 KLANG\nLED BULB 10.00\nSUB TOTAL : RM 10.00\n"
        "GST 6% : RM 0.60\nTO : RM 10.60\nCA : RM 20.00\n"
    )
    assert total_of(text) == ("10.60", 0.8)


def test_label_on_the_line_above_the_amount() -> None:
    text = "BOOK NOOK\n7 MARKET ROAD\nNOVEL 20.00\nMAP 8.50\nGRAND TOTAL\nRM 28.50\nCASH\nRM 30.00\nCHANGE\nRM 1.50\n"
    assert total_of(text) == ("28.50", 0.92)


def test_card_payment_confirms_the_total() -> None:
    text = "FUEL STOP\n88 RING ROAD\nPETROL 50.00\nTOTAL 50.00\nVISA 50.00\n"
    value, confidence = total_of(text) or ("", 0.0)
    assert (value, confidence >= AUTO) == ("50.00", True)


def test_german_receipt_with_summe_and_change() -> None:
    text = (
        "Bäckerei Sonnenschein GmbH\nHauptstraße 12\n80331 München\nDatum: 05.03.2024 08:15\n"
        "Brötchen 6 x 0,45 2,70\nKaffee 3,20\nSUMME EUR 5,90\nGegeben BAR 10,00\nRückgeld 4,10\n"
    )
    assert total_of(text) == ("5.90", 0.92)


def test_french_receipt_total_ttc() -> None:
    text = (
        "SUPERMARCHÉ DU PORT SARL\n14 rue des Mouettes\n13002 Marseille\nPain 1,20\nFromage 4,80\n"
        "TOTAL TTC 6,00 €\nESPECES 10,00 €\nRENDU 4,00 €\n"
    )
    assert total_of(text) == ("6.00", 0.92)


def test_malay_jumlah_and_ocr_zero_for_o() -> None:
    assert (total_of("KEDAI A\nNO 1, JALAN B\nMEE 5.00\nJUMLAH 5.00\n") or ("",))[0] == "5.00"
    assert (total_of("KEDAI A\nNO 1, JALAN B\nMEE 5.00\nKOPI 2.00\nT0TAL 7.00\n") or ("",))[0] == "7.00"
