"""The built-in receipt type: a till slip with shop, address, date, total and currency."""

from __future__ import annotations

from collections.abc import Sequence

from claimflow import Detection, DocumentType, ExtractionClaim, Field, RuleInput, RuleResult, rule


@rule("total_positive", fields=["total_amount"])
def total_positive(doc: RuleInput) -> RuleResult | None:
    """A receipt's total is positive."""
    total = doc.amount("total_amount")
    if total is None:
        return None
    passed = total > 0
    return doc.check(passed, f"total {total:.2f} is {'positive' if passed else 'not positive'}")


def extract_receipt(pages: Sequence[str], doc_type: DocumentType) -> ExtractionClaim:
    """Offline extraction for the `rules` backend (loaded when first used: declaring the type stays cheap)."""
    from claimflow.runtime.backends.rules import extract_receipt as extract

    return extract(pages, doc_type)


def detect_receipt(pages: Sequence[str]) -> Detection:
    """Offline classification cues for the `rules` backend (loaded when first used)."""
    from claimflow.runtime.backends.rules import detect_receipt as detect

    return detect(pages)


RECEIPT = DocumentType(
    name="receipt",
    description="A till receipt for a purchase already paid: shop, date, total paid.",
    titles=("Receipt", "Official Receipt", "Cash Sale", "Cash Bill", "Kassenbon", "Quittung", "Reçu", "Recibo"),
    version="2",
    # What a till prints around a sale, in the languages the titles cover.
    keywords=(
        "Cashier",
        "Counter",
        "Operator",
        "Served by",
        "Terminal",
        "Cash",
        "Tendered",
        "Change",
        "Rounding",
        "Round Adj",
        "Qty",
        "Item Count",
        "Pax",
        "Table No",
        "Bill No",
        "Receipt No",
        "Trans No",
        "Member",
        "Thank you",
        "Please come again",
        "Goods sold are not returnable",
        "No refund",
        "Visa",
        "Mastercard",
        "Approval Code",
        "Simplified Tax Invoice",
        "Cash Receipt",
        "Sales Slip",
        "Tunai",
        "Kembali",
        "Terima kasih",
        "Kassenbeleg",
        "Rückgeld",
        "Vielen Dank",
        "Ticket de caisse",
        "Espèces",
        "Rendu",
        "Merci",
        "Efectivo",
        "Cambio",
        "Gracias",
        "Scontrino",
        "Ricevuta",
        "Contanti",
        "Grazie",
        "Kassabon",
    ),  # fmt: skip
    fields=[
        Field("vendor_name", "text", required=True, description="Name of the shop or company"),
        Field("vendor_address", "text", description="Address of the shop", labels=("Address", "Alamat", "Adresse")),
        Field(
            "issue_date",
            "date",
            required=True,
            description="Date of the purchase",
            labels=("Date", "Tarikh", "Datum", "Fecha"),
        ),
        Field(
            "total_amount",
            "amount",
            required=True,
            description="Total paid",
            labels=(
                "Total",
                "Grand Total",
                "Total Amount",
                "Total Sales",
                "Total Incl. GST",
                "Total Inclusive GST",
                "Nett Total",
                "Net Total",
                "Jumlah",
                "Amount Due",
                "Total Due",
                "Total Payable",
                "Summe",
                "Gesamt",
                "Zu zahlen",
                "Montant",
                "Importe",
                "Totale",
                "Totaal",
            ),
            counter_labels=(
                "Change",
                "Rounding Adj",
                "Rounding Adjustment",
                "Round Adj",
                "Subtotal",
                "Sub Total",
                "Discount",
                "Total Qty",
                "Total Quantity",
                "Total Items",
                "Item Count",
                "Total Savings",
            ),
        ),
        Field("currency", "currency", description="ISO 4217 code, only when printed", labels=("Currency",)),
    ],
    rules=[total_positive],
    guidance="Give the currency only when the receipt prints it (a code or an unambiguous symbol such as RM or €).",
    extractor=extract_receipt,
    detector=detect_receipt,
)
