"""CLAIMFLOW_OCR_LANGUAGES at the command line: a malformed value and a language tesseract has no data for are
each refused before any document is read, saying what to write or install; `claimflow check` says the same."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.conftest import Invoke
from tests.integration._docs import json_lines

INVOICE = Path(__file__).parents[2] / "examples" / "documents" / "invoice-clean.pdf"


def _checks(claimflow: Invoke, tmp_path: Path, languages: str) -> tuple[int, dict[str, dict[str, str]]]:
    result = claimflow("check", "--json", "--data-dir", tmp_path / "data", env={"CLAIMFLOW_OCR_LANGUAGES": languages})
    return result.exit_code, {item.pop("check"): item for item in json_lines(result.stdout)}


@pytest.mark.parametrize("value", ["eng,deu", "eng deu", "eng+", "+deu", "eng++deu", "../../tmp/eng", "eng+de1"])
def test_a_malformed_value_is_refused_naming_the_variable_and_an_example(
    claimflow: Invoke, tmp_path: Path, value: str
) -> None:
    done = claimflow("run", INVOICE, "--data-dir", tmp_path / "data", env={"CLAIMFLOW_OCR_LANGUAGES": value})

    assert done.exit_code != 0
    assert f"CLAIMFLOW_OCR_LANGUAGES={value!r} is not a tesseract language value" in done.output
    assert "e.g. eng+deu+fra" in done.output
    assert not (tmp_path / "data").exists()

    code, found = _checks(claimflow, tmp_path, value)
    assert code == 1
    assert found["settings"]["outcome"] == "failed"
    assert "CLAIMFLOW_OCR_LANGUAGES" in found["settings"]["detail"]


@pytest.mark.ocr
def test_a_language_without_data_refuses_the_run_before_a_text_document_is_read(
    claimflow: Invoke, tmp_path: Path
) -> None:
    done = claimflow("run", INVOICE, "--data-dir", tmp_path / "data", env={"CLAIMFLOW_OCR_LANGUAGES": "eng+jpn"})

    assert done.exit_code != 0
    assert "CLAIMFLOW_OCR_LANGUAGES=eng+jpn" in done.output
    assert "no language data for jpn;" in done.output and "apt-get install tesseract-ocr-jpn" in done.output
    assert not (tmp_path / "data").exists()  # no run registered, the invoice not read


@pytest.mark.ocr
def test_check_fails_the_ocr_check_for_a_language_without_data_and_passes_it_with_the_data(
    claimflow: Invoke, tmp_path: Path
) -> None:
    code, found = _checks(claimflow, tmp_path, "eng+xyz")
    assert code == 1
    assert found["ocr"]["outcome"] == "failed"
    assert "no language data for xyz;" in found["ocr"]["detail"]
    assert "apt-get install tesseract-ocr-xyz" in found["ocr"]["detail"]

    code, found = _checks(claimflow, tmp_path, "eng+deu+fra")
    assert code == 0, found
    assert found["ocr"] == {"outcome": "ok", "detail": "tesseract reads eng+deu+fra and turns pages upright"}
