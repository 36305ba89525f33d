"""Find money amounts in text, whatever the grouping and decimal convention.

`1.234,56`, `1,234.56`, `1'234.56`, `1234,56` and `1234.56` all read as Decimal("1234.56").
The last separator followed by one, two or four digits is the decimal mark (`2,5000` per unit); one followed by
exactly three digits groups thousands. Space-grouped numbers (`1 234,56`) are read both as one
amount and as their parts, because on a page "3 191.00" is as often a quantity and a price; grouped by a no-break
space (`1\u00a0234,56`, as French text prints it), only as one. Accounting's negatives, `(100.00)`, `100,00-`
and `100.00 CR`, read negative. A bank statement marks the other way round (`CreditMarks`): there `100.00 CR` is
money in and `100.00 DR` money out.
A number followed by a percent sign (`20%`, `19 %`, `7,5\u00a0%`) is a rate, never an amount: `VAT 20%` writes
no tax of 20.00, for the rules backend, the label check and the proof alike.
A number of more than MAX_WHOLE_DIGITS whole digits is no amount either (a reference, an account number): read as
one, it would pass the precision of the arithmetic every amount goes through.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Literal, get_args

from claimflow.state.normalize.currency import is_currency_prefix
from claimflow.state.normalize.spans import Spans

_LEAD = r"(?:(?<![\w.,'\-/])(?P<sign>[-\u2212]))?(?<![\d.,'/])(?<!\w[-\u2212])"
_TAIL = r"(?![.,/]?\d)"
_PERCENT_AFTER = re.compile(r"[ \u00a0\u202f]?[%\u2030\uff05]")
"""A percent (or per mille) sign right after a number, perhaps after one space: the number is a rate."""
# Decimals: one or two (prices), or four (unit prices such as "2,5000"); three digits after a separator group
# thousands, so three decimals are not read.
_DECIMALS = r"(?:[.,](?:\d{4}|\d{1,2}))"
_DECIMAL_END = re.compile(r"[.,](\d{4}|\d{1,2})$")
"""A number's decimals, at its end: its mark, then one, two or four digits."""
# A first group of `0` groups nothing: `0.125` is not a hundred and twenty-five.
_GROUPED = re.compile(_LEAD + r"(?P<number>[1-9]\d{0,2}(?:(?P<group>[.,'])\d{3})+" + _DECIMALS + r"?)" + _TAIL)
_PLAIN = re.compile(_LEAD + r"(?P<number>\d+" + _DECIMALS + r"?)" + _TAIL)
_SPACED = re.compile(_LEAD + r"(?P<number>\d{1,3}(?:(?P<group>[ \u00a0\u202f])\d{3})+" + _DECIMALS + r"?)" + _TAIL)
# Accounting's negatives: `(100.00)`, `100,00-`, `100.00 CR` (credit notes). Read as positive, a credit note's total
# would be a charge.
_OPENS_NEGATIVE = re.compile(r"\([ \u00a0]?\Z")
_CLOSES_NEGATIVE = re.compile(r"[ \u00a0]?\)|-(?![\w.,-])|[ \u00a0]?CR(?!\w)")
# On a bank statement `CR` is money the account received, and `DR` what it paid out.
_CLOSES_STATEMENT = re.compile(r"[ \u00a0]?\)|-(?![\w.,-])|[ \u00a0]?DR(?!\w)")

CreditMarks = Literal["accounting", "statement"]
"""What `CR` and `DR` after an amount say, as a document type declares it (`DocumentType.credit_marks`).

`accounting`, the default (invoices, receipts, credit notes): `100.00 CR` is a credit to the customer, read
negative as a credit note's total is; `DR` is no sign. `statement`: a bank statement's reading, `100.00 CR` money
in (positive), `100.00 DR` money out (negative). Brackets and a minus read negative under both.
"""
CREDIT_MARKS: tuple[CreditMarks, ...] = get_args(CreditMarks)
_CLOSERS: dict[CreditMarks, tuple[re.Pattern[str], str]] = {
    "accounting": (_CLOSES_NEGATIVE, "CR"),
    "statement": (_CLOSES_STATEMENT, "DR"),
}
"""Per reading of the marks: what may close an amount written negative, and the mark among them that does."""
# A sign or an opening bracket before the currency that stands before the number: `-£456.00`, `\u2212€ 12,50`,
# `(£456.00)`, `(USD 80.00)`. The minus touches the currency: `Total - £456.00` is a separator, not a sign.
_SIGN_BEFORE_CURRENCY = re.compile(
    r"(?:(?<![\w.,'/\-\u2212])(?P<minus>[-\u2212])|(?P<bracket>\()[ \u00a0]?)"
    r"(?P<currency>[^\s\d()\-\u2212]{1,3})[ \u00a0]?\Z"
)


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


def _is_currency(text: str) -> bool:
    """`£`, `US$`, `EUR`, `RM`: a currency's symbol or code, as printed before an amount."""
    return all(unicodedata.category(char) == "Sc" for char in text) or is_currency_prefix(text)


def _signed_currency(text: str, start: int) -> str | None:
    """`-` or `(` written before a currency that is written before the number at `start`; None when there is none."""
    m = _SIGN_BEFORE_CURRENCY.search(text, max(0, start - 6), start)
    if m is None or not _is_currency(m["currency"]):
        return None
    return "-" if m["minus"] else "("


def _negative(text: str, m: re.Match[str], marks: CreditMarks) -> bool:
    """Whether the number is written negative other than by a minus touching it.

    In brackets, with a trailing minus or the negative mark of `marks` (`CR`, or on a statement `DR`), or with a
    minus or bracket before its currency (`-£456.00`, `(£456.00)`). Only a sum of money with its decimals, or one
    with its currency: `(2)` is a quantity or a clause's number, not minus two.
    """
    currency_sign = _signed_currency(text, m.start())
    if currency_sign == "-":
        return True
    decimals = _DECIMAL_END.search(m["number"])
    has_decimals = decimals is not None and m["number"][decimals.start()] != m.groupdict().get("group")
    if not has_decimals and currency_sign is None:
        return False
    end = m.end()
    closes, mark = _CLOSERS[marks]
    if currency_sign == "(" or _OPENS_NEGATIVE.search(text, max(0, m.start() - 2), m.start()):
        closing = closes.match(text, end)
        return closing is not None and closing.group().strip(" \u00a0") == ")"
    closing = closes.match(text, end)
    return closing is not None and closing.group().strip(" \u00a0") in ("-", mark)


def find_amounts(text: str, *, marks: CreditMarks = "accounting") -> list[AmountMatch]:
    """Return every amount expression in `text`, ordered by position (space-grouped may overlap).

    `marks`: what `CR` and `DR` after an amount say (`CreditMarks`); accounting's reading unless told.
    """
    return _amounts(text, MAX_WHOLE_DIGITS, marks)


def _amounts(text: str, whole_digits: int | None, marks: CreditMarks = "accounting") -> list[AmountMatch]:
    """Every amount expression in `text` of at most `whole_digits` whole digits (None: of any size)."""
    found: list[AmountMatch] = []
    taken = Spans()

    def add(m: re.Match[str], group: str | None, *, alone: bool) -> None:
        value = _to_decimal(m["number"], group, whole_digits)
        if value is not None:
            if alone:
                taken.add(m.start(), m.end())
            if not _PERCENT_AFTER.match(text, m.end()):  # a rate: its digits are still no other amount
                found.append(
                    AmountMatch(m.start(), m.end(), -value if m["sign"] or _negative(text, m, marks) else value)
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
