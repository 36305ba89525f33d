"""Users' own named mask patterns: checked when loaded, run once per page within a time budget."""

from __future__ import annotations

import re
import time

import pytest
from pydantic import ValidationError

from claimflow.state.errors import MaskingTimeoutError
from claimflow.state.masking import MaskPatterns, mask_pages, unmask_text

PATTERNS = MaskPatterns(patterns={"employee_id": r"\bEMP-\d{6}\b", "policy_no": r"\bPOL[0-9]{8}\b"})


def test_a_named_pattern_masks_with_its_name_as_placeholder_and_unmasks() -> None:
    pages = ("Approved by EMP-004211 for POL12345678.\nTotal 180.00 GBP\n", "EMP-004211 again, EMP-000001 too")
    result = mask_pages(pages, PATTERNS)
    assert result.pages == (
        "Approved by [EMPLOYEE_ID_1] for [POLICY_NO_1].\nTotal 180.00 GBP\n",
        "[EMPLOYEE_ID_1] again, [EMPLOYEE_ID_2] too",
    )
    assert unmask_text(result.pages[1], result.replacements).text == pages[1]


def test_built_in_kinds_are_masked_beside_the_patterns() -> None:
    result = mask_pages(("EMP-004211, jane(at)example.org",), PATTERNS)
    assert result.pages == ("[EMPLOYEE_ID_1], [EMAIL_1]",)


def test_a_pattern_that_covers_a_built_in_find_and_more_is_masked_as_the_longer_find() -> None:
    patterns = MaskPatterns(patterns={"contact": r"Contact: \S+@\S+ \(\w+\)"})
    result = mask_pages(("Contact: jane@example.org (sales)\n",), patterns)
    assert result.pages == ("[CONTACT_1]\n",)


@pytest.mark.parametrize(
    ("patterns", "message"),
    [
        ({"bad": "EMP-(\\d{6}"}, "pattern 'bad' .* is not a valid regular expression"),
        ({"anything": "x*"}, "pattern 'anything' .* matches the empty text"),
        ({"words": "(\\w+\\s?)+$"}, re.escape("pattern 'words' repeats a repeat without bound in `(\\w+\\s?)+`")),
        ({"ids": "(?:[A-Z]{2,}\\d)*X"}, "pattern 'ids' repeats a repeat without bound"),
        ({"email": "x@y"}, "pattern name 'email': EMAIL is a built-in kind"),
        ({"ref": "R\\d+", "REF": "F\\d+"}, "pattern name 'REF': REF is taken by 'ref'"),
        ({"2nd": "x"}, "pattern name '2nd': use letters, digits and _"),
    ],
)
def test_a_bad_pattern_is_refused_with_its_name(patterns: dict[str, str], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        MaskPatterns(patterns=patterns)


def test_bounded_repeats_inside_repeats_are_accepted() -> None:
    MaskPatterns(patterns={"words": r"(\w{1,30}\s?){1,10}END", "ids": r"(?:[A-Z]{2}\d)+X"})


def test_a_pattern_past_its_time_budget_fails_the_page_instead_of_leaving_it_unmasked() -> None:
    # Alternatives that overlap backtrack exponentially; the load-time check cannot see this shape.
    patterns = MaskPatterns(patterns={"slow": r"(?:a|aa)+b"}, seconds_per_page=0.2)
    started = time.perf_counter()
    with pytest.raises(MaskingTimeoutError, match=r"mask pattern 'slow' took more than 0.2 s on page 2"):
        mask_pages(("fine", "a" * 60 + "!"), patterns)
    assert time.perf_counter() - started < 10
