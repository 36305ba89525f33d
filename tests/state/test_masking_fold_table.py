"""The table masking folds look-alike characters with stays bounded, whatever text a long-lived process reads."""

from __future__ import annotations

from claimflow.state._masking import text
from claimflow.state.masking import mask_pages


def test_a_text_of_many_distinct_characters_leaves_the_table_bounded() -> None:
    # Some 20,000 distinct CJK ideographs, as a long-lived worker reading Chinese documents meets them.
    ideographs = "".join(chr(code) for code in range(0x4E00, 0x4E00 + 20_000))
    assert text.fold(ideographs) == ideographs
    assert text.fold(ideographs) == ideographs  # read again past the bound: the same answer
    # Every character that folds is kept; of those that stay as they are, no more than the bound.
    assert len(text._FOLDING) <= text.KEPT_AS_THEY_ARE + 1000


def test_folding_still_reads_every_scripts_digits_past_the_bound() -> None:
    text.fold("".join(chr(code) for code in range(0x5000, 0x5000 + 2 * text.KEPT_AS_THEY_ARE)))
    arabic_indic = "".join(chr(0x0660 + int(d)) for d in "4111111111111111")
    full_width = "".join(chr(0xFF10 + int(d)) for d in "4111111111111111")
    assert text.fold(arabic_indic) == text.fold(full_width) == "4111111111111111"
    masked = mask_pages((f"Karte {arabic_indic} 物品",))
    assert arabic_indic not in masked.pages[0] and "物品" in masked.pages[0]
