"""What company names look like: legal-form suffixes and line shapes."""

from __future__ import annotations

import re

_LONG_FORMS = (
    r"gmbh(?:\s*&\s*co\.?\s*kg)?|e\.\s?k\.|gbr|e\.\s?v\.|kgaa|inc\.?|incorporated|corp\.?|corporation|co\."
    r"|company|llc|l\.l\.c\.|llp|l\.p\.|ltd\.?|limited|plc|s\.a\.s?\.?|sarl|s\.à\s?r\.l\.|eurl|s\.l\.u?\."
    r"|s\.p\.a\.?|spa|s\.r\.l\.?|srl|b\.v\.?|n\.v\.?|a/s|aps|pty\.?(?:\s+ltd\.?)?|sdn\.?\s*bhd\.?|bhd\.?"
    r"|berhad|pte\.?(?:\s+ltd\.?)?|kft\.?|s\.r\.o\.|sp\.\s*z\s*o\.o\.|k\.k\."
)
# Two-letter forms are ordinary words in some languages ("se", "ab"): only their capitals count.
_SHORT_FORMS = r"AG|KG|OHG|UG|SE|SA|SAS|SL|SLU|NV|BV|AB|AS|ASA|Oy|LP|eG|VOF|SNC"
LEGAL_FORM = re.compile(r"(?<![\w&])(?:(?i:" + _LONG_FORMS + r")|(?:" + _SHORT_FORMS + r"))(?![\w&])")
"""A legal form that ends or sits in a company name (GmbH, Ltd, S.A., Sdn Bhd, ...)."""

TRADE_WORD = re.compile(
    r"\b(?:enterprise|enterprises|trading|restaurant|restoran|store|stores|mart|supermarket|minimarket"
    r"|hardware|pharmacy|bakery|cafe|café|kitchen|food|foods|station|shop|boutique|hotel|bookstore"
    r"|stationery|electrical|motor|motors|services|industries|holdings|group|marketing|agency|gallery"
    r"|centre|center|emporium|market|deli|bistro)\b",
    re.IGNORECASE,
)
"""Words that mark a line as a business name on a receipt."""

_NOT_NAME = re.compile(
    r"\b(?:tel|fax|phone|telefon|e-?mail|www|http|gst|vat|tax|reg|roc|iban|bic|swift|page|seite|date|datum"
    r"|invoice|receipt|rechnung|facture|factura|total|cashier|counter|ust|no\.?\s*:)\b|\[[A-Z]+_\d+\]|@",
    re.IGNORECASE,
)


NAME_LABEL = re.compile(r"^(?:name|firma|company|raison\s+sociale|nom|nombre|razón\s+social|naam)\s*:\s*", re.I)
"""A "Name:" label opening a line of a party's block: the name follows it."""


def looks_like_name(text: str) -> bool:
    """True when a line could be a name: mostly letters, few digits, no contact or document words."""
    # Cheapest test first: every line of a document is asked, and most fail on their length or their digits.
    return (
        len(text) <= 70
        and sum(map(str.isdigit, text)) <= 2
        and sum(map(str.isalpha, text)) >= 3
        and not _NOT_NAME.search(text)
    )


def has_legal_form(text: str) -> bool:
    """True when the text carries a legal-form suffix."""
    return LEGAL_FORM.search(text) is not None


_TRAILING_ID = re.compile(r"\s*[(\[][^()\[\]]*\d[^()\[\]]*[)\]]\s*$|\s*[(\[]?\b(?:co\.?\s*)?(?:reg|roc)\b.*$", re.I)


def strip_registration(name: str) -> str:
    """Drop a trailing registration number such as "(123456-X)" from a printed name."""
    return _TRAILING_ID.sub("", name).strip(" ,;:-")
