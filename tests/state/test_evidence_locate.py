"""locate: a quote is found in the source (white space may differ) and any stated place must agree."""

from __future__ import annotations

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from claimflow.state.documents import SourceText
from claimflow.state.evidence import ClaimedEvidence, find_value_evidence, locate, quote_matches
from tests.factories import INVOICE, INVOICE_PAGE_1, INVOICE_PAGE_2, claimed


def test_quote_is_found_with_exact_page_and_offsets() -> None:
    found = locate(claimed("Invoice No.: INV-2024-0042"), INVOICE)
    assert found.evidence is not None
    start = INVOICE_PAGE_1.index("Invoice No.")
    assert (found.evidence.page, found.evidence.start, found.evidence.end) == (1, start, start + 26)
    assert INVOICE.page(1)[found.evidence.start : found.evidence.end] == found.evidence.quote


def test_white_space_in_the_quote_may_differ_and_the_exact_text_is_stored() -> None:
    # The page has a run of spaces between "Hammer" and "2"; the model re-flowed it.
    found = locate(claimed("Hammer 2 25,00 50,00"), INVOICE)
    assert found.evidence is not None
    assert found.evidence.page == 2
    assert found.evidence.quote == "Hammer              2   25,00     50,00"
    assert INVOICE_PAGE_2[found.evidence.start : found.evidence.end] == found.evidence.quote


def test_quote_across_a_line_break_is_found() -> None:
    found = locate(claimed("Net amount: 135,00 EUR VAT 19%: 25,65 EUR"), INVOICE)
    assert found.evidence is not None
    assert "\n" in found.evidence.quote


def test_quote_not_in_the_source_is_rejected() -> None:
    found = locate(claimed("Total 170,65 €"), INVOICE)
    assert found.evidence is None
    assert "is not in the document" in found.reason


def test_quote_with_other_words_is_rejected() -> None:
    assert locate(claimed("Total amount 160,65 €"), INVOICE).evidence is None


def test_quote_is_case_sensitive() -> None:
    assert locate(claimed("total 160,65 €"), INVOICE).evidence is None


def test_quote_with_regex_characters_is_taken_literally() -> None:
    source = SourceText(pages=("VAT (19%) applies. Total: 10.00*",))
    assert locate(claimed("VAT (19%) applies."), source).evidence is not None
    assert locate(claimed("VAT (19%) applies!"), source).evidence is None
    assert locate(claimed("10.00*"), source).evidence is not None
    assert locate(claimed("10a00"), source).evidence is None


def test_white_space_only_quote_is_rejected() -> None:
    found = locate(ClaimedEvidence(quote="   "), INVOICE)
    assert found.evidence is None
    assert found.reason == "quote is empty"


def test_stated_page_that_disagrees_is_rejected() -> None:
    found = locate(claimed("Total 160,65 €", page=1), INVOICE)
    assert found.evidence is None
    assert "not on stated page 1" in found.reason
    assert "[2]" in found.reason


def test_stated_page_that_agrees_is_accepted() -> None:
    found = locate(claimed("Total 160,65 €", page=2), INVOICE)
    assert found.evidence is not None
    assert found.evidence.page == 2


def test_quote_on_page_two_without_a_stated_page_resolves_to_page_two() -> None:
    found = locate(claimed("VAT 19%: 25,65 EUR"), INVOICE)
    assert found.evidence is not None
    assert found.evidence.page == 2
    assert found.evidence.start == INVOICE_PAGE_2.index("VAT 19%")


def test_page_beyond_the_document_is_rejected() -> None:
    found = locate(claimed("INVOICE", page=3), INVOICE)
    assert found.evidence is None
    assert "does not exist" in found.reason


def test_stated_offsets_that_agree_are_accepted() -> None:
    start = INVOICE_PAGE_1.index("Due date")
    found = locate(claimed("Due date: 11 April 2024", page=1, start=start, end=start + 23), INVOICE)
    assert found.evidence is not None
    assert (found.evidence.start, found.evidence.end) == (start, start + 23)


def test_stated_start_that_disagrees_is_rejected() -> None:
    start = INVOICE_PAGE_1.index("Due date")
    found = locate(claimed("Due date: 11 April 2024", page=1, start=start + 1), INVOICE)
    assert found.evidence is None
    assert "disagree with where the quote is" in found.reason


def test_stated_end_that_disagrees_is_rejected() -> None:
    start = INVOICE_PAGE_1.index("Due date")
    found = locate(claimed("Due date: 11 April 2024", page=1, start=start, end=start + 20), INVOICE)
    assert found.evidence is None
    assert "disagree" in found.reason


def test_offsets_without_a_page_pick_the_occurrence_they_name() -> None:
    source = SourceText(pages=("Total 5,00\nTotal 5,00",))
    found = locate(claimed("Total 5,00", start=11), source)
    assert found.evidence is not None
    assert found.evidence.start == 11
    first = locate(claimed("Total 5,00"), source)
    assert first.evidence is not None
    assert first.evidence.start == 0


def test_offsets_of_the_other_page_are_rejected_when_the_page_is_stated() -> None:
    source = SourceText(pages=("xx Total 5,00", "Total 5,00"))
    # [3:13] is where the quote is on page 1, but the claim says page 2.
    assert locate(claimed("Total 5,00", page=2, start=3, end=13), source).evidence is None
    assert locate(claimed("Total 5,00", page=1, start=3, end=13), source).evidence is not None


def test_find_value_evidence_locates_a_literal_value() -> None:
    found = find_value_evidence("ACME Tools GmbH", INVOICE)
    assert found is not None
    assert (found.page, found.start) == (1, 0)
    assert find_value_evidence("Globex Corp", INVOICE) is None
    assert find_value_evidence("  ", INVOICE) is None


_SPACES = " \t\n\u00a0\u2003\x1c"
# Few letters, so that a quote stands in a page often, and in several places: some overlapping, some with
# words that run together, which only white space may separate. Regular expression characters among them.
_PAGE_TEXT = st.text(alphabet=st.sampled_from("ab.*" + _SPACES), max_size=40)


@st.composite
def _page_and_quote(draw: st.DrawFn) -> tuple[str, str]:
    """A page, and a quote that is often a slice of it with its white space re-flowed, sometimes anything.

    A slice may also get white space where the page has none, which no match may take as a word break.
    """
    page = draw(_PAGE_TEXT)
    if not page or draw(st.booleans()):
        return page, draw(_PAGE_TEXT)
    start = draw(st.integers(0, len(page) - 1))
    piece = page[start : draw(st.integers(start + 1, len(page)))]
    if draw(st.booleans()):
        cut = draw(st.integers(0, len(piece)))
        piece = piece[:cut] + " " + piece[cut:]
    return page, draw(st.sampled_from(_SPACES)).join(piece.split())


@settings(max_examples=400, deadline=None)
@given(_page_and_quote())
@example(("a a a", "a a"))  # places that overlap: the first is taken, the scan goes on after it
@example(("ab", "a b"))  # words the page runs together
@example(("aaa b", "aa b"))  # a place that fails, then one that starts inside it
def test_quote_matches_finds_exactly_what_the_white_space_pattern_finds(page_and_quote: tuple[str, str]) -> None:
    # The pattern (each run of white space in the quote matching any run in the page) is the definition;
    # the scan that replaced it for quotes matched with their case must agree with it everywhere.
    page, quote = page_and_quote
    pattern = re.compile(r"\s+".join(re.escape(part) for part in quote.split()))
    assert quote_matches(page, quote) == [(m.start(), m.end()) for m in pattern.finditer(page)]


def test_a_quote_matches_every_place_it_stands_without_overlaps() -> None:
    page = "aa aa aa\u00a0aa\n\naa"
    assert quote_matches(page, "aa aa") == [(0, 5), (6, 11)]
    assert quote_matches(page, "aa\taa aa") == [(0, 8)]
    assert quote_matches(page, "aaaa") == []
