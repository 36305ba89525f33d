"""Contract fields from the opening clause and the boilerplate: parties, date, governing law, term."""

from __future__ import annotations

import re
from collections.abc import Sequence

from runtime.backends.rules._claims import Finding
from runtime.backends.rules._lines import Span
from runtime.backends.rules._names import has_legal_form
from runtime.backends.rules._places import JURISDICTIONS
from state.normalize import find_dates, find_durations

_OPENING_CHARS = 4000
_BETWEEN = re.compile(r"\b(?:by\s+and\s+)?(?:between|among)\b|^\s*parties\s*:", re.IGNORECASE | re.MULTILINE)
_NAME_END = re.compile(
    r",\s*(?=[a-z])|,\s+(?:hereinafter|having|whose|with|located|organized|incorporated|on\s+behalf)\b"
    r"|\s+an?\s+(?:[A-Z]?[a-z]+\s+){0,3}(?:corporation|company|partnership|individual|entity|bank)\b"
    r"|\s+(?:d/b/a|dba|doing\s+business\s+as|f/k/a|formerly)\b"
    r"|\s{3,}|;|:|(?<=[a-z]{3})\.\s+(?=[A-Z])|\.?\s*$|\s+\((?!\w+\))",
)
_AND = re.compile(r"\s+and\s+(?=[A-Z0-9])", re.IGNORECASE)
_NOT_PARTY = re.compile(
    r"^(?:the\s+)?(?:company|employee|employer|parties|party|you|us|we|disclosing|receiving|recipient|it|each"
    r"|executive|consultant|purchaser|seller|buyer|such|this|that|any)\b",
    re.IGNORECASE,
)
_DATE_CUE = re.compile(
    r"(?:\bdated(?:\s+and\s+effective)?|\beffective|\bentered\s+into|\bmade|\bexecuted)\b[^.;]{0,40}?$", re.I
)
_REFERENCED = re.compile(r"\b(?:that\s+certain|reference\s+is\s+made|amends|supersedes|pursuant\s+to)\b", re.I)
_GOVERNED = re.compile(
    r"\b(?i:govern(?:ed|s)?|constru(?:ed|e)|interpreted|enforced)\b[^.]{0,160}?\b(?i:laws?\s+of\s+(?:the\s+)?"
    r"(?:(?:state|commonwealth|province)\s+of\s+)?)(?P<place>[A-Z][A-Za-z]+(?:\s+[A-Z][A-Za-z]+){0,2})",
)
_LAWS_OF = re.compile(
    r"\b(?i:laws?\s+of\s+(?:the\s+)?(?:(?:state|commonwealth|province)\s+of\s+)?)(?P<place>[A-Z][A-Za-z]+(?:\s+[A-Z][A-Za-z]+){0,2})"
)
_TERM_CUE = re.compile(
    r"\b(?:term\s+of\s+this\s+(?:letter\s+)?agreement|this\s+(?:letter\s+)?agreement\s+(?:shall|will)\s+(?:remain|continue|be)"
    r"\s+in\s+(?:full\s+)?(?:force|effect)|obligations?\s+(?:under\s+this\s+(?:letter\s+)?agreement|hereunder)\s+"
    r"(?:shall|will)\s+(?:remain|continue|survive|expire|terminate)|the\s+term\s+shall\s+be"
    # "... begins on the Effective Date and continues for a term of two (2) years"
    r"|(?:continue|continues|remain|remains)\s+(?:in\s+(?:full\s+)?(?:force|effect)\s+)?for\s+a\s+(?:term|period)\s+of)\b",
    re.IGNORECASE,
)


def _masked(text: str) -> str:
    # Hide parentheses and quoted defined terms, keeping offsets: ("Company") is not part of a name.
    return re.sub(r"\([^()]{0,400}\)|[“\"][^”\"]{0,60}[”\"]", lambda m: " " * len(m.group()), text)


def _name_at(page: str, masked: str, start: int) -> tuple[int, int] | None:
    while start < len(masked) and masked[start].isspace():
        start += 1
    end_match = _NAME_END.search(masked, start, min(len(masked), start + 120))
    end = end_match.start() if end_match else start
    name = page[start:end].strip(" ,")
    if not name or not (name[0].isupper() or name[0].isdigit()) or len(name.split()) > 9 or _NOT_PARTY.match(name):
        return None
    return start, start + len(name)


def parties(pages: Sequence[str]) -> list[Finding]:
    """The parties named in the opening clause ("between X, a ... corporation, and Y")."""
    page = pages[0] if pages else ""
    masked = _masked(page[:_OPENING_CHARS])
    m = _BETWEEN.search(masked)
    if not m:
        return []
    first = _name_at(page, masked, m.end())
    if first is None:
        return []
    start, end = first
    if (split := _AND.search(page, start, end)) is not None:
        end = split.start()  # "between Alpha and Beta": no descriptor between the names
    after = _AND.search(masked, end, min(len(masked), end + 600))
    second = _name_at(page, masked, after.end()) if after else None
    out: list[Finding] = []
    for span in (s for s in ((start, end), second) if s is not None):
        name = re.sub(r"\s+", " ", page[span[0] : span[1]]).strip(" ,")
        words = name.split()
        person = 2 <= len(words) <= 4 and all(w[0].isupper() for w in words)
        confidence = 0.82 if has_legal_form(name) else 0.72 if person else 0.55
        out.append(Finding("parties", name, confidence, Span(1, span[0], span[1])))
    return out


def effective_date(pages: Sequence[str]) -> Finding | None:
    """The date the opening clause says the agreement is dated or effective."""
    page = pages[0] if pages else ""
    for match in find_dates(page[:_OPENING_CHARS]):
        before = page[max(0, match.start - 60) : match.start]
        cue = _DATE_CUE.search(before)
        context = page[max(0, match.start - 160) : match.start]
        if cue and len(match.readings) == 1 and not _REFERENCED.search(context):
            start = match.start - len(before) + cue.start()
            near = match.start - start <= 45
            return Finding("effective_date", match.readings[0], 0.85 if near else 0.7, Span(1, start, match.end))
    # A letter agreement is dated by its letterhead: a date alone on a line above "Dear ...".
    if re.search(r"^\s*(?:dear|gentlemen|ladies)\b", page[:_OPENING_CHARS], re.IGNORECASE | re.MULTILINE):
        for line in re.finditer(r"^[^\n]*$", page[:1500], re.MULTILINE):
            dates = find_dates(line.group())
            if len(dates) == 1 and len(dates[0].readings) == 1 and len(line.group().strip()) <= 25:
                start = line.start() + dates[0].start
                return Finding("effective_date", dates[0].readings[0], 0.7, Span(1, start, line.start() + dates[0].end))
    return None


def jurisdiction(pages: Sequence[str]) -> Finding | None:
    """The state or country whose law governs the agreement."""
    for pattern, confidence in ((_GOVERNED, 0.9), (_LAWS_OF, 0.55)):
        for number, page in enumerate(pages, start=1):
            for m in pattern.finditer(page):
                words = m["place"].split()
                # Take the longest known place the words start with ("New York", not "New York without").
                for size in range(len(words), 0, -1):
                    place = " ".join(words[:size])
                    if place.casefold() in JURISDICTIONS:
                        start = max(m.start(), m.start("place") - 60)
                        while start > m.start() and not page[start - 1].isspace():
                            start -= 1  # quote whole words
                        return Finding(
                            "jurisdiction", place, confidence, Span(number, start, m.start("place") + len(place))
                        )
    return None


def term(pages: Sequence[str]) -> Finding | None:
    """How long the agreement lasts, when a term clause states it."""
    for number, page in enumerate(pages, start=1):
        for m in _TERM_CUE.finditer(page):
            window = page[m.start() : m.start() + 220]
            sentence = re.split(r"(?<=[a-z)])\.\s", window)[0]
            durations = [
                d for d in find_durations(sentence) if d.canonical.endswith(("years", "year", "months", "month"))
            ]
            if durations:
                d = durations[0]
                start = m.start() if d.end <= 170 else m.start() + max(0, d.start - 30)
                return Finding("term", d.canonical, 0.72, Span(number, start, m.start() + d.end))
    return None
