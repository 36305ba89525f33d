"""Missing tesseract data, or tesseract itself, is named by language and by the Debian package that holds it."""

from __future__ import annotations

import pytest

from claimflow.runtime.errors import SetupError
from claimflow.runtime.ingest import IngestLimits
from claimflow.runtime.ingest.ocr import missing_languages
from claimflow.runtime.ocr_readiness import refuse_unreadable_languages


def test_a_language_code_with_an_underscore_is_installed_from_its_hyphenated_package() -> None:
    said = missing_languages("eng+chi_sim+deu+chi_sim", frozenset({"eng", "deu", "osd"}))

    assert said == (
        "Tesseract has no language data for chi_sim; install it with `apt-get install tesseract-ocr-chi-sim`."
    )


@pytest.mark.usefixtures("no_tesseract")
def test_languages_asked_for_without_tesseract_are_refused_saying_what_to_install() -> None:
    with pytest.raises(SetupError) as refused:
        refuse_unreadable_languages(IngestLimits(ocr_languages="deu+eng"))

    assert str(refused.value) == (
        "CLAIMFLOW_OCR_LANGUAGES=deu+eng: scans are to be read in these languages, but the tesseract program was not"
        " found; install it with `apt-get install tesseract-ocr tesseract-ocr-eng tesseract-ocr-osd tesseract-ocr-deu`"
    )
