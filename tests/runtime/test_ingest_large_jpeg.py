"""A JPEG photo over Pillow's pixel limit is decoded reduced, under it, and read; what cannot be reduced is refused.

The limit is lowered for most of these tests (Pillow's own setting, restored after each), so the photos stay a
few megapixels: the rule is the same at 89 million.
"""

from __future__ import annotations

import io

import pytest
from PIL import Image

from claimflow.runtime.ingest import DocumentTooLargeError, parse_document
from claimflow.runtime.ingest.images import SCALE_DOWN, load_frame, open_image

LINES = ["NORTHWIND TRADING", "Receipt 4471", "TOTAL 160.65"]


@pytest.fixture
def limit(monkeypatch: pytest.MonkeyPatch) -> int:
    """Pillow's pixel limit, lowered to 2 million pixels for the test."""
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 2_000_000)
    return 2_000_000


def _jpeg(image: Image.Image, **params: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90, **params)
    return buffer.getvalue()


def _photo(text_image, width: int, height: int) -> Image.Image:
    """A white photo of `width` x `height` with the receipt's lines in it, as large as the photo allows."""
    lines = text_image(LINES, size=120)
    photo = Image.new("RGB", (width, height), "white")
    photo.paste(lines, (100, 100))
    return photo


@pytest.mark.parametrize(("width", "height", "reduced"), [(2000, 1500, (1000, 750)), (4001, 2401, (1001, 601))])
def test_a_jpeg_over_the_limit_opens_at_the_largest_reduced_size_under_it(
    limit: int, text_image, width: int, height: int, reduced: tuple[int, int]
) -> None:
    # 3 and 9.6 million pixels: a half is under the limit for the first; the second at a half is 2.4 million,
    # so a quarter (each side rounded up, as libjpeg does).
    image = open_image(_jpeg(_photo(text_image, width, height)))
    try:
        frame = load_frame(image, 0)
        assert frame.size == reduced
        assert frame.width * frame.height <= limit
    finally:
        image.close()


@pytest.mark.ocr
def test_a_jpeg_over_the_limit_is_read(limit: int, text_image) -> None:
    parsed = parse_document(_jpeg(_photo(text_image, 2400, 1800)), "photo.jpg")

    assert parsed.method == "ocr"
    assert [line for line in parsed.pages[0].splitlines() if line] == LINES


def test_a_jpeg_over_the_limit_keeps_its_orientation(limit: int, text_image) -> None:
    photo = _photo(text_image, 2000, 1500)
    exif = Image.Exif()
    exif[0x0112] = 6  # turn a quarter clockwise to show it
    image = open_image(_jpeg(photo, exif=exif))
    try:
        assert load_frame(image, 0).getexif().get(0x0112) == 6
    finally:
        image.close()


def test_of_two_jpegs_over_the_limit_a_progressive_one_is_still_refused_with_its_advice(limit: int, text_image) -> None:
    # libjpeg holds a progressive JPEG's whole coefficients to decode it, even reduced: its memory is not spared.
    photo = _photo(text_image, 2000, 1500)
    open_image(_jpeg(photo)).close()

    with pytest.raises(DocumentTooLargeError, match="too many pixels") as refused:
        open_image(_jpeg(photo, progressive=True))
    assert SCALE_DOWN in str(refused.value)


def _stated_size(data: bytes, width: int, height: int) -> bytes:
    """The JPEG with its frame header stating `width` x `height`: its size as Pillow opens it, no pixel needed."""
    at = data.index(b"\xff\xc0") + 5  # after the marker, its length and the sample precision: height, width
    return data[:at] + height.to_bytes(2, "big") + width.to_bytes(2, "big") + data[at + 4 :]


def test_a_jpeg_too_large_even_at_an_eighth_is_refused(limit: int) -> None:
    # At an eighth, 1.98 million pixels are under the lowered limit, 2.03 million over it.
    data = _jpeg(Image.new("L", (100, 100), "white"))
    open_image(_stated_size(data, 11_200, 11_300)).close()

    with pytest.raises(DocumentTooLargeError, match="too many pixels"):
        open_image(_stated_size(data, 11_400, 11_400))


def test_a_real_108_megapixel_jpeg_is_opened_under_pillows_own_limit(text_image) -> None:
    # A phone's 108 megapixel mode (12000 x 9000), in grey to keep the test's memory near 110 MB.
    limit = Image.MAX_IMAGE_PIXELS
    assert limit is not None
    photo = Image.new("L", (12_000, 9_000), 255)
    data = _jpeg(photo)
    del photo

    image = open_image(data)
    try:
        frame = load_frame(image, 0)
        assert frame.size == (6_000, 4_500)
        assert frame.getpixel((3_000, 2_000)) >= 250
    finally:
        image.close()
