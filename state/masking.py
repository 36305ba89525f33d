"""Personal-data masking: the text a model sees has emails, phones, IBANs and card numbers replaced.

Masking is pure: it returns the masked pages and the replacements, from which offsets in the
masked text map back to the source and placeholders map back to their originals.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?\b")
_PHONE = re.compile(
    r"(?:(?<=[\s:])|^)(?:\+\d{1,3}[\s./-]?)?(?:\(\d{1,5}\)[\s./-]?)?\d{2,5}(?:[\s./-]\d{2,8}){1,4}(?=\s|$|[,;)])"
)
_PHONE_LABEL = re.compile(
    r"(?:tel|phone|telefon|téléphone|fax|mobile|mob|handy|tél)\.?\s*(?:no\.?|nr\.?)?\s*:?\s*$", re.I
)
_CARD = re.compile(r"\b(?:\d[ -]?){13,19}\b")


class Replacement(BaseModel):
    """One masked span: where it was in the source page and where its placeholder is."""

    model_config = ConfigDict(frozen=True)

    page: int
    placeholder: str
    original: str
    source_start: int
    source_end: int
    masked_start: int
    masked_end: int


class MaskResult(BaseModel):
    """Masked pages and the replacements that produced them."""

    model_config = ConfigDict(frozen=True)

    pages: tuple[str, ...]
    replacements: tuple[Replacement, ...]


def _luhn(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _spans(text: str) -> list[tuple[int, int, str]]:
    spans: list[tuple[int, int, str]] = []

    def add(start: int, end: int, kind: str) -> None:
        if not any(s < end and start < e for s, e, _ in spans):
            spans.append((start, end, kind))

    for m in _EMAIL.finditer(text):
        add(m.start(), m.end(), "EMAIL")
    for m in _IBAN.finditer(text):
        add(m.start(), m.end(), "IBAN")
    for m in _CARD.finditer(text):
        digits = re.sub(r"\D", "", m.group())
        if 13 <= len(digits) <= 19 and _luhn(digits):
            add(m.start(), m.end(), "CARD")
    for m in _PHONE.finditer(text):
        # A bare digit group is only a phone number behind a phone label or in international form;
        # otherwise amounts, dates and reference numbers would be masked too.
        line_start = text.rfind("\n", 0, m.start()) + 1
        labelled = bool(_PHONE_LABEL.search(text[line_start : m.start()]))
        if labelled or m.group().startswith("+"):
            add(m.start(), m.end(), "PHONE")
    return sorted(spans)


def mask_pages(pages: tuple[str, ...]) -> MaskResult:
    """Replace personal data in every page by numbered placeholders such as [EMAIL_1]."""
    counters: dict[str, int] = {}
    seen: dict[str, str] = {}
    masked_pages: list[str] = []
    replacements: list[Replacement] = []
    for number, text in enumerate(pages, start=1):
        out: list[str] = []
        cursor = 0
        masked_len = 0
        for start, end, kind in _spans(text):
            original = text[start:end]
            placeholder = seen.get(original)
            if placeholder is None:
                counters[kind] = counters.get(kind, 0) + 1
                placeholder = seen[original] = f"[{kind}_{counters[kind]}]"
            out.append(text[cursor:start])
            masked_len += start - cursor
            replacements.append(
                Replacement(
                    page=number,
                    placeholder=placeholder,
                    original=original,
                    source_start=start,
                    source_end=end,
                    masked_start=masked_len,
                    masked_end=masked_len + len(placeholder),
                )
            )
            out.append(placeholder)
            masked_len += len(placeholder)
            cursor = end
        out.append(text[cursor:])
        masked_pages.append("".join(out))
    return MaskResult(pages=tuple(masked_pages), replacements=tuple(replacements))


@dataclass(frozen=True)
class Unmasked:
    """A text with its placeholders restored, and which placeholders that took."""

    text: str
    placeholders: tuple[str, ...]


def unmask_text(text: str, replacements: tuple[Replacement, ...]) -> Unmasked:
    """Restore originals for every placeholder in `text`."""
    used: list[str] = []
    for placeholder, original in {r.placeholder: r.original for r in replacements}.items():
        if placeholder in text:
            text = text.replace(placeholder, original)
            used.append(placeholder)
    return Unmasked(text, tuple(used))


def source_offset(page: int, masked_offset: int, replacements: tuple[Replacement, ...]) -> int:
    """Map an offset in a masked page back to the same place in the source page."""
    shift = 0
    for r in replacements:
        if r.page != page or r.masked_start >= masked_offset:
            continue
        if masked_offset < r.masked_end:
            return r.source_start
        shift += (r.source_end - r.source_start) - (r.masked_end - r.masked_start)
    return masked_offset + shift
