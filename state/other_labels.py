"""Labels of values that are no field: what documents print beside a discount, a phone number or an expiry date.

A document prints many figures, dates and numbers that no field of its type holds. Unknown to the type, their
labels would leave such a value unlabelled, and an unlabelled value is accepted: a total quoted from
`Discount: 5.00`, an invoice number from `Customer No.: 2024`, a purchase date from `EXPIRY DATE: 30/06/2019`.
This shared vocabulary names them, by the kind of value each labels, in the languages the built-in types
cover. A value under one of them is refused for every field (`wrong_label`, naming the label), and so is a
field's label run together with one (`TOTAL SAVED`, `DATE DUE`, `TOTAL GST` on a receipt): the longer phrase
names the other value.

A type that has a field for one of these values declares the label as that field's own, and the declaration
wins (`Subtotal` is the invoice's net amount; `Discount` would be a `discount` field's label). More labels of
other roles are declared per field as `counter_labels`.
"""

from __future__ import annotations

from collections.abc import Mapping

OTHER_LABELS: Mapping[str, tuple[str, ...]] = {
    "amount": (
        # discounts, savings, deposits, tips
        "Discount", "Total Discount", "Rabatt", "Skonto", "Nachlass", "Remise", "Descuento", "Sconto", "Korting",
        "Saved", "You Saved", "Savings", "Total Saved", "Ersparnis", "Sie sparen", "Économie", "Ahorro",
        "Risparmio", "Deposit", "Anzahlung", "Acompte", "Anticipo", "Tip", "Gratuity", "Trinkgeld", "Pourboire",
        "Propina", "Mancia", "Fooi", "Service Charge",
        # shipping
        "Shipping", "Shipping & Handling", "Freight", "Postage", "Delivery Charge", "Versand", "Versandkosten",
        "Fracht", "Porto", "Frais de port", "Frais de livraison", "Envío", "Gastos de envío", "Spedizione",
        "Spese di spedizione", "Verzendkosten",
        # what was paid, tendered or given back
        # (not `Paid` alone: tills print the total as `TOTAL PAID`)
        "Amount Paid", "Payments", "Payment Received", "Cash", "Tendered", "Cash Tendered", "Change",
        "Change Due", "Bezahlt", "Gegeben", "Rückgeld", "Payé", "Espèces", "Rendu", "Pagado", "Efectivo", "Cambio",
        "Pagato", "Contanti", "Resto", "Betaald", "Wisselgeld", "Tunai", "Kembali", "Baki",
        # balances carried over
        "Balance Brought Forward", "Balance b/f", "Balance Forward", "Previous Balance", "Opening Balance",
        "Saldovortrag", "Vortrag", "Solde précédent", "Saldo anterior", "Saldo precedente",
        # part sums and taxes
        # (not `Rounding` alone: a Malaysian till prints the rounded total under it, after `ROUNDING ADJ`)
        "Subtotal", "Sub Total", "Sub-total", "Zwischensumme", "Sous-total", "Subtotaal", "Rounding Adj",
        "Rounding Adjustment", "VAT", "Tax", "Sales Tax",
        "GST", "SST", "HST", "PST", "MwSt.", "USt.", "TVA", "IVA", "BTW",
        # counts
        "Qty", "Quantity", "Menge", "Anzahl", "Quantité", "Qté", "Cantidad", "Quantità", "Aantal",
        "Item Count", "No. of Items", "Total Qty",
    ),
    "date": (
        "Expiry", "Expiry Date", "Exp", "Exp. Date", "Expires", "Expiration Date", "Valid until", "Valid thru",
        "Best before", "Use by", "Return by", "Returns by", "Return until", "Promo ends", "Offer ends", "Sale ends",
        # (not `Due` alone: invoices print their due date under it)
        "Due Date", "Date Due", "Delivery Date", "Delivered", "Ship Date", "Shipping Date", "Dispatch Date",
        "Order Date", "Service Date", "Period", "Billing Period", "Print Date", "Printed", "Start Date",
        "End Date", "Lieferdatum", "Leistungsdatum", "Bestelldatum", "Leistungszeitraum", "Zeitraum", "Gültig bis",
        "Mindestens haltbar bis", "MHD", "Ablaufdatum", "Date de livraison", "Date de commande", "Période",
        "Valable jusqu'au", "À consommer avant", "Date d'expiration", "Fecha de entrega", "Fecha de pedido",
        "Válido hasta", "Fecha de caducidad", "Consumir antes de", "Data di consegna", "Data ordine",
        "Valido fino al", "Leverdatum", "Besteldatum", "Geldig tot", "Houdbaar tot",
    ),
    "identifier": (
        "PO Number", "PO No.", "PO #", "Order No.", "Order Number", "Order #", "Order ID",
        "Account No.", "Account Number", "Acct No.", "Account #", "Customer No.", "Customer Number",
        "Customer ID", "Customer #", "Client No.", "Member No.", "Member ID", "VAT Reg No", "VAT Reg. No.",
        "VAT No.", "VAT ID", "VAT Number", "Tax ID", "GST Reg No", "GST No.", "GST ID", "SST No.", "Company No.",
        "Company Reg. No.", "Reg. No.", "Registration No.", "ABN", "UEN", "EIN", "Phone", "Tel", "Telephone",
        "Fax", "Mobile", "Hotline", "H/P", "IBAN", "BIC", "SWIFT", "Sort Code", "Routing No.", "Card No.",
        "Card Number", "Approval Code", "Auth Code", "Transaction ID", "Trans No", "Terminal ID", "Table No",
        "Delivery Note", "Delivery Note No.", "Page", "Kundennummer", "Kunden-Nr.",
        "Kd.-Nr.", "Bestellnummer", "Bestell-Nr.", "Auftragsnummer", "Auftrags-Nr.", "Lieferschein-Nr.",
        "Lieferscheinnummer", "USt-IdNr.", "USt-ID", "Steuernummer", "St.-Nr.", "Telefon", "Kontonummer",
        "Seite", "Vertragsnummer", "N° client", "Numéro client", "N° de commande", "N° TVA",
        "Numéro de TVA", "SIRET", "SIREN", "Téléphone", "Tél.", "N° de cliente", "Número de cliente",
        "N° de pedido", "Número de pedido", "NIF", "CIF", "Teléfono", "Página", "Codice cliente", "N. ordine",
        "Partita IVA", "P. IVA", "Codice fiscale", "Telefono", "Pagina", "Klantnummer", "Ordernummer",
        "Bestelnummer", "BTW-nummer", "KvK", "Telefoon",
    ),
}  # fmt: skip
"""Kind of value -> labels of values of that kind that are no field of a type, unless the type declares them."""
