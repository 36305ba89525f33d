"""Find money amounts in text, whatever the grouping and decimal convention.

`1.234,56`, `1,234.56`, `1'234.56`, `1234,56` and `1234.56` all read as Decimal("1234.56").
The last separator followed by one, two or four digits is the decimal mark (`2,5000` per unit); one followed by
exactly three digits groups thousands. Space-grouped numbers (`1 234,56`) are read both as one
amount and as their parts, because on a page "3 191.00" is as often a quantity and a price; grouped by a no-break
space (`1\u00a0234,56`, as French text prints it), only as one. Accounting's negatives, `(100.00)`, `100,00-`
and `100.00 CR`, read negative. A bank statement marks the other way round (`CreditMarks`): there `100.00 CR` is
money in and `100.00 DR` money out.
A minus one space before the amount or its currency (`- £612.40`, `- 612.40`) is its sign where nothing on its
side of the line could be a label it separates the amount from: at the start of a line, after a column gap or
after a label's colon. After a word and one space (`Total - £612.40`) it is a separator.
A number followed by a percent sign (`20%`, `19 %`, `7,5\u00a0%`) is a rate, never an amount: `VAT 20%` writes
no tax of 20.00, for the rules backend, the label check and the proof alike.
A number of more than MAX_WHOLE_DIGITS whole digits is no amount either (a reference, an account number): read as
one, it would pass the precision of the arithmetic every amount goes through.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from claimflow.state.normalize.currency import is_currency_prefix
from claimflow.state.normalize.signs import CREDIT_MARKS as CREDIT_MARKS
from claimflow.state.normalize.signs import CreditMarks as CreditMarks
from claimflow.state.normalize.signs import negative_from, sign_end
from claimflow.state.normalize.spans import Spans

# An amount starts with its minus sign or its first digit: the look-ahead lets a scan pass over every other
# character at once, where the look-behinds were tried at each (tests/state/test_quick_scans.py).
_LEAD = r"(?=[-\u2212\d])(?:(?<![\w.,'\-/])(?P<sign>[-\u2212]))?(?<![\d.,'/])(?<!\w[-\u2212])"
_TAIL = r"(?![.,/]?\d)"
RATE_AFTER = re.compile(r"[ \u00a0\u202f]?[%\u2030\uff05]")
"""A percent (or per mille) sign right after a number, perhaps after one space: the number is a rate."""
# Decimals: one or two (prices), or four (unit prices such as "2,5000"); three digits after a separator group
# thousands, so three decimals are not read.
_DECIMALS = r"(?:[.,](?:\d{4}|\d{1,2}))"
_DIGIT = re.compile(r"\d")
_DECIMAL_END = re.compile(r"[.,](\d{4}|\d{1,2})$")
"""A number's decimals, at its end: its mark, then one, two or four digits."""
# A first group of `0` groups nothing: `0.125` is not a hundred and twenty-five.
_GROUPED = re.compile(_LEAD + r"(?P<number>[1-9]\d{0,2}(?:(?P<group>[.,'])\d{3})+" + _DECIMALS + r"?)" + _TAIL)
_PLAIN = re.compile(_LEAD + r"(?P<number>\d+" + _DECIMALS + r"?)" + _TAIL)
_SPACED = re.compile(_LEAD + r"(?P<number>\d{1,3}(?:(?P<group>[ \u00a0\u202f])\d{3})+" + _DECIMALS + r"?)" + _TAIL)


MAX_WHOLE_DIGITS = 18
"""The most whole digits an amount has (a quintillion less one): enough for any sum of money in any currency.

Decimal arithmetic keeps 28 significant digits: an amount of 27 whole digits could not be written with its two
decimals (`quantize` raises InvalidOperation), and a sum or a comparison of larger ones would be rounded.
"""


@dataclass(frozen=True)
class AmountMatch:
    """One amount expression found in a text."""

    start: int
    end: int
    value: Decimal
    sign_start: int
    """Where the amount starts with the mark before it that makes it negative (`-£`, `- `, `(`); `start` if none."""
    sign_end: int
    """Where it ends with the mark after it that says its sign: a negative's `)`, `-` or `CR` (on a statement
    `DR`), on a statement a positive's `CR`; `end` if none. A quote cut before it reads another amount."""


def _to_decimal(number: str, group: str | None, whole_digits: int | None) -> Decimal | None:
    """The number's value; None for one with more than `whole_digits` whole digits (None: any number of them)."""
    decimal_part = ""
    last = _DECIMAL_END.search(number)
    if last and (group is None or number[last.start()] != group):
        decimal_part = "." + last.group(1)
        number = number[: last.start()]
    if group:
        number = number.replace(group, "")
    if whole_digits is not None and len(number.lstrip("0")) > whole_digits:
        return None
    try:
        return Decimal(number + decimal_part)
    except InvalidOperation:
        return None


def _glued_to_word(text: str, start: int) -> bool:
    """Letters run straight into the number at `start` (`AB1250` is a reference), other than a currency code."""
    letters = start
    while letters > 0 and text[letters - 1].isalpha():
        letters -= 1
    return letters < start and not is_currency_prefix(text[letters:start])


def _negative(text: str, m: re.Match[str], marks: CreditMarks) -> int | None:
    """Where the marks that write the number `m` negative start, other than a minus touching it (`negative_from`)."""
    decimals = _DECIMAL_END.search(m["number"])
    if decimals is not None and m["number"][decimals.start()] == m.groupdict().get("group"):
        decimals = None  # `1 234`: the separator groups thousands
    return negative_from(text, m.start(), m.end(), decimals[1] if decimals else None, marks)


def find_amounts(text: str, *, marks: CreditMarks = "accounting") -> list[AmountMatch]:
    """Return every amount expression in `text`, ordered by position (space-grouped may overlap).

    `marks`: what `CR` and `DR` after an amount say (`CreditMarks`); accounting's reading unless told.
    """
    return _amounts(text, MAX_WHOLE_DIGITS, marks)


def _amounts(text: str, whole_digits: int | None, marks: CreditMarks = "accounting") -> list[AmountMatch]:
    """Every amount expression in `text` of at most `whole_digits` whole digits (None: of any size)."""
    # An amount has a digit; many lines have none.
    return _read_amounts(text, whole_digits, marks) if _DIGIT.search(text) else []


def _read_amounts(text: str, whole_digits: int | None, marks: CreditMarks) -> list[AmountMatch]:
    found: list[AmountMatch] = []
    taken = Spans()

    def add(m: re.Match[str], group: str | None, *, alone: bool) -> None:
        value = _to_decimal(m["number"], group, whole_digits)
        if value is not None:
            if alone:
                taken.add(m.start(), m.end())
            if not RATE_AFTER.match(text, m.end()):  # a rate: its digits are still no other amount
                opened = m.start() if m["sign"] else _negative(text, m, marks)
                signed = value if opened is None else -value
                sign_start = opened if opened is not None and signed < 0 else m.start()
                found.append(
                    AmountMatch(m.start(), m.end(), signed, sign_start, sign_end(text, m.end(), signed, marks))
                )

    spaced = [m for m in _SPACED.finditer(text) if not _glued_to_word(text, m.start())]
    # A no-break space never stands between a quantity and a price: grouped with one, the number is only whole.
    for m in spaced:
        if m["group"] != " ":
            add(m, m["group"], alone=True)
    for pattern in (_GROUPED, _PLAIN):
        for m in pattern.finditer(text):
            if not taken.overlaps(m.start(), m.end()) and not _glued_to_word(text, m.start()):
                add(m, m.groupdict().get("group"), alone=True)
    for m in spaced:
        if m["group"] == " ":
            add(m, m["group"], alone=False)
    found.sort(key=lambda match: (match.start, -match.end))
    return found


def parse_amount(value: str) -> Decimal | None:
    """Parse a single amount string such as "1234.50", "-3.00" or "1.234,50"; None otherwise."""
    return _whole(value, MAX_WHOLE_DIGITS)


def _whole(value: str, whole_digits: int | None) -> Decimal | None:
    text = value.strip()
    for match in _amounts(text, whole_digits):
        if match.start == 0 and match.end == len(text):
            return match.value
    return None


_TWO_WAYS = re.compile(r"[-\u2212]?[1-9]\d{0,2}[.,]\d{3}")
"""An amount whose one separator stands before three digits: a thousand's group, or three decimals."""


def reads_two_ways(value: str) -> bool:
    """Whether `value`, typed as an amount, may mean a thousand times what it reads as (`1.500`, `120,000`).

    A page's figures read as its other figures mark decimals; a value typed alone has none to go by.
    """
    return _TWO_WAYS.fullmatch(value.strip()) is not None


def too_large_amount(value: str) -> bool:
    """Whether `value` would read as an amount but for its size: more than MAX_WHOLE_DIGITS whole digits."""
    return parse_amount(value) is None and _whole(value, None) is not None


def format_amount(value: Decimal) -> str:
    """Render an amount as a plain decimal string with at least two decimals, e.g. "15291.50"."""
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent > -2:
        value = value.quantize(Decimal("0.01"))
    return f"{value:f}"


def amount_readings(text: str) -> set[Decimal]:
    """Return every amount value that appears in `text`."""
    return {match.value for match in find_amounts(text)}
