"""Payment card numbers: compact, or in groups split by spaces, dashes or dots (one separator throughout).

Two neighbouring groups run together (`4111 1111 11111111`, as a scan's reading often gives a printed number) are
still groups: the scheme, the length and the Luhn check decide, as for any number in groups.

A candidate counts only when its prefix and length fit a card scheme and its Luhn check digit holds, so
that order numbers, EAN codes and long references stay visible.

A number in groups may also wrap over one line break (a text layer breaks a narrow cell: "4111 1111" at the end
of one line, "1111 1111" at the start of the next), the break read as its separator. Digits that merely follow
each other over a break fit a scheme and pass Luhn together about once in 25 tries, so the shape must speak too:
the groups stand alone at the end of their line (no digit group before them there: a row of figures), the
next line opens with the rest, and together they are 3 to 5 groups of a card's widths, one separator throughout.
A compact number is not read across a break (a text layer wraps at a space).

A number right behind a label that names it a document's or a product's number ("Invoice No.", "Order",
"EAN", "GTIN", "SKU", "Art.-Nr.", "Rechnungsnummer") is that number, whatever its digits: one in ten of them
with a card's prefix and length passes the Luhn check by chance, and masked, it would hide the very value the
workflow extracts. A card scheme's name right after it ("Order: 4111 1111 1111 1111 (Visa)") makes it a card's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from claimflow.state._masking import truncated_cards
from claimflow.state._masking.text import DASH, NUMBER_ENDS, NUMBER_STARTS, SPACE

# Matched inside a look-ahead, so that every group start is tried: a candidate that swallowed the next
# number's first group (and is then cut back) does not hide that number.
# Led by `(?=\d)`, as the phone patterns by their first characters: the look-behinds are tried at digits only.
# Two neighbouring groups may have run together (a scan's reading or a text layer drops a space: `4111 1111
# 11111111`), so a group may be twice a card's widest group of four; the scheme, length and Luhn check still decide.
_GROUPED = re.compile(
    rf"(?=\d){NUMBER_STARTS}(?=(?P<card>\d{{4}}(?:\d{{4}})?(?P<sep>{SPACE}{{1,2}}|{DASH}|\.)\d{{4,8}}"
    rf"(?:(?P=sep)\d{{1,8}}){{1,3}}){NUMBER_ENDS})"
)
# The groups before a line break run to its end, those after it open the next line. Every repeat is bounded, so
# an attempt costs at most a card number's length; no look-ahead tries inner group starts, as a wrapped number
# must start its line's run of digit groups.
_SEP = rf"{SPACE}{{1,2}}|{DASH}|\."
_WRAPPED = re.compile(
    rf"(?=\d){NUMBER_STARTS}(?<!\d{SPACE})(?<!\d{DASH})(?P<before>\d{{4}}(?:(?P<sep>{_SEP})\d{{1,6}}){{0,3}})"
    rf"(?P<trail>{DASH}|\.)?{SPACE}{{0,2}}\n{SPACE}{{0,2}}"
    rf"(?P<after>\d{{1,6}}(?:(?P<sep_after>{_SEP})\d{{1,6}}){{0,3}}){NUMBER_ENDS}"
)
# The label, its "No." ("Nr", "#", "n°"), and at most a colon and spaces before the number, on the same line.
_NAMED = (
    r"invoice|order|purchase order|po|article|art|item|product|ean|gtin|upc|sku|part|p/n|model|serial|lot|batch"
    r"|cat(?:alog(?:ue)?)?|rechnungs?|bestell(?:ungs?)?"
    r"|artikel|auftrags?|facture|commande|factura|pedido|fattura|ordine|factuur|bestelling"
)
_NUMBER_WORD = r"no|nr|number|num|nummer|n\u00b0|n\u00ba|#"
_NUMBER_LABEL = re.compile(
    rf"(?i)(?<![^\W_])(?:{_NAMED})(?:(?:\.|-|{SPACE}){{0,2}}(?:{_NUMBER_WORD}))?\.?[^\w\n]{{0,4}}\Z"
)
_NUMBER_LABEL_WINDOW = 40
# A scheme's name right after the number says it is a card's whatever label stands before it: "Order: 4111 ... (Visa)".
_SCHEME_AFTER = re.compile(
    r"(?i)[^\w\n]{0,3}(?:visa|mastercard|master card|amex|american express|maestro|diners|jcb|discover|unionpay|mir)\b"
)
_IN_GROUPS = re.compile(r"\d{4},\d{4,6}(?:,\d{1,6}){1,3}")
_COMPACT = re.compile(rf"(?=\d){NUMBER_STARTS}\d{{13,19}}{NUMBER_ENDS}")
# (lowest prefix, highest prefix, lengths): Visa, Mastercard, Amex, Diners, JCB, Discover, UnionPay, Maestro, Mir.
_SCHEMES: tuple[tuple[str, str, frozenset[int] | range], ...] = (
    # Visa's 13-digit numbers are long retired, and Maestro's short ones rare: both lengths are what
    # article numbers (EAN/GTIN) have.
    ("4", "4", frozenset({16, 19})),
    ("51", "55", frozenset({16})),
    ("2221", "2720", frozenset({16})),
    ("34", "34", frozenset({15})),
    ("37", "37", frozenset({15})),
    ("300", "305", range(14, 20)),
    ("36", "36", range(14, 20)),
    ("38", "39", range(14, 20)),
    ("3528", "3589", range(16, 20)),
    ("50", "50", range(16, 20)),
    ("56", "69", range(16, 20)),
    ("2200", "2204", range(16, 20)),
)


def _scheme_fits(digits: str) -> bool:
    return any(low <= digits[: len(low)] <= high and len(digits) in lengths for low, high, lengths in _SCHEMES)


def _luhn(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _is_card(digits: str) -> bool:
    return 13 <= len(digits) <= 19 and _scheme_fits(digits) and _luhn(digits)


def _wrapped(text: str) -> Iterator[tuple[int, int]]:
    """Card numbers in groups wrapped over one line break (see the module's docstring)."""
    for match in _WRAPPED.finditer(text):
        sep = match["sep"] or match["sep_after"]
        # One separator throughout; a dash or dot may end the first line ("4111-1111-" wraps after its dash).
        if sep is None or match["sep_after"] not in (None, sep) or match["trail"] not in (None, sep):
            continue
        before, after = match["before"].split(sep), match["after"].split(sep)
        groups = before + after
        # Read with the break as its separator, the number must be in the groups a card number prints in.
        if not _IN_GROUPS.fullmatch(",".join(groups)):
            continue
        # The longest run of leading groups that is a card number, as on one line, if it crosses the break.
        for count in range(len(groups), len(before), -1):
            if count > 2 and _is_card("".join(groups[:count])):
                yield match.start(), match.start("after") + len(sep.join(after[: count - len(before)]))
                break


def named_otherwise(text: str, start: int, end: int) -> bool:
    """Whether a label right before `start`, on its line, names the number an invoice's, an order's or a product's.

    A card scheme's name right after `end` outweighs the label.
    """
    return (
        _NUMBER_LABEL.search(text, max(0, start - _NUMBER_LABEL_WINDOW), start) is not None
        and _SCHEME_AFTER.match(text, end) is None
    )


def find(text: str) -> Iterator[tuple[int, int]]:
    """Where card numbers are in `text`."""
    return (span for span in _candidates(text) if not named_otherwise(text, *span))


def _candidates(text: str) -> Iterator[tuple[int, int]]:
    for match in _GROUPED.finditer(text):
        # A number printed right after the card (an expiry month, a quantity) may have joined its groups:
        # the longest run of leading groups that is a card number counts.
        sep = match["sep"]
        groups = match["card"].split(sep)
        for count in range(len(groups), 2, -1):
            if _is_card("".join(groups[:count])):
                yield match.start(), match.start() + len(sep.join(groups[:count]))
                break
    yield from _wrapped(text)
    for match in _COMPACT.finditer(text):
        if _is_card(match[0]):
            yield match.span()
    yield from truncated_cards.find(text)
