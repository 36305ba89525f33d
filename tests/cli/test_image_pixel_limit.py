"""A scan over the pixel limit fails its own run with the limit named, and nothing else is printed for it.

Pillow warns of an image between one and two times its limit as it opens it; the command's stderr carried that
warning, a source line of Pillow's, beside the table.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

from PIL import Image

from claimflow.runtime.ingest.images import SCALE_DOWN
from tests.integration._docs import json_lines, run_cli


def _png_header(width: int, height: int) -> bytes:
    """A PNG that says it is `width` x `height`: Pillow knows its size on opening it, before any pixel."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\0" * 10)  # never decoded: the size alone refuses it
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def test_a_scan_over_the_pixel_limit_fails_alone_without_a_warning(tmp_path: Path) -> None:
    limit = Image.MAX_IMAGE_PIXELS
    assert limit is not None
    width = 10_000
    height = limit // width + 1  # over the limit, under twice it: where Pillow only warns
    docs = tmp_path / "inbox"
    docs.mkdir()
    (docs / "scan.png").write_bytes(_png_header(width, height))
    (docs / "note.txt").write_text("Receipt\nTotal: 5.00\n", encoding="utf-8")

    result = run_cli("run", docs, "--data-dir", tmp_path / "data", "--json")

    assert result.stderr == ""
    runs = {row["document"]: row for row in json_lines(result.stdout)}
    assert runs["scan.png"]["status"] == "failed"
    assert runs["scan.png"]["error"] == (
        f"The image has too many pixels to read safely: {width} x {height} is over {limit} pixels. {SCALE_DOWN}"
    )
    assert runs["note.txt"]["status"] != "failed"
    assert result.returncode == 1
