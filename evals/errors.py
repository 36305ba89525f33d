"""Why golden cases cannot be run as asked: a file that does not load, a selection of nothing, an inactive type.

Each is a setup error of the evaluation, not a failed case: `claimflow eval` prints the message and exits 2, never
1 (which CI reads as a regression). They are `ValueError`s, as the misplaced-file error always was.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pydantic import ValidationError


class GoldenError(ValueError):
    """The golden cases cannot be run as asked; the message says what was wrong and what to do."""


class CaseFileError(GoldenError):
    """A case file does not load: not JSON, not a valid case, or not at its `<step>/<name>.json` place."""


class NoCasesError(GoldenError):
    """The goldens folder is missing or empty, or the `--step` / `--type` selection matches no case."""


class InactiveTypeError(GoldenError):
    """A case runs for a document type that is not active (not installed, configured or named with --types)."""


class BaselineError(GoldenError):
    """A baseline file does not load: not JSON, or not a baseline (a hand-edited tolerance, a stray key)."""


_SHOWN_PROBLEMS = 5
"""How many of a malformed file's problems its error lists (a wrong `kind` alone can make dozens)."""


def problems(error: ValidationError) -> str:
    """A file's validation problems on one line, `where: what; ...`, at most the first five.

    pydantic's own message spans lines and names the model it validated, never the file: the errors above name
    the file and put this after it.
    """
    found = error.errors()
    # A check of ours says what is wrong in its own words: pydantic's "Value error, " before them says nothing.
    listed = [
        f"{'.'.join(map(str, e['loc'])) or 'the file'}: {str(e['msg']).removeprefix('Value error, ')}"
        for e in found[:_SHOWN_PROBLEMS]
    ]
    more = f" (and {len(found) - _SHOWN_PROBLEMS} more)" if len(found) > _SHOWN_PROBLEMS else ""
    return "; ".join(listed) + more
