"""How `read_page` reads a stored document: a PDF opened once, images through ingest's guarded opener.

Every failure of PDFium or Pillow is an ingest error the page route turns into a client error, never a 500.
"""

from __future__ import annotations

import io
import struct
import warnings
import zlib
from collections.abc import Callable
from typing import Any

import pypdfium2 as pdfium
import pytest
from PIL import Image, TiffImagePlugin
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from claimflow.runtime.ingest import CorruptDocumentError, DocumentTooLargeError, IngestError, parse_document
from claimflow.runtime.pages import NoSuchPageError, read_page
from tests.integration._docs import invoice_text, text_pdf
from tests.runtime._turned_pdf import shown_turned
from tests.runtime.pages.test_page_layout import PAGE_HEIGHT, PAGE_WIDTH, assert_over, drawn_box, scan_png, span

Encode = Callable[..., bytes]


def scanned_invoice_pdf() -> bytes:
    """The invoice scanned at 200 dpi and embedded as the whole of an A4 page: no text layer."""
    png, _ = scan_png()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=(PAGE_WIDTH, PAGE_HEIGHT))
    pdf.drawImage(ImageReader(io.BytesIO(png)), 0, 0, width=PAGE_WIDTH, height=PAGE_HEIGHT)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def count_openings(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count every PDFium document opened from now on (one entry per opening)."""
    opened: list[int] = []
    original = pdfium.PdfDocument

    class Counted(original):  # type: ignore[misc,valid-type]
        def __init__(self, *args: object, **kwargs: object) -> None:
            opened.append(1)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(pdfium, "PdfDocument", Counted)
    return opened


@pytest.mark.ocr
def test_a_scanned_pdf_page_is_opened_once_and_boxed_from_its_ocr(monkeypatch: pytest.MonkeyPatch) -> None:
    data = scanned_invoice_pdf()
    parsed = parse_document(data, "scan.pdf")
    assert parsed.method == "ocr"
    opened = count_openings(monkeypatch)

    page = read_page(data, "application/pdf", 1, parsed.pages[0])

    assert len(opened) == 1
    (box,) = page.boxes(*span(parsed.pages[0], "180.00 GBP"))
    assert_over(box, drawn_box(8, "180.00 GBP", "Total ", scale=page.width / PAGE_WIDTH), slack=5)
    assert len(opened) == 1  # reading the OCR words renders nothing more


def test_a_text_layer_page_is_opened_once_and_not_rendered_for_ocr(monkeypatch: pytest.MonkeyPatch) -> None:
    data = text_pdf(invoice_text())
    text = parse_document(data, "invoice.pdf").pages[0]
    opened = count_openings(monkeypatch)

    page = read_page(data, "application/pdf", 1, text)

    assert len(opened) == 1
    assert page._ocr is None  # its boxes come from the glyphs: no OCR rendering is made


def page_count_raised(data: bytes) -> bytes:
    """The PDF with its page tree claiming one page more than it has: it opens, its last page cannot load."""
    assert data.count(b"/Count 1") == 1
    return data.replace(b"/Count 1", b"/Count 2")


@pytest.mark.parametrize(
    ("damage", "number", "reason"),
    [
        (lambda data: data[: len(data) // 2], 1, r"The PDF could not be read: it is damaged or cut off \(PDFium"),
        (lambda data: b"%PDF-1.7\n" + bytes(range(256)) * 8, 1, "The PDF could not be read: it is damaged"),
        (page_count_raised, 2, "Page 2 of the PDF could not be read: Failed to load page"),
    ],
    ids=["truncated", "garbage", "missing-page"],
)
def test_a_corrupt_pdf_is_a_corrupt_document(damage: Callable[[bytes], bytes], number: int, reason: str) -> None:
    data = damage(text_pdf(invoice_text()))

    with pytest.raises(CorruptDocumentError, match=reason):
        read_page(data, "application/pdf", number, "")


def test_a_password_protected_pdf_is_a_corrupt_document() -> None:
    with pytest.raises(CorruptDocumentError, match="The PDF could not be read: it is protected by a password"):
        read_page(text_pdf("secret", encrypt="pass"), "application/pdf", 1, "secret")


def declared_png(width: int, height: int) -> bytes:
    """A PNG whose header declares `width` x `height` grey pixels, with one tiny row of data: small on disk."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit grey, no interlace
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 16))
        + chunk(b"IEND", b"")
    )


# Above Pillow's pixel limit it warns, above twice the limit it raises: both must be refused before decoding.
@pytest.mark.parametrize("side", [10_000, 100_000], ids=["over-the-limit", "over-twice-the-limit"])
def test_a_decompression_bomb_is_too_large_to_show(side: int) -> None:
    assert side * side > Image.MAX_IMAGE_PIXELS  # type: ignore[operator]
    data = declared_png(side, side)
    assert len(data) < 200

    with pytest.raises(DocumentTooLargeError, match="too many pixels to read safely") as raised:
        read_page(data, "image/png", 1, "")
    assert isinstance(raised.value, IngestError)  # the page route answers 422 with the message, not 500


def test_a_truncated_image_is_a_corrupt_document(encode: Encode) -> None:
    data = encode(Image.new("RGB", (300, 200), "navy"), "PNG")

    with pytest.raises(CorruptDocumentError, match="could not be decoded"):
        read_page(data[: len(data) // 2], "image/png", 1, "")


def two_page_tiff(encode: Encode) -> bytes:
    """A fax of two pages of different sizes and colours."""
    first, second = Image.new("RGB", (40, 30), "red"), Image.new("RGB", (90, 60), "blue")
    return encode(first, "TIFF", save_all=True, append_images=[second])


def test_each_page_of_a_tiff_is_its_own_frame(encode: Encode) -> None:
    data = two_page_tiff(encode)

    first, second = (read_page(data, "image/tiff", number, "") for number in (1, 2))

    assert (first.width, first.height) == (40, 30)
    assert (second.width, second.height) == (90, 60)
    with Image.open(io.BytesIO(second.png)) as shown:
        assert shown.size == (90, 60)
        assert shown.convert("RGB").getpixel((45, 30)) == (0, 0, 255)
    with pytest.raises(NoSuchPageError, match="2 page"):
        read_page(data, "image/tiff", 3, "")


def test_a_tiff_page_decodes_that_frame_alone(encode: Encode, monkeypatch: pytest.MonkeyPatch) -> None:
    data = two_page_tiff(encode)
    decoded: list[tuple[int, int]] = []
    load = TiffImagePlugin.TiffImageFile.load

    def counted(image: TiffImagePlugin.TiffImageFile) -> Any:
        if image.tile:  # pixels still to decode (a frame already decoded has none)
            decoded.append(image.size)
        return load(image)

    monkeypatch.setattr(TiffImagePlugin.TiffImageFile, "load", counted)

    assert read_page(data, "image/tiff", 2, "").width == 90
    assert decoded == [(90, 60)]  # the second page's frame, not the first's too


def test_a_tiff_page_over_the_pixel_limit_is_too_large(encode: Encode, monkeypatch: pytest.MonkeyPatch) -> None:
    data = two_page_tiff(encode)
    # The first page (1,200 pixels) is within the limit, the second (5,400) more than twice over it.
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 2_000)

    assert read_page(data, "image/tiff", 1, "").width == 40
    with pytest.raises(DocumentTooLargeError, match="too many pixels"):
        read_page(data, "image/tiff", 2, "")


def test_an_image_over_the_limit_is_refused_whatever_the_warning_filters_say(
    encode: Encode, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Warning filters are process-wide: another thread reading a page may have just reset them. Pillow only
    # warns between one and two times its limit, so the refusal must not depend on the filter.
    data = encode(Image.new("L", (50, 30), "white"), "PNG")  # 1,500 pixels
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1_000)
    monkeypatch.setattr(warnings, "simplefilter", lambda *args, **kwargs: None)

    with pytest.raises(DocumentTooLargeError, match="1000"):
        read_page(data, "image/png", 1, "")


@pytest.mark.parametrize("rotate", [90, 180])
def test_a_turned_pdf_page_shows_its_stored_text_from_its_own_glyphs(rotate: int) -> None:
    """A page shown turned is read for display as parsing read it: the text layer, boxed by its glyphs, no OCR."""
    data = shown_turned(text_pdf(invoice_text()), rotate)
    text = parse_document(data, "turned.pdf").pages[0]

    page = read_page(data, "application/pdf", 1, text)

    assert page._ocr is None
    assert page.boxes(*span(text, "180.00 GBP"))  # the value is found on the page, at its glyphs
