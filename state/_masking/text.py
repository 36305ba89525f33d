"""Character classes and number boundaries the detectors share, and the folding of look-alike characters."""

from __future__ import annotations

import unicodedata

SPACE = r"[ \u00a0\u2009\u202f]"
"""One space within a line: plain, no-break, thin or narrow no-break (PDF text layers print all four)."""
DASH = r"[-\u2010\u2011\u2012\u2013\u2014\u2212]"
"""A hyphen or a dash, as typed or as a word processor replaced it ("--" becomes an em dash), or a minus sign."""
NUMBER_STARTS = r"(?<![\w+])(?<![\w][.,/-])"
"""Not inside a word or a longer number (after a digit and a dot, comma, slash or dash)."""
NUMBER_ENDS = r"(?!\w|[.,/:-]\d)"
"""No digit follows, not even after a dot, comma, colon, slash or dash (a decimal, a time, a range)."""

_FULL_WIDTH = range(0xFF01, 0xFF5F)
"""Full-width forms of the printable ASCII characters, as East Asian text prints digits, letters, "+" and "@"."""
_FULL_WIDTH_SHIFT = 0xFF01 - 0x21
_IDEOGRAPHIC_SPACE = 0x3000


KEPT_AS_THEY_ARE = 4096
"""How many characters that fold to themselves the table remembers: a text in a script of thousands of
characters (Chinese) would otherwise grow it by one entry for each it ever met, in every long-lived process."""


class _Folding(dict[int, int]):
    """Code point to the ASCII one a detector reads it as; filled as characters are first met.

    Every character that folds to another is kept (there are some 800: the decimal digits of every script, the
    full-width forms, the ideographic space); of those that stay as they are, the first `KEPT_AS_THEY_ARE`.
    """

    def __init__(self) -> None:
        super().__init__()
        self.kept_as_they_are = 0

    def __missing__(self, code: int) -> int:
        digit = unicodedata.decimal(chr(code), None)
        if digit is not None:
            folded = ord("0") + digit
        elif code in _FULL_WIDTH:
            folded = code - _FULL_WIDTH_SHIFT
        else:
            folded = 0x20 if code == _IDEOGRAPHIC_SPACE else code
        if folded != code:
            self[code] = folded
        elif self.kept_as_they_are < KEPT_AS_THEY_ARE:
            self.kept_as_they_are += 1
            self[code] = folded
        return folded


_FOLDING = _Folding()


def fold(text: str) -> str:
    """`text` with every decimal digit as an ASCII digit and full-width forms as ASCII, one character for one.

    A card number in Arabic-Indic or full-width digits is as much a card number; the length stays, so a find
    in the folded text is at the same place in `text`.
    """
    return text if text.isascii() else text.translate(_FOLDING)
