"""Photos and scanned pages that stand sideways or upside down, with no EXIF tag to say so, are read upright."""

from __future__ import annotations

import logging
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytesseract
import pytest
from PIL import Image, ImageFilter

from claimflow.runtime.ingest import ocr as ocr_module
from claimflow.runtime.ingest import parse_document
from claimflow.runtime.ingest._text import tidy_lines
from claimflow.runtime.ingest.ocr import PAGE_PSM, PHOTO_PSM, OcrWord, ocr_image, ocr_words
from tests.runtime._turned_pdf import shown_turned

pytestmark = pytest.mark.ocr

RECEIPT = ["CORNER GROCER", "12 Market Street", "Date 15/03/2024", "Milk 2 x 3.50 7.00", "Bread 4.20", "TOTAL RM 72.95"]

# Pillow's ROTATE_n turns anticlockwise: the photo as a phone held sideways, or upside down, stores it.
TURNS = {
    "quarter-left": Image.Transpose.ROTATE_90,
    "upside-down": Image.Transpose.ROTATE_180,
    "quarter-right": Image.Transpose.ROTATE_270,
}


@pytest.mark.parametrize("turn", sorted(TURNS))
@pytest.mark.parametrize(("fmt", "filename"), [("PNG", "scan.png"), ("JPEG", "photo.jpg")])
def test_a_turned_photo_reads_as_the_upright_one(text_image, encode, fmt: str, filename: str, turn: str) -> None:
    stored = text_image(RECEIPT).transpose(TURNS[turn])

    [page] = parse_document(encode(stored, fmt), filename).pages

    assert page.splitlines() == RECEIPT


@pytest.mark.parametrize("turn", sorted(TURNS))
def test_a_page_scanned_turned_reads_as_the_upright_one(text_image, scanned_pdf, turn: str) -> None:
    [page] = parse_document(scanned_pdf([text_image(RECEIPT).transpose(TURNS[turn])]), "scan.pdf").pages

    assert "CORNER GROCER" in page and "TOTAL RM 72.95" in page


@pytest.mark.parametrize("rotate", [90, 180, 270])
def test_a_scanned_page_shown_turned_reads_as_the_upright_one(text_image, scanned_pdf, rotate: int) -> None:
    # /Rotate turns the rendering that OCR reads: the page is rendered as viewers show it, turned.
    data = shown_turned(scanned_pdf([text_image(RECEIPT)]), rotate)

    [page] = parse_document(data, "scan.pdf").pages

    assert "CORNER GROCER" in page and "TOTAL RM 72.95" in page


def _turned_box(word: OcrWord, transpose: Image.Transpose, size: tuple[int, int]) -> tuple[int, int, int, int]:
    """Where a box of the upright image of `size` lands once the image is turned by `transpose`."""
    left, top, width, height = word.left, word.top, word.width, word.height
    if transpose is Image.Transpose.ROTATE_90:  # anticlockwise: the left edge goes to the bottom
        return top, size[0] - left - width, height, width
    if transpose is Image.Transpose.ROTATE_180:
        return size[0] - left - width, size[1] - top - height, width, height
    return size[1] - top - height, left, height, width


# The review page boxes a quote over the words tesseract placed: on the image as stored, not as it was read.
@pytest.mark.parametrize("turn", sorted(TURNS))
def test_the_words_of_a_turned_photo_are_boxed_where_they_stand_in_it(text_image, turn: str) -> None:
    upright = text_image(RECEIPT)
    stored = upright.transpose(TURNS[turn])

    words = ocr_words(stored)

    expected = ocr_words(upright)
    assert [word.text for word in words] == [word.text for word in expected]
    for word, before in zip(words, expected, strict=True):
        box = (word.left, word.top, word.width, word.height)
        assert box == pytest.approx(_turned_box(before, TURNS[turn], upright.size), abs=3)


def test_an_upright_image_reads_as_tesseract_writes_its_text(text_image) -> None:
    # Two blocks with a gap between them: tesseract's text output puts a blank line there.
    image = text_image([*RECEIPT[:2], "", "", *RECEIPT[2:]])

    for psm in (PHOTO_PSM, PAGE_PSM):
        own = tidy_lines(pytesseract.image_to_string(image.convert("L"), config=f"--psm {psm}"))
        assert ocr_image(image, psm=psm) == own


def _as_it_is(image: Image.Image) -> str:
    """Tesseract's text of the image read as it stands."""
    return tidy_lines(pytesseract.image_to_string(image.convert("L"), config=f"--psm {PHOTO_PSM}"))


def test_a_sparse_turned_image_osd_refuses_is_read_upright(text_image) -> None:
    sparse = text_image(["PAID"]).transpose(Image.Transpose.ROTATE_90)
    with pytest.raises(pytesseract.TesseractError, match="Too few characters"):
        pytesseract.image_to_osd(sparse)

    assert ocr_image(sparse) == "PAID"


# A receipt photographed from afar, turned a quarter: OSD finds too few characters at its resolution, as it did for
# three of four real receipt photos turned so; each other turn is read until one reads confidently.
@pytest.mark.parametrize("turn", sorted(TURNS))
def test_a_small_turned_receipt_osd_cannot_place_reads_upright(text_image, encode, turn: str) -> None:
    small = text_image(RECEIPT, size=16).transpose(TURNS[turn])
    if turn != "upside-down":
        with pytest.raises(pytesseract.TesseractError, match="Too few characters"):
            pytesseract.image_to_osd(small)

    [page] = parse_document(encode(small, "JPEG"), "photo.jpg").pages

    assert page.splitlines() == RECEIPT


def _tessdata() -> Path:
    """The directory tesseract reads its language data from, as `tesseract --list-langs` names it."""
    listing = subprocess.run(
        [pytesseract.pytesseract.tesseract_cmd, "--list-langs"], capture_output=True, text=True, check=True
    )
    return Path(listing.stdout.split('"')[1])


@pytest.fixture
def tesseract_without_osd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Tesseract with English data only, as Debian installs it without its recommended packages."""
    (tmp_path / "eng.traineddata").symlink_to(_tessdata() / "eng.traineddata")
    monkeypatch.setenv("TESSDATA_PREFIX", str(tmp_path))
    clear: list[Callable[[], None]] = [ocr_module._installed_languages.cache_clear, ocr_module._has_osd.cache_clear]
    for each in clear:
        each()
    yield
    for each in clear:
        each()


def test_without_osd_data_a_turned_image_is_read_as_it_is_and_it_is_said_once(
    text_image, tesseract_without_osd: None, caplog: pytest.LogCaptureFixture
) -> None:
    turned = text_image(RECEIPT).transpose(Image.Transpose.ROTATE_180)

    with caplog.at_level(logging.WARNING, logger="claimflow"):
        first, second = ocr_image(turned), ocr_image(turned)

    assert first == second == _as_it_is(turned)
    assert "TOTAL RM 72.95" not in first
    assert [record.getMessage() for record in caplog.records if "OSD" in record.getMessage()] == [
        "Tesseract has no OSD data: images turned sideways are read as they are; install tesseract-ocr-osd."
    ]


def test_an_upright_photo_that_is_hard_to_read_is_not_read_at_every_turn(
    text_image, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Blurred small print reads upright at about 65 (real receipt photos at 60-69): unconfident, yet far above a
    # turned image's 34-53. Each other turn tried read every such page four more times, for nothing.
    blurred = text_image(RECEIPT, size=12).filter(ImageFilter.GaussianBlur(1.25))
    prepared = ocr_module._prepare(blurred)
    upright = ocr_module._recognise(prepared, "eng", PHOTO_PSM, 0, prepared.size).confidence()
    assert ocr_module._TURNED_AT_MOST <= upright < ocr_module._CONFIDENT_READING, upright
    runs: list[list[str]] = []
    real = ocr_module.tesseract

    def counted(image: Image.Image, arguments: list[str]) -> tuple[int, str, str]:
        runs.append(arguments)
        return real(image, arguments)

    monkeypatch.setattr(ocr_module, "tesseract", counted)

    text = ocr_image(blurred)

    readings = [arguments for arguments in runs if arguments[-1] != "0"]  # OSD runs with --psm 0
    assert len(readings) <= 2, runs  # as it is, and at OSD's answer if it gave one
    assert text.startswith("CORNER GROCER"), text
