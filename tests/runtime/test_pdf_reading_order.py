"""The order of a PDF page's lines (`_pdf_order`), on lines given by their boxes as the page reads.

A line is given as its box (left, bottom, right, top) in points, y growing up the page; PDFium's order is the
list's order.
"""

from __future__ import annotations

import pytest

from claimflow.runtime.ingest._pdf_objects import Box
from claimflow.runtime.ingest._pdf_order import MAX_BLOCKS, CharBoxes, _blocks, block_order, line_spans, reading_order


def _line(top: float, height: float = 10.0, left: float = 72.0, right: float = 520.0) -> Box:
    return left, top - height, right, top


def _flowing(top: float, count: int, pitch: float = 12.0, left: float = 72.0, right: float = 520.0) -> list[Box]:
    """`count` lines down the page from `top`, one every `pitch` points, from `left` to `right`."""
    return [_line(top - pitch * number, left=left, right=right) for number in range(count)]


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

    order = block_order([*paragraph, (300.0, 700.0, 306.0, 705.0)])

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


def test_a_page_whose_lines_show_nothing_keeps_its_order() -> None:
    assert block_order([None, None, None]) == [0, 1, 2]


def test_a_block_starts_where_a_line_rises_past_the_last_ones_top_or_falls_three_line_heights() -> None:
    last = _line(700)  # 690 to 700
    rising = _line(706)  # its middle, 701, above the last line's top: the page goes back up
    level = _line(704)  # its middle, 699, below it: a taller glyph on the same line
    near = _line(662)  # its top 28 points under the last line's foot: under three line heights
    far = _line(655)  # 35 points under it

    assert _blocks([last, rising]) == [[0], [1]]
    assert _blocks([last, level]) == [[0, 1]]
    assert _blocks([last, near]) == [[0, 1]]
    assert _blocks([last, far]) == [[0], [1]]
    assert _blocks([last, None, rising]) == [[0, 1], [2]]


def test_a_second_column_beside_a_broken_first_one_reads_after_all_of_it() -> None:
    # The first column breaks off (a figure) and goes on further down; the second, shorter, stands beside its top.
    top = _flowing(800, 5, left=60, right=250)
    bottom = _flowing(600, 5, left=60, right=250)
    beside = _flowing(800, 5, left=320, right=500)

    assert block_order([*top, *bottom, *beside]) == list(range(15))


def test_a_column_drawn_after_the_footer_reads_after_its_neighbour_and_before_the_footer() -> None:
    # A letterhead of two columns, the left one in two parts (a wide gap before its last line), its footer drawn
    # first. The right column stands above the left one's last part and the footer, beside its first part.
    footer = _line(50, left=45, right=520)
    left = [*_flowing(810, 5, left=180, right=320), _line(700, left=180, right=320)]
    right = _flowing(810, 4, left=388, right=490)

    order = block_order([footer, *left, *right])

    assert order == [*range(1, 7), *range(7, 11), 0]


def test_a_page_of_more_blocks_than_the_limit_keeps_pdfiums_order() -> None:
    # Every line above the one before it: each a block, each moving before all the others.
    rising = [_line(10.0 + 12 * number) for number in range(MAX_BLOCKS)]

    assert block_order(rising) == list(reversed(range(MAX_BLOCKS)))
    assert block_order([*rising, _line(10.0 + 12 * MAX_BLOCKS)]) == list(range(MAX_BLOCKS + 1))


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


def _boxes(boxes: dict[int, Box], count: int) -> CharBoxes:
    columns = CharBoxes(count)
    for index, (left, bottom, right, top) in boxes.items():
        columns.lefts[index], columns.bottoms[index] = left, bottom
        columns.rights[index], columns.tops[index] = right, top
    return columns


def test_char_boxes_are_taken_around_the_characters_that_have_one_as_the_page_reads() -> None:
    boxes = _boxes({1: (10, 700, 15, 710), 2: (15, 698, 20, 712)}, 4)

    assert boxes.box(0, 4, 0) == (10, 698, 20, 712)
    assert boxes.box(0, 4, 90) == (698, -20, 712, -10)  # the page's left edge on top, its foot on the left
    assert boxes.box(0, 4, 180) == (-20, -712, -10, -698)
    assert boxes.box(0, 4, 270) == (-712, 10, -698, 20)
    assert boxes.box(0, 1, 0) is None
    assert boxes.box(3, 3, 0) is None
    assert boxes.box(3, 4, 90) is None


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
    boxes = _boxes({index: body for index in range(4)} | {index: head for index in range(5, 9)}, 9)

    assert reading_order("body\nhead", boxes, rotation) == [(5, 9), (0, 4)]
    assert reading_order("body\nhead", boxes, (rotation + 180) % 360) is None
