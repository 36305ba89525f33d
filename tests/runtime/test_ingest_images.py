"""Photos and scans: OCR with EXIF orientation, multi-page TIFF, and clean failures."""

from __future__ import annotations

import io
import warnings

import pytest
from PIL import Image

from claimflow.runtime.ingest import (
    CorruptDocumentError,
    DocumentTooLargeError,
    EmptyDocumentError,
    IngestLimits,
    OcrUnavailableError,
    UnsupportedFormatError,
    parse_document,
)
from claimflow.runtime.ingest.images import as_shown
from claimflow.runtime.ingest.ocr import ocr_image

RECEIPT = ["CORNER GROCER", "Date 15/03/2024", "TOTAL RM 72.95"]
EXIF_ORIENTATION = 0x0112


@pytest.mark.ocr
@pytest.mark.parametrize(("fmt", "filename"), [("PNG", "scan.png"), ("JPEG", "photo.jpg")])
def test_image_text_is_recognised(text_image, encode, fmt, filename):
    parsed = parse_document(encode(text_image(RECEIPT), fmt), filename)

    assert parsed.method == "ocr"
    assert parsed.media_type == f"image/{fmt.lower()}"
    assert parsed.pages == ("CORNER GROCER\nDate 15/03/2024\nTOTAL RM 72.95",)


@pytest.mark.ocr
def test_exif_orientation_is_applied(text_image, encode):
    # Stored turned a quarter to the left; the tag tells viewers to turn it back (orientation 6).
    stored = text_image(RECEIPT).transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[EXIF_ORIENTATION] = 6

    parsed = parse_document(encode(stored, "JPEG", exif=exif.tobytes()), "phone.jpg")

    assert "TOTAL RM 72.95" in parsed.pages[0]


@pytest.mark.ocr
def test_transparent_png_is_read_on_white(text_image, encode):
    opaque = text_image(RECEIPT, mode="L")
    transparent = Image.new("RGBA", opaque.size, (0, 0, 0, 0))
    transparent.putalpha(opaque.point(lambda value: 255 - value))  # black text, clear background

    parsed = parse_document(encode(transparent, "PNG"), "cut-out.png")

    assert "TOTAL RM 72.95" in parsed.pages[0]


@pytest.mark.ocr
def test_multipage_tiff_gives_one_page_per_frame(text_image, encode):
    first, second = text_image(["PAGE ONE", "Invoice 4471"]), text_image(["PAGE TWO", "TOTAL 160.65"])

    parsed = parse_document(encode(first, "TIFF", save_all=True, append_images=[second]), "fax.tiff")

    assert parsed.media_type == "image/tiff"
    assert len(parsed.pages) == 2
    assert "Invoice 4471" in parsed.pages[0]
    assert "TOTAL 160.65" in parsed.pages[1]


def _sixteen_bit_big_endian(grey: Image.Image) -> Image.Image:
    """The grey image as a scanner's 16-bit big-endian frame (`I;16B`; Pillow's own conversion to it clips)."""
    wide = grey.convert("I").point(lambda value: value * 257).convert("I;16")
    return Image.frombytes("I;16B", wide.size, wide.tobytes("raw", "I;16B"))


# Scanners write 16-bit grey TIFFs in either byte order; Pillow opens a big-endian one as `I;16B`, over which it maps
# no lookup, and a CIELAB TIFF (`LAB`) it turns into grey only by way of RGB. Both failed with a bare ValueError.
@pytest.mark.ocr
@pytest.mark.parametrize(
    "convert", [_sixteen_bit_big_endian, lambda grey: grey.convert("RGB").convert("LAB")], ids=["I;16B", "LAB"]
)
def test_sixteen_bit_big_endian_and_lab_tiffs_are_read(text_image, encode, convert):
    image = convert(text_image(RECEIPT, mode="L"))

    parsed = parse_document(encode(image, "TIFF"), "scan.tif")

    assert "TOTAL RM 72.95" in parsed.pages[0]


def test_an_image_in_a_mode_that_has_no_grey_is_refused_with_its_mode():
    with pytest.raises(UnsupportedFormatError, match=r"colour mode \(La\) cannot be read"):
        ocr_image(Image.new("La", (40, 40)))


def test_tiff_over_the_page_limit_is_refused(text_image, encode):
    frames = [text_image([f"PAGE {number}"]) for number in range(3)]
    data = encode(frames[0], "TIFF", save_all=True, append_images=frames[1:])

    with pytest.raises(DocumentTooLargeError, match="3 pages; at most 2"):
        parse_document(data, "fax.tif", IngestLimits(max_pages=2))


@pytest.mark.ocr
def test_image_without_text_is_empty(encode):
    with pytest.raises(EmptyDocumentError, match="even after OCR"):
        parse_document(encode(Image.new("RGB", (600, 400), "white"), "PNG"), "blank.png")


def test_truncated_png_is_corrupt(text_image, encode):
    data = encode(text_image(RECEIPT), "PNG")

    with pytest.raises(CorruptDocumentError, match="could not be decoded"):
        parse_document(data[: len(data) // 2], "half.png")


def test_jpeg_name_on_random_bytes_is_corrupt():
    with pytest.raises(CorruptDocumentError):
        parse_document(bytes(range(1, 256)) * 4, "photo.jpg")


# Pillow warns above its pixel limit and raises above twice the limit: both must be refused.
@pytest.mark.parametrize("share_of_pixels", [0.9, 0.3])
def test_too_many_pixels_is_too_large(text_image, encode, monkeypatch, share_of_pixels):
    image = text_image(RECEIPT)
    data = encode(image, "PNG")
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", int(image.width * image.height * share_of_pixels))

    with pytest.raises(DocumentTooLargeError, match="too many pixels"):
        parse_document(data, "huge.png")


# Where warnings are only shown (a production run), Pillow's warning between one and two times its limit stops
# nothing: claimflow's own check refuses the image, with no warning filter of its own (filters are per process,
# and pages are read on threads side by side).
def test_an_image_over_the_limit_is_refused_where_warnings_are_only_shown(text_image, encode, monkeypatch):
    image = text_image(RECEIPT)
    data = encode(image, "PNG")
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", int(image.width * image.height * 0.9))

    with warnings.catch_warnings(record=True) as shown:
        warnings.simplefilter("always")
        filters = list(warnings.filters)
        with pytest.raises(DocumentTooLargeError, match="too many pixels"):
            parse_document(data, "huge.png")
        assert warnings.filters == filters
    assert [warning.category for warning in shown] == [Image.DecompressionBombWarning]


def test_missing_tesseract_says_how_to_install_it(text_image, encode, no_tesseract):
    with pytest.raises(OcrUnavailableError, match="apt-get install tesseract-ocr"):
        parse_document(encode(text_image(RECEIPT), "PNG"), "scan.png")


@pytest.mark.ocr
def test_missing_language_data_names_the_package(text_image, encode):
    with pytest.raises(OcrUnavailableError, match="tesseract-ocr-zzz"):
        parse_document(encode(text_image(RECEIPT), "PNG"), "scan.png", IngestLimits(ocr_languages="eng+zzz"))


# Pillow raises by itself only above twice its limit, naming that doubled figure: the refusal names the limit
# images are held to, as it does for one between the two.
def test_an_image_over_twice_the_limit_is_refused_at_the_limit_itself(text_image, encode, monkeypatch):
    image = text_image(RECEIPT)
    limit = int(image.width * image.height * 0.3)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", limit)

    with pytest.raises(DocumentTooLargeError) as refused:
        parse_document(encode(image, "PNG"), "huge.png")

    pixels = image.width * image.height
    assert str(refused.value) == (
        f"The image has too many pixels to read safely: {pixels} pixels is over {limit} pixels. Scale it down and"
        " send it again: a page needs no more than 300 dpi (an A4 page at 300 dpi is under 9 megapixels), and a"
        " phone's 108 or 200 megapixel mode is more than any page needs."
    )


FAXED = ["NORTHWIND TRADING LTD", "14 Harbour Road, Bristol", "Invoice No.: NW-2024-0117", "Invoice Date: 05.03.2024"]


@pytest.mark.ocr
def test_a_fax_at_standard_resolution_is_read_with_square_pixels(text_image, encode):
    # A fax machine scans 204 dpi across and 98 down: its pages are stored at half their height.
    upright = text_image(FAXED, size=32)
    fax = upright.resize((upright.width, upright.height // 2)).convert("1")

    [page] = parse_document(encode(fax, "TIFF", compression="group3", dpi=(204, 98)), "fax.tif").pages

    assert [line for line in page.splitlines() if line] == FAXED


def test_a_frame_is_shown_with_square_pixels_and_turned_by_its_exif(encode):
    fax = Image.open(io.BytesIO(encode(Image.new("1", (1728, 1100), 1), "TIFF", dpi=(204, 98))))
    assert as_shown(fax).size == (1728, 2290)  # 1100 rows at 98 dpi are 2290 at 204
    # Stored turned a quarter (orientation 6): its 98 dpi stand across once shown.
    exif = Image.Exif()
    exif[EXIF_ORIENTATION] = 6
    turned = Image.open(io.BytesIO(encode(Image.new("L", (1100, 1728), 255), "JPEG", dpi=(98, 204), exif=exif)))
    assert as_shown(turned).size == (1728, 2290)
    # Square pixels, or a ratio no scanner writes, stay as they are.
    for dpi in ((300, 300), (72, 600)):
        assert as_shown(Image.open(io.BytesIO(encode(Image.new("L", (400, 300)), "PNG", dpi=dpi)))).size == (400, 300)
