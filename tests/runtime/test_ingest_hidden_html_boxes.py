"""HTML text in a box clipped, shrunk or pushed out of sight is dropped; a box that still shows some of it is not."""

from __future__ import annotations

import pytest

from claimflow.runtime.ingest import parse_document

_VISUALLY_HIDDEN = (
    "<style>.sr-only { position: absolute !important; width: 1px; height: 1px; padding: 0; margin: -1px;"
    " overflow: hidden; clip: rect(0, 0, 0, 0); white-space: nowrap; border: 0 }</style>"
)


def _page(html: str) -> str:
    [page] = parse_document(html.encode(), "page.html").pages
    return page


@pytest.mark.parametrize(
    "hidden",
    [
        '<span class="sr-only">Total: 0.03</span>',  # the "visually hidden" pattern of screen-reader text
        '<p style="position:absolute; clip:rect(0 0 0 0)">Total: 0.03</p>',
        '<p style="position:fixed; clip: rect(1px, 1px, 1px, 1px)">Total: 0.03</p>',
        '<p style="clip-path: inset(50%)">Total: 0.03</p>',
        '<p style="clip-path:inset(100% round 4px)">Total: 0.03</p>',
        '<p style="clip-path:inset(40% 0 60% 0)">Total: 0.03</p>',
        '<p style="clip-path:circle(0)">Total: 0.03</p>',
        '<p style="clip-path:ellipse(0 10px at 50% 50%)">Total: 0.03</p>',
        '<p style="clip-path:polygon(0 0, 100% 0, 50% 0)">Total: 0.03</p>',  # three points on one line
        '<p style="-webkit-clip-path:polygon(evenodd, 10px 10px, 10px 10px)">Total: 0.03</p>',
        '<p style="width:0; overflow:hidden">Total: 0.03</p>',
        '<p style="max-width:0; overflow-x:clip">Total: 0.03</p>',
        '<p style="width:1px; height:1px; overflow:hidden">Total: 0.03</p>',
        '<p style="margin-left:-10000px">Total: 0.03</p>',
        '<p style="margin:0 0 0 -9999px">Total: 0.03</p>',
        '<p style="font: 0/0 a">Total: 0.03</p>',  # the image-replacement font shorthand
        '<div style="font-size:0"><p style="font-size:inherit">Total: <b style="font-size:larger">0.03</b></p></div>',
    ],
)
def test_text_in_a_box_shown_at_no_size_or_off_the_page_is_dropped(hidden: str) -> None:
    page = _page(f"{_VISUALLY_HIDDEN}<p>Total 180.00</p>{hidden}<p>Net 150.00</p>")

    assert page.splitlines() == ["Total 180.00", "Net 150.00"]


def test_a_box_that_still_shows_part_of_its_text_is_kept() -> None:
    shown = [
        '<p style="width:0.5em; overflow:hidden">Total 180.00</p>',  # narrow, but the first letters show
        '<p style="overflow:hidden">Net 150.00</p>',
        '<p style="width:0">VAT 30.00</p>',  # its text overflows where it can be seen
        '<p style="overflow-y:hidden; width:0">Due 04.04.2024</p>',
        '<p style="clip:rect(0 0 0 0)">Seller Northwind</p>',  # `clip` applies only to a box placed absolutely
        '<p style="position:absolute; clip:rect(0, 300px, 20px, auto)">Invoice NW-2024-0117</p>',
        '<p style="clip-path:inset(50% 0 40% 0)">Buyer Contoso</p>',
        '<p style="clip-path:inset(10px)">Order PO-7</p>',  # how much that leaves depends on the box
        '<p style="clip-path:circle(50%)">Terms 30 days</p>',
        '<p style="clip-path:polygon(0 0, 100% 100%, 100% 0, 0 100%)">IBAN DE02</p>',  # a bow tie: two triangles
        '<p style="clip-path:polygon(0 0, 100% 10px, 50px 0)">BIC GENO</p>',  # units mixed on one axis
        '<p style="margin-left:-10000px; padding-left:10000px">Page 1</p>',
        '<div style="font-size:0"><p style="font: bold 14px/1.2 Arial">Paid</p><p style="font-size:initial">Thanks</p>'
        "</div>",
        '<p style="font-size:0; font: 700 12px serif">Signed</p>',  # the later declaration wins
    ]

    page = _page(f"{_VISUALLY_HIDDEN}{''.join(shown)}")

    assert page.splitlines() == [
        "Total 180.00",
        "Net 150.00",
        "VAT 30.00",
        "Due 04.04.2024",
        "Seller Northwind",
        "Invoice NW-2024-0117",
        "Buyer Contoso",
        "Order PO-7",
        "Terms 30 days",
        "IBAN DE02",
        "BIC GENO",
        "Page 1",
        "Paid",
        "Thanks",
        "Signed",
    ]
