"""The built-in invoice type: seller, buyer, number, dates, amounts, payment details and the item table."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from claimflow import Column, Detection, DocumentType, ExtractionClaim, Field, RuleInput, RuleResult, rule

_SELLER_ROLE = ("Seller", "Vendor", "Supplier", "Sold by", "Verkäufer", "Lieferant", "Rechnungssteller",
                "Fournisseur", "Vendeur", "Proveedor", "Vendedor", "Fornitore", "Leverancier")  # fmt: skip
_BUYER_ROLE = (
    "Bill to", "Billed to", "Invoice to", "Ship to", "Sold to", "Deliver to", "Delivery address", "Customer",
    "Buyer", "Client", "Recipient", "Käufer", "Kunde", "Rechnungsempfänger", "Leistungsempfänger",
    "Lieferadresse", "Rechnungsadresse", "Acheteur", "Destinataire", "Facturé à", "Adresse de facturation",
    "Cliente", "Comprador", "Klant", "Afnemer",
)  # fmt: skip


_BILLED_TO = (
    "Bill to", "Billed to", "Invoice to", "Sold to", "Customer", "Buyer", "Client", "Käufer", "Kunde",
    "Rechnungsempfänger", "Leistungsempfänger", "Rechnungsadresse", "Acheteur", "Destinataire", "Facturé à",
    "Adresse de facturation", "Cliente", "Comprador", "Klant", "Afnemer",
)  # fmt: skip
"""Who the invoice is billed to (not where goods are shipped: a delivery address may be someone else's)."""


_PAID_BEFORE = (
    # paid, in part or in whole, before this invoice; something taken off what is due (`Less: payment of 3 May`)
    "Less", "Paid", "Pre-paid", "Amount Paid", "Paid to Date", "Already Paid", "Prepaid", "Prepayment", "Pre-payment",
    "Prepayments", "Advance Payment", "Advance Payments", "Less Advance", "Down Payment", "Down-payment", "Deposit",
    "Deposits", "Less Deposit", "Retainer", "Payments", "Less Payment", "Partial Payment", "Payment Received",
    "Payments Received", "Amount Received", "Credit Applied", "Credits Applied", "Less Credit", "Credits",
    "Bezahlt", "Gezahlt", "Bereits bezahlt", "Bereits gezahlt", "Anzahlung", "Anzahlungen", "Anzahlungsbetrag",
    "Erhaltene Anzahlung", "Erhaltene Anzahlungen", "Vorauszahlung", "Vorauszahlungen", "Abschlagszahlung",
    "Abschlagszahlungen", "Akontozahlung", "Teilzahlung", "Teilzahlungen", "Geleistete Zahlungen",
    "Geleisteter Zahlungen", "Payé", "Montant payé", "Montant versé", "Déjà payé", "Deja paye", "Déjà réglé",
    "Acompte", "Acomptes", "Acompte versé", "Pagado", "Importe pagado", "Ya pagado", "Pago a cuenta", "Anticipo",
    "Pagato", "Importo pagato", "Già pagato", "Acconto", "Betaald", "Reeds betaald", "Reeds voldaan",
    "Aanbetaling", "Vooruitbetaling",
    # a balance: carried over, owed on top of the total, or what is left
    "Balance", "Previous Balance", "Balance Forward", "Balance Brought Forward", "Balance b/f", "Saldovortrag",
    "Solde précédent",
    # a total rounded to be paid
    "Rounding", "Rounding Amount", "Round Off", "Rounded", "Rundung", "Rundungsbetrag", "Rundungsdifferenz",
    "Gerundet", "Arrondi", "Redondeo", "Arrotondamento", "Afronding",
)  # fmt: skip
"""What an invoice prints when what it asks to be paid is not its total (EN 16931's BT-113 paid amount and BT-114
rounding amount, or a balance carried over): a payment made before it, a balance brought forward, a rounding."""


_KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "commercial_invoice": ("380", ("Invoice", "Tax Invoice", "Commercial Invoice", "Rechnung", "Handelsrechnung",
                                   "Facture", "Factura", "Fattura", "Factuur")),
    "credit_note": ("381", ("Credit Note", "Credit Memo", "Gutschrift", "Avoir", "Facture d'avoir", "Nota de crédito",
                            "Nota di credito", "Creditnota", "Creditfactuur")),
    "corrected_invoice": ("384", ("Corrected Invoice", "Korrekturrechnung", "Rechnungskorrektur",
                                  "Facture rectificative", "Factura rectificativa", "Fattura correttiva")),
    "partial_invoice": ("326", ("Partial Invoice", "Teilrechnung", "Facture partielle")),
    "prepayment_invoice": ("386", ("Prepayment Invoice", "Advance Payment Invoice", "Vorauszahlungsrechnung",
                                   "Anzahlungsrechnung", "Facture d'acompte", "Factura de anticipo")),
    "proforma_invoice": ("325", ("Pro Forma Invoice", "Proforma Invoice", "Pro-forma Invoice", "Proformarechnung",
                                 "Proforma-Rechnung", "Facture pro forma", "Facture proforma", "Factura proforma")),
    "self_billed_invoice": ("389", ("Self-billed Invoice", "Self-billing Invoice", "Autofacture", "Autofactura")),
    "partial_construction_invoice": ("875", ("Abschlagsrechnung", "Teilrechnung Bau", "Progress Invoice",
                                             "Interim Invoice")),
    "partial_final_construction_invoice": ("876", ("Teilschlussrechnung", "Partial Final Invoice")),
    "final_construction_invoice": ("877", ("Schlussrechnung", "Final Invoice")),
}  # fmt: skip
"""Each kind of invoice: its UNTDID 1001 code (EN 16931's BT-3) and the titles documents print for it."""
INVOICE_KINDS = {kind: names for kind, (_, names) in _KINDS.items()}
"""Each kind of invoice (`invoice_type`'s values) with the titles documents print for it."""
INVOICE_KIND_CODES = {kind: code for kind, (code, _) in _KINDS.items()}
"""Each kind of invoice with its code (`invoice_type_code`'s values)."""


def _money(total: Decimal) -> str:
    return f"{total:.2f}"


@rule("net_plus_tax_equals_total", fields=["net_amount", "tax_amount", "total_amount"])
def net_plus_tax_equals_total(doc: RuleInput) -> RuleResult | None:
    """Net amount plus tax is the total, within the policy's tolerance."""
    net, tax, total = doc.amount("net_amount"), doc.amount("tax_amount"), doc.amount("total_amount")
    if net is None or tax is None or total is None:
        return None
    difference = net + tax - total
    passed = abs(difference) <= doc.tolerance
    return doc.check(
        passed,
        f"{_money(net)} + {_money(tax)} = {_money(net + tax)}, total is {_money(total)}"
        + ("" if passed else f" (off by {_money(difference)})"),
    )


@rule("line_items_sum_to_net", fields=["line_items", "net_amount"])
def line_items_sum_to_net(doc: RuleInput) -> RuleResult | None:
    """The item lines add up to the net amount (a cent of rounding per line allowed)."""
    rows, net = doc.rows("line_items"), doc.amount("net_amount")
    if not rows or net is None:
        return None
    lines = sum((row.amount("amount") or Decimal(0) for row in rows), Decimal(0))
    passed = abs(lines - net) <= doc.tolerance * max(1, len(rows))
    return RuleResult(
        rule=doc.rule,
        passed=passed,
        message=f"{len(rows)} line(s) sum to {_money(lines)}, net amount is {_money(net)}",
        fields=["net_amount"],
    )


@rule("due_date_not_before_issue_date", fields=["issue_date", "due_date"])
def due_date_not_before_issue_date(doc: RuleInput) -> RuleResult | None:
    """Payment is not due before the invoice was issued."""
    issued, due = doc.date("issue_date"), doc.date("due_date")
    if issued is None or due is None:
        return None
    passed = due >= issued
    return doc.check(passed, f"due {due.isoformat()} {'is not' if passed else 'is'} before issue {issued.isoformat()}")


@rule("amount_due_not_above_total", fields=["amount_due", "total_amount"])
def amount_due_not_above_total(doc: RuleInput) -> RuleResult | None:
    """What is still to be paid is no more than the total (within the policy's tolerance)."""
    due, total = doc.amount("amount_due"), doc.amount("total_amount")
    if due is None or total is None:
        return None
    passed = due <= total + doc.tolerance
    return doc.check(passed, f"due {_money(due)} {'is not' if passed else 'is'} above the total {_money(total)}")


@rule("invoice_type_code_matches_type", fields=["invoice_type", "invoice_type_code"])
def invoice_type_code_matches_type(doc: RuleInput) -> RuleResult | None:
    """The type code is the code of the invoice's kind (a credit note is 381, a commercial invoice 380)."""
    kind, code = doc.text("invoice_type"), doc.text("invoice_type_code")
    if kind is None or code is None or kind not in INVOICE_KIND_CODES:
        return None
    expected = INVOICE_KIND_CODES[kind]
    return doc.check(code == expected, f"{kind} is code {expected}, the code is {code}")


@rule("invoice_number_not_seen_for_vendor", fields=["vendor_name", "invoice_number"], reason="duplicate")
def invoice_number_not_seen_for_vendor(doc: RuleInput) -> RuleResult | None:
    """The same seller's invoice number is in no run ahead of this one (a duplicate would be paid twice).

    Ahead: completed, or under way or waiting for review with the number since before this run.
    """
    if not (doc.has("vendor_name") and doc.has("invoice_number")):
        return None
    if not doc.earlier_runs:
        return doc.passed("invoice number not seen before for this vendor")
    runs = ", ".join(doc.earlier_runs)
    return doc.failed(
        f"invoice number already seen for this vendor in run(s) {runs} (completed, or under way or in review since"
        " before this one)"
    )


def extract_invoice(pages: Sequence[str], doc_type: DocumentType) -> ExtractionClaim:
    """Offline extraction for the `rules` backend (loaded when first used: declaring the type stays cheap)."""
    from claimflow.runtime.backends.rules import extract_invoice as extract

    return extract(pages, doc_type)


def detect_invoice(pages: Sequence[str]) -> Detection:
    """Offline classification cues for the `rules` backend (loaded when first used)."""
    from claimflow.runtime.backends.rules import detect_invoice as detect

    return detect(pages)


INVOICE = DocumentType(
    name="invoice",
    description="A bill from a seller asking a buyer to pay for goods or services: number, dates, amounts.",
    titles=("Invoice", "Tax Invoice", "Rechnung", "Facture", "Factura", "Fattura", "Factuur", "Credit Note"),
    version="4",
    # What a bill prints to be paid: terms, a billing address, bank details, tax ids.
    keywords=(
        "Bill to",
        "Invoice to",
        "Payment terms",
        "Payment due",
        "Pay by",
        "Remit to",
        "IBAN",
        "BIC",
        "SWIFT",
        "Bank details",
        "VAT",
        "VAT ID",
        "VAT Reg No",
        "Unit price",
        "Purchase order",
        "Pro forma",
        "Gutschrift",
        "Faktura",
        "Fatura",
        "Rechnungsempfänger",
        "Zahlungsziel",
        "Zahlungsbedingungen",
        "Bankverbindung",
        "MwSt",
        "USt-IdNr",
        "Umsatzsteuer",
        "Fällig",
        "Conditions de paiement",
        "Échéance",
        "TVA",
        "Vencimiento",
        "IVA",
        "Scadenza",
        "Partita IVA",
        "BTW",
        "Vervaldatum",
    ),  # fmt: skip
    fields=[
        Field(
            "vendor_name",
            "text",
            required=True,
            description="Legal name of the seller",
            labels=_SELLER_ROLE,
            counter_labels=_BUYER_ROLE,
        ),
        Field(
            "invoice_number",
            "identifier",
            required=True,
            description="The invoice's number",
            labels=(
                "Invoice No.",
                "Invoice Number",
                "Invoice #",
                "Inv. No.",
                "Invoice ID",
                "Bill No.",
                "Rechnungsnummer",
                "Rechnungs-Nr.",
                "Rechnung Nr.",
                "Rechnungsnr.",
                "Belegnummer",
                "Facture N°",
                "Facture No.",
                "Numéro de facture",
                "N° de facture",
                "Factura N°",
                "Número de factura",
                "Fattura N.",
                "Numero fattura",
                "Factuurnummer",
                "Factuur nr.",
            ),
        ),
        Field(
            "issue_date",
            "date",
            required=True,
            description="Date the invoice was issued",
            labels=(
                "Invoice Date",
                "Date of Issue",
                "Issue Date",
                "Date of Invoice",
                "Tax Point",
                "Dated",
                "Date",
                "Datum",
                "Rechnungsdatum",
                "Belegdatum",
                "Ausstellungsdatum",
                "Liefer- und Rechnungsdatum",
                "Date de facture",
                "Date de la facture",
                "Date d'émission",
                "Fecha de factura",
                "Fecha de emisión",
                "Fecha",
                "Data fattura",
                "Factuurdatum",
            ),
            counter_labels=(
                "Delivery Date",
                "Service Date",
                "Order Date",
                "Lieferdatum",
                "Leistungsdatum",
                "Bestelldatum",
                "Date de livraison",
                "Fecha de entrega",
            ),
        ),
        Field(
            "due_date",
            "date",
            description="Date payment is due",
            labels=(
                "Due Date",
                "Payment Due",
                "Due on",
                "Due by",
                "Payable by",
                "Date Due",
                "Fällig am",
                "Fälligkeit",
                "Fälligkeitsdatum",
                "Zahlungsziel",
                "Zahlbar bis",
                "Date d'échéance",
                "Échéance",
                "Fecha de vencimiento",
                "Vencimiento",
                "Data di scadenza",
                "Scadenza",
                "Vervaldatum",
                "Te betalen voor",
            ),
        ),
        Field(
            "currency",
            "currency",
            description="ISO 4217 code of the invoice currency",
            labels=("Currency", "Währung", "Devise", "Moneda", "Valuta", "Munt"),
        ),
        Field(
            "net_amount",
            "amount",
            description="Total before tax",
            labels=(
                "Net",
                "Net Amount",
                "Net Total",
                "Total Net",
                "Subtotal",
                "Sub-total",
                "Sub Total",
                "Total before tax",
                "Total excl. VAT",
                "Amount excl. VAT",
                "Nettobetrag",
                "Netto",
                "Summe netto",
                "Gesamt netto",
                "Zwischensumme",
                "Rechnungssumme ohne USt.",
                "Summe ohne USt.",
                "Total HT",
                "Montant HT",
                "Hors taxes",
                "Sous-total",
                "Base imponible",
                "Imponibile",
                "Totale imponibile",
                "Subtotaal",
                "Summe Waren",
                "Warenwert",
                "Warensumme",
                "Positionssumme",
                "Line Total",
                "Items Total",
            ),
        ),
        Field(
            "tax_amount",
            "amount",
            description="Total tax",
            labels=(
                "VAT",
                "Tax",
                "Sales Tax",
                "VAT Amount",
                "Tax Amount",
                "Total VAT",
                "Total Tax",
                "MwSt.",
                "USt.",
                "Umsatzsteuer",
                "Mehrwertsteuer",
                "Steuerbetrag",
                "Steuer",
                "TVA",
                "Montant TVA",
                "Total TVA",
                "IVA",
                "Cuota IVA",
                "Imposta",
                "BTW",
                "GST",
            ),
        ),
        Field(
            "total_amount",
            "amount",
            required=True,
            description="Grand total including tax",
            labels=(
                "Total",
                "Grand Total",
                "Total Amount",
                "Invoice Total",
                "Total incl. VAT",
                "Total including VAT",
                "Amount incl. VAT",
                "Gesamtbetrag",
                "Gesamtsumme",
                "Endbetrag",
                "Rechnungsbetrag",
                "Rechnungssumme",
                "Bruttobetrag",
                "Brutto",
                "Summe",
                "Total TTC",
                "Montant TTC",
                "TTC",
                "Importe total",
                "Total factura",
                "Totale fattura",
                "Totale documento",
                "Totaal",
                "Totaalbedrag",
                "Montant total",
            ),
            # Where nothing was paid before, the total is printed only as what is due.
            shares_labels_of=("amount_due",),
        ),
        Field(
            "amount_due",
            "amount",
            description="What is still to be paid: the total less anything paid before (a deposit, a prepayment)",
            labels=(
                "Amount Due",
                "Total Due",
                "Total Amount Due",
                "Balance Due",
                "Amount Payable",
                "Total Payable",
                "Amount to Pay",
                "Please Pay",
                "Zahlbetrag",
                "Zu zahlen",
                "Zu zahlender Betrag",
                "Fälliger Betrag",
                "Offener Betrag",
                "Restbetrag",
                "Noch zu zahlen",
                "Net à payer",
                "Net a payer",
                "Montant à payer",
                "Reste à payer",
                "Montant dû",
                "Solde dû",
                "Importe a pagar",
                "Total a pagar",
                "Da pagare",
                "Totale da pagare",
                "Netto a pagare",
                "Te betalen",
                "Openstaand bedrag",
            ),  # fmt: skip
            # Where nothing was paid before, what is due is the total, printed only as the total.
            shares_labels_of=("total_amount",),
            unless_printed=_PAID_BEFORE,
        ),
        Field(
            "buyer_name",
            "text",
            description="Legal name of the buyer the invoice is billed to",
            labels=_BILLED_TO,
            counter_labels=_SELLER_ROLE,
        ),
        Field(
            "vendor_tax_id",
            "identifier",
            description="The seller's VAT or tax registration number, as printed",
            labels=(
                "VAT ID",
                "VAT No.",
                "VAT Number",
                "VAT Reg No",
                "VAT Reg. No.",
                "VAT Registration No.",
                "VAT Registration Number",
                "Tax ID",
                "Tax No.",
                "Tax Number",
                "GST Reg No",
                "GST No.",
                "ABN",
                "USt-IdNr.",
                "USt-ID",
                "USt.-ID",
                "Umsatzsteuer-ID",
                "Umsatzsteuer-Identifikationsnummer",
                "USt.-Id.-Nr.",
                "UID",
                "UID-Nr.",
                "Steuernummer",
                "St.-Nr.",
                "N° TVA",
                "Numéro de TVA",
                "N° TVA intracommunautaire",
                "TVA intracommunautaire",
                "NIF",
                "CIF",
                "Partita IVA",
                "P. IVA",
                "BTW-nummer",
                "BTW nr.",
            ),  # fmt: skip
        ),
        Field(
            "order_number",
            "identifier",
            description="The buyer's purchase order number the invoice refers to",
            labels=(
                "PO Number",
                "PO No.",
                "PO #",
                "P.O. Number",
                "Purchase Order",
                "Purchase Order No.",
                "Purchase Order Number",
                "Order No.",
                "Order Number",
                "Order #",
                "Order ID",
                "Order Reference",
                "Your Order",
                "Your Order No.",
                "Your PO",
                "Customer Order No.",
                "Bestellnummer",
                "Bestell-Nr.",
                "Bestellung Nr.",
                "Bestellung Nr. Kunde",
                "Ihre Bestellung",
                "Ihre Bestellnummer",
                "Ihre Auftragsnummer",
                "Auftragsnummer",
                "Auftrags-Nr.",
                "N° de commande",
                "Numéro de commande",
                "Bon de commande",
                "Référence commande",
                "N° de pedido",
                "Número de pedido",
                "N. ordine",
                "Numero ordine",
                "Ordernummer",
                "Bestelnummer",
                "Inkoopordernummer",
            ),  # fmt: skip
        ),
        Field(
            "iban",
            "identifier",
            description="The IBAN the seller asks to be paid into",
            labels=("IBAN", "IBAN No.", "IBAN-Nr."),
        ),
        Field(
            "invoice_type",
            "enum",
            description="What kind of invoice the document is, by its title (quote it): a credit note is not paid",
            values=INVOICE_KINDS,
        ),
        Field(
            "invoice_type_code",
            "enum",
            description=(
                "The UNTDID 1001 code of the invoice's kind (EN 16931 BT-3): 380 commercial invoice, 381 credit note,"
                " 384 corrected, 326 partial, 386 prepayment, 325 proforma, 389 self-billed, 875 partial construction,"
                " 876 partial final construction, 877 final construction invoice; quote the title that names it"
            ),
            values={code: INVOICE_KINDS[kind] for kind, code in INVOICE_KIND_CODES.items()},
        ),
        Field(
            "line_items",
            "table",
            description="The item table: one row per line",
            columns=[
                Column("description", "text", description="What was sold, as printed"),
                Column("quantity", "number", description="Quantity, if printed, without its unit"),
                Column("unit_price", "amount", description="Price of one unit, if printed"),
                Column("amount", "amount", required=True, description="The line's total"),
            ],
        ),
    ],
    rules=[
        net_plus_tax_equals_total,
        line_items_sum_to_net,
        due_date_not_before_issue_date,
        amount_due_not_above_total,
        invoice_type_code_matches_type,
        invoice_number_not_seen_for_vendor,
    ],
    guidance=(
        "The vendor is the seller who issues the invoice, never the customer it is billed to. "
        "When the invoice has an item table, also return its lines as rows of the line_items table, with "
        "description, quantity, unit price and amount."
    ),
    duplicate_key=("vendor_name", "invoice_number"),
    risk_field="total_amount",
    extractor=extract_invoice,
    detector=detect_invoice,
)
