"""The page image handed to tesseract: the same pixels, written at zlib's fastest level.

PNG is lossless at every compression level, so tesseract reads the same image; the default level took about three
times as long to write a photo for a file a few percent smaller.
"""

from __future__ import annotations

import io
import random
import struct

import pytest
from PIL import Image

from claimflow.runtime.ingest import _tesseract


def _noisy(mode: str) -> Image.Image:
    """An image zlib cannot squeeze to nothing: random pixels, as a photo's grain."""
    rng = random.Random(5)
    width, height = 120, 80
    bands = len(mode) if mode != "L" else 1
    return Image.frombytes(mode, (width, height), bytes(rng.randrange(256) for _ in range(width * height * bands)))


def _zlib_level_flag(png: bytes) -> int:
    """FLEVEL of the first IDAT chunk's zlib header: 0 fastest, 1 fast, 2 default, 3 maximum."""
    offset = 8  # the signature
    while offset < len(png):
        length, kind = struct.unpack(">I4s", png[offset : offset + 8])
        if kind == b"IDAT":
            return png[offset + 9] >> 6
        offset += 12 + length
    raise AssertionError("no IDAT chunk")


@pytest.mark.parametrize("mode", ["L", "RGB"])
def test_the_image_tesseract_reads_has_the_pages_pixels(mode: str) -> None:
    image = _noisy(mode)
    decoded = Image.open(io.BytesIO(_tesseract._png(image)))
    assert decoded.mode == mode
    assert decoded.size == image.size
    assert decoded.tobytes() == image.tobytes()


def test_the_image_is_written_at_zlibs_fastest_level() -> None:
    png = _tesseract._png(_noisy("RGB"))
    assert _zlib_level_flag(png) == 0
    default = io.BytesIO()
    _noisy("RGB").save(default, format="PNG")
    assert _zlib_level_flag(default.getvalue()) == 2  # what the check tells apart: Pillow's default level
