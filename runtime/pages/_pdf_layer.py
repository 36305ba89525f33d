r"""A PDF page's text layer as the ingest stored it, each character tied to PDFium's character it came from.

`parse_pdf` builds a page's text from PDFium's text page in steps: characters a reader cannot see are
dropped (and lines left empty by that), line ends are normalised (``\r\n``, ``\r`` and form feeds become
``\n``), and PDFium's end-of-line hyphen marks become ``-``. The same steps run here over (character,
index) pairs, so an evidence offset into the stored text leads to the index of its glyph, and the glyph's box.
"""

from __future__ import annotations

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from claimflow.runtime.ingest._pdf_visible import hidden_indices

_Indexed = list[tuple[str, int]]

_HYPHEN_MARKS = {"\ufffe": "-", "\x02": "-"}
_NO_GLYPH = -1
"""The index of a character that stands for no glyph of its own."""


def _chars(textpage: pdfium.PdfTextPage, count: int) -> list[str]:
    text = str(textpage.get_text_range())
    if len(text) == count:
        return list(text)
    # Not one string character per PDFium character: read them one by one, as the ingest does then.
    return [chr(pdfium_c.FPDFText_GetUnicode(textpage, index)) for index in range(count)]


def _crlf_to_lf(chars: _Indexed) -> _Indexed:
    out: _Indexed = []
    for char, index in chars:
        if char == "\n" and out and out[-1][0] == "\r":
            out[-1] = ("\n", out[-1][1])
        else:
            out.append((char, index))
    return out


def _without_hidden(chars: _Indexed, hidden: set[int]) -> _Indexed:
    """Drop hidden characters, and the lines that held nothing else (``_pdf_visible._without_hidden``)."""
    lines: list[_Indexed] = [[]]
    for char, index in _crlf_to_lf(chars):
        if char == "\n":
            lines.append([])
        else:
            lines[-1].append((char, index))
    out: _Indexed = []
    kept = 0
    for line in lines:
        if not any(index in hidden for _, index in line):
            shown = line
        else:
            shown = [(char, index) for char, index in line if index not in hidden]
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


def indexed_text(page: pdfium.PdfPage, textpage: pdfium.PdfTextPage) -> tuple[str, list[int]]:
    """The page text `parse_pdf` stores for a text-layer page, and per character PDFium's index (-1: none).

    The caller holds PDFium's lock.
    """
    count = max(pdfium_c.FPDFText_CountChars(textpage), 0)
    hidden = set(hidden_indices(page, textpage))
    chars: _Indexed = [(char, index) for index, char in enumerate(_chars(textpage, count))]
    if hidden:
        chars = _without_hidden(chars, hidden)
    chars = _normalised(chars)
    return "".join(char for char, _ in chars), [index for _, index in chars]
