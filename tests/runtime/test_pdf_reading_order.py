"""The order of a PDF page's lines (`_pdf_order`), on lines given by their extents up the page.

A line is given as (bottom, top) in points, y growing up the page; PDFium's order is the list's order.
"""

from __future__ import annotations

import math

import pytest

from claimflow.runtime.ingest._pdf_order import CharBoxes, Extent, SeenChars, block_order, line_spans, reading_order


def _line(top: float, height: float = 10.0) -> Extent:
    return top - height, top


def _flowing(top: float, count: int, pitch: float = 12.0) -> list[Extent]:
    """`count` lines down the page from `top`, one every `pitch` points."""
    return [_line(top - pitch * number) for number in range(count)]


def test_lines_that_flow_down_the_page_keep_their_order() -> None:
    assert block_order(_flowing(800, 30)) == list(range(30))


def test_a_header_drawn_after_the_page_is_read_first() -> None:
    body = _flowing(760, 20)

    order = block_order([*body, _line(800)])

    assert order == [20, *range(20)]


def test_a_footer_drawn_before_the_page_is_read_last() -> None:
    body = _flowing(800, 20)

    order = block_order([_line(40), *body])

    assert order == [*range(1, 21), 0]


def test_a_header_drawn_last_moves_before_the_body_and_the_page_number_after_it_stays_last() -> None:
    body = _flowing(760, 20)

    order = block_order([*body, _line(800), _line(30)])

    assert order == [20, *range(20), 21]


def test_a_second_column_keeps_its_place_after_the_first() -> None:
    left, right = _flowing(800, 20), _flowing(800, 18)

    assert block_order([*left, *right]) == list(range(38))


def test_a_superscript_drawn_after_its_paragraph_stays_after_it() -> None:
    # It stands inside the paragraph, not above it: moving it would not put it back in its line.
    paragraph = _flowing(800, 20)

    order = block_order([*paragraph, (700.0, 705.0)])

    assert order == list(range(21))


def test_a_block_moves_before_only_the_blocks_it_stands_wholly_above() -> None:
    top, foot, middle = _flowing(800, 5), _flowing(300, 5), _flowing(500, 5)

    order = block_order([*top, *foot, *middle])

    assert order == [*range(5), *range(10, 15), *range(5, 10)]


def test_blocks_may_touch_by_a_quarter_of_a_line_and_still_stand_one_above_the_other() -> None:
    body = _flowing(760, 5)
    touching = _line(770 - 2.4)  # its bottom 2.4 points into the body's top line (760), under a quarter of 10
    overlapping = _line(770 - 2.6)

    assert block_order([*body, touching])[0] == 5
    assert block_order([*body, overlapping])[-1] == 5


def test_a_wide_gap_down_the_page_starts_a_block_that_can_be_moved_past() -> None:
    # The page number below a wide gap is a block of its own: a header drawn after it moves before both.
    body, page_number, header = _flowing(700, 5), _line(100), _line(800)

    order = block_order([*body, page_number, header])

    assert order == [6, *range(6)]


def test_lines_that_show_nothing_travel_with_their_block() -> None:
    body = [*_flowing(760, 3), None, *_flowing(724, 2)]

    order = block_order([*body, _line(800), None])

    assert order == [6, 7, *range(6)]


def test_a_block_of_lines_that_show_nothing_holds_back_the_blocks_after_it() -> None:
    assert block_order([None, _line(800)]) == [0, 1]
    assert block_order([*_flowing(760, 3), None, _line(800)]) == [4, 0, 1, 2, 3]


@pytest.mark.parametrize(
    ("text", "spans"),
    [
        ("", [(0, 0)]),
        ("one", [(0, 3)]),
        ("one\r\ntwo", [(0, 3), (5, 8)]),
        ("one\ntwo\n", [(0, 3), (4, 7), (8, 8)]),
        ("a\r\n\r\nb", [(0, 1), (3, 3), (5, 6)]),
        ("\r\nb", [(0, 0), (2, 3)]),
    ],
)
def test_line_spans_leave_out_the_line_breaks(text: str, spans: list[tuple[int, int]]) -> None:
    assert line_spans(text) == spans


def _seen(boxes: dict[int, tuple[float, float, float, float]], count: int) -> SeenChars:
    columns = CharBoxes(count)
    for index, (left, bottom, right, top) in boxes.items():
        columns.lefts[index], columns.bottoms[index] = left, bottom
        columns.rights[index], columns.tops[index] = right, top
    return SeenChars(frozenset(), columns)


def test_char_boxes_reach_as_far_as_the_characters_that_have_one() -> None:
    seen = _seen({1: (10, 700, 15, 710), 2: (15, 698, 20, 712)}, 4)

    assert seen.boxes.extent(0, 4, 0) == (698, 712)
    assert seen.boxes.extent(0, 4, 180) == (-712, -698)
    assert seen.boxes.extent(0, 4, 90) == (-20, -10)
    assert seen.boxes.extent(0, 4, 270) == (10, 20)
    assert seen.boxes.extent(0, 1, 0) is None
    assert seen.boxes.extent(3, 3, 0) is None
    assert seen.boxes.extent(3, 4, 90) is None


# The page "body\nhead": the header drawn last, standing above the body as the page is read, whatever its turn.
# Each turn gives the two lines' boxes in page space where a page so turned shows the header on top.
_TURNED = {
    0: ((100, 600, 200, 610), (100, 700, 200, 710)),
    90: ((600, 100, 610, 200), (500, 100, 510, 200)),  # the page's left edge is the top as shown
    180: ((100, 700, 200, 710), (100, 600, 200, 610)),
    270: ((500, 100, 510, 200), (600, 100, 610, 200)),
}


@pytest.mark.parametrize("rotation", sorted(_TURNED))
def test_the_order_is_read_on_the_page_as_turned(rotation: int) -> None:
    body, head = _TURNED[rotation]
    seen = _seen({index: body for index in range(4)} | {index: head for index in range(5, 9)}, 9)

    assert reading_order("body\nhead", seen, rotation) == [(5, 9), (0, 4)]
    assert reading_order("body\nhead", seen, (rotation + 180) % 360) is None


def test_hidden_characters_have_no_box_and_a_line_of_them_moves_nothing() -> None:
    # The visibility pass keeps no box for what it hides: the hidden header line shows nothing.
    columns = CharBoxes(9)
    for index in range(4):
        columns.lefts[index], columns.bottoms[index], columns.rights[index], columns.tops[index] = 100, 600, 200, 610

    assert reading_order("body\nhead", SeenChars(frozenset(range(5, 9)), columns), 0) is None
    assert math.isinf(columns.bottoms[6])
