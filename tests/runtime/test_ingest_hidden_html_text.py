"""HTML ingestion keeps only text a reader can see: markup and CSS that hide text drop it."""

from __future__ import annotations

import pytest

from claimflow.runtime.ingest import parse_document
from tests.integration._hidden_docs import HTML_HIDING, VISIBLE_TOTAL, invoice_html


def _page(html: str) -> str:
    [page] = parse_document(html.encode(), "page.html").pages
    return page


@pytest.mark.parametrize("hiding", sorted(HTML_HIDING))
def test_hidden_lines_are_not_in_the_parsed_page(hiding: str) -> None:
    page = _page(invoice_html(hiding))

    assert "0.03" not in page and "Subtotal" not in page
    assert page.splitlines() == [
        "INVOICE",
        "Seller: Northwind Widgets Ltd",
        "14 Harbour Road, Bristol",
        "Invoice No.: NW-2024-0117",
        "Invoice Date: 05.03.2024",
        "Due Date: 04.04.2024",
        f"Total {VISIBLE_TOTAL} GBP",
    ]


def test_a_descendant_can_make_hidden_text_visible_again() -> None:
    page = _page(
        '<div style="visibility:hidden">Total: 0.03 <span style="visibility:visible">Total 180.00</span></div>'
        '<div style="font-size:0">Net: 0.02 <span style="font-size:12px">Net 150.00</span></div>'
    )

    assert page.splitlines() == ["Total 180.00", "Net 150.00"]


def test_relative_sizes_of_a_zero_font_stay_zero_and_tiny_absolute_sizes_hide() -> None:
    page = _page(
        '<p style="font-size:0">Total: <b style="font-size:1.5em">0.03</b></p>'
        '<p style="font-size:0.5pt">Total: 0.04</p>'
        '<p style="font-size:small">Total 180.00</p>'
    )

    assert page == "Total 180.00"


def test_style_rules_follow_the_cascade_and_skip_what_they_do_not_apply_to() -> None:
    page = _page(
        "<style>"
        "p { display: none } .shown { display: block } #total { display: block }"  # later and more specific win
        "@media print { .paid { display: none } }"  # print only: not what a reader sees on screen
        "div p.other, p:hover { display: none }"  # not simple selectors: ignored
        "</style>"
        "<style media='print'>.stamp { display: none }</style>"
        '<p>Total: 0.03</p><p class="shown">Net 150.00</p><p id="total">Total 180.00</p>'
        '<div class="paid stamp">PAID</div><div class="other">Thank you</div>'
        '<p class="shown" style="display:none">Total: 0.04</p>'
    )

    assert page.splitlines() == ["Net 150.00", "Total 180.00", "PAID", "Thank you"]


def test_opacity_in_percent_and_aria_hidden_false_are_read() -> None:
    page = _page(
        '<p style="opacity: 0%">Total: 0.03</p><p style="opacity:0.5">Total 180.00</p>'
        '<p aria-hidden="false">Net 150.00</p><p aria-hidden="TRUE">VAT 0.01</p>'
    )

    assert page.splitlines() == ["Total 180.00", "Net 150.00"]


# A comment never closed runs to the end of the document in a browser. Python's own parser (before 3.13.6) read its
# `<!--` as text and the markup after it as markup, so a total no browser shows was read as the document's.
@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_a_comment_left_open_hides_everything_after_it(encoding: str) -> None:
    html = "<p>Total 180.00</p><!-- <p>Total 0.03</p><p>Net 0.02</p>"

    [page] = parse_document(html.encode(encoding), "page.html").pages

    assert page == "Total 180.00"


def test_an_open_comment_in_a_script_hides_nothing_after_the_script() -> None:
    assert _page("<p>Total 180.00</p><script>if (a<!--b) {}</script><p>Net 150.00</p>") == "Total 180.00\nNet 150.00"


# A browser closes a comment at `--!>` as at `-->`, and reads `<!-->` and `<!--->` as empty comments; Python's parser
# read on to the next `-->`, so the net amount a browser shows between was missing.
@pytest.mark.parametrize(
    ("closed", "after"),
    [("<!-- note --!>", "<!-- note -->"), ("<!-->", "<!-- x -->"), ("<!--->", ""), ("<!-- a <!--> -->", "")],
)
def test_a_comment_closed_the_ways_a_browser_closes_it_shows_what_follows(closed: str, after: str) -> None:
    page = _page(f"<p>Total 180.00</p>{closed}<p>Net 150.00</p>{after}<p>VAT 30.00</p>")

    assert [line for line in page.splitlines() if line != "-->"] == ["Total 180.00", "Net 150.00", "VAT 30.00"]


def test_text_that_shows_is_kept_whatever_its_colours_position_or_box() -> None:
    page = _page(
        '<div style="background-color:#003"><p style="color:white">Total 180.00</p></div>'
        "<details open><summary>Terms</summary><p>Net 30 days</p></details>"
        "<details><summary>Payment</summary><p>Total: 0.03</p></details>"
        '<p style="position:relative; left:-20px; text-indent:-1em">Due 04.04.2024</p>'
        '<p style="transform:scale(1.5); height:0">Seller Northwind</p>'  # overflow shows: visible
        '<p style="color:rgba(0,0,0,0.5)">Invoice NW-2024-0117</p>'
    )

    assert page.splitlines() == [
        "Total 180.00",
        "Terms",
        "Net 30 days",
        "Payment",
        "Due 04.04.2024",
        "Seller Northwind",
        "Invoice NW-2024-0117",
    ]
