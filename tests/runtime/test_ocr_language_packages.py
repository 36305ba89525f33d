"""Missing tesseract data is named by language and by the Debian package that holds it."""

from __future__ import annotations

from claimflow.runtime.ingest.ocr import missing_languages


def test_a_language_code_with_an_underscore_is_installed_from_its_hyphenated_package() -> None:
    said = missing_languages("eng+chi_sim+deu+chi_sim", frozenset({"eng", "deu", "osd"}))

    assert said == (
        "Tesseract has no language data for chi_sim; install it with `apt-get install tesseract-ocr-chi-sim`."
    )
