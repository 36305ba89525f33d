"""Documents built at test time for the ingest tests: no binary fixtures are committed."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

FONT_CANDIDATES = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/dejavu/DejaVuSans.ttf"),
)

TextPdf = Callable[..., bytes]
TextImage = Callable[..., Image.Image]
ScannedPdf = Callable[[Sequence[Image.Image]], bytes]


@pytest.fixture(scope="session")
def font_path() -> Path:
    """DejaVu Sans from Debian's fonts-dejavu-core (installed by .ci/run)."""
    for path in FONT_CANDIDATES:
        if path.is_file():
            return path
    pytest.fail("DejaVuSans.ttf not found: install it with `apt-get install fonts-dejavu-core`")


@pytest.fixture(scope="session")
def text_pdf() -> TextPdf:
    """Make a text-layer PDF: one list of lines per page; ``blank`` pages have no content at all."""

    def make(pages: Sequence[Sequence[str]], *, encrypt: str | None = None) -> bytes:
        buffer = io.BytesIO()
        pdf = Canvas(buffer, pagesize=A4, invariant=1, encrypt=encrypt)
        for lines in pages:
            pdf.setFont("Helvetica", 12)
            for number, line in enumerate(lines):
                pdf.drawString(72, 770 - 18 * number, line)
            pdf.showPage()
        pdf.save()
        return buffer.getvalue()

    return make


@pytest.fixture(scope="session")
def text_image(font_path: Path) -> TextImage:
    """Render lines of black text on white, large enough for tesseract to read."""

    def make(lines: Sequence[str], *, size: int = 40, mode: str = "RGB") -> Image.Image:
        font = ImageFont.truetype(str(font_path), size)
        line_height = round(size * 1.5)
        width = round(max(font.getlength(line) for line in lines)) + 2 * size
        image = Image.new("RGB", (width, line_height * len(lines) + 2 * size), "white")
        draw = ImageDraw.Draw(image)
        for number, line in enumerate(lines):
            draw.text((size, size + number * line_height), line, fill="black", font=font)
        return image.convert(mode)

    return make


@pytest.fixture(scope="session")
def scanned_pdf() -> ScannedPdf:
    """Embed each image as a full page of a PDF: no text layer, so the pages must be OCRed."""

    def make(images: Sequence[Image.Image]) -> bytes:
        buffer = io.BytesIO()
        pdf = Canvas(buffer, pagesize=A4, invariant=1)
        page_width, page_height = A4
        for image in images:
            width = page_width - 100
            height = width * image.height / image.width
            pdf.drawImage(ImageReader(image), 50, page_height - 50 - height, width, height)
            pdf.showPage()
        pdf.save()
        return buffer.getvalue()

    return make


@pytest.fixture(scope="session")
def encode() -> Callable[..., bytes]:
    """Encode an image in memory: ``encode(image, "PNG", **save_params)``."""

    def make(image: Image.Image, fmt: str, **params: object) -> bytes:
        buffer = io.BytesIO()
        image.save(buffer, fmt, **params)
        return buffer.getvalue()

    return make


@pytest.fixture
def no_tesseract(monkeypatch: pytest.MonkeyPatch) -> None:
    """Point pytesseract at a tesseract binary that does not exist."""
    import pytesseract

    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "/nonexistent/bin/tesseract")
