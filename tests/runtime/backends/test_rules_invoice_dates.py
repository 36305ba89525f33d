"""Due and issue dates away from a plain "Label: value": terms sentences, terms tables, header rows, detached labels.

Every text here is written for these tests.
"""

import pytest

from claimflow.doctypes import INVOICE
from claimflow.runtime.backends import rules
from claimflow.state.claims import ExtractionClaim


def field(claim: ExtractionClaim, name: str) -> tuple[str, float] | None:
    return next(((f.value, f.confidence) for f in claim.fields if f.field == name), None)


def extract(text: str) -> ExtractionClaim:
    return rules.extract(INVOICE, [text])


HEAD = "Rechnung\nRechnungsnummer: R-5521\nRechnungsdatum: 02.09.2024\n"


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Die Rechnung ist zahlbar zum 16.09.2024 rein netto.", "2024-09-16"),
        ("Montant à régler avant le 16/09/2024 par virement.", "2024-09-16"),
        ("Bis zum 16.09.2024 ohne Abzug.", "2024-09-16"),
        ("Zahlbar innerhalb 14 Tagen netto bis 16.09.2024, 3 % Skonto innerhalb 7 Tagen bis 09.09.2024.", "2024-09-16"),
        ("Bis zum 09.09.2024 erhalten Sie 3 % Skonto, bis zum 16.09.2024 ohne Abzug.", "2024-09-16"),
        ("2% discount if paid by 09/09/2024, net due 16/09/2024.", "2024-09-16"),
    ],
)
def test_due_date_in_a_payment_terms_sentence(sentence: str, expected: str) -> None:
    got = field(extract(HEAD + "Summe 100,00 EUR\n" + sentence + "\n"), "due_date")
    assert got is not None and got[0] == expected
    # A cue in running text is not a "Due date:" label: a reviewer confirms it.
    assert got[1] < 0.8


@pytest.mark.parametrize(
    "sentence",
    ["Zahlbar bis zum 16.09.2024 ohne Abzug.", "Please note: payable by 16 September 2024.", "Due on Sept 16, 2024."],
)
def test_due_date_after_a_payment_label(sentence: str) -> None:
    assert field(extract(HEAD + "Summe 100,00 EUR\n" + sentence + "\n"), "due_date") == ("2024-09-16", 0.88)


@pytest.mark.parametrize(
    "sentence",
    [
        "Bei Zahlung bis zum 09.09.2024 gewähren wir 2 % Skonto.",
        "Zahlbar bis 09.09.2024 mit 2 % Skonto.",
        "Escompte de 2 % pour paiement avant le 09/09/2024.",
        "A 2% discount applies if paid by 09/09/2024.",
    ],
)
def test_a_discount_deadline_is_not_the_due_date(sentence: str) -> None:
    assert field(extract(HEAD + "Summe 100,00 EUR\n" + sentence + "\n"), "due_date") is None


def test_a_service_period_is_not_a_due_date() -> None:
    text = HEAD + "Leistungszeitraum vom 01.08.2024 bis zum 31.08.2024\nSumme 100,00 EUR\n"
    assert field(extract(text), "due_date") is None


TERMS_TABLE = """Rechnung
Rechnungsnummer: R-5521
Rechnungsdatum: 02.09.2024
Zahlungsbedingungen
Bedingung Fälligkeit Betrag
Bis zum 16.09.2024 ohne Abzug 16.09.2024
Zahlungsart
Überweisung: SEPA
"""


def test_due_column_of_a_terms_table() -> None:
    got = field(extract(TERMS_TABLE), "due_date")
    # The column and the sentence in its row name the same date.
    assert got == ("2024-09-16", 0.85)


def test_terms_table_with_rows_that_disagree_goes_to_review() -> None:
    text = TERMS_TABLE.replace(
        "Bis zum 16.09.2024 ohne Abzug 16.09.2024",
        "Bei Zahlung bis zum 09.09.2024 zahlen Sie mit 2 % Skonto 98,00 09.09.2024\n"
        "Bis zum 16.09.2024 ohne Abzug 16.09.2024",
    )
    got = field(extract(text), "due_date")
    assert got is not None and got[1] < 0.8


def test_due_date_in_a_header_row_of_labels() -> None:
    text = (
        "INVOICE 4471\n"
        "Your Reference Salesperson Due Date Payment Terms\n"
        "J. Miller Ann Baker March 3, 2026 Transfer\n"
        "Total 10.00\n"
    )
    assert field(extract(text), "due_date") == ("2026-03-03", 0.72)


def test_header_row_with_several_dates_maps_them_in_order() -> None:
    text = (
        "INVOICE\nInvoice No: 4471\nOrder Date Invoice Date Due Date\n01/28/2026 02/17/2026 03/03/2026\nTotal 10.00\n"
    )
    claim = extract(text)
    assert field(claim, "issue_date") == ("2026-02-17", 0.8)
    due = field(claim, "due_date")
    # The due column read on its own agrees, which confirms it.
    assert due is not None and due[0] == "2026-03-03" and due[1] >= 0.8


def test_delivery_date_is_not_the_issue_date() -> None:
    text = "INVOICE\nInvoice No: 4471\nDelivery Date\n01/28/2026\nDate: 02/17/2026\nTotal 10.00\n"
    assert field(extract(text), "issue_date") == ("2026-02-17", 0.78)


def test_due_date_line_is_not_the_issue_date() -> None:
    text = "FACTURE\nDate d'échéance : 17/03/2022\nDate de début : 01/01/2022\nTotal TTC 10,00 €\n"
    claim = extract(text)
    assert field(claim, "issue_date") is None
    assert field(claim, "due_date") == ("2022-03-17", 0.88)


def test_date_under_the_title() -> None:
    text = "Invoice 55012\nMay 4, 2025\nPage 1 / 1\nTotal 10.00\n"
    assert field(extract(text), "issue_date") == ("2025-05-04", 0.7)


def test_place_and_date_of_a_letter() -> None:
    same_line = field(extract("Rechnung Nr. 881\nHamburg, den 12.03.2025\nSumme 10,00\n"), "issue_date")
    assert same_line == ("2025-03-12", 0.78)
    below = field(extract("Rechnung Nr. 881\nHamburg, den\nSeite:\n12.03.2025\nSumme 10,00\n"), "issue_date")
    assert below is not None and below[0] == "2025-03-12" and below[1] < 0.8


DETACHED = """Date :
ATELIER MOREAU
12 rue Haute
FACTURE N° :
Quantité Prix
INV-77812
14/02/2025
Total TTC 120,00 €
"""


def test_labels_printed_apart_from_their_values() -> None:
    claim = extract(DETACHED)
    assert field(claim, "invoice_number") == ("INV-77812", 0.55)
    assert field(claim, "issue_date") == ("2025-02-14", 0.55)


def test_detached_values_need_a_detached_label() -> None:
    claim = extract(DETACHED.replace("Date :\n", "").replace("FACTURE N° :\n", "FACTURE\n"))
    assert field(claim, "invoice_number") is None
    assert field(claim, "issue_date") is None
