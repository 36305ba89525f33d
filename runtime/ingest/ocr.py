"""Text recognition with Debian's tesseract, run through pipes (``_tesseract``): no file is written.

Two page segmentation modes, chosen by measurement (tesseract 5.3, ``eng``):

* Photos and image files use ``--psm 6`` ("one uniform block of text"). On 40 scanned receipt
  photos, the share whose OCR text contained the expected total / date / company name was
  0.83 / 0.85 / 0.78 with psm 6, against 0.78 / 0.78 / 0.70 for the default psm 3 and for psm 4,
  and 0.73 / 0.75 / 0.78 for psm 11. It also keeps a label and its amount on one line.
  Upscaling, auto-contrast and a ``--dpi`` hint did not help and were left out.
* Rendered PDF pages use the default ``--psm 3`` (automatic layout analysis). On 30 designed
  invoice pages rendered at 300 dpi, psm 3 recovered the invoice number on 30/30 pages and
  psm 6 on 24/30 (it drops boxed header blocks); on 20 contract pages word recall was equal.
  A PDF page that is one image and nothing else is read as a photo of it is, with psm 6 (``_pdf_page_image``).

An image that stands sideways or upside down (a photo without an EXIF orientation, a page scanned turned) reads
as garbage. Tesseract's words carry a confidence: upright text read at a mean of 89-96 (a receipt photo, test
receipts, rendered pages), the same images turned 90, 180 or 270 degrees at 34-53. A reading below
``_CONFIDENT_READING`` asks tesseract's orientation detection (OSD) which way is up and reads the image again
turned that way, then the other ways while no reading is confident (OSD cannot tell for a photo of low
resolution, and is sometimes wrong); a turned reading is kept only if it is the more confident. Upright text is
read once, with no OSD run: the text is tesseract's words (``image_to_data``) joined as its text output joins
them, so one recognition gives the text, the boxes and the confidences.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache

import pytesseract
from PIL import Image

from claimflow.runtime.ingest._tesseract import INSTALL_HINT, failure, tesseract
from claimflow.runtime.ingest._text import tidy_lines
from claimflow.runtime.ingest.errors import OcrUnavailableError, UnsupportedFormatError

__all__ = [
    "INSTALL_HINT",
    "PAGE_PSM",
    "PHOTO_PSM",
    "OcrWord",
    "debian_package",
    "installed_languages",
    "missing_languages",
    "ocr_image",
    "ocr_words",
]

PHOTO_PSM = 6
"""Tesseract ``--psm`` for photos and image files: one uniform block of text."""

PAGE_PSM = 3
"""Tesseract ``--psm`` for rendered PDF pages: automatic page segmentation."""

# Mean word confidence (tesseract's 0-100) from which a reading is taken as upright, without asking OSD: between
# the 53 of the best turned reading measured and the 89 of the worst upright one.
_CONFIDENT_READING = 70.0

# Mean word confidence under which a reading may be of an image turned, where OSD cannot tell: turned receipt
# photos and pages read at 34-53; an upright photo that is merely hard to read reads above it (9 of 40 real receipt
# photos read at 60-69, two at 45 and 50), and trying every other turn would read each of its pages four times.
_TURNED_AT_MOST = 55.0

# What turns an image upright, by OSD's answer (degrees clockwise); Pillow's ROTATE_n turns anticlockwise.
_UPRIGHT = {90: Image.Transpose.ROTATE_270, 180: Image.Transpose.ROTATE_180, 270: Image.Transpose.ROTATE_90}

_log = logging.getLogger("claimflow")


@lru_cache(maxsize=4)
def _installed_languages(command: str) -> frozenset[str]:
    """Languages tesseract has data for; cached per tesseract command (a subprocess call each)."""
    del command  # the cache key: pytesseract reads the command from its module setting
    try:
        return frozenset(pytesseract.get_languages(config=""))
    except pytesseract.TesseractNotFoundError as exc:
        raise OcrUnavailableError(
            f"This document needs OCR but the tesseract program was not found; {INSTALL_HINT}."
        ) from exc


def installed_languages() -> frozenset[str]:
    """The languages the configured tesseract has data for (`osd` too, when it can tell which way is up).

    Raises:
        OcrUnavailableError: tesseract is not installed, saying how to install it.
    """
    return _installed_languages(str(pytesseract.pytesseract.tesseract_cmd))


def debian_package(code: str) -> str:
    """The Debian package holding a tesseract language's data: `deu` in tesseract-ocr-deu, `chi_sim` in -chi-sim."""
    return f"tesseract-ocr-{code.lower().replace('_', '-')}"


def missing_languages(languages: str, installed: frozenset[str]) -> str | None:
    """What to say when a tesseract language value (`eng+deu`) names languages without data; None if none."""
    missing = list(dict.fromkeys(code for code in languages.split("+") if code not in installed))
    if not missing:
        return None
    packages = " ".join(debian_package(code) for code in missing)
    return f"Tesseract has no language data for {', '.join(missing)}; install it with `apt-get install {packages}`."


def _check_languages(languages: str) -> None:
    problem = missing_languages(languages, installed_languages())
    if problem is not None:
        raise OcrUnavailableError(problem)


@lru_cache(maxsize=4)
def _has_osd(command: str) -> bool:
    """True if tesseract has OSD data; said once per tesseract command when not (reading goes on without it)."""
    if "osd" in _installed_languages(command):
        return True
    _log.warning("Tesseract has no OSD data: images turned sideways are read as they are; install tesseract-ocr-osd.")
    return False


def _prepare(image: Image.Image) -> Image.Image:
    """Flatten transparency onto white and convert to 8-bit grey.

    Raises:
        UnsupportedFormatError: Pillow cannot turn the image's colour mode into grey.
    """
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(background, rgba)
    if image.mode.startswith("I;16"):
        # Pillow maps no lookup over 16-bit modes of a stated byte order (`I;16B`, from big-endian TIFF scans).
        image = image.convert("I")
    if image.mode.startswith("I"):
        image = image.point(lambda value: value / 256)
    try:
        return image.convert("L")
    except ValueError:
        pass  # some modes (LAB) convert to grey only by way of RGB
    try:
        return image.convert("RGB").convert("L")
    except ValueError as exc:
        raise UnsupportedFormatError(
            f"The image's colour mode ({image.mode}) cannot be read; save it as RGB or greyscale."
        ) from exc


@dataclass(frozen=True)
class _Word:
    """One word of tesseract's reading, as it stands in the image read."""

    text: str
    line: tuple[int, int, int, int]
    """Page, block, paragraph and line: where tesseract's own text output breaks lines and paragraphs."""
    box: tuple[int, int, int, int]
    """Left, top, width and height in the image read."""
    confidence: float


@dataclass(frozen=True)
class _Reading:
    """Tesseract's words of a prepared image, and how the image was turned to read them."""

    words: list[_Word]
    turn: int
    """Degrees clockwise the prepared image was turned to be read."""
    size: tuple[int, int]
    """The prepared image's size, before it was turned."""

    def confidence(self) -> float:
        """Mean confidence of the words read, a word read on end counting 0; 100 with no words (nothing to turn).

        Tesseract's layout analysis (psm 3) reads lines turned a quarter clockwise as vertical text: confidently,
        but in broken pieces. Such words stand taller than wide (all 320 of four letters or more on a turned
        page; none upright).
        """
        scores = [0.0 if _on_end(word) else word.confidence for word in self.words if word.text.strip()]
        return sum(scores) / len(scores) if scores else 100.0


def _on_end(word: _Word) -> bool:
    """True if a word of four or more characters stands taller than wide (shorter ones may, upright: "Il")."""
    return len(word.text.strip()) >= 4 and word.box[3] > word.box[2]


_COLUMNS = ("level", "text", "conf", "page_num", "block_num", "par_num", "line_num", "left", "top", "width", "height")


def _recognise(image: Image.Image, languages: str, psm: int, turn: int, size: tuple[int, int]) -> _Reading:
    # The arguments pytesseract's image_to_data gives, and its reading of the table: the same words.
    status, out, err = tesseract(image, ["-l", languages, "-c", "tessedit_create_tsv=1", "--psm", str(psm)])
    if status:
        raise failure(err)
    data = pytesseract.pytesseract.file_to_dict(out, "\t", -1)
    rows = zip(*(data.get(name, []) for name in _COLUMNS), strict=True)
    words = [
        _Word(
            str(text),
            (int(page), int(block), int(paragraph), int(line)),
            (int(left), int(top), int(width), int(height)),
            float(confidence),
        )
        for level, text, confidence, page, block, paragraph, line, left, top, width, height in rows
        if level == 5  # a word: the rows above it are the page, its blocks, paragraphs and lines
    ]
    return _Reading(words, turn, size)


def _osd_turn(image: Image.Image) -> int | None:
    """Degrees clockwise that OSD says turn the image upright; 0 when it says upright or cannot tell; None: no OSD.

    OSD refuses images it finds too few characters in ("Too few characters"): sparse ones, and receipt photos of
    low resolution (three of four photos turned a quarter, at an estimated 105-123 dpi). Without OSD data nothing
    is turned (said once, by `_has_osd`).
    """
    if not _has_osd(str(pytesseract.pytesseract.tesseract_cmd)):
        return None
    status, out, _ = tesseract(image, ["-l", "osd", "--psm", "0"])
    if status:
        return 0
    try:
        found = pytesseract.pytesseract.osd_to_dict(out)
    except (KeyError, ValueError):
        return 0
    turn = int(found.get("rotate", 0)) % 360
    return turn if turn in _UPRIGHT else 0


def _turns(answer: int) -> list[int]:
    """The turns to read an unconfident image at, OSD's `answer` first, then the others, quarters before half."""
    others = [turn for turn in (90, 270, 180) if turn != answer]
    return [answer, *others] if answer else others


def _read(image: Image.Image, languages: str, psm: int) -> _Reading:
    """Tesseract's reading of the image; turned upright first when, as it is, it reads without confidence.

    OSD's answer is tried first, and the other turns after it while no reading is confident and the best is as
    poor as a turned image's (`_TURNED_AT_MOST`): of 12 receipt photos turned each way, OSD could not tell for 4
    turned a quarter (too few characters at their resolution), and turned one the wrong quarter; its confidence is
    no guide (0.03 to 2.95 for right answers). The most confident reading is kept, the image as it is included.
    """
    _check_languages(languages)
    prepared = _prepare(image)
    best = _recognise(prepared, languages, psm, 0, prepared.size)
    if best.confidence() >= _CONFIDENT_READING or (answer := _osd_turn(prepared)) is None:
        return best
    for turn in _turns(answer):
        if turn != answer and best.confidence() >= _TURNED_AT_MOST:
            break  # upright as far as can be told, and hard to read: another turn would read it again for nothing
        turned = _recognise(prepared.transpose(_UPRIGHT[turn]), languages, psm, turn, prepared.size)
        if turned.confidence() > best.confidence():
            best = turned
        if best.confidence() >= _CONFIDENT_READING:
            break
    return best


def _as_text(words: list[_Word]) -> str:
    """The words as tesseract's own text output joins them: lines by a line end, paragraphs by a blank line.

    After ``tidy_lines`` this is ``image_to_string``'s text of the same image (compared on 15 images: photo,
    receipts, pages and columns, upright and turned, psm 3 and 6).
    """
    parts: list[str] = []
    for before, word in zip([None, *words], words, strict=False):
        if before is not None:
            same_paragraph = before.line[:3] == word.line[:3]
            parts.append(" " if before.line == word.line else "\n" if same_paragraph else "\n\n")
        parts.append(word.text)
    return "".join(parts)


def ocr_image(image: Image.Image, languages: str = "eng", psm: int = PHOTO_PSM) -> str:
    """Recognise the text in one image, turned upright first if it stands sideways or upside down.

    Args:
        image: A page or photo in any Pillow mode, its EXIF orientation applied.
        languages: Tesseract language value (``-l``), e.g. ``"eng"`` or ``"eng+deu"``.
        psm: Tesseract page segmentation mode, :data:`PHOTO_PSM` or :data:`PAGE_PSM`.

    Returns:
        The recognised text with tidy line ends; an empty string if nothing was recognised.

    Raises:
        OcrUnavailableError: The tesseract program or the language data is not installed.
        UnsupportedFormatError: The image's colour mode cannot be turned into grey.
        IngestError: Tesseract failed on the image for another reason.
    """
    return tidy_lines(_as_text(_read(image, languages, psm).words))


@dataclass(frozen=True)
class OcrWord:
    """One word tesseract read, with its box in the image's pixels."""

    text: str
    left: int
    top: int
    width: int
    height: int
    line: tuple[int, int, int, int] = (0, 0, 0, 0)
    """Tesseract's block, paragraph and line of the word (with its page): the words of one line share it, however
    the image stands (on a photo turned a quarter, a line runs down the image)."""


def _unturned(box: tuple[int, int, int, int], turn: int, size: tuple[int, int]) -> tuple[int, int, int, int]:
    """A box (left, top, width, height) in the image turned `turn` degrees clockwise, in the image of `size`."""
    left, top, width, height = box
    if turn == 90:
        return top, size[1] - left - width, height, width
    if turn == 180:
        return size[0] - left - width, size[1] - top - height, width, height
    if turn == 270:
        return size[0] - top - height, left, height, width
    return box


def ocr_words(image: Image.Image, languages: str = "eng", psm: int = PHOTO_PSM) -> list[OcrWord]:
    """The words of one image in reading order, each with its box: what :func:`ocr_image` reads, word by word.

    The image is prepared, turned and recognised as :func:`ocr_image` does, so the words are those of its
    text; the boxes are in the pixels of the image as given, however it was turned to be read.

    Raises:
        OcrUnavailableError: The tesseract program or the language data is not installed.
        UnsupportedFormatError: The image's colour mode cannot be turned into grey.
        IngestError: Tesseract failed on the image for another reason.
    """
    reading = _read(image, languages, psm)
    words: list[OcrWord] = []
    for word in reading.words:
        box = _unturned(word.box, reading.turn, reading.size)
        # A word tesseract reads as white space only is not a word of the text either.
        words.extend(OcrWord(part, *box, line=word.line) for part in word.text.split())
    return words
