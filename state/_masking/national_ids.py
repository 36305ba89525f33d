"""National identity numbers: US SSN, UK National Insurance number; behind a label, BSN, Steuer-ID, NIR, DNI/NIE.

The Dutch BSN, the German Steuer-ID, the French NIR and the Spanish DNI/NIE are masked behind their labels only.

Each is masked only when it passes its country's format or check-digit rules (`id_checks`). Without a label, only
shapes nothing else prints count: an SSN in its dashed 3-2-4 groups (dates, phone numbers and amounts are grouped
otherwise) unless a label names it a document's number ("Invoice No. 123-45-6789"), and a National Insurance
number in its spaced pairs (`AB 12 34 56 C`). Behind a label ("SSN", "Social Security No.", "National Insurance
number", "BSN", "Steuer-ID", "Identifikationsnummer", "N° de sécurité sociale", "DNI", "NIE"), a number may also
be compact or grouped otherwise, as long as its checks hold.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from claimflow.state._masking import cards, id_checks
from claimflow.state._masking.text import DASH, NUMBER_ENDS, NUMBER_STARTS, SPACE

_GAP = r"[^\w\n]"
# The label's "No." ("Nr", "Number", "#", "n°") and at most a colon and spaces before the number, on its line.
_NUMBER_WORD = rf"(?:{_GAP}{{0,3}}(?:no\b|nr\b|number\b|num\b|nummer\b|n\u00b0|n\u00ba|#))?\.?{_GAP}{{0,4}}"
_SP = rf"{SPACE}?"


@dataclass(frozen=True)
class _Labelled:
    """A kind of number behind its label: the label's words, the number's printed shapes, its checks."""

    label: str
    number: re.Pattern[str]
    valid: Callable[[str], bool]


_LABELLED = (
    _Labelled(
        rf"ssn|ss#|social{SPACE}security|soc\.?{_SP}sec\.?",
        re.compile(rf"\d{{3}}(?P<sep>{DASH}|{SPACE}|)\d\d(?P=sep)\d{{4}}{NUMBER_ENDS}"),
        id_checks.ssn,
    ),
    _Labelled(
        rf"national{SPACE}insurance|nino|ni",
        re.compile(rf"[A-Za-z]{{2}}{_SP}\d\d{_SP}\d\d{_SP}\d\d{_SP}[A-Da-d]{NUMBER_ENDS}"),
        lambda code: id_checks.nino(code.upper()),
    ),
    _Labelled(
        r"bsn|burgerservicenummer|sofi-?nummer",
        re.compile(
            rf"(?:\d{{4}}\.\d\d\.\d{{3}}|\d{{3}}(?P<sep>{SPACE}|\.|{DASH})\d{{3}}(?P=sep)\d{{3}}|\d{{8,9}}){NUMBER_ENDS}"
        ),
        id_checks.bsn,
    ),
    _Labelled(
        rf"steuer{DASH}?id(?:{DASH}?nr)?|(?:steuer{DASH}?)?identifikationsnummer|id{DASH}?nr",
        re.compile(rf"\d\d(?P<sep>{SPACE}|)\d{{3}}(?P=sep)\d{{3}}(?P=sep)\d{{3}}{NUMBER_ENDS}"),
        id_checks.steuer_id,
    ),
    _Labelled(
        rf"nir|s[\u00e9e]curit[\u00e9e]{SPACE}sociale|n[\u00b0\u00ba]{_SP}s\.?s\.?|insee",
        re.compile(rf"[1278]{_SP}\d\d{_SP}\d\d{_SP}(?:\d\d|2[AaBb]){_SP}\d{{3}}{_SP}\d{{3}}{_SP}\d\d{NUMBER_ENDS}"),
        lambda code: id_checks.nir(code.upper()),
    ),
    _Labelled(
        r"dni|d\.n\.i\.?|nie|n\.i\.e\.?|documento nacional de identidad",
        re.compile(
            rf"(?:\d{{8}}|\d\d\.\d{{3}}\.\d{{3}}|[XYZxyz]{DASH}?\d{{7}})(?:{DASH}|{SPACE})?[A-Za-z]{NUMBER_ENDS}"
        ),
        id_checks.dni,
    ),
)
# Every kind's label in one scan, its group named by the kind's place; the lookahead of the labels' first letters
# lets the scan pass over every other character at once.
_LABEL = re.compile(
    r"(?i)(?=[bdins])(?<!\w)(?:"
    + "|".join(f"(?P<kind{index}>{kind.label})" for index, kind in enumerate(_LABELLED))
    + rf")(?!\w){_NUMBER_WORD}"
)
# Without a label: an SSN with dashes (one kind throughout), a National Insurance number in spaced pairs.
_SSN = re.compile(rf"(?=\d){NUMBER_STARTS}\d{{3}}(?P<sep>{DASH})\d\d(?P=sep)\d{{4}}{NUMBER_ENDS}")
_NINO = re.compile(rf"(?=[A-Z])(?<![\w.-])[A-Z]{{2}}{SPACE}\d\d{SPACE}\d\d{SPACE}\d\d{SPACE}[A-D](?![\w]|[.,/-]\w)")
_PUNCTUATION = re.compile(r"[\W_]")


def _bare(number: str) -> str:
    return _PUNCTUATION.sub("", number)


def find(text: str) -> Iterator[tuple[int, int]]:
    """Where national identity numbers are in `text`."""
    for match in _SSN.finditer(text):
        if id_checks.ssn(_bare(match[0])) and not cards.named_otherwise(text, *match.span()):
            yield match.span()
    for match in _NINO.finditer(text):
        if id_checks.nino(_bare(match[0])):
            yield match.span()
    for label in _LABEL.finditer(text):
        kind = _LABELLED[int(str(label.lastgroup).removeprefix("kind"))]
        number = kind.number.match(text, label.end())
        if number is not None and kind.valid(_bare(number[0])):
            yield number.span()
