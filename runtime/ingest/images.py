"""Photos and scans (JPEG, PNG, TIFF): decode with Pillow, turn upright, make pixels square, OCR each frame."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from contextlib import contextmanager

from PIL import ExifTags, Image, ImageOps, UnidentifiedImageError

from claimflow.runtime.ingest._jpeg_reduced import reduced_jpeg
from claimflow.runtime.ingest.errors import CorruptDocumentError, DocumentTooLargeError
from claimflow.runtime.ingest.models import IngestLimits, ParsedPages
from claimflow.runtime.ingest.ocr import PHOTO_PSM, ocr_image

__all__ = ["as_shown", "load_frame", "open_image", "parse_image", "upright"]


@contextmanager
def _decoding(what: str) -> Iterator[None]:
    """Turn Pillow's failures while decoding `what` into ingest errors (a decompression bomb: too large).

    No warning filter is set here: `warnings.catch_warnings` swaps the process's filter list, and two threads
    inside it at once restore each other's lists, while pages are read on worker threads side by side. Pillow
    only *warns* between one and two times its pixel limit; `_within_pixel_limit` refuses such an image itself.
    Where warnings are errors (`python -W error`, the test suite), the warning is that refusal too.
    """
    try:
        yield
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        raise DocumentTooLargeError(_too_many_pixels(exc)) from exc
    except UnidentifiedImageError as exc:
        raise CorruptDocumentError(f"{what} could not be decoded: the file is damaged.") from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise CorruptDocumentError(f"{what} could not be decoded: {exc}.") from exc


SCALE_DOWN = (
    "Scale it down and send it again: a page needs no more than 300 dpi (an A4 page at 300 dpi is under"
    " 9 megapixels), and a phone's 108 or 200 megapixel mode is more than any page needs."
)
"""What to do with a photo or scan over the pixel limit: such files are a camera's largest mode, not a page's need."""


def _too_many_pixels(exc: Exception) -> str:
    """The refusal of an image Pillow stopped itself, naming the limit claimflow holds images to.

    Pillow raises only above twice its limit, and its message names that doubled figure; an image between the
    two is refused by `_within_pixel_limit` at the limit itself. Both say the same limit.
    """
    found = re.search(r"\((\d+) pixels\)", str(exc))
    pixels = f"{int(found.group(1))} pixels" if found else "its size"
    return f"The image has too many pixels to read safely: {pixels} is over {_limit_text()}. {SCALE_DOWN}"


def _limit_text() -> str:
    """Pillow's pixel limit, the one claimflow refuses images over, as the refusal states it."""
    limit = Image.MAX_IMAGE_PIXELS
    return f"{limit} pixels" if limit is not None else "the pixel limit"


def _within_pixel_limit(image: Image.Image) -> Image.Image:
    """Refuse an image over Pillow's pixel limit before decoding it (Pillow itself only warns up to twice it)."""
    limit = Image.MAX_IMAGE_PIXELS
    if limit is not None and image.width * image.height > limit:
        raise DocumentTooLargeError(
            f"The image has too many pixels to read safely: {image.width} x {image.height} is over {_limit_text()}."
            f" {SCALE_DOWN}"
        )
    return image


def open_image(data: bytes) -> Image.Image:
    """Open an image and count its frames, decoding none (`load_frame` decodes the one wanted).

    A baseline JPEG over Pillow's pixel limit is opened to decode at a half, a quarter or an eighth of its size,
    under the limit (`_jpeg_reduced`): a phone's 108 or 200 megapixel photo is read, not refused.

    Raises:
        DocumentTooLargeError: It has more pixels than Pillow's limit (`Image.MAX_IMAGE_PIXELS`) and is not a
            JPEG that can be decoded reduced under it.
        CorruptDocumentError: The bytes are not a decodable image.
    """
    with _decoding("The image"):
        image = reduced_jpeg(data)
        if image is None:
            image = _within_pixel_limit(Image.open(io.BytesIO(data)))
        getattr(image, "n_frames", 1)  # reads (and keeps) every frame's header: a damaged one fails here
    return image


def load_frame(image: Image.Image, index: int) -> Image.Image:
    """Decode frame `index` (from 0) of an image from `open_image`: the image itself, moved to that frame.

    Raises:
        DocumentTooLargeError: The frame has more pixels than Pillow's limit.
        CorruptDocumentError: The frame cannot be decoded.
    """
    with _decoding("An image page"):
        image.seek(index)
        _within_pixel_limit(image).load()
    return image


def upright(frame: Image.Image) -> Image.Image:
    """Apply the EXIF orientation tag, if any; a broken tag leaves the frame as it is."""
    try:
        return ImageOps.exif_transpose(frame)
    except (OSError, SyntaxError, ValueError, KeyError, TypeError):
        return frame.copy()


# Pixels are made square when one resolution is at least this much the other's (a fax at 204 x 98 dpi: 2.08), and at
# most the largest: beyond it the figures are not a scanner's but a damaged or made-up header's.
_UNSQUARE = 1.2
_MOST_UNSQUARE = 4.0

# EXIF orientations that turn the image a quarter (5-8): its across and down change places.
_QUARTER_TURNS = frozenset((5, 6, 7, 8))


def _resolution(frame: Image.Image) -> tuple[float, float] | None:
    """The frame's resolution across and down as its file states it (dpi, or their ratio); None when it states none."""
    for key in ("dpi", "resolution", "jfif_density"):
        found = frame.info.get(key)
        if isinstance(found, tuple) and len(found) == 2:
            try:
                across, down = float(found[0]), float(found[1])
            except (TypeError, ValueError):
                continue
            if across > 0 and down > 0:
                return across, down
    return None


def _square(image: Image.Image, across: float, down: float) -> Image.Image:
    """The image stretched along its coarser axis so that its pixels are as tall as wide; as it is when they are."""
    ratio = max(across, down) / min(across, down)
    if not _UNSQUARE <= ratio <= _MOST_UNSQUARE:
        return image
    width, height = (
        (image.width, round(image.height * ratio)) if across > down else (round(image.width * ratio), image.height)
    )
    limit = Image.MAX_IMAGE_PIXELS
    if limit is not None and width * height > limit:
        return image
    # Each row (or column) repeated, as a fax machine prints it: on 18 test pages sent as faxes tesseract read
    # 97% of their text so (the squashed pages: 78%), and 95% when smoothed (Lanczos).
    return image.resize((width, height), Image.Resampling.NEAREST)


def as_shown(frame: Image.Image) -> Image.Image:
    """A decoded frame as a viewer shows it: turned by its EXIF orientation, its pixels made square.

    A fax at standard resolution is 204 dpi across and 98 down: read pixel for pixel, its text stands squashed to
    half its height, and tesseract misreads it.
    """
    resolution = _resolution(frame)
    try:
        turned = frame.getexif().get(ExifTags.Base.Orientation) in _QUARTER_TURNS
    except (OSError, SyntaxError, ValueError, KeyError, TypeError):
        turned = False
    shown = upright(frame)
    if resolution is None:
        return shown
    across, down = resolution[::-1] if turned else resolution
    return _square(shown, across, down)


def parse_image(data: bytes, media_type: str, limits: IngestLimits) -> ParsedPages:
    """OCR a photo or scan; every frame of a multi-page TIFF becomes one page.

    Args:
        data: The image bytes.
        media_type: The sniffed media type (``image/jpeg``, ``image/png`` or ``image/tiff``).
        limits: Page limit and OCR languages.

    Returns:
        The recognised text per frame, method ``"ocr"``.

    Raises:
        CorruptDocumentError: The bytes are not a decodable image.
        DocumentTooLargeError: Too many pixels or frames.
        OcrUnavailableError: Tesseract is not installed.
    """
    image = open_image(data)
    try:
        frames = getattr(image, "n_frames", 1)
        if frames > limits.max_pages:
            raise DocumentTooLargeError(
                f"The image has {frames} pages; at most {limits.max_pages} are accepted (CLAIMFLOW_MAX_PAGES)."
            )
        pages = [
            ocr_image(as_shown(load_frame(image, index)), limits.ocr_languages, PHOTO_PSM) for index in range(frames)
        ]
    finally:
        image.close()
    numbers = tuple(range(1, len(pages) + 1))
    return ParsedPages(pages=tuple(pages), method="ocr", media_type=media_type, ocr_pages=numbers)
