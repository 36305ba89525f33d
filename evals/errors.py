"""Why golden cases cannot be run as asked: a file that does not load, a selection of nothing, an inactive type.

Each is a setup error of the evaluation, not a failed case: `claimflow eval` prints the message and exits 2, never
1 (which CI reads as a regression). They are `ValueError`s, as the misplaced-file error always was.
"""

from __future__ import annotations


class GoldenError(ValueError):
    """The golden cases cannot be run as asked; the message says what was wrong and what to do."""


class CaseFileError(GoldenError):
    """A case file does not load: not JSON, not a valid case, or not at its `<step>/<name>.json` place."""


class NoCasesError(GoldenError):
    """The goldens folder is missing or empty, or the `--step` / `--type` selection matches no case."""


class InactiveTypeError(GoldenError):
    """A case runs for a document type that is not active (not installed, configured or named with --types)."""
