"""Personal-data masking: the text a model sees has emails, phones, IBANs, cards, national ids and patterns replaced.

Masking is pure: it returns the masked pages and the replacements, from which offsets in the
masked text map back to the source and placeholders map back to their originals. It takes time
linear in the text (see `state/_masking`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, field_validator

from claimflow.state._masking import BUILT_IN, Span, built_in_finds, choose, custom
from claimflow.state.errors import MaskingTimeoutError

BUILT_IN_KINDS = tuple(kind for kind, _ in BUILT_IN)
"""The kinds masked without configuration: EMAIL, IBAN, CARD, PHONE, NATIONAL_ID."""
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,39}")


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


class MaskPatterns(BaseModel):
    """Users' own named regular expressions, masked besides the built-in kinds.

    Each runs once per page; a page it takes longer than `seconds_per_page` on fails its run rather than
    reach a model partly masked. A name becomes the placeholder: `employee_id` masks as `[EMPLOYEE_ID_1]`.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)

    patterns: dict[str, str] = Field(default_factory=dict)
    """Name to pattern (Python `re` syntax), e.g. `employee_id` to `EMP-[0-9]{6}`."""
    seconds_per_page: float = Field(default=1.0, gt=0, le=600)
    """How long one pattern may take on one page."""

    @field_validator("patterns")
    @classmethod
    def _check(cls, patterns: dict[str, str]) -> dict[str, str]:
        kinds: dict[str, str] = {}
        for name, pattern in patterns.items():
            if not _NAME.fullmatch(name):
                raise ValueError(f"pattern name {name!r}: use letters, digits and _ (up to 40), starting with a letter")
            kind = name.upper()
            if kind in BUILT_IN_KINDS or kind in kinds:
                taken = "a built-in kind" if kind in BUILT_IN_KINDS else f"taken by {kinds[kind]!r}"
                raise ValueError(f"pattern name {name!r}: {kind} is {taken}; choose another name")
            kinds[kind] = name
            try:
                compiled = custom.compile_pattern(pattern)
            except ValueError as error:
                raise ValueError(f"pattern {name!r} (`{pattern}`) is not a valid regular expression: {error}") from None
            if compiled.fullmatch(""):
                raise ValueError(f"pattern {name!r} (`{pattern}`) matches the empty text; it must match something")
            nested = custom.nested_repeat(pattern)
            if nested is not None:
                raise ValueError(
                    f"pattern {name!r} repeats a repeat without bound in `{nested}`, which can take time exponential "
                    "in the text's length; give one of the two repeats an upper bound, e.g. {1,20}"
                )
        return patterns

    def finds(self, text: str, page: int) -> list[Span]:
        """Every match of every pattern on one page; raises MaskingTimeoutError past the time budget."""
        found: list[Span] = []
        for name, pattern in self.patterns.items():
            kind = name.upper()
            try:
                found += ((start, end, kind) for start, end in custom.find(pattern, text, self.seconds_per_page))
            except TimeoutError:
                raise MaskingTimeoutError(
                    f"mask pattern {name!r} took more than {self.seconds_per_page} s on page {page} "
                    f"({len(text)} characters), so the page was not sent to a model; make the pattern cheaper "
                    "(anchor it, bound its repeats) or raise seconds_per_page"
                ) from None
        return found


def mask_pages(pages: tuple[str, ...], patterns: MaskPatterns | None = None) -> MaskResult:
    """Replace personal data in every page by numbered placeholders such as [EMAIL_1].

    The built-in kinds are masked always, `patterns` besides them. Time grows linearly with the text.
    """
    rank = {kind: index for index, kind in enumerate(BUILT_IN_KINDS)}
    counters: dict[str, int] = {}
    seen: dict[str, str] = {}
    masked_pages: list[str] = []
    replacements: list[Replacement] = []
    for number, text in enumerate(pages, start=1):
        finds = list(built_in_finds(text))
        if patterns is not None:
            finds += patterns.finds(text, number)
        out: list[str] = []
        cursor = 0
        masked_len = 0
        for start, end, kind in choose(finds, rank):
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
