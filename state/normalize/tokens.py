"""Where a text writes a value as a *whole* token: never inside a longer number, word or identifier.

`2` is not written in `NW-2024-0117`, `12.00` is not written in `112.00`, and `ACME` is not written in
`ACMEX GmbH`. An identifier is compared by its letters and digits, but for the sign before its first figure:
`12.50` is not written in `-12.50`, where `4711` is in `#4711`. Every kind finds its own tokens (dates, amounts,
codes, words) and reports the spans whose reading equals the canonical value, so the caller also learns *where*
the value stands.

A format character (a zero-width space, a soft hyphen, a word joiner) is drawn as nothing: a text is read without
them, so `1\u200b31.60` writes 131.60 and not 31.60, as it reads on screen.

A table row's text cell may also be printed around the row's figures (`wrapped_text_spans`); that reading
is for rows only, never for a field.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation

from claimflow.state.normalize.amounts import CreditMarks, find_amounts, parse_amount
from claimflow.state.normalize.choices import BOOLEAN_CHOICES, Choices, choice_spans
from claimflow.state.normalize.currency import ISO_4217, currency_mentions
from claimflow.state.normalize.dates import find_dates
from claimflow.state.normalize.durations import find_durations
from claimflow.state.normalize.numbers import find_numbers
from claimflow.state.normalize.percentages import find_percentages
from claimflow.state.normalize.text import compact, visible

Span = tuple[int, int]

_ID_SEPARATORS = re.compile(r"[^\s:;,()\[\]{}<>\"'|]+")
_ID_STRIP_START = "#.-/"
_ID_STRIP_END = ".-/"
_MINUS = ("-", "\u2212")
_INLINE_GAP = re.compile(r"[ \t\u00a0]+")
_SPACE = re.compile(r"\s+")
_TOKEN = re.compile(r"\S+")
# The row's figures: a number or amount, perhaps with its currency sign or a percent sign ("$1,450.00", "19%").
_FIGURE = re.compile(r"[-+\u2212]?[€£$¥₹]?\d+(?:[.,'\u2019]\d+)*[€£$¥₹%]?")
# What stands beside the figures: a currency, a sign, a unit ("Std", "Stk.", "pcs"). A closed list of short
# units: any other word ends the gap, so no word of the text is passed over.
_BESIDE_FIGURES = re.compile(
    r"[€£$¥₹%@×x]|(?i:(?:stk|stck|st|stück|stuks|std|stunden?|h|hrs?|hours?|pcs|pce?|pieces?|ea|each|units?|u|uds?"
    r"|kg|g|t|m|m2|m²|m3|m³|qm|km|l|lfm|psch|pausch|pauschal|tage?|days?|d|mon|monate?|months?)\.?)"
)


def _text_spans(normalized: str, text: str) -> Iterator[Span]:
    words = normalized.split()
    if not words:
        return
    # Same words in the same order, any white space between them, and a word boundary at each end.
    before = r"(?<!\w)" if normalized[0].isalnum() else ""
    after = r"(?!\w)" if normalized[-1].isalnum() else ""
    pattern = re.compile(before + r"\s+".join(map(re.escape, words)) + after, re.IGNORECASE)
    yield from ((m.start(), m.end()) for m in pattern.finditer(text))


def _identifier_tokens(text: str) -> list[tuple[int, int, str]]:
    """Each token's span, without the punctuation around it (`#4711`, `4711.`), and the sign it is printed with."""
    tokens: list[tuple[int, int, str]] = []
    for m in _ID_SEPARATORS.finditer(text):
        start, end = m.start(), m.end()
        while start < end and text[start] in _ID_STRIP_START:
            start += 1
        while end > start and text[end - 1] in _ID_STRIP_END:
            end -= 1
        if start < end:
            tokens.append((start, end, _leading_sign(m.group())))
    return tokens


def _leading_sign(identifier: str) -> str:
    """The sign an identifier is printed with: `-` or `+` right before its first figure (`-12.50`), else ''.

    A sign is part of what the page writes (`-12.50` is not `12.50`); a number sign (`#4711`) and the dashes
    between an identifier's parts (`NW-2024-0117`) are punctuation. A minus sign (U+2212) is written `-`.
    """
    for index, char in enumerate(identifier):
        if char.isalnum():
            sign = identifier[index - 1] if index and char.isdigit() else ""
            return "-" if sign in _MINUS else "+" if sign == "+" else ""
    return ""


def _digit_groups_join(text: str, left: tuple[int, int, str], right: tuple[int, int, str]) -> bool:
    """Two tokens that are one number grouped by spaces (`2024 0117`): digits only, a space or two apart."""
    return (
        text[left[0] : left[1]].isdigit()
        and text[right[0] : right[1]].isdigit()
        and _INLINE_GAP.fullmatch(text[left[1] : right[0]]) is not None
    )


def _identifier_spans(normalized: str, text: str, *, signed: bool = True) -> Iterator[Span]:
    """Runs of whole tokens, joined only across spaces on one line, whose letters and digits are the value's.

    A run is whole: `2024 0117` is not the number written `2024 0117 5531`, nor `5531` either. Its first token
    is printed with the value's sign (`_leading_sign`), unless not `signed`.
    """
    target, sign = compact(normalized), _leading_sign(normalized)
    if not target:
        return
    tokens = _identifier_tokens(text)
    for first, (start, _, printed) in enumerate(tokens):
        if first > 0 and _digit_groups_join(text, tokens[first - 1], tokens[first]):
            continue
        if signed and printed != sign:
            continue
        joined = ""
        previous_end = start
        for last, (token_start, token_end, _) in enumerate(tokens[first:], start=first):
            if token_start != start and not _INLINE_GAP.fullmatch(text[previous_end:token_start]):
                break
            joined += compact(text[token_start:token_end])
            previous_end = token_end
            if joined == target:
                if last + 1 == len(tokens) or not _digit_groups_join(text, tokens[last], tokens[last + 1]):
                    yield start, token_end
                break
            if not target.startswith(joined):
                break


def sign_apart(normalized: str, text: str) -> str | None:
    """How `text` writes the identifier `normalized` but for its sign (`-12.50` for `12.50`), if it does."""
    for start, end in _identifier_spans(normalized, text, signed=False):
        printed = next(m for m in _ID_SEPARATORS.finditer(text) if m.start() <= start < m.end())
        return text[printed.start() : end]
    return None


def value_spans(
    kind: str, normalized: str, text: str, choices: Choices | None = None, *, marks: CreditMarks = "accounting"
) -> list[Span]:
    """Every span of `text` that writes `normalized` (a canonical value of `kind`) as a whole token.

    The text is read as a reader sees it, without its format characters; the spans are offsets in `text`. An
    amount's `CR` and `DR` are read as `marks` says (`CreditMarks`): `100.00 CR` writes -100.00 by accounting's
    reading, 100.00 on a bank statement.
    """
    shown, positions = visible(text)
    if positions is None:
        return _spans(kind, normalized, text, choices, marks)
    wanted = visible(normalized)[0]
    found = _spans(kind, wanted, shown, choices, marks)
    return sorted({(positions[start], positions[end - 1] + 1) for start, end in found})


def _spans(kind: str, normalized: str, text: str, choices: Choices | None, marks: CreditMarks) -> list[Span]:
    spans: Iterator[Span]
    if kind == "text":
        spans = _text_spans(normalized, text)
    elif kind == "identifier":
        spans = _identifier_spans(normalized, text)
    elif kind == "date":
        spans = ((m.start, m.end) for m in find_dates(text) if normalized in m.readings)
    elif kind == "amount":
        amount = parse_amount(normalized)
        written = find_amounts(text, marks=marks)
        spans = ((m.start, m.end) for m in written if amount is not None and m.value == amount)
    elif kind == "currency":
        spans = ((start, end) for code, start, end in currency_mentions(text) if code == normalized)
    elif kind == "duration":
        spans = ((m.start, m.end) for m in find_durations(text) if m.canonical == normalized)
    elif kind == "percentage":
        spans = ((m.start, m.end) for m in find_percentages(text) if _same_number(m.value, normalized))
    elif kind == "number":
        # A figure that reads two ways (`14.555`: 14.555 or 14555) writes either.
        spans = ((m.start, m.end) for m in find_numbers(text) if any(_same_number(v, normalized) for v in m.readings))
    elif kind == "enum":
        spans = iter(choice_spans(normalized, text, choices or {}))
    elif kind == "boolean":
        spans = iter(choice_spans(normalized, text, BOOLEAN_CHOICES))
    else:
        raise AssertionError(f"unhandled field kind {kind!r}")
    return sorted(set(spans))


def _same_number(value: Decimal, normalized: str) -> bool:
    try:
        return value == Decimal(normalized)
    except InvalidOperation:
        return False


def _beside_figures(token: str) -> bool:
    return bool(_BESIDE_FIGURES.fullmatch(token)) or token in ISO_4217


def _gap_ends(text: str, start: int) -> Iterator[int]:
    """Where the next word may start after a word ending at `start`: past white space, or past figures on a new line.

    The figures are passed over only as whole tokens and only when they hold a number and the gap
    breaks a line: the text runs on around the row's figures, it does not skip words beside them.
    """
    space = _SPACE.match(text, start)
    if space is None:
        return
    yield space.end()
    figure, line_break = False, "\n" in space.group()
    while (token := _TOKEN.match(text, space.end())) is not None:
        number = bool(_FIGURE.fullmatch(token.group()))
        if not number and not _beside_figures(token.group()):
            return
        if (space := _SPACE.match(text, token.end())) is None:
            return
        figure, line_break = figure or number, line_break or "\n" in space.group()
        if figure and line_break:
            yield space.end()


def wrapped_text_spans(normalized: str, text: str) -> list[Span]:
    """Spans where a table row's text cell is written across the row's lines, around the row's figures.

    The value's words stand in `text` in order, as whole words, separated by white space or by the
    row's figures (numbers, amounts, percentages, currencies, units) where the text breaks a line:
    "Annual maintenance of the packaging 1 $1,450.00 $1,450.00" then "line, including spare parts"
    writes "Annual maintenance of the packaging line, including spare parts". Every span that
    `value_spans("text", ...)` finds is found here too.
    """
    words = normalized.split()
    if not words:
        return []
    patterns = [re.compile(re.escape(word), re.IGNORECASE) for word in words]
    before = r"(?<!\w)" if normalized[0].isalnum() else ""
    after = re.compile(r"(?!\w)" if normalized[-1].isalnum() else "")
    spans: set[Span] = set()
    for first in re.finditer(before + patterns[0].pattern, text, re.IGNORECASE):
        ends = {first.end()}
        for pattern in patterns[1:]:
            starts = {gap for end in ends for gap in _gap_ends(text, end)}
            ends = {m.end() for start in starts if (m := pattern.match(text, start)) is not None}
        spans.update((first.start(), end) for end in ends if after.match(text, end))
    return sorted(spans)
