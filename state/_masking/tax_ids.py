"""Tax ids whose digit groups print like a phone number's: behind a tax label, or behind a VAT country code."""

from __future__ import annotations

import re

from claimflow.state._masking.text import SPACE

# A number shortly after a tax label is a tax number ("TVA : FR 05 987 654 321"), however it is grouped.
_TAX_LABEL = re.compile(r"(?i)\b(?:vat|tva|ust|iva|btw|mwst|gst|tax)\b[^\n]{0,16}\Z")
_TAX_WINDOW = 24
# How many digits a VAT id has behind its country code, for the countries whose ids may be all digits (the
# EU's VIES formats; "EL" is Greece, "XI" Northern Ireland). Ids with letters in them (AT "U...", NL "...B01",
# IE, CY, ES) end or start in a letter, where no phone number is found anyway.
_VAT_DIGITS: dict[str, frozenset[int]] = {
    "BE": frozenset({10}),
    "BG": frozenset({9, 10}),
    "CZ": frozenset({8, 9, 10}),
    "DE": frozenset({9}),
    "DK": frozenset({8}),
    "EE": frozenset({9}),
    "EL": frozenset({9}),
    "FI": frozenset({8}),
    "FR": frozenset({11}),
    "GB": frozenset({9, 12}),
    "HR": frozenset({11}),
    "HU": frozenset({8}),
    "IT": frozenset({11}),
    "LT": frozenset({9, 12}),
    "LU": frozenset({8}),
    "LV": frozenset({11}),
    "MT": frozenset({8}),
    "PL": frozenset({10}),
    "PT": frozenset({9}),
    "RO": frozenset(range(2, 11)),
    "SE": frozenset({12}),
    "SI": frozenset({8}),
    "SK": frozenset({10}),
    "XI": frozenset({9, 12}),
}
# The country code in capitals, a word of its own, one space before the digits: "FR 05 987 654 321". Lower
# case would take words ("call it 02 ...") for country codes.
_VAT_PREFIX = re.compile(rf"(?<![A-Za-z])([A-Z]{{2}}){SPACE}\Z")


def after_tax_label(text: str, start: int) -> bool:
    """Whether a tax label stands shortly before `start`, on the same line."""
    return _TAX_LABEL.search(text, max(0, start - _TAX_WINDOW), start) is not None


def behind_vat_prefix(text: str, start: int, digits: int) -> bool:
    """Whether a number of `digits` digits at `start` is a VAT id: its country code before it, its length."""
    prefix = _VAT_PREFIX.search(text, max(0, start - 3), start)
    return prefix is not None and digits in _VAT_DIGITS.get(prefix[1], frozenset())
