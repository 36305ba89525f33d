"""Photos and scans (JPEG, PNG, TIFF): decode with Pillow, turn upright, OCR each frame."""

from __future__ import annotations

import io
import warnings

from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

from claimflow.runtime.ingest.errors import CorruptDocumentError, DocumentTooLargeError
from claimflow.runtime.ingest.models import IngestLimits, ParsedPages
from claimflow.runtime.ingest.ocr import PHOTO_PSM, ocr_image

__all__ = ["parse_image", "upright"]


def _open(data: bytes) -> Image.Image:
    """Open and fully decode an image, turning Pillow's failures into ingest errors."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
            image.load()
        except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
            raise DocumentTooLargeError(f"The image has too many pixels to read safely: {exc}") from exc
        except UnidentifiedImageError as exc:
            raise CorruptDocumentError("The image could not be decoded: the file is damaged.") from exc
        except (OSError, SyntaxError, ValueError) as exc:
            raise CorruptDocumentError(f"The image could not be decoded: {exc}.") from exc
    return image


def upright(frame: Image.Image) -> Image.Image:
    """Apply the EXIF orientation tag, if any; a broken tag leaves the frame as it is."""
    try:
        return ImageOps.exif_transpose(frame)
    except (OSError, SyntaxError, ValueError, KeyError, TypeError):
        return frame.copy()


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
    image = _open(data)
    try:
        frames = getattr(image, "n_frames", 1)
        if frames > limits.max_pages:
            raise DocumentTooLargeError(f"The image has {frames} pages; at most {limits.max_pages} are accepted.")
        pages: list[str] = []
        for frame in ImageSequence.Iterator(image):
            try:
                frame.load()
            except (OSError, SyntaxError, ValueError) as exc:
                raise CorruptDocumentError(f"An image page could not be decoded: {exc}.") from exc
            pages.append(ocr_image(upright(frame), limits.ocr_languages, PHOTO_PSM))
    finally:
        image.close()
    return ParsedPages(pages=tuple(pages), method="ocr", media_type=media_type)
