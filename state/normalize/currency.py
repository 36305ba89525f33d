"""Currency codes (ISO 4217) and the symbols and words that print them."""

from __future__ import annotations

import re

from claimflow.state.normalize.spans import Spans

ISO_4217 = frozenset(
    "AED ARS AUD BDT BGN BHD BRL CAD CHF CLP CNY COP CZK DKK EGP EUR GBP HKD HUF IDR ILS INR ISK JPY "
    "KES KRW KWD MAD MXN MYR NGN NOK NZD PEN PHP PKR PLN QAR RON RSD RUB SAR SEK SGD THB TRY TWD UAH "
    "USD VND ZAR".split()
)
"""Codes claimflow accepts; extend deliberately, a typo must not become a currency."""

# Symbols that name exactly one currency. "$" and "¥" do not (USD, CAD, AUD, SGD; JPY, CNY)
# and so are not mapped: a claim must quote the code or an unambiguous symbol.
_SYMBOLS: dict[str, str] = {
    "€": "EUR",
    "£": "GBP",
    "₹": "INR",
    "₩": "KRW",
    "₺": "TRY",
    "₽": "RUB",
    "zł": "PLN",
    "RM": "MYR",
    "US$": "USD",
    "S$": "SGD",
    "A$": "AUD",
    "C$": "CAD",
    "HK$": "HKD",
    "R$": "BRL",
    "Kč": "CZK",
    "Ft": "HUF",
    "Fr.": "CHF",
}
for _word, _code in (("euro", "EUR"), ("euros", "EUR"), ("ringgit", "MYR")):
    for _spelling in (_word, _word.capitalize(), _word.upper()):
        _SYMBOLS[_spelling] = _code

# Led by a look-ahead of a capital, so the look-behind and the codes are tried only where a code can start.
_CODE = re.compile(r"(?=[A-Z])(?<![A-Za-z])(" + "|".join(sorted(ISO_4217)) + r")(?![A-Za-z])")
# Led by a look-ahead of the symbols' first characters, as the codes by a capital.
_SYMBOL = re.compile(
    "(?=["
    + "".join(sorted({re.escape(symbol[0]) for symbol in _SYMBOLS}))
    + "])(?:"
    + "|".join(
        (re.escape(symbol) if not symbol[0].isalpha() else r"(?<![A-Za-z])" + re.escape(symbol) + r"(?![A-Za-z])")
        for symbol in sorted(_SYMBOLS, key=len, reverse=True)
    )
    + ")"
)


def currency_mentions(text: str) -> list[tuple[str, int, int]]:
    """Return (code, start, end) for every currency code or unambiguous symbol in `text`."""
    found = [(m.group(1), m.start(), m.end()) for m in _CODE.finditer(text)]
    codes = Spans.union((start, end) for _, start, end in found)
    for m in _SYMBOL.finditer(text):
        # A symbol inside a code is part of it; symbols never overlap each other (one search, left to right).
        if not codes.overlaps(m.start(), m.start() + 1):
            found.append((_SYMBOLS[m.group(0)], m.start(), m.end()))
    return sorted(found, key=lambda item: item[1])


def currency_readings(text: str) -> set[str]:
    """Return every currency code that `text` names."""
    return {code for code, _, _ in currency_mentions(text)}


_ABBREVIATIONS = frozenset({"Rs", "Rp", "Tk", "kr", "Kr", "Fr", "Sfr", "SFr"})
"""Currency abbreviations printed against the amount (`Rs500`) that name no one currency, so no reading."""


def is_currency_prefix(letters: str) -> bool:
    """True when `letters` printed straight before an amount name its currency (`EUR12.50`, `RM62.80`)."""
    return letters.upper() in ISO_4217 or letters in _SYMBOLS or letters in _ABBREVIATIONS


def is_currency_code(value: str) -> bool:
    """True when `value` is an accepted ISO 4217 code."""
    return value in ISO_4217
