"""Numbers: quantities, weights, counts and measures (`200`, `14.555 kg`, `1,250 pcs`, `1.250,5 m²`, `-3`).

A number is printed as amounts are, with any grouping (`1,250`, `1.250`, `1'250`, `1 250`) and either decimal mark,
but with any count of decimals (`0.125`, `3.14159`), and optionally followed by a unit, which is not part of its
value. Its canonical form is a plain decimal with a dot, as precise as printed and no more: `200`, `14.5`, `-3`.

One separator followed by exactly three digits reads two ways: `14.555` is fourteen and a bit where a dot marks
decimals and fourteen thousand and more where it groups them, `1,250` likewise. Such a match carries both
readings (`NumberMatch.readings`), the one first that quantities are commonly printed with: a dot marks decimals
(`14.555` is 14.555), a comma groups thousands (`1,250` is 1250). A first group of `0` groups nothing (`0.125`),
two separators alike group (`1.250.000`), and two different ones say which is the decimal mark (`1.250,5`). A
document whose figures with one or two decimals all use one mark (`12.50`, or `12,50`) settles the others it
prints (`decimal_mark`): there, `14.555` reads one way only.

A figure beside a currency (`€14.50`, `14.50 EUR`, `$3`) is money, and one before a percent sign (`19 %`) a rate:
neither is a number. Nor is a part of a date (`2024-03-14`, `14.03.2024`) or of an identifier (`NW-2024`, `A12`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Literal

from claimflow.state.normalize.amounts import MAX_WHOLE_DIGITS, RATE_AFTER
from claimflow.state.normalize.currency import currency_mentions, is_currency_prefix
from claimflow.state.normalize.dates import find_dates
from claimflow.state.normalize.spans import Spans, any_within

_LEAD = r"(?:(?<![\w.,'\u2019\-\u2212/+])(?P<sign>[-\u2212+]))?(?<![\w.,'\u2019/])(?<!\w[-\u2212])"
_TAIL = r"(?![.,'\u2019/]?\d)"
# A first group of `0` groups nothing: `0.125` is an eighth. A no-break or narrow space groups (`1\u00a0250`);
# a plain space does only in `_SPACED`, read beside the figures it separates (a quantity, then a price).
_GROUPED = re.compile(
    _LEAD + r"(?P<number>[1-9]\d{0,2}(?:(?P<group>[.,'\u2019\u00a0\u202f])\d{3})+(?:(?P<mark>[.,])\d+)?)" + _TAIL
)
_PLAIN = re.compile(_LEAD + r"(?P<number>\d+(?:(?P<mark>[.,])\d+)?)" + _TAIL)
_SPACED = re.compile(_LEAD + r"(?P<number>[1-9]\d{0,2}(?:(?P<group> )\d{3})+(?:(?P<mark>[.,])\d+)?)" + _TAIL)
DecimalMark = Literal[".", ","]

_TWO_DECIMALS = re.compile(r"(?<![\w.,'])\d{1,3}(?:[.,' \u00a0]\d{3})*(?P<mark>[.,])\d{1,2}(?![\w.,])")
"""A figure with one or two decimals (`12.50`, `1.234,56`, `7,5`): its last separator can only be a decimal mark."""
_MONEY_SIGN = re.compile(r"[$¥€£₹₩₺₽]")
"""Currency signs, those that name no one currency (`$`, `¥`) too: a figure beside one is money."""
_UNIT = re.compile(r"[ \u00a0\u202f]?(?P<unit>[^\W\d_]+(?:/[^\W\d_]+)?\.?)")
"""A unit after a number in a value on its own (`14.5 kg`, `3 Stk.`, `m²`, `km/h`)."""
_FIGURE_NEXT = re.compile(r"[ \u00a0\u202f]?[-\u2212]?\d")
"""A figure right after a currency: the currency is that figure's."""
_BESIDE = 2
"""How far (a space, or a space and a sign) a currency may stand from a figure and make it money."""
MAX_DIGITS = 28
"""The most significant digits a number has: Decimal's precision, so that no canonical form is rounded."""


@dataclass(frozen=True)
class NumberMatch:
    """One number written in a text."""

    start: int
    end: int
    value: Decimal
    """The reading quantities are commonly printed with (a dot marks decimals, a comma groups thousands)."""
    other: Decimal | None = None
    """The other reading of a lone separator before three digits (`14.555`: 14555), if it has one."""
    mark: str = ""
    """That separator (`.` or `,`), when the number reads two ways."""

    @property
    def readings(self) -> tuple[Decimal, ...]:
        """Every value the number may be: one, or two for `14.555` and `1,250`."""
        return (self.value,) if self.other is None else (self.value, self.other)

    def read_with(self, decimal_mark: str | None) -> tuple[Decimal, bool]:
        """The value with `decimal_mark` as the decimal mark (None: not known), and whether that settles it."""
        if self.other is None:
            return self.value, True
        if decimal_mark is None:
            return self.value, False
        as_decimals = self.value if self.mark == "." else self.other
        as_grouped = self.other if self.mark == "." else self.value
        return (as_decimals if decimal_mark == self.mark else as_grouped), True


def _value(number: str, group: str | None, mark: str | None, sign: str | None) -> Decimal | None:
    """The number with `group` separating thousands and `mark` before its decimals; None when it is too long."""
    whole, _, decimals = number.rpartition(mark) if mark else (number, "", "")
    digits = whole.replace(group, "") if group else whole
    if len(digits.lstrip("0")) > MAX_WHOLE_DIGITS or len((digits + decimals).strip("0")) > MAX_DIGITS:
        return None
    try:
        value = Decimal(f"{digits}.{decimals}" if decimals else digits)
    except InvalidOperation:
        return None
    return -value if sign in ("-", "\u2212") else value


def _match(m: re.Match[str]) -> NumberMatch | None:
    group, mark, sign = m["group"] if "group" in m.re.groupindex else None, m["mark"], m["sign"]
    if group is not None and mark == group:
        return None  # `1.250.5`: no number is written so
    start = m.start("sign") if sign else m.start("number")
    value = _value(m["number"], group, mark, sign)
    if value is None:
        return None
    if group not in (".", ",") or mark is not None or m["number"].count(group) != 1:
        return NumberMatch(start, m.end(), value)
    # `14.555`, `1,250`: read both ways, the common reading for quantities first.
    decimals = _value(m["number"], None, group, sign)
    if decimals is None:
        return NumberMatch(start, m.end(), value)
    first, other = (decimals, value) if group == "." else (value, decimals)
    return NumberMatch(start, m.end(), first, other, group)


def _money(text: str, start: int, end: int, currencies: tuple[list[int], list[int]]) -> bool:
    """Whether a currency stands right before `start` or right after `end`: the figure is money."""
    ends, suffixes = currencies
    letters = start
    while letters > 0 and text[letters - 1].isalpha():
        letters -= 1
    glued = letters < start and is_currency_prefix(text[letters:start])
    return glued or any_within(ends, start - _BESIDE, start) or any_within(suffixes, end, end + _BESIDE)


def _currencies(text: str) -> tuple[list[int], list[int]]:
    """Where the text's currencies end, and where those start that no figure follows (the `€` of `3 €12.50` is not).

    A currency between two figures (`3 $12.50`, a quantity and a price) belongs to the one it is printed before.
    """
    mentions = [(start, end) for _, start, end in currency_mentions(text)]
    mentions += [(m.start(), m.end()) for m in _MONEY_SIGN.finditer(text)]
    suffixes = [start for start, end in mentions if not _FIGURE_NEXT.match(text, end)]
    return sorted(end for _, end in mentions), sorted(suffixes)


def find_numbers(text: str) -> list[NumberMatch]:
    """Every number in `text`, by position (a space-grouped one also as the figures it groups, `1 250`: 1250, 1, 250).

    Money (a figure beside a currency), rates (before `%`) and the figures of dates and identifiers are left out.
    """
    currencies = _currencies(text)
    blocked = Spans.union((d.start, d.end) for d in find_dates(text))
    taken = Spans()
    found: list[NumberMatch] = []
    for pattern in (_GROUPED, _PLAIN, _SPACED):
        for m in pattern.finditer(text):
            whole = pattern is _SPACED
            if blocked.overlaps(m.start(), m.end()) or (not whole and taken.overlaps(m.start(), m.end())):
                continue
            number = _match(m)
            if number is None:
                continue
            if not whole:
                taken.add(m.start(), m.end())
            if RATE_AFTER.match(text, m.end()) or _money(text, number.start, number.end, currencies):
                continue  # a rate or money: its digits are still no other number
            found.append(number)
    return sorted(found, key=lambda number: (number.start, -number.end))


def format_number(value: Decimal) -> str:
    """The canonical form: a plain decimal with a dot, no grouping, no trailing zeros, no exponent (`14.5`, `200`)."""
    if value.is_zero():
        return "0"
    return f"{value.normalize():f}"


def parse_number(value: str) -> Decimal | None:
    """One number written on its own, perhaps with its unit (`14.5`, `1,250 pcs`, `-3 kg`); None otherwise.

    A separator that reads two ways is read as quantities commonly are (`14.555` is 14.555, `1,250` is 1250).
    """
    text = value.strip()
    for number in find_numbers(text):
        if number.start != 0:
            break
        rest = text[number.end :]
        unit = _UNIT.fullmatch(rest)
        if not rest or (unit is not None and not is_currency_prefix(unit["unit"].rstrip("."))):
            return number.value
    return None


def decimal_mark(pages: Sequence[str]) -> DecimalMark | None:
    """Whether the document marks decimals with a dot or a comma, if it shows; None when it shows both or neither.

    It shows when its figures with one or two decimals all use one mark (`12.50`, `1,234.56`: a dot; `12,50`,
    `1.234,56`: a comma).

    A number that reads two ways (`14.555`, `1,250`) is read by it; a document that does not settle it leaves
    such a number doubtful. Dates are no such figures: `14.03.2024` runs on past its two digits.
    """
    return _decimal_mark(tuple(pages))


@lru_cache(maxsize=8)
def _decimal_mark(pages: tuple[str, ...]) -> DecimalMark | None:
    # Cached: each number claim and each row with a number cell asks of the same document.
    marks = {m["mark"] for text in pages for m in _TWO_DECIMALS.finditer(text)}
    if marks == {"."}:
        return "."
    return "," if marks == {","} else None
