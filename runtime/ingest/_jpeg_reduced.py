"""A JPEG photo over Pillow's pixel limit, decoded at a half, a quarter or an eighth of its size.

A phone's 108 or 200 megapixel mode makes photos over Pillow's limit (89 million pixels), which guards memory
against a decompression bomb. A JPEG need not be decoded whole to be read smaller: libjpeg scales it while
decoding (`Image.draft`), and a baseline JPEG is decoded a few rows at a time, so the memory taken is the reduced
image's. Such a photo is decoded at the largest of those scales under both Pillow's limit and `MAX_OCR_PIXELS`
(a 200 megapixel photo at a quarter: 12.5 million pixels, a page at 300 dpi needs under 9).

Not reduced, and so refused as before: other formats, a progressive JPEG (libjpeg keeps the whole image's
coefficients to decode one, two bytes a sample at full size) and one too large even at an eighth.
"""

from __future__ import annotations

import io

from PIL import Image, JpegImagePlugin

from claimflow.runtime.ingest.models import MAX_OCR_PIXELS

__all__ = ["reduced_jpeg"]

_JPEG_START = b"\xff\xd8\xff"

# The scales libjpeg decodes at besides the whole, the largest first.
_REDUCTIONS = (2, 4, 8)


def _reduction(width: int, height: int, most: int) -> int | None:
    """The smallest of `_REDUCTIONS` that brings the image to at most `most` pixels; None if none does."""
    for factor in _REDUCTIONS:
        if -(-width // factor) * -(-height // factor) <= most:  # libjpeg rounds each side up
            return factor
    return None


def reduced_jpeg(data: bytes) -> Image.Image | None:
    """The JPEG in `data` set to decode reduced, when its size is over Pillow's limit and it can be; else None.

    None for anything else (not a JPEG, a damaged header, within the limit, progressive, or too large at an
    eighth): the caller opens it as any image, and refuses it when it is over the limit. Only the header is read
    here; decoding is left to `load()`. Pillow's own check on opening is not run for such a JPEG (it would refuse
    it, or warn of it, by its full size), as it is decoded only reduced.
    """
    limit = Image.MAX_IMAGE_PIXELS
    if limit is None or not data.startswith(_JPEG_START):
        return None
    try:
        # The JPEG plugin reads the header only; Image.open would also check the size against the limit.
        image = JpegImagePlugin.JpegImageFile(io.BytesIO(data))
    except (OSError, SyntaxError, ValueError, EOFError):
        return None  # damaged: Image.open says so, as of any image
    width, height = image.size
    factor = _reduction(width, height, min(limit, MAX_OCR_PIXELS))
    if width * height <= limit or factor is None or image.info.get("progressive"):
        image.close()
        return None
    # Pillow picks the largest scale the requested size allows: asked for the sides divided down, it picks `factor`.
    drafted = image.draft(image.mode, (width // factor, height // factor))
    if drafted is None or image.width * image.height > limit:
        image.close()
        return None
    return image
