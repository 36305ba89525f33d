"""CLAIMFLOW_OCR_LANGUAGES reaches tesseract through the whole path (settings, engine, parser, stored text): a
German or French scan is read in its language when the setting names it, and as English otherwise; languages
without data refuse the engine before it opens."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from claimflow.runtime.batch import process_files
from claimflow.runtime.engine import open_engine
from claimflow.runtime.errors import SetupError
from claimflow.runtime.settings import Settings

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
GERMAN = ["Rechnungsempfänger: Müller & Söhne GmbH, Straße 5", "Größe: Übergröße, Menge: 3 Stück"]


def _scan(lines: list[str]) -> bytes:
    """A PNG of black text on white, as a scanner gives it."""
    font = ImageFont.truetype(str(FONT), 40)
    image = Image.new("L", (round(max(font.getlength(line) for line in lines)) + 80, 60 * len(lines) + 80), 255)
    draw = ImageDraw.Draw(image)
    for number, line in enumerate(lines):
        draw.text((40, 40 + 60 * number), line, fill=0, font=font)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


async def _read(scan: Path, data_dir: Path) -> str:
    """The text a run of `scan` stored, read with the settings the environment gives."""
    async with open_engine(Settings.load(data_dir=data_dir)) as engine:
        [row] = await process_files(engine, [scan])
        state = await engine.state(row.run_id)
        assert state is not None and state.text is not None, row.error
        return "\n".join((await engine.store.load_text(state.text)).pages)


FRENCH = ["Facture: Société Générale, reçu à Noël", "Montant dû: 1 250,00 €, élève à Besançon"]


@pytest.mark.ocr
@pytest.mark.parametrize(
    ("lines", "languages", "lost"),
    [
        (GERMAN, "deu+eng", ["Müller", "Straße", "Übergröße"]),  # read as English: umlauts and sharp s lost
        (FRENCH, "fra+deu+eng", ["reçu", "Noël", "dû", "élève", "Besançon"]),  # cedillas, diaereses, accents
    ],
)
async def test_a_scan_is_read_in_its_language_only_when_the_setting_names_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lines: list[str], languages: str, lost: list[str]
) -> None:
    scan = tmp_path / "scan.png"
    scan.write_bytes(_scan(lines))
    monkeypatch.delenv("CLAIMFLOW_OCR_LANGUAGES", raising=False)

    english = await _read(scan, tmp_path / "english")
    monkeypatch.setenv("CLAIMFLOW_OCR_LANGUAGES", languages)
    named = await _read(scan, tmp_path / "named")

    assert named.splitlines() == lines
    assert [word for word in lost if word in english] == []


@pytest.mark.ocr
async def test_a_language_without_data_refuses_the_engine_before_anything_is_opened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLAIMFLOW_OCR_LANGUAGES", "eng+xyz")
    data_dir = tmp_path / "data"

    with pytest.raises(SetupError) as refused:
        async with open_engine(Settings.load(data_dir=data_dir)):
            pass

    message = str(refused.value)
    assert "CLAIMFLOW_OCR_LANGUAGES=eng+xyz" in message
    assert "no language data for xyz;" in message and "`apt-get install tesseract-ocr-xyz`" in message
    assert not data_dir.exists()  # no registry made, no document read
