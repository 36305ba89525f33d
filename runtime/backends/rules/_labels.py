"""Label vocabularies: how invoices and receipts name their fields, in several languages.

Patterns are compiled case-insensitively and match a label, not its value. They describe how
documents in general are written (English, German, French, Spanish, Italian, Dutch,
Portuguese), never one issuer's template.
"""

from __future__ import annotations

import re
from typing import Literal

AmountRole = Literal["gross", "total", "due", "net", "lines", "tax", "skip"]


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


INVOICE_NUMBER = _rx(
    r"\b(?:invoice|inv|bill|tax\s+invoice)\s*(?:number|no\b\.?|nr\b\.?|num\b\.?|#|n°|nº|id\b)"
    r"|\brechnungs?\s*-?\s*(?:nummer|nr\b\.?|no\b\.?)|\brechnung\s+(?:nr\b\.?|no\b\.?|#)|\bbelegnummer\b"
    r"|\b(?:facture|factura|fattura|factuur|fatura)\s*(?:n°|nº|no\b\.?|nr\b\.?|n\.|num\.?|#|number)"
    r"|\bfactuurnummer\b|\bnum[ée]ro\s+(?:de\s+)?(?:la\s+)?(?:facture|factura|fattura)\b"
    r"|\bn[°º]\s*(?:de\s+)?(?:facture|factura|fattura)\b|\bnumero\s+fattura\b"
    r"|\b(?:[a-zäöü]*rechnung|invoice|facture)\b[^\n:]{0,25}?\bnr\b\.?"
)
"""Labels of the invoice number."""

ISSUE_DATE = _rx(
    r"\b(?:invoice|bill|issue|tax\s+point)\s*date\b|\bdate\s+(?:of\s+)?(?:issue|invoice)\b|\bdated\b"
    r"|\brechnungsdatum\b|\b(?:beleg|ausstellungs)datum\b|\brechnungs-?\s*datum\b|\bliefer-\s*und\s+rechnungsdatum\b"
    r"|\bdate\s+(?:de\s+)?(?:la\s+)?facture\b|\bdate\s+d['’]émission\b|\bfecha\s+(?:de\s+)?(?:la\s+)?"
    r"(?:factura|emisi[oó]n|expedici[oó]n)\b|\bdata\s+(?:della\s+)?fattura\b|\bfactuurdatum\b"
    r"|\bdata\s+(?:de\s+)?emiss[aã]o\b"
)
"""Labels that name the issue date explicitly."""

GENERIC_DATE = _rx(r"^\s*(?:date|datum|fecha|data|le)\b\s*[:.]?")
"""A bare "Date:" at the start of a line: usually the issue date, not always."""

DUE_DATE = _rx(
    r"\bdue\s*date\b|\bpayment\s+due\b|\bdue\s+(?:on|by)\b|\bpay(?:able)?\s+by\b|\bdate\s+due\b"
    r"|\bf[äa]llig(?:keit|keitsdatum)?\b|\bzahlungsziel\b|\bzahlbar\s+bis\b|\bdate\s+d['’]\s*[ée]ch[ée]ance\b"
    r"|\b[ée]ch[ée]ance\b|\bfecha\s+de\s+vencimiento\b|\bvencimiento\b|\bdata\s+(?:di\s+)?scadenza\b"
    r"|\bscadenza\b|\bvervaldatum\b|\bte\s+betalen\s+voor\b"
)
"""Labels of the payment due date."""

CURRENCY = _rx(r"\b(?:currency|w[äa]hrung|devise|moneda|valuta|munt)\b")
"""Labels of the invoice currency."""

_SKIP = _rx(
    r"\btotal\s+(?:qty|quantity|items?|count|savings?|discount|weight|pieces|pcs|points)\b|\bitem\s+count\b"
    r"|\brounding\b|\brundung\b|\barrondi\b|\bchange\b|\bcash\b|\bbar\b|\btendered\b|\bskonto\b"
    r"|\bdiscount\b|\brabatt\b|\bremise\b|\banzahlung|\bacompte\b|\bdeposit\b|\bpaid\b|\bbezahlt\b"
)
_GROSS_INCL = _rx(r"\b(?:incl\.?|including|inkl\.?|inclusive|ttc|iva\s+incluido)\b.{0,12}\b(?:vat|tax|mwst|ust|gst)\b")
_NET = _rx(
    r"\bnet(?:to)?\b|\bnet\s+total\b|\bsub-?\s*total\b|\bzwischensumme\b|\bnettobetrag\b|\bhors\s+taxes?\b|\bht\b"
    r"|\bexcl\.?\b|\bexcluding\b|\bbefore\s+tax\b|\bohne\s+(?:ust|mwst)|\bbase\s+imponible\b|\bimponibile\b"
    r"|\bsous-total\b|\btotal\s+sin\s+iva\b|\bexkl\.?\b"
)
_LINES = _rx(
    r"\bpositionssumme\b|\bline\s+total\b|\bsumme\s+(?:der\s+)?(?:positionen|waren|artikel)\b|\bwarenwert\b"
    r"|\bwarensumme\b|\bitems?\s+total\b"
)
_TAX = _rx(
    r"\bvat\b|\btax\b|\bmwst\b|\bust\b|\w*steuer\b|\bsteuerbetrag\b|\btva\b|\biva\b|\bbtw\b|\bgst\b"
    r"|\bsales\s+tax\b|\bmehrwertsteuer\b|\bimposta\b"
)
_DUE = _rx(
    r"\bamount\s+due\b|\bbalance\s+due\b|\btotal\s+due\b|\bamount\s+payable\b|\bzahlbetrag\b|\bzu\s+zahlen\b"
    r"|\bà\s+payer\b|\ba\s+payer\b|\bopen\s+amount\b|\bto\s+pay\b|\bte\s+betalen\b|\bda\s+pagare\b"
    r"|\bnet\s+[àa]\s+payer\b|\boffener?\s+betrag\b"
)
_GROSS = _rx(
    r"\bgrand\s*total\b|\bgross\b|\bbrutto|\bttc\b|\bgesamtbetrag\b|\bgesamtsumme\b|\bendbetrag\b"
    r"|\brechnungsbetrag\b|\brechnungssumme\b|\binvoice\s+total\b|\btotal\s+(?:amount|invoice|général|general|factura|fattura)\b"
    r"|\bimporte\s+total\b|\btotale\s+(?:fattura|documento)\b|\btotaal\b|\bmontant\s+total\b"
)
_TOTAL = _rx(r"\btotal\b|\bsumme\b|\bsumma\b|\btotale\b|\bbetrag\b|\bamount\b|\bgesamt\b")


def amount_role(label: str) -> AmountRole | None:
    """What the amount after `label` is, judged from the label's words alone."""
    # Order matters: "Total incl. VAT" is gross before it is tax; "Nettobetrag zzgl. MwSt." is net.
    checks: tuple[tuple[AmountRole, re.Pattern[str]], ...] = (
        ("skip", _SKIP),
        ("gross", _GROSS_INCL),
        ("lines", _LINES),
        ("due", _DUE),
        ("net", _NET),
        ("tax", _TAX),
        ("gross", _GROSS),
        ("total", _TOTAL),
    )
    for role, pattern in checks:
        if pattern.search(label):
            return role
    return None


RECEIPT_TOTAL = _rx(
    r"\b(?:grand\s*total|total\s+(?:amount|amt|sales|rm|payable|due|incl|inclusive|after|to\s+pay|rounded|ttc|eur)"
    r"|net\s+total|nett\s+total|amount\s+due|total|t[o0]ta[l1]|jumlah|summe|gesamt|zu\s+zahlen|montant|importe|totale"
    r"|totaal)\b"
)
"""Labels a receipt may print before the amount paid ("T0TAL": OCR reads O as 0)."""
