"""How long a contract lasts, read only from a clause about the agreement's own term.

The term is how long the agreement (or its obligations) runs from its date: "This Agreement shall
remain in effect for two (2) years", "the obligations hereunder shall continue for 18 months".
These are not the term:
- survival periods: "obligations survive for three (3) years after termination";
- restricted periods after the relationship ends: "during the term and for one (1) year thereafter";
- notice periods: "terminate on six (6) months' written notice".
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from claimflow.runtime.backends.rules._claims import Finding
from claimflow.runtime.backends.rules._lines import Span
from claimflow.state.normalize import DurationMatch, find_durations

# The clearest term clause stays below auto-accept: annotated contracts often leave the term empty
# even when such a clause states one, so a reviewer confirms it.
_STRONG, _PLAIN, _WEAK = 0.78, 0.72, 0.6
_HEADING = re.compile(
    r"(?:^|\n)[ \t]*(?:(?:section|article)[ \t]+)?(?:\d+(?:\.\d+)*\.?|[A-Z]\.|\(\w{1,3}\))?[ \t]*"
    r"(?:duration|term(?:[ \t]+(?:and|&)[ \t]+termination)?(?:[ \t]+of[ \t]+(?:this[ \t]+)?agreement)?)"
    r"[ \t]*[.:\-–—][ \t]*",
    re.IGNORECASE,
)
_TERM_CUE = re.compile(
    r"\b(?:term\s+of\s+this\s+(?:letter\s+)?agreement|this\s+(?:letter\s+)?agreement\s+(?:shall|will)\s+(?:remain|continue|be)"
    r"\s+in\s+(?:full\s+)?(?:force|effect)|obligations?\s+(?:under\s+this\s+(?:letter\s+)?agreement|hereunder)\s+"
    r"(?:shall|will)\s+(?:remain|continue|expire|terminate)|the\s+term\s+shall\s+be"
    # "... begins on the Effective Date and continues for a term of two (2) years"
    r"|(?:continue|continues|remain|remains)\s+(?:in\s+(?:full\s+)?(?:force|effect)\s+)?for\s+a\s+(?:term|period)\s+of)\b",
    re.IGNORECASE,
)
_AGREEMENT_SUBJECT = re.compile(
    r"^\W*(?:this\s+(?:letter\s+)?agreement|the\s+term(?:\s+of\s+this\s+(?:letter\s+)?agreement)?)\b"
    r"[^.;]{0,80}?\b(?:(?:shall|will)\s+(?:remain|continue|be|expire|terminate)|remains|continues|expires|is)\b",
    re.IGNORECASE,
)
_FOR = re.compile(
    r"\b(?:for|of|until|expire\s+(?:on\s+the\s+date\s+)?)\s+(?:(?:a|an|the)\s+)?(?:(?:initial\s+)?(?:period|term)\s+of\s+)?$",
    re.I,
)
_AFTER_END = re.compile(
    r"[\s,)]*(?:period\s+)?(?:thereafter|(?:after|following|upon|from)\s+(?:the\s+|such\s+|any\s+|its\s+|his\s+|her\s+"
    r"|your\s+|the\s+date\s+of\s+(?:the\s+|such\s+)?)?(?:termination|expiration|expiry|end|cessation|completion"
    r"|separation|departure|resignation)|['’]?\s*(?:prior\s+)?(?:written\s+)?notice)",
    re.IGNORECASE,
)
_NOT_TERM_BEFORE = re.compile(
    r"\b(?:surviv\w*|notice|within|prior\s+to|at\s+least|not\s+less\s+than|no\s+later\s+than|thereafter)\b", re.I
)
_SENTENCE = re.compile(r"(?<=[a-z0-9)])\.(?:\s|$)")


def _candidates(page: str) -> Iterator[tuple[int, bool]]:
    """Starts of sentences that may state the term, and whether a "Term" heading leads them."""
    for m in _HEADING.finditer(page):
        yield m.end(), True
    for m in _TERM_CUE.finditer(page):
        yield m.start(), False


def _valid(sentence: str, d: DurationMatch) -> bool:
    if not d.canonical.endswith(("years", "year", "months", "month")):
        return False
    return not _AFTER_END.match(sentence, d.end) and not _NOT_TERM_BEFORE.search(sentence, 0, d.start)


def _confidence(sentence: str, d: DurationMatch, headed: bool, valid: list[DurationMatch]) -> float:
    direct = _FOR.search(sentence, max(0, d.start - 50), d.start) is not None
    if direct and len(valid) == 1 and _AGREEMENT_SUBJECT.match(sentence):
        return _STRONG if headed else _PLAIN
    return _PLAIN if direct else _WEAK


def term(pages: Sequence[str]) -> Finding | None:
    """How long the agreement lasts, when a term clause states it."""
    found: list[tuple[float, int, Finding]] = []
    for number, page in enumerate(pages, start=1):
        for start, headed in _candidates(page):
            window = page[start : start + 300]
            sentence = window[: m.start() + 1] if (m := _SENTENCE.search(window)) else window
            durations = find_durations(sentence)
            valid = [d for d in durations if _valid(sentence, d)]
            if not valid or len(durations) > 3:
                continue
            d = valid[0]
            quote_at = start if d.end <= 200 else start + max(0, d.start - 40)
            confidence = _confidence(sentence, d, headed, valid)
            found.append(
                (
                    confidence,
                    len(found),
                    Finding("term", d.canonical, confidence, Span(number, quote_at, start + d.end)),
                )
            )
    return max(found, key=lambda item: (item[0], -item[1]))[2] if found else None
