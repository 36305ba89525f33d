"""HTML: visible text only, blocks on their own lines, table rows kept together."""

from __future__ import annotations

import threading
import warnings

from claimflow.runtime.ingest import parse_document
from claimflow.runtime.ingest.html import html_to_text

INVOICE_HTML = b"""<!DOCTYPE html>
<html><head><title>Invoice page title</title>
<style>td { color: red; } .secret { display: none }</style>
<script>var trackingId = "UA-000";</script></head>
<body>
  <h1>Invoice   INV-77</h1>
  <p>Issued by <b>Acme</b> <i>Widgets</i> &amp; Sons,<br>12 High Street</p>
  <!-- internal comment -->
  <div><div>Nested block</div></div>



  <table>
    <tr><th>Item</th><th>Amount</th></tr>
    <tr><td>Blue widget</td><td>135.00</td></tr>
    <tr><td><b>Total</b></td><td>&pound;160.65</td></tr>
  </table>
  <ul><li>First point</li><li>Second point</li></ul>
  <noscript>Enable JavaScript</noscript>
  <script>document.write("injected");</script>
</body></html>
"""


def parse(data: bytes = INVOICE_HTML) -> str:
    parsed = parse_document(data, "page.html")
    assert parsed.method == "html"
    assert parsed.media_type == "text/html"
    assert len(parsed.pages) == 1
    return parsed.pages[0]


def test_scripts_styles_head_and_comments_are_dropped():
    text = parse()

    for hidden in ("trackingId", "injected", "color: red", "Invoice page title", "internal comment", "Enable"):
        assert hidden not in text


def test_blocks_become_lines_and_inline_tags_do_not():
    lines = parse().split("\n")

    assert lines[:4] == ["Invoice INV-77", "Issued by Acme Widgets & Sons,", "12 High Street", "Nested block"]
    assert "First point" in lines and "Second point" in lines


def test_table_rows_stay_on_one_line():
    lines = parse().split("\n")

    assert "Item\tAmount" in lines
    assert "Blue widget\t135.00" in lines
    assert "Total\t\u00a3160.65" in lines


def test_indented_table_markup_gives_clean_rows():
    markup = b"""<table>
      <tr>
        <td> Net </td>
        <td>135.00 </td>
      </tr>
      <tr><td>VAT</td> <td>25.65</td></tr>
    </table>"""

    text = parse(markup)

    assert text == "Net\t135.00\nVAT\t25.65"


def test_no_runs_of_blank_lines_and_no_edge_whitespace():
    text = parse(b"<p>one</p>\n\n\n<br><br><br><br><p>two</p>")

    assert text == "one\n\ntwo"


def test_preformatted_text_keeps_its_spacing():
    text = parse(b"<html><body><pre>Qty   Price\n  2   9.99</pre></body></html>")

    assert text == "Qty   Price\n  2   9.99"


def test_declared_charset_is_honoured():
    data = '<html><head><meta charset="windows-1252"></head><body><p>Caf\u00e9 \u20ac5</p></body></html>'

    assert parse(data.encode("cp1252")) == "Caf\u00e9 \u20ac5"


# A NUL byte in the markup is no character a browser shows; kept, it split the label `Vendor` (the rules read
# `Ven\x00dor: Acme` as a value) and failed the run on Postgres, whose text columns refuse NUL.
def test_nul_bytes_in_text_are_dropped_as_browsers_do():
    text = parse(b"<html><body><p>Ven\x00dor: Acme</p><pre>Total:\x00 9.99</pre></body></html>")

    assert text == "Vendor: Acme\nTotal: 9.99"


def test_short_fragment_parses_without_warnings():
    assert parse(b"<p>x.html</p>") == "x.html"


def test_deeply_nested_markup_does_not_overflow():
    depth = 5000
    text = parse(b"<div>" * depth + b"<p>deep</p>" + b"</div>" * depth + b"<p>after</p>")

    assert text == "deep\nafter"


# bs4 advises (a warning) when markup looks like a URL or like XML; the reader silences that advice. Documents
# are parsed on worker threads side by side, and `warnings.catch_warnings` swaps the process's filter list:
# unguarded, two threads inside it at once restore each other's lists, so a filter leaks or is dropped and,
# where warnings are errors (as in this suite), a document fails on advice meant for a programmer.
def test_documents_parsed_side_by_side_on_threads_neither_fail_nor_leave_a_warning_filter_behind():
    documents = {
        b"https://example.com/invoice-77": "https://example.com/invoice-77",
        b'<?xml version="1.0"?><invoice><total>12.50</total></invoice>': "12.50",
        INVOICE_HTML: "Invoice INV-77",
    }
    filters = list(warnings.filters)
    failures: list[BaseException] = []
    wrong: list[str] = []

    def read_many() -> None:
        for _ in range(60):
            for data, expected in documents.items():
                try:
                    text = html_to_text(data)
                except BaseException as error:  # noqa: BLE001 - collected for the assertion below
                    failures.append(error)
                    continue
                if expected not in text:
                    wrong.append(text)

    threads = [threading.Thread(target=read_many) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert wrong == []
    assert warnings.filters == filters
