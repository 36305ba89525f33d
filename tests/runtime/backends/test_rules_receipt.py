from _rules_docs import RECEIPT_MY, RECEIPT_NOISY

from claimflow.doctypes import RECEIPT
from claimflow.runtime.backends import rules
from claimflow.state.claims import ExtractionClaim


def by_field(claim: ExtractionClaim) -> dict[str, tuple[str, float]]:
    return {f.field: (f.value, f.confidence) for f in claim.fields}


def test_reads_a_till_slip() -> None:
    got = by_field(rules.extract(RECEIPT, [RECEIPT_MY]))
    assert got["vendor_name"][0] == "KEDAI RUNCIT SRI MAJU SDN BHD"
    assert got["vendor_address"][0] == "NO. 8, JALAN MAWAR 3, TAMAN MELATI, 53100 KUALA LUMPUR"
    assert got["issue_date"][0] == "2018-06-23"
    assert got["total_amount"][0] == "21.30"
    assert got["currency"][0] == "MYR"


def test_total_confirmed_by_cash_minus_change_is_auto_accepted() -> None:
    got = by_field(rules.extract(RECEIPT, [RECEIPT_MY]))
    assert got["total_amount"][1] >= 0.9


def test_rounded_total_is_taken_from_the_payment_block() -> None:
    text = (
        "ABC MART\nNO 1, JALAN SATU, 10000 PENANG\nTEL: [PHONE_1]\n02/03/2019\nTOTAL AMT RM 10.02\n"
        "ROUNDING ADJ -0.02\nRM 10.00\nCASH RM 20.00\nCHANGE RM 10.00\n"
    )
    assert by_field(rules.extract(RECEIPT, [text]))["total_amount"][0] == "10.00"


def test_noisy_ocr_receipt_gets_honest_confidence() -> None:
    got = by_field(rules.extract(RECEIPT, [RECEIPT_NOISY]))
    assert got["total_amount"][0] == "6.50"
    assert got["total_amount"][1] < 0.9
    # 12/01/2019 reads both ways and nothing on the slip settles which.
    assert got["issue_date"][1] < 0.8
    assert "currency" not in got


def test_subtotal_and_item_count_are_not_the_total() -> None:
    text = "SHOP ENTERPRISE\nNO 2, JALAN DUA, 20000 KL\nSUB TOTAL 8.00\nTOTAL QTY 3\nGRAND TOTAL 8.48\n"
    assert by_field(rules.extract(RECEIPT, [text]))["total_amount"][0] == "8.48"
