"""Whether tesseract can read the languages CLAIMFLOW_OCR_LANGUAGES names, asked once before any document is read.

English alone (`eng`, the default) is not asked for: a team whose documents are all text needs no tesseract, and
without it a scan fails on its own, saying what to install, while every other document is read. Languages named
in the setting are meant for the team's scans: were their data missing, each scan of a batch would fail in turn,
so a command that reads documents refuses to start instead, naming the languages and their Debian packages. A
document that needs no OCR is never failed for it: with the data there it is read as before, and without it no
document is read until the data is installed or the setting changed.
"""

from __future__ import annotations

from claimflow.runtime.errors import SetupError
from claimflow.runtime.ingest.models import IngestLimits
from claimflow.runtime.settings import OCR_LANGUAGES

__all__ = ["asks_for_languages", "refuse_unreadable_languages", "unreadable_languages"]


def asks_for_languages(languages: str) -> bool:
    """True if `languages` is more than the default English, so set on purpose (CLAIMFLOW_OCR_LANGUAGES)."""
    return languages != IngestLimits().ocr_languages


def unreadable_languages(languages: str) -> str | None:
    """What keeps tesseract from reading the languages asked for, and what to install; None if it reads them all.

    Always None for the default English (see the module's docstring). Asks tesseract which data it has (a
    child process, once per process).
    """
    if not asks_for_languages(languages):
        return None
    # pytesseract and Pillow: imported by commands that may read scans, not by every command that loads settings.
    from claimflow.runtime.ingest.errors import OcrUnavailableError
    from claimflow.runtime.ingest.ocr import INSTALL_HINT, debian_package, installed_languages, missing_languages

    try:
        installed = installed_languages()
    except OcrUnavailableError:
        packages = " ".join(debian_package(code) for code in dict.fromkeys(languages.split("+")) if code != "eng")
        return (
            f"{OCR_LANGUAGES}={languages}: scans are to be read in these languages, but the tesseract program was"
            f" not found; {INSTALL_HINT.removesuffix('`')} {packages}`"
        )
    missing = missing_languages(languages, installed)
    if missing is None:
        return None
    return (
        f"{OCR_LANGUAGES}={languages}: {missing[0].lower()}{missing[1:]} Or leave the language out of {OCR_LANGUAGES}."
    )


def refuse_unreadable_languages(limits: IngestLimits) -> None:
    """Refuse to go on when tesseract cannot read the languages asked for: called before any document is read.

    Raises:
        SetupError: naming the languages and the Debian packages with their data.
    """
    problem = unreadable_languages(limits.ocr_languages)
    if problem is not None:
        raise SetupError(problem)
