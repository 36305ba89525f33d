"""Contract parties: the opening clause first, then signature blocks, then defined company names.

A bilateral agreement names its parties in one clause ("by and between X, a ... corporation, and Y").
A letter agreement often does not: it says "you" and "we", and its parties show up as the companies
that sign it, or as a company the letter defines ("Foo Inc. (the "Company")").
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from claimflow.runtime.backends.rules._claims import Finding
from claimflow.runtime.backends.rules._lines import Span
from claimflow.runtime.backends.rules._names import LEGAL_FORM, has_legal_form
from claimflow.runtime.backends.rules._opening import opening, sentence_start, signature_lines

_BETWEEN = re.compile(r"\b(?:by\s+and\s+)?(?:between|among)\b|^\s*parties\s*:", re.IGNORECASE | re.MULTILINE)
_MAKES_AGREEMENT = re.compile(r"\b(?:agreement|letter|contract|made|entered|dated|parties)\b", re.IGNORECASE)
_NAME_END = re.compile(
    r",\s*(?=[a-z])|,\s+(?:hereinafter|having|whose|with|located|organized|incorporated|on\s+behalf)\b"
    r"|\s+an?\s+(?:[A-Z]?[a-z]+\s+){0,3}(?:corporation|company|partnership|individual|entity|bank)\b"
    r"|\s+(?:d/b/a|dba|doing\s+business\s+as|f/k/a|formerly)\b"
    r"|\s{3,}|;|:|(?<=[a-z]{3})\.\s+(?=[A-Z0-9])|\.?\s*$|\s+\((?!\w+\))"
    # "... and Beta LLC.\n2. Definitions": a sentence ends after the legal form's period.
    r"|(?i:(?<=inc\.)|(?<=llc\.)|(?<=ltd\.)|(?<=corp\.)|(?<=co\.)|(?<=plc\.)|(?<=l\.p\.)|(?<=n\.v\.)|(?<=s\.a\.))"
    r"\s+(?=[A-Z0-9])(?!(?i:ltd|limited|inc|llc|l\.l\.c|plc|corp)\b)",
)
# The "and" before the next party starts a name: "..., and Beta LLC", not "Research and development".
_AND = re.compile(r"\s+(?i:and)\s+(?=[A-Z0-9])")
_NOT_PARTY = re.compile(
    r"^(?:the\s+)?(?:company|employee|employer|parties|party|you|us|we|disclosing|receiving|recipient|it|each"
    r"|executive|consultant|purchaser|seller|buyer|such|this|that|any)\b",
    re.IGNORECASE,
)
_SENTENCE_STOP = re.compile(r"\b(?:LLC|LLP|LP|PLC|plc|GmbH|AG|SE|KG)\.$")
_DBA = re.compile(r"[\s,]+(?:d/b/a|dba|doing\s+business\s+as|f/k/a)\b.*$", re.IGNORECASE | re.DOTALL)
_ENDS_WITH_FORM = re.compile(r"(?:" + LEGAL_FORM.pattern + r")[.,:]?$")
_TWO_NAMES = re.compile(LEGAL_FORM.pattern + r"[.,]?\s+[A-Z][^:;]*?" + LEGAL_FORM.pattern)
_SIGNATURE_NAME = re.compile(r"[A-Z0-9][\w.,&'’/ -]{1,80}")
# A company the text defines as a party: "Foo Holdings, Inc. and its subsidiaries (the "Company")".
_DEFINED = re.compile(
    r"(?P<name>(?:[A-Z][\w.&'’-]*,?\s+){1,6}?(?:" + LEGAL_FORM.pattern + r"))"
    r"(?=[^.;()]{0,160}\((?:the\s+|hereinafter\s+|collectively,?\s+(?:the\s+)?)?[“\"](?:Company|Corporation"
    r"|Employer|Parent|Buyer|Seller|Purchaser|Recipient|Disclos\w+(?:\s+Party)?|Receiving\s+Party|Client|Customer"
    r"|Vendor|Supplier|Contractor|Licensor|Licensee|Lender|Investor|Acquir[eo]r|Bidder"
    # or a short name of its own ("Acme"), but not a defined thing ("Transaction", "Purpose")
    r"|(?!(?:Agreement|Transaction|Information|Purpose|Business|Project|Proposal|Materials?|Territory|Products?"
    r"|Services|Effective|Evaluation|Confidential|Merger|Offer|Deal|Opportunit\w*)\b)[A-Z][A-Za-z]{1,10})[”\"]\))"
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


def _second_name(page: str, masked: str, end: int) -> tuple[int, int] | None:
    """The party after the first one: after ", and" / ") and" if there is one, else after any "and"."""
    ands = list(_AND.finditer(masked, end, min(len(masked), end + 600)))
    listed = [m for m in ands if page[: m.start()].rstrip()[-1:] in (",", ")")]
    for m in (*listed, *ands):
        if (name := _name_at(page, masked, m.end())) is not None:
            return name
    return None


def _confidence(name: str) -> float:
    words = name.split()
    person = 2 <= len(words) <= 4 and all(w[0].isupper() for w in words)
    return 0.82 if has_legal_form(name) else 0.72 if person else 0.55


def _opening_clause(pages: Sequence[str]) -> list[Finding]:
    for number, text in opening(pages):
        page = pages[number - 1]
        masked = _masked(text)
        for m in _BETWEEN.finditer(masked):
            if not _MAKES_AGREEMENT.search(page, sentence_start(page, m.start()), m.end()):
                continue
            first = _name_at(page, masked, m.end())
            if first is None:
                continue
            start, end = first
            if (split := _AND.search(page, start, end)) is not None:
                end = split.start()  # "between Alpha and Beta": no descriptor between the names
            second = _second_name(page, masked, end)
            spans = [(start, end), *([second] if second else [])]
            return [_finding(page, number, s, e, None) for s, e in spans]
    return []


def _finding(page: str, number: int, start: int, end: int, confidence: float | None) -> Finding:
    if _SENTENCE_STOP.search(page, start, end):
        end -= 1  # "Beta LLC." ends a sentence: the period is not part of the name
    name = re.sub(r"\s+", " ", page[start:end]).strip(" ,")
    return Finding("parties", name, _confidence(name) if confidence is None else confidence, Span(number, start, end))


def _signers(page: str) -> Iterator[tuple[int, int]]:
    """Company names in the lines just above each "By:" line (two-column blocks give two)."""
    for by in signature_lines(page):
        lines = list(re.finditer(r"[^\n]+", page[max(0, by - 400) : by]))[-4:]
        for line in reversed(lines):
            offset = max(0, by - 400) + line.start()
            columns = [(offset + c.start(), c.group()) for c in re.finditer(r"\S+(?:[ \t]{1,2}\S+)*", line.group())]
            names = [(s, text) for s, text in columns if _is_signer(text)]
            if names:
                for start, text in names:
                    name = _DBA.sub("", text).rstrip(" ,:")
                    yield start, start + len(name)
                break


def _is_signer(text: str) -> bool:
    text = text.strip()
    return (
        _SIGNATURE_NAME.fullmatch(text) is not None
        and _ENDS_WITH_FORM.search(_DBA.sub("", text).rstrip(" ,:")) is not None
        and _TWO_NAMES.search(text) is None
        and not _NOT_PARTY.match(text)
        and len(text.split()) <= 8
    )


def _signature_blocks(pages: Sequence[str]) -> list[Finding]:
    return [
        _finding(page, number, start, end, 0.7)
        for number, page in enumerate(pages, start=1)
        for start, end in _signers(page)
    ]


def _defined_companies(pages: Sequence[str]) -> list[Finding]:
    out: list[Finding] = []
    for number, text in opening(pages):
        for m in _DEFINED.finditer(text):
            name = m["name"]
            if not _NOT_PARTY.match(name) and not _TWO_NAMES.search(name):
                out.append(_finding(pages[number - 1], number, m.start("name"), m.end("name"), 0.6))
    return out[:2]


def parties(pages: Sequence[str]) -> list[Finding]:
    """The parties named in the opening clause, else the companies that sign, else the defined companies."""
    for rule in (_opening_clause, _signature_blocks, _defined_companies):
        if found := rule(pages):
            unique: dict[str, Finding] = {}
            for finding in found:
                unique.setdefault(re.sub(r"\W+", "", finding.value.casefold()), finding)
            return list(unique.values())
    return []
