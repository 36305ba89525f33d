"""Phone numbers: international, US, national with a trunk zero, and any number behind a phone label.

Without a label, a digit group is a phone number only in a shape amounts, dates and references do not take:
a leading "+" or "00", the US 3-3-4 form with dashes or dots or a bracketed area code (or with spaces behind
the trunk "1"), or a trunk "0" area code followed by the subscriber number (9 to 12 digits in all, not a date).
Left visible without a label or a "+": tax ids, references led by a month and a year, and rows of zero-padded
figures, whose shapes no phone number takes. Left visible as ambiguous: "555 123 4567" (a row of three figures
prints so) and "98765 43210" (two ids).

A number wrapped over one line break is read across it only where its first line holds too little of it to be
masked alone and says it is a phone number: a "+" and its country code ("+44 20" at the end of one line,
"7946 0958" at the start of the next), or a phone label ("Tel: 0171" and "1234567"). Figures that merely follow
each other over a break, amounts and dates in a column, stay apart.

A first line masked alone ("+44 20 7946", "Tel: 020 7946") takes the next line's figure too ("0958") when it is
too short to be a whole number (fewer than 10 digits, country code or trunk zero included: a number of its
country's length has more) and that figure stands alone, as one group at least as wide as the line's last and no
wider than four: a reader takes it for the number's last group. A whole number leaves the next line as it is
("+44 20 7946 0958", then "2024 total"), as does a short one before a house number ("12 Main Street"), a
postcode ("10115 Berlin"), an amount ("0958.00") or a date.

A label that ends its line (standing alone on it, or ending with a colon: "Phone:", "Tel.:", "Telephone")
introduces the number that opens the next line. Such a label may stand above another column's row, so the
number must look like one: 7 to 16 digits, and not a date, an amount ("1 234 567", "123456.78"), a reference led
by a year ("2024-0117") or one of the look-alikes above.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from claimflow.state._masking import tax_ids
from claimflow.state._masking.text import DASH, NUMBER_ENDS, NUMBER_STARTS, SPACE

# Groups are joined by one space, or by a slash or dash with a space either side; dots only throughout. Two
# spaces or a tab end a number: that is where a layout puts its next column.
_SEP = rf"(?:{SPACE}?(?:/|{DASH}){SPACE}?|{SPACE})"


def _groups(longest: int) -> str:
    return (
        rf"(?:(?:{_SEP}\d{{1,{longest}}}|{_SEP}?\(\d{{1,5}}\)\d{{0,{longest}}}){{1,7}}|(?:\.\d{{1,{longest}}}){{1,7}})"
    )


_GROUPS = _groups(8)
# Behind a "+" or a label a group may be as long as a subscriber number gets ("+49 111222333", "Telefon: 0170
# 123456789", "+44(0)2079460958"); a bare "00" is a weaker sign, so it keeps the shorter groups.
_LONG_GROUPS = _groups(12)
# Each pattern opens with a lookahead of the characters a find can start with ("(?=[+0(])"): the scan then passes
# over every other character at once, where the look-behinds of NUMBER_STARTS were tried at each (masking took
# twice as long). tests/state/test_quick_scans.py holds each to the finds of the pattern without it.
# The country code may stand in brackets ("(+49) 30 1234 5678", "(0049) 30 ..."). A bare "00" right after a
# digit group continues that number: "4 006381 333931" is an article number (EAN-13) as printed under its bars.
_INTERNATIONAL = re.compile(
    rf"(?=[+0(]){NUMBER_STARTS}(?:\+[1-9]\d{{6,14}}|\+[1-9]\d{{0,3}}{_LONG_GROUPS}|(?<!\d{SPACE})00[1-9]\d{{0,3}}{_GROUPS}"
    rf"|\((?:\+|00)[1-9]\d{{0,3}}\){_LONG_GROUPS}){NUMBER_ENDS}"
)
# "555 123-4567" keeps the dash before the line number, which neither an amount nor a date has.
_US = re.compile(
    rf"(?=[+1(2-9]){NUMBER_STARTS}(?:\+?1(?:{DASH}|\.|{SPACE}))?"
    rf"(?:\([2-9]\d\d\)(?:{SPACE}|{DASH})?\d{{3}}(?:{DASH}|\.|{SPACE})\d{{4}}"
    rf"|[2-9]\d\d(?P<sep>{DASH}|\.)\d{{3}}(?P=sep)\d{{4}}|[2-9]\d\d{SPACE}\d{{3}}{DASH}\d{{4}}){NUMBER_ENDS}"
)
# Spaces alone join a US number only behind the trunk "1" ("1 555 123 4567"): without it, "250 120 3000" is as
# likely a row of figures. No digit group may stand either side, which a row of figures would have.
_US_SPACED = re.compile(
    rf"(?=[+1]){NUMBER_STARTS}(?<!\d{SPACE})\+?1{SPACE}[2-9]\d\d{SPACE}\d{{3}}{SPACE}\d{{4}}(?!{SPACE}\d){NUMBER_ENDS}"
)
# Not right after another digit group: "45107 02 9577 659" is one long number.
_NATIONAL = re.compile(
    rf"(?=[(0]){NUMBER_STARTS}(?<!\d{SPACE})(?:(?:\(0[1-9]\d{{0,3}}\){SPACE}?|0[1-9]\d{{0,3}}{_SEP})"
    rf"(?:\d{{2,4}}(?:(?:{SPACE}|{DASH})\d{{2,4}}){{1,3}}|\d{{3,8}})|0[1-9](?:\.\d\d){{4}}){NUMBER_ENDS}"
)
# Between a label and its number: punctuation and spaces, but not the number's own "+" or "(".
_GAP = r"[^\w\n+(]"
# The words invoices print in English, German, French, Spanish, Portuguese, Italian, Dutch, the Nordic languages
# and Latin America: "Telf." and "Tfno." (Spanish), "Fon" and "Rufnummer" (German), "GSM" (Belgium), "Cel.".
_LABEL = (
    r"(?i)(?=[tpfmhcgr])\b(?:tel|tele?phone|telefon|tel[eé]fono|t[eé]l[eé]phone|t[eé]l|phone|ph|fax|telefax|mobile?"
    r"|mob|handy|cell|cellphone|tlf|call|telf|tfno|tfn|telefoon|telefone|telefonnummer|rufnummer|fon|gsm|m[oó]vil"
    rf"|celular|cel|puhelin)\b(?:{_GAP}{{1,3}}(?:fax|phone|mobile?))?{_GAP}{{0,3}}(?:(?:no|nr|number)\b)?"
    rf"{_GAP}{{0,4}}"
)
_LABELS_NUMBER = rf"(?:\+?\d{{1,16}}|\(\+?\d{{1,5}}\)\d{{0,12}}){_LONG_GROUPS}?"
_LABELLED = re.compile(rf"{_LABEL}(?P<number>{_LABELS_NUMBER}){NUMBER_ENDS}")
# A number's first line runs to the break (a dash may end it: "555-"), its rest opens the next line.
_BREAK = rf"(?:{SPACE}?{DASH})?{SPACE}{{0,2}}\n{SPACE}{{0,2}}"
_REST = rf"\d{{1,12}}(?:{_SEP}\d{{1,12}}){{0,6}}"
_INTERNATIONAL_WRAPPED = re.compile(
    rf"(?=[+(]){NUMBER_STARTS}(?P<number>(?P<first>(?:\+[1-9]\d{{0,3}}|\(\+[1-9]\d{{0,3}}\)){_LONG_GROUPS}?)"
    rf"{_BREAK}{_REST}){NUMBER_ENDS}"
)
_LABELLED_WRAPPED = re.compile(rf"{_LABEL}(?P<number>(?P<first>{_LABELS_NUMBER}){_BREAK}{_REST}){NUMBER_ENDS}")
# A label at the end of its line, then the number opening the next one.
_LABEL_ABOVE = re.compile(rf"{_LABEL}{SPACE}{{0,4}}\n{SPACE}{{0,2}}(?P<number>{_LABELS_NUMBER}){NUMBER_ENDS}")
_LINE_START = re.compile(rf"(?:\A|\n){SPACE}{{0,8}}\Z")
# Amounts, in thousands ("1 234 567", "12.345.678") or with cents ("1234567.50"), and references led by a year
# ("2024-0117", "2024 0117 0001").
_AMOUNT = re.compile(rf"\d{{1,2}}(?P<sep>\.|{SPACE})\d{{3}}(?:(?P=sep)\d{{3}}){{0,4}}|\d{{1,14}}\.\d\d")
_YEAR_LED = re.compile(r"(?:19|20)\d\d\D")
# A trunk zero in brackets ("+44 (0)20") is not dialled after the country code: it does not make a number longer.
_BRACKETED_TRUNK = re.compile(r"\(0\)")
_WHOLE = 10
"""Digits (country code or trunk zero included) from which a first line is taken for a whole number."""
_WIDEST_TAIL = 4
"""The widest figure on the next line taken for a number's last group; postcodes of five digits are wider."""
# A month and a year joined by a space ("02 2024 0117", "01 02 2024 1430") read as a dated reference, which
# documents print far more often than a two-digit area code whose subscriber number opens with 19 or 20.
_MONTH_YEAR = re.compile(rf"(?<!\d)(?:0[1-9]|1[0-2]){SPACE}(?:19|20)\d\d(?!\d)")
_DATE = re.compile(r"\d{1,4}([./-])\d{1,2}\1\d{1,4}")
# An extension after the number ("+44 20 7946 0958 ext. 12", "555-123-4567 x123", "poste 12", "(Durchwahl 12)")
# dials one person: it is masked with the number. One to six digits, not the start of a longer figure; an "x"
# only right before its digits ("x 2" may be a quantity).
_EXTENSION_ITSELF = rf"(?:(?i:ext|extn|extension|poste|durchwahl)\.?{SPACE}{{0,2}}|[xX])\d{{1,6}}{NUMBER_ENDS}"
_EXTENSION = re.compile(rf",?{SPACE}{{1,2}}{_EXTENSION_ITSELF}|{SPACE}?\({_EXTENSION_ITSELF}\)")
_DIGIT = re.compile(r"\d")
_GROUP = re.compile(r"\d+")


def _digits(number: str) -> int:
    return len(_DIGIT.findall(number))


def _zero_padded(number: str) -> bool:
    """Whether the groups are figures padded to one width with zeros, as a table prints them: "0010 0020 0030".

    Groups of three digits or more hardly ever all start with a zero in a phone number: the second would open
    a country code, an area code or a subscriber number with one, and none of those starts so.
    """
    groups = _GROUP.findall(number)
    widths = {len(group) for group in groups}
    return len(groups) > 1 and len(widths) == 1 and min(widths) >= 3 and all(group[0] == "0" for group in groups)


def _look_alike(text: str, start: int, end: int) -> bool:
    """Whether an unlabelled find is a VAT id, a date-led reference or a row of padded figures.

    None of them prints a "+", so a number that starts with one stays a phone number.
    """
    number = text[start:end]
    if number.lstrip("(").startswith("+"):
        return False
    return (
        tax_ids.behind_vat_prefix(text, start, _digits(number))
        or _MONTH_YEAR.search(number) is not None
        or _zero_padded(number)
    )


def _unlabelled(text: str) -> Iterator[tuple[int, int]]:
    for match in _INTERNATIONAL.finditer(text):
        number = match[0].lstrip("(")
        # "00" is an international prefix less surely than "+": it must be followed by a whole number.
        if (7 if number.startswith("+") else 9) <= _digits(number) - (0 if number.startswith("+") else 2) <= 16:
            yield match.span()
    yield from (match.span() for match in _US.finditer(text))
    yield from (match.span() for match in _US_SPACED.finditer(text))
    for match in _NATIONAL.finditer(text):
        if (
            9 <= _digits(match[0]) <= 12
            and not _DATE.fullmatch(match[0])
            and not tax_ids.after_tax_label(text, match.start())
        ):
            yield match.span()


def _wrapped(text: str) -> Iterator[tuple[int, int]]:
    """Numbers wrapped over one line break behind a "+" or a label (see the module's docstring).

    A first line's part shorter than the detector masks alone (7 digits behind a "+", 5 behind a label) takes
    the next line's groups, the whole as long as it masks; a longer one only its last group (`_tail_end`).
    """
    for pattern, shortest in ((_INTERNATIONAL_WRAPPED, 7), (_LABELLED_WRAPPED, 5)):
        for match in pattern.finditer(text):
            if _digits(match["first"]) < shortest <= _digits(match["number"]) <= 16:
                yield match.span("number")
            elif _digits(match["first"]) >= shortest and (end := _tail_end(text, match)) is not None:
                yield match.start("number"), end


def _tail_end(text: str, match: re.Match[str]) -> int | None:
    """Where a first line masked alone but too short to be whole ends with its last group from the next line."""
    first = _BRACKETED_TRUNK.sub("", match["first"])
    rest = text[match.end("first") : match.end("number")].lstrip()
    # One group on the next line; another group there makes it a row of figures.
    if _digits(first) >= _WHOLE or not rest.isdigit():
        return None
    if len(_GROUP.findall(first)[-1]) <= len(rest) <= _WIDEST_TAIL:
        return match.end("number")
    return None


def _below_label(text: str) -> Iterator[tuple[int, int]]:
    """Numbers opening the line after a label that ends its own (see the module's docstring)."""
    for match in _LABEL_ABOVE.finditer(text):
        label = text[match.start() : match.start("number")]
        introduces = ":" in label or _LINE_START.search(text, max(0, match.start() - 9), match.start()) is not None
        number = match["number"]
        start, end = match.span("number")
        if (
            introduces
            and 7 <= _digits(number) <= 16
            and not _DATE.fullmatch(number)
            and not _AMOUNT.fullmatch(number)
            and not _YEAR_LED.match(number)
            and not _look_alike(text, start, end)
        ):
            yield start, end


def _numbers(text: str) -> Iterator[tuple[int, int]]:
    yield from (span for span in _unlabelled(text) if not _look_alike(text, *span))
    # A label outweighs every look-alike shape: "Tel. 0010 0020 0030" is masked as the document calls it.
    for match in _LABELLED.finditer(text):
        if 5 <= _digits(match["number"]) <= 16:
            yield match.span("number")
    yield from _wrapped(text)
    yield from _below_label(text)


def find(text: str) -> Iterator[tuple[int, int]]:
    """Where phone numbers are in `text`, each with the extension printed after it."""
    for start, end in _numbers(text):
        extension = _EXTENSION.match(text, end)
        yield start, end if extension is None else extension.end()
