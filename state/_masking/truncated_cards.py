"""Card numbers printed partly hidden, as payment terminals print them: `4111 11** **** 1111`, `XXXX XXXX XXXX 1234`.

The digits still printed are a card's: its first six (the issuer's) and its last four. The shape must be a whole
card number's: 13 to 19 places, compact or in a card's groups (four of four, the last 1 to 7 long, or Amex's
4-6-5, one separator throughout), with hidden places (`*`, `X`, `x`, `•`, `●`) in one run between the digits
left, at least four of them and at least one digit. Digits before the hidden run open with a card scheme's first
digit (2 to 6). A group of digits right before it (an IBAN's check digits: `DE89 ****`), or another group
after it but an expiry date (`12/25`, `12/2025`), makes it part of some other code; a word before it does not
(`AMEX 3782 XXXXXX X0005`).

Terminals also print the last four alone: behind one group of four hidden places (`**** 1234`, `XXXX1234`) or
behind words naming a card (`Card ending 1234`, `Visa ending in 4242`). The last four identify no one, but the
long forms mask them too, so a receipt masked shows no card digits in any form: these are masked as well. A
star rating or a reference set in some other shape (`*** 1234`, `XXXX-1234`, `Order ending 1234`) stays.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from claimflow.state._masking.text import DASH, SPACE

_HIDDEN = "*Xx\u2022\u25cf"
# A word ending in "x" before the number ("AMEX") is no group of hidden places; stars or digits are.
_STARS = "*\u2022\u25cf"
_PLACE = rf"[\d{_HIDDEN}]"
_OTHER_BEFORE = rf"(?<![\w{_HIDDEN}])(?<![\d{_STARS}]{SPACE})(?<![\w{_HIDDEN}]{DASH})"
# An expiry date after it ("**** **** **** 1234 12/25", as receipts print it) is no group of the number.
_EXPIRY = r"(?:0[1-9]|1[0-2])/(?:20)?\d\d(?!\d|/)"
_OTHER_AFTER = rf"(?![\w{_HIDDEN}])(?!(?:{SPACE}|{DASH})(?!{_EXPIRY})[\d{_HIDDEN}])"
_SHAPE = re.compile(
    rf"(?=[\d{_HIDDEN}]){_OTHER_BEFORE}"
    rf"(?:{_PLACE}{{4}}(?P<sep>{SPACE}|{DASH})(?:{_PLACE}{{4}}(?P=sep){_PLACE}{{4}}(?P=sep){_PLACE}{{1,7}}"
    rf"|{_PLACE}{{6}}(?P=sep){_PLACE}{{5}})|{_PLACE}{{13,19}}){_OTHER_AFTER}"
)
# Digits first (at most six, a scheme's first digit leading), then the hidden run, then at most four digits.
_PLACES = re.compile(rf"(?P<first>[2-6]\d{{0,5}})?[{_HIDDEN}]{{4,}}(?P<last>\d{{0,4}})")
_SEPARATORS = re.compile(rf"{SPACE}|{DASH}")
# Not the start of an amount ("1234.50") either.
_LAST_FOUR_ENDS = rf"{_OTHER_AFTER}(?![.,]\d)"
# The short forms: the hidden run in one group of four (`**** 1234`, `XXXX1234`, `•••• 4242`), or a card named
# by the words before its last four (`Card ending 1234`, `Visa ending in 4242`, `card no. ending with 1234`).
_LAST_FOUR_HIDDEN = re.compile(
    rf"(?=[{_HIDDEN}]){_OTHER_BEFORE}(?<![{_HIDDEN}]{{4}}{SPACE})(?<![{_HIDDEN}]{{4}}{DASH})(?:[{_STARS}]{{4}}|XXXX|xxxx){SPACE}?\d{{4}}{_LAST_FOUR_ENDS}"
)
_LAST_FOUR_NAMED = re.compile(
    r"(?i)(?=[cvmade])\b(?:card|visa|mastercard|amex|american express|maestro|debit|credit)\b[^\w\n]{0,3}"
    rf"(?:(?:no|nr|number|#)\b\.?{SPACE}?)?(?:ending|ends){SPACE}(?:(?:in|with){SPACE})?(?:[{_STARS}]|\.){{0,4}}"
    rf"(?P<last>\d{{4}}){_LAST_FOUR_ENDS}"
)


def find(text: str) -> Iterator[tuple[int, int]]:
    """Where partly hidden card numbers are in `text`."""
    for match in _SHAPE.finditer(text):
        places = _PLACES.fullmatch(_SEPARATORS.sub("", match[0]))
        if places is not None and (places["first"] or places["last"]):
            yield match.span()
    yield from (match.span() for match in _LAST_FOUR_HIDDEN.finditer(text))
    yield from (match.span("last") for match in _LAST_FOUR_NAMED.finditer(text))
