"""Email addresses, also written with "(at)" / "[at]" / " at " and "(dot)" / " dot ", and on local hosts.

A local part may be quoted, as RFC 5322 allows ("john doe"@example.com): the quotes and all between them are
the address's, spaces and dots included; word processors' curly quotes count as straight ones.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from claimflow.state._masking.text import SPACE

# An apostrophe may stand inside a local part ("o'brien"), never first: a quote before an address is not in it.
_LOCAL = r"[\w.+%-]{1,64}(?:'[\w.+%-]{1,64}){0,3}"
# Quoted: printable characters but the quote and the backslash, or a backslash and the character it escapes;
# never a line break, so that a quote opened earlier on the page cannot reach an address.
_QUOTED_LOCAL = r'(?:"(?:[^"\\\n]|\\[^\n]){1,64}"|\u201c(?:[^\u201c\u201d\\\n]|\\[^\n]){1,64}\u201d)'
_OPEN, _CLOSE = r"[(\[{<]", r"[)\]}>]"
# The full-width sign (U+FF20) is how East Asian text and some address obfuscators print it. A text layer may
# wrap a long address in a narrow cell right before or after its sign: the line break is then the address's too.
# An OCR reading or a hand-typed obfuscation may space the sign by two ("jane.doe  @  example.com").
_AT_SIGN = rf"(?:{SPACE}?\n)?{SPACE}{{0,2}}[@\uff20]{SPACE}{{0,2}}(?:\n{SPACE}?)?"
_AT_BRACKETED = rf"{SPACE}?{_OPEN}{SPACE}?(?i:at){SPACE}?{_CLOSE}{SPACE}?"
_AT_WORD = rf"{SPACE}{{1,2}}(?i:at){SPACE}{{1,2}}"
_DOT_WRITTEN = rf"(?:{SPACE}?{_OPEN}{SPACE}?(?i:dot){SPACE}?{_CLOSE}{SPACE}?|{SPACE}{{1,2}}(?i:dot){SPACE}{{1,2}})"
_LABEL = r"[^\W_][\w-]{0,62}"
# A dot with spaces around it ("jane . doe @ example . com"), as an OCR reading or an obfuscation prints it. Prose
# prints " . " too, so an address spaced so must end on a top-level domain (`_SPACED_TOP_LEVEL`).
_DOT_SPACED = rf"{SPACE}{{1,2}}\.{SPACE}{{1,2}}"
# A local part is spaced out only in an address spaced out after it too, at its sign ("jane . doe @") or in its
# domain ("jane . doe@example . com"): in "Thanks . jane@example.com" the address starts at "jane".
_SPACED_AFTER = rf"(?:{SPACE}{{1,2}}[@\uff20]|[@\uff20]{SPACE}?{_LABEL}{_DOT_SPACED})"
_LOCAL_SPACED = rf"{_DOT_SPACED}{_LOCAL}(?=(?:{_DOT_SPACED}{_LOCAL}){{0,2}}{_SPACED_AFTER})"
# A local part whose dots are written out too ("jane dot doe at example dot com"): left out, "jane dot" stayed.
_LOCAL_SPELLED = rf"{_LOCAL}(?:{_DOT_WRITTEN}{_LOCAL}|{_LOCAL_SPACED}){{0,3}}"
_IP = r"\[?\d{1,3}(?:\.\d{1,3}){3}\]?"
# Every quantifier is bounded and each label ends where a dot (written or not) starts, so a failed attempt costs
# at most one address's length; the look-behind keeps an attempt from starting inside a longer run.
_ADDRESS = re.compile(
    rf"(?<![\w.+%-])(?P<local>{_QUOTED_LOCAL}|{_LOCAL_SPELLED})(?P<at>{_AT_SIGN}|{_AT_BRACKETED})"
    rf"(?P<domain>{_IP}|{_LABEL}(?:(?:{_DOT_SPACED}|\.|{_DOT_WRITTEN}){_LABEL}){{0,9}})"
)
# "jane at example dot com": a bare " at " is an address only when its dots are written out too, so that
# "visit us at www.example.com" stays as it is.
_SPELLED_OUT = re.compile(
    rf"(?<![\w.+%-]){_LOCAL_SPELLED}{_AT_WORD}(?P<domain>{_LABEL}(?:{_DOT_WRITTEN}{_LABEL}){{1,9}})"
)
_BREAK_BEFORE_SIGN = re.compile(rf"{SPACE}?\n")
_DOT = re.compile(rf"{_DOT_SPACED}|\.|{_DOT_WRITTEN}")
_DOT_SPACED_FIND = re.compile(_DOT_SPACED)
_SPACED = re.compile(rf"{_DOT_SPACED}|{SPACE}{{2}}[@\uff20]|[@\uff20]{SPACE}{{2}}")
# Top-level domains an address spaced out ends on: a country's two letters, or a generic one of the oldest.
_SPACED_TOP_LEVEL = re.compile(r"[a-z]{2}|[A-Z]{2}|com|org|net|edu|gov|int|mil|info|biz|COM|ORG|NET|EDU|GOV|INFO|BIZ")
# What an address cannot be written without, looked for first: most pages have no "@" and no written-out dot,
# and one quick scan for them spares the address patterns' slow one, which tries a local part at every word.
_AT_ANYWHERE = re.compile(rf"[@\uff20]|{_OPEN}{SPACE}?(?i:at){SPACE}?{_CLOSE}")
_DOT_WORD = re.compile(r"(?i)dot")
_IP_ADDRESS = re.compile(_IP)
_HOST = re.compile(r"[a-z][a-z0-9-]{2,62}")


def _top_level_domain(domain: str) -> str | None:
    labels = _DOT.split(domain)
    return labels[-1] if len(labels) > 1 else None


def _real_top_level_domain(domain: str) -> bool:
    tld = _top_level_domain(domain)
    return tld is not None and tld.isalpha() and len(tld) >= 2


def _plausible(local: str, at: str, domain: str) -> bool:
    if _BREAK_BEFORE_SIGN.match(at) and not any(char.isalpha() for char in local):
        # A line of figures ("Total 180.00") above one that opens with an address's sign is no local part.
        return False
    if _IP_ADDRESS.fullmatch(domain):
        return True
    if _top_level_domain(domain) is None:
        # A single-label host ("root@localhost", "jane(at)mailhost") when the "at" is tight (no space, no line
        # break: "Price 2 @" ending a line, "EUR" opening the next, is no address) and the host is
        # written as hosts are: "2 @ EUR" is a price, "RICE@PERMAS" a product line, "eCl@ss" a standard's name.
        tight = not at[0].isspace() and not at[-1].isspace()
        return tight and (domain.lower() == "localhost" or _HOST.fullmatch(domain) is not None)
    if _SPACED.search(local + at + domain) is not None:
        # Spaced out, the address must end as addresses do, in one case: "Paid @ shop . Thank you" is prose.
        return _SPACED_TOP_LEVEL.fullmatch(_top_level_domain(domain) or "") is not None
    return _real_top_level_domain(domain)


def _address_end(match: re.Match[str]) -> int | None:
    """Where the address `match` found ends, or None if it is none.

    A domain may have run on over a spaced dot into the sentence after it ("jane@example.com . Thank you"): the
    address then ends at the last such dot it can end at.
    """
    local, at, domain = match["local"], match["at"], match["domain"]
    ends = [len(domain)] + [dot.start() for dot in reversed(list(_DOT_SPACED_FIND.finditer(domain)))]
    for end in ends:
        if _plausible(local, at, domain[:end]):
            return match.start("domain") + end
    return None


def find(text: str) -> Iterator[tuple[int, int]]:
    """Where email addresses are in `text`."""
    if _AT_ANYWHERE.search(text) is not None:
        for match in _ADDRESS.finditer(text):
            end = _address_end(match)
            if end is not None:
                yield match.start(), end
    # Spelled out, the domain has a "dot" written out at least once.
    if _DOT_WORD.search(text) is None:
        return
    for match in _SPELLED_OUT.finditer(text):
        if _real_top_level_domain(match["domain"]):
            yield match.span()
