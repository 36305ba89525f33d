r"""A PDF page's text layer as the ingest stored it, each character tied to PDFium's character it came from.

`parse_pdf` builds a page's text from PDFium's text page in steps: its lines are put in reading order
(`_pdf_order`), a space that stands for a column gap is written as several (`_pdf_gaps`), characters a reader
cannot see are dropped (and lines left empty by that), line ends are normalised (``\r\n``, ``\r`` and form feeds
become ``\n``), and PDFium's end-of-line hyphen marks become ``-``. The same steps run here over (character,
index) pairs, so an evidence offset into the stored text leads to the index of its glyph, and the glyph's box.
"""

from __future__ import annotations

import pypdfium2 as pdfium

from claimflow.runtime.ingest._pdf_order import Span
from claimflow.runtime.ingest._pdf_visible import HIDDEN_MARK, LINE_BREAK, page_text

_Indexed = list[tuple[str, int]]

_HYPHEN_MARKS = {"\ufffe": "-", "\x02": "-"}
_NO_GLYPH = -1
"""The index of a character that stands for no glyph of its own."""


def _crlf_to_lf(chars: _Indexed) -> _Indexed:
    out: _Indexed = []
    for char, index in chars:
        if char == "\n" and out and out[-1][0] == "\r":
            out[-1] = ("\n", out[-1][1])
        else:
            out.append((char, index))
    return out


def _without_hidden(chars: _Indexed, hidden: frozenset[int]) -> _Indexed:
    r"""Drop hidden characters, and the lines that held nothing else (``_pdf_visible._without_hidden``).

    As there, a hidden character is marked before line breaks are read, so a hidden ``\r`` makes no line break
    with the ``\n`` after it; and a NUL of the page's own counts as hidden.
    """
    marked = [(HIDDEN_MARK if index in hidden else char, index) for char, index in chars]
    lines: list[_Indexed] = [[]]
    for char, index in _crlf_to_lf(marked):
        if char == "\n":
            lines.append([])
        else:
            lines[-1].append((char, index))
    out: _Indexed = []
    kept = 0
    for line in lines:
        if all(char != HIDDEN_MARK for char, _ in line):
            shown = line
        else:
            shown = [(char, index) for char, index in line if char != HIDDEN_MARK]
            while shown and shown[-1][0].isspace():
                shown.pop()
            if not shown:
                continue
        if kept:
            out.append(("\n", _NO_GLYPH))
        out.extend(shown)
        kept += 1
    return out


def _normalised(chars: _Indexed) -> _Indexed:
    """``normalize_newlines`` and the hyphen marks, as `parse_pdf` applies them."""
    out: _Indexed = []
    for char, index in _crlf_to_lf(chars):
        if char in ("\r", "\f"):
            out.append(("\n", index))
        elif char == "\x00":
            continue
        else:
            out.append((_HYPHEN_MARKS.get(char, char), index))
    return out


def _in_order(pieces: list[str], lines: list[Span] | None) -> _Indexed:
    """The characters with their indices, the lines in reading order (`_pdf_order`) joined by `LINE_BREAK`.

    `pieces` is what the text writes for each index (`PageText.written`): a column gap's space is written as
    several, each tied to that space's index.
    """
    spans = lines if lines is not None else [(0, len(pieces))]
    out: _Indexed = []
    for number, (start, end) in enumerate(spans):
        if number:
            out.extend((char, _NO_GLYPH) for char in LINE_BREAK)
        out.extend((char, index) for index in range(start, end) for char in pieces[index])
    return out


def indexed_text(page: pdfium.PdfPage, textpage: pdfium.PdfTextPage, rotation: int) -> tuple[str, list[int]]:
    """The page text `parse_pdf` stores for a text-layer page, and per character PDFium's index (-1: none).

    `rotation` is the turn the text page was read under (`upright_textpage`). The caller holds PDFium's lock.
    """
    read = page_text(page, textpage, rotation)
    indexed = _in_order(read.written(), read.lines)
    if read.hidden:
        indexed = _without_hidden(indexed, read.hidden)
    indexed = _normalised(indexed)
    return "".join(char for char, _ in indexed), [index for _, index in indexed]
