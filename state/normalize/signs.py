"""How an amount's sign is written around it: a minus or bracket before its currency, accounting's marks after it.

`-£456.00`, `- £456.00`, `(£456.00)`, `(100.00)`, `100,00-` and `100.00 CR` are negative; on a bank statement
(`CreditMarks`) `100.00 DR` is, and `100.00 CR` is money in. `find_amounts` reads the figures; this module reads
the marks around them, once, and says where they start and end.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from typing import Literal, get_args

from claimflow.state.normalize.currency import is_currency_prefix

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
_CLOSERS: dict[CreditMarks, tuple[re.Pattern[str], str, re.Pattern[str] | None]] = {
    "accounting": (_CLOSES_NEGATIVE, "CR", None),
    "statement": (_CLOSES_STATEMENT, "DR", re.compile(r"[ \u00a0]?CR(?!\w)")),
}
"""Per reading of the marks: what may close an amount written negative, the mark among them that does, and what
closes one written positive (a statement's `CR`), if anything."""
# Where a minus one space away from what it signs stands with no label on its side of the line: at the start of
# the line, after a column gap (a tab, two spaces) or after a label's colon (`Total: - £612.40`). After a word or a
# figure and one space it separates them (`Total - £612.40`, `WA50 - 30`, `03 - 7781`); so does a dash two or more
# spaces away (`-    612.40`): a column printed as a lone dash is empty.
_UNLABELLED = r"(?:^|(?<=[\n\t])|(?<=[ \u00a0]{2})|(?<=[:=][ \u00a0]))"
# A sign or an opening bracket before the currency that stands before the number: `-£456.00`, `\u2212€ 12,50`,
# `(£456.00)`, `(USD 80.00)`, and with no label before it `- £456.00`.
_SIGN_BEFORE_CURRENCY = re.compile(
    r"(?:(?<![\w.,'/\-\u2212])(?P<minus>[-\u2212])|" + _UNLABELLED + r"(?P<spaced>[-\u2212])[ \u00a0]"
    r"|(?P<bracket>\()[ \u00a0]?)"
    r"(?P<currency>[^\s\d()\-\u2212]{1,3})[ \u00a0]?\Z"
)
_MINUS = frozenset("-\u2212")
_OPENERS = _MINUS | {"("}
"""What may open a negative before a number: a minus, a bracket."""
# A minus one space before the number itself, with no label before it: `- 612.40` in a statement's amount column.
_SPACED_MINUS = re.compile(_UNLABELLED + r"[-\u2212][ \u00a0]\Z")


def _is_currency(text: str) -> bool:
    """`£`, `US$`, `EUR`, `RM`: a currency's symbol or code, as printed before an amount."""
    return all(unicodedata.category(char) == "Sc" for char in text) or is_currency_prefix(text)


def _signed_currency(text: str, start: int) -> tuple[str, int] | None:
    """`-` or `(` written before a currency that is written before the number at `start`, and where it stands."""
    window = max(0, start - 8)
    if not _OPENERS.intersection(text[window:start]):  # most numbers: nothing to search for
        return None
    m = _SIGN_BEFORE_CURRENCY.search(text, window, start)
    if m is None or not _is_currency(m["currency"]):
        return None
    return ("(", m.start()) if m["bracket"] else ("-", m.start())


def negative_from(text: str, start: int, end: int, decimals: str | None, marks: CreditMarks) -> int | None:
    """Where the marks that write the number at `start:end` negative start, other than a minus touching it.

    In brackets, with a trailing minus or the negative mark of `marks` (`CR`, or on a statement `DR`), or with a
    minus or bracket before its currency (`-£456.00`, `- £456.00`, `(£456.00)`). Only a sum of money with its
    `decimals` (the digits after its decimal mark; None when it has none), or one with its currency: `(2)` is a
    quantity or a clause's number, not minus two. A minus one space before the number itself signs it only with
    its cents (`- 456.00`): `- 1.2 Scope` is a list's item. A mark only after the number starts nothing before it:
    then `start`. None when the number is not written negative.
    """
    currency_sign = _signed_currency(text, start)
    if currency_sign is not None and currency_sign[0] == "-":
        return currency_sign[1]
    if currency_sign is None:
        if decimals is None:
            return None
        spaced = _SPACED_MINUS.search(text, start - 2, start) if start >= 2 and text[start - 2] in _MINUS else None
        if spaced is not None and len(decimals) == 2:
            return spaced.start()
    closes, mark, _ = _CLOSERS[marks]
    closing = closes.match(text, end)
    opened = currency_sign[1] if currency_sign is not None else None
    if opened is None and (bracket := _OPENS_NEGATIVE.search(text, max(0, start - 2), start)) is not None:
        opened = bracket.start()
    if opened is not None:
        return opened if closing is not None and closing.group().strip(" \u00a0") == ")" else None
    return start if closing is not None and closing.group().strip(" \u00a0") in ("-", mark) else None


def sign_end(text: str, end: int, value: Decimal, marks: CreditMarks) -> int:
    """Where an amount of `value` ending at `end` ends with the mark after it that says its sign.

    A negative's `)`, `-` or `CR` (on a statement `DR`); on a statement a positive's `CR`; `end` when none follows.
    """
    closes, _, positive = _CLOSERS[marks]
    closer = closes if value < 0 else positive
    closed = closer.match(text, end) if closer is not None else None
    return closed.end() if closed is not None else end
