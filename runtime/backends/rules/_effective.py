"""A contract's effective date: the opening clause, a letterhead, the execution clause, signature dates.

Only the agreement's own date counts. A date that belongs to another agreement ("the Supply Agreement
dated March 1, 2010", "WHEREAS, the parties entered into ... on ...") is skipped, not claimed weakly.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from claimflow.runtime.backends.rules._claims import Finding
from claimflow.runtime.backends.rules._lines import Span
from claimflow.runtime.backends.rules._opening import opening, sentence_start
from claimflow.state.normalize import DateMatch, find_dates

_DATE_CUE = re.compile(
    r"(?:\bdated(?:\s+and\s+effective)?|\beffective|\bentered\s+into|\bmade|\bexecuted)\b[^.;]{0,40}?$", re.I
)
_DEFINED_BEFORE = re.compile(r"\beffective\s+date[”\"]?\s*(?::|means|shall\s+mean|shall\s+be|is)\s*$", re.I)
_DEFINED_AFTER = re.compile(r",?\s*\(\s*(?:the|this|hereinafter|hereinafter\s+the)?\s*[“\"]effective\s+date[”\"]", re.I)
_REFERENCED = re.compile(
    r"\b(?:that\s+certain|reference\s+is\s+made|amends|amending|supersedes?|pursuant\s+to|whereas|prior|previous"
    r"|original|existing)\b",
    re.I,
)
# "... to the Master Services Agreement dated ...": the date of another agreement.
_OTHER_AGREEMENT = re.compile(
    r"\b(?i:to|under|of|with)\s+(?:(?i:that\s+certain|the|a|an|its|their)\s+)?(?:[A-Z][\w-]*\s+){0,6}"
    r"(?i:agreement|contract|amendment)\b[^.;()]{0,12}$"
)
_OWN = re.compile(r"\bthis\b|\bhereby\b|^\W*(?:[A-Z][\w-]*\W+){0,6}(?i:agreement)\b", re.I)
_SALUTATION = re.compile(r"^\s*(?:dear|gentlemen|ladies)\b", re.IGNORECASE | re.MULTILINE)
_WITNESS = re.compile(r"\bin\s+witness\s+whereof\b[^.]{0,200}?\bas\s+of\s+(?:the\s+date\s+)?$", re.I)
_SIGNED_ON = re.compile(
    r"(?:^[^\S\n]*dated?\b[^\S\n]*:?|\baccepted\s+and\s+agreed\b[^.:\n]{0,40}?)[^\S\n]*$", re.I | re.M
)


def _opening_date(text: str, match: DateMatch) -> tuple[float, int, int] | None:
    """How sure the date at `match` is the agreement's own date, and the span to quote (None: it is not)."""
    if len(match.readings) != 1:
        return None
    before_at = max(0, match.start - 60)
    before = text[before_at : match.start]
    cue = _DATE_CUE.search(before)
    start = before_at + cue.start() if cue else match.start
    if defined := _DEFINED_BEFORE.search(before):
        return 0.85, min(start, before_at + defined.start()), match.end
    if defined := _DEFINED_AFTER.match(text, match.end, match.end + 60):
        return 0.85, start, defined.end()
    if cue is None:
        return None
    sentence = text[sentence_start(text, match.start) : match.start]
    if _REFERENCED.search(sentence) or _OTHER_AGREEMENT.search(text, max(0, start - 120), start):
        return None
    near = match.start - start <= 45
    return (0.85 if near and _OWN.search(sentence) else 0.7), start, match.end


def _letter_date(number: int, text: str) -> Finding | None:
    # A letter agreement is dated by its letterhead: a date alone on a line above "Dear ...".
    salutation = _SALUTATION.search(text)
    if salutation is None:
        return None
    for line in re.finditer(r"^[^\n]*$", text[: min(1500, salutation.start())], re.MULTILINE):
        dates = find_dates(line.group())
        if len(dates) == 1 and len(dates[0].readings) == 1 and len(line.group().strip()) <= 25:
            start = line.start() + dates[0].start
            return Finding("effective_date", dates[0].readings[0], 0.7, Span(number, start, start + dates[0].end))
    return None


def _signed_dates(pages: Sequence[str]) -> Finding | None:
    """The execution clause's date, else the latest date written beside the signatures."""
    latest: Finding | None = None
    for number, page in enumerate(pages, start=1):
        for match in find_dates(page):
            if len(match.readings) != 1:
                continue
            before = page[max(0, match.start - 240) : match.start]
            if witness := _WITNESS.search(before):
                start = match.start - len(before) + witness.start()
                return Finding("effective_date", match.readings[0], 0.75, Span(number, start, match.end))
            if signed := _SIGNED_ON.search(page, max(0, match.start - 60), match.start):
                start = signed.start()
                if latest is None or match.readings[0] > latest.value:
                    latest = Finding("effective_date", match.readings[0], 0.6, Span(number, start, match.end))
    return latest


def effective_date(pages: Sequence[str]) -> Finding | None:
    """The date the agreement is dated or effective, with the opening clause's word first."""
    for number, text in opening(pages):
        for match in find_dates(text):
            if (dated := _opening_date(text, match)) is not None:
                confidence, start, end = dated
                return Finding("effective_date", match.readings[0], confidence, Span(number, start, end))
    for number, text in opening(pages):
        if letter := _letter_date(number, text):
            return letter
    return _signed_dates(pages)
