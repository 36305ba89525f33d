"""A currency riding along with an amount: `EUR 1.234,50`, `74,70 €`, `$849.60`, `¥1,200`.

Codes and the symbols that name one currency are found by `currency_mentions`. A symbol that names
none (`$`: US, Canadian, Australian dollars and more; `¥`: yen or yuan) is no currency claimflow
claims, but it is still written against its amount, which is read beside it all the same: any
character Unicode files as a currency symbol counts. A minus sign before the currency (`-$5.00`) is
the amount's, which a reading of the figure alone would drop: the amount is read from the minus.
"""

from __future__ import annotations

import unicodedata

from claimflow.state.normalize import currency_mentions

_LONGEST = 8
"""Longer than any code or symbol `currency_mentions` knows ("ringgit")."""
_MINUS = "-\u2212\u2013"


def is_symbol(char: str) -> bool:
    """True for a currency symbol, whether or not it names one currency (`$`, `¥`, `€`)."""
    return unicodedata.category(char) == "Sc"


def currency_after(text: str, pos: int) -> int:
    """Where a currency written at `pos` ends; `pos` when none starts there."""
    mention = next(iter(currency_mentions(text[pos : pos + _LONGEST])), None)
    if mention is not None and mention[1] == 0:
        return pos + mention[2]
    end = pos
    while end < len(text) and is_symbol(text[end]):
        end += 1
    return end


def currency_before(text: str, pos: int) -> int:
    """Where a currency written right before `pos` starts (one space may stand between); `pos` when none does."""
    end = pos - 1 if pos > 0 and text[pos - 1] == " " else pos
    window = max(0, end - _LONGEST)
    for _, start, stop in currency_mentions(text[window:end]):
        start += window
        # A whole word only: the window may have cut "EUR" out of "TEUR".
        if window + stop == end and not (start > 0 and text[start - 1].isalpha()):
            return start
    start = end
    while start > 0 and is_symbol(text[start - 1]):
        start -= 1
    return start if start < end else pos


def minus_before(text: str, pos: int) -> bool:
    """True when a minus sign stands right before `pos` (`-$5.00` for a currency at `pos`)."""
    return pos > 0 and text[pos - 1] in _MINUS


def without_currencies(text: str) -> str:
    """`text` with every currency blanked out (codes, symbols, bare `$`), offsets kept."""
    for _, start, end in reversed(currency_mentions(text)):
        text = text[:start] + " " * (end - start) + text[end:]
    return "".join(" " if is_symbol(char) else char for char in text)
