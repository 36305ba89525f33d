"""IBANs in any case, compact or in groups split by one or two spaces, a dash or a line break.

A candidate of its country's length counts when its check digits hold (ISO 13616, mod 97), when it is printed
the way IBANs are (capitals, compact or in groups of four), or when an "IBAN" label stands just before it: a
mistyped IBAN is still someone's account.

So is one with a digit dropped or added. A candidate of another length (within the registry's bounds, 15 to 33
characters) counts when it is printed in capitals in groups of four split by one or two spaces ("DE89 3704 0044
0532 0130", a country code of the registry), or right behind a label, compact or in groups of four. Printed so
with a space after the country code ("GB 29 NWBK 6016 1331 9268 1") it counts when a digit is dropped or added,
or its check digits fail, but no more ("GB 29 2024 0117 0001" is a reference). Where the country's length ends on
a whole group and a short one follows ("BE68 5390 0754 7703 4"), the short group is the IBAN's last unless the
check digits hold without it. Compact and unlabelled it stays visible, as do lower-case groups: product codes and
references print so, and nothing but the country's length would tell them from an IBAN. Nor is it read across a
line break: a candidate of the wrong length gives no sign where it ends.

Right behind a label, an IBAN may also be split by a dot, a slash, an underscore or a tab (one of them
throughout), or have a space between its country code and check digits: "IBAN: DE89.3704.0044.0532.0130.00",
"IBAN: DE 89 3704 0044 0532 0130 00", compact after that space or in groups of four counted from the check digits
("IBAN: GB 29NW BK60 1613 3192 681"). Without a label these read as dates, amounts, references, columns of a
layout or VAT ids too often to be taken for IBANs, but for the space after the country code when the check digits
hold (a capital country code, then groups as above: nothing else of that length passes mod 97 by chance often
enough to matter, and masked in part the rest would be read as a phone number).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from claimflow.state._masking.text import DASH, NUMBER_ENDS, SPACE

# Lengths per country, from the SWIFT IBAN registry.
_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BI": 27,
    "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DJ": 27, "DK": 18, "DO": 28,
    "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FK": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23,
    "GL": 18, "GR": 27, "GT": 28, "HN": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26,
    "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21,
    "LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MN": 20, "MR": 27, "MT": 31, "MU": 30, "NI": 28,
    "NL": 18, "NO": 15, "OM": 23, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22,
    "RU": 33, "SA": 24, "SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25,
    "SV": 28, "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20, "YE": 30,
}  # fmt: skip
_LONGEST = max(_LENGTHS.values())
_SHORTEST = min(_LENGTHS.values())
# The start of a candidate only; its body is read from there, so a rejected candidate never hides the next.
# Led by a lookahead of a letter, as the phone patterns by their first characters (the look-behind is slow).
_START = re.compile(r"(?=[A-Za-z])(?<![^\W_])[A-Za-z]{2}\d{2}")
# Not a group in a longer run of them: its tail would be read as an IBAN of the wrong length.
_AFTER_GROUP = re.compile(rf"\d{SPACE}\Z")
_SPACED_START = re.compile(rf"(?=[A-Z])(?<![^\W_])[A-Z]{{2}}{SPACE}\d{{2}}")
# Groups are split by one or two spaces, a dash, or a line break (a table cell wraps a long IBAN).
_BODY = re.compile(rf"(?:(?:{SPACE}{{1,2}}|{DASH}|{SPACE}?\n{SPACE}?)?[A-Za-z0-9]){{11,{_LONGEST - 4}}}")
_PRINTED = re.compile(r"[A-Z]{2}\d{2}(?:(?: [A-Z0-9]{4})+(?: [A-Z0-9]{1,3})?|[A-Z0-9]+)")
_ALNUM = re.compile(r"[A-Za-z0-9]")
_LABEL = re.compile(r"(?i)\biban\b[^\w\n]{0,12}$")
_LABEL_WINDOW = 20
# The same label read forwards, to the first character after it: a labelled candidate starts there.
_LABEL_AHEAD = re.compile(r"(?i)\biban\b[^\w\n]{0,12}")
_LABELLED_HEAD = re.compile(rf"[A-Za-z]{{2}}{SPACE}?\d{{2}}")


def _mistyped(letters: str, separators: str, lead: str = "") -> re.Pattern[str]:
    """The groups after the head of a candidate of the wrong length, split by one of `separators` throughout.

    Whole groups of four but the last, so that it ends where its groups do: an amount or a date after it
    ("... 0130 12.50") is not one of them, nor a word ("... 0130 BIC", "BANK"): past the bank code, a group holds
    a digit, and a short last group is digits. Eight groups are read at most, so that a longer run of groups is
    read too long to be an IBAN, not cut to one. `lead` may stand before the first group, glued to the head.
    """
    group = rf"(?={letters}{{0,3}}\d)(?:{letters}|\d){{4}}"
    return re.compile(
        rf"{lead}(?P<sep>{separators})(?:{letters}|\d){{4}}(?:(?P=sep){group}){{1,7}}(?:(?P=sep)\d{{1,3}})?"
        rf"{NUMBER_ENDS}"
    )


# One or two spaces, the same throughout, as an IBAN of its country's length may be split.
_MISTYPED_PRINTED = _mistyped("[A-Z]", rf"{SPACE}{{1,2}}")
_MISTYPED_GROUPS = _mistyped("[A-Za-z]", rf"{SPACE}{{1,2}}|{DASH}|[._/\t]")
# Behind a label and a space after the country code, the groups of four may be counted from the check digits:
# "IBAN: GB 29NW BK60 1613 3192 681".
_MISTYPED_SHIFTED = _mistyped("[A-Za-z]", rf"{SPACE}{{1,2}}|{DASH}|[._/\t]", lead="[A-Za-z0-9]{1,3}")
# Compact after the head, or after a space that follows a spaced head: "IBAN: GB 29 NWBK6016133192681".
_MISTYPED_COMPACT = re.compile(rf"{SPACE}?[A-Za-z0-9]{{{_SHORTEST - 4},{_LONGEST - 4}}}{NUMBER_ENDS}")
# Groups after the check digits split by one separator kind throughout ("DE89.3704/0044" is not one number).
_SPLIT = re.compile(rf"([._/\t])[A-Za-z0-9]{{1,4}}(?:\1[A-Za-z0-9]{{1,4}}){{0,{_LONGEST}}}")


def _checksum_holds(compact: str) -> bool:
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(char, 36)) for char in rearranged)) % 97 == 1


def _labelled(text: str, start: int) -> bool:
    window = text[max(0, start - _LABEL_WINDOW) : start]
    return _LABEL.search(window.rsplit("\n", 1)[-1]) is not None


def _end_of(text: str, start: int, body_end: int, length: int) -> int | None:
    """Where the `length`-th letter or digit from `start` ends, if a group ends there too."""
    counted = 0
    for char in _ALNUM.finditer(text, start, body_end):
        counted += 1
        if counted == length:
            end = char.end()
            return None if _inside_a_word_or_number(text, end) else end
    return None


def _inside_a_word_or_number(text: str, end: int) -> bool:
    """Whether `end` cuts a word or a number: a letter or digit follows, or a decimal point and a digit do.

    An IBAN printed before an amount on its line (`... 0130 12.50`) must not take the amount's whole part as its
    last group: the model would read `.50`.
    """
    if end == len(text):
        return False
    if text[end].isalnum():
        return True
    return text[end] in ".," and end + 1 < len(text) and text[end + 1].isdigit()


def _grouped_end(text: str, head: re.Match[str]) -> int | None:
    """Where an IBAN whose head (country code, check digits) `head` matched ends, read in groups; None if it does not.

    The groups are `_BODY`'s, and the IBAN as long as its country's (`_LENGTHS`, by the head's first two letters).
    """
    body = _BODY.match(text, head.end())
    length = _LENGTHS.get(head[0][:2].upper())
    return None if body is None or length is None else _end_of(text, head.start(), body.end(), length)


def _compact(text: str, start: int, end: int) -> str:
    return "".join(_ALNUM.findall(text, start, end)).upper()


def _mistyped_end(text: str, head: re.Match[str], body: re.Pattern[str]) -> int | None:
    """Where a candidate of another length than its country's ends, its groups read by `body`; None if it does not.

    The country code must be one of the registry's, and the whole within the registry's bounds of length.
    """
    found = body.match(text, head.end()) if head[0][:2].upper() in _LENGTHS else None
    if found is None:
        return None
    return found.end() if _SHORTEST <= len(_compact(text, head.start(), found.end())) <= _LONGEST else None


def _with_digit_added(text: str, head: re.Match[str], end: int, body: re.Pattern[str]) -> int:
    """Where a candidate read to its country's length ends, or its longer reading by `body` if only that is whole.

    Its country's length may end on a whole group with a short one after it ("BE68 5390 0754 7703 4": a digit
    added): when the check digits fail, the short group is the candidate's last. A valid IBAN is complete.
    """
    if _checksum_holds(_compact(text, head.start(), end)):
        return end
    longer = _mistyped_end(text, head, body)
    return end if longer is None else max(end, longer)


def _labelled_finds(text: str) -> Iterator[tuple[int, int]]:
    """IBANs right behind a label, in the forms only a label makes safe to read (see the module's docstring)."""
    for label in _LABEL_AHEAD.finditer(text):
        head = _LABELLED_HEAD.match(text, label.end())
        length = None if head is None else _LENGTHS.get(head[0][:2].upper())
        if head is None or length is None:
            continue
        split = _SPLIT.match(text, head.end())
        if split is None:
            end = _grouped_end(text, head)
            end = None if end is None else _with_digit_added(text, head, end, _MISTYPED_GROUPS)
        else:
            # The whole run of groups is the IBAN, or it is some other number: none of it is read as an IBAN.
            end = split.end() if _end_of(text, head.start(), split.end(), length) == split.end() else None
        for body in (_MISTYPED_GROUPS, _MISTYPED_COMPACT, _MISTYPED_SHIFTED):
            end = end if end is not None else _mistyped_end(text, head, body)
        if end is not None:
            yield head.start(), end


def find(text: str) -> Iterator[tuple[int, int]]:
    """Where IBANs are in `text`."""
    yield from _labelled_finds(text)
    for head in _START.finditer(text):
        end = _grouped_end(text, head)
        start = head.start()
        if end is None:
            # Not of its country's length: only the printed form, capitals in groups of four, tells an IBAN.
            printed = head[0][:2].isupper() and not _AFTER_GROUP.search(text, max(0, start - 2), start)
            end = _mistyped_end(text, head, _MISTYPED_PRINTED) if printed else None
            if end is not None:
                yield start, end
            continue
        checked = _checksum_holds(_compact(text, start, end))
        if checked or _PRINTED.fullmatch(text, start, end) or _labelled(text, start):
            yield start, end if checked else _with_digit_added(text, head, end, _MISTYPED_PRINTED)
    for head in _SPACED_START.finditer(text):
        end = _grouped_end(text, head)
        if end is not None and _checksum_holds(_compact(text, head.start(), end)):
            yield head.start(), end
        elif not _AFTER_GROUP.search(text, max(0, head.start() - 2), head.start()):
            # Check digits that fail or a digit dropped or added (no more: "GB 29 2024 0117 0001" is a reference):
            # the printed form, as without the space.
            end = _mistyped_end(text, head, _MISTYPED_PRINTED)
            length = _LENGTHS.get(head[0][:2], 0)
            if end is not None and abs(len(_compact(text, head.start(), end)) - length) <= 1:
                yield head.start(), end
