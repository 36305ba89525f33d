"""Where users' code raised: the file and line of the last frame outside claimflow and the standard library.

A document type is users' code: its module runs when types are discovered, its rules, extractor and detector when
a document is read. An error from there is told with the place in that code that raised it, since the traceback
is not shown (`invalid document type in types.py:12`, `... raised ZeroDivisionError: ... (raised at rules.py:30)`).
The engine, `claimflow eval` and `DocumentType.check` (a user's own tests of their rules) all say it so.
"""

from __future__ import annotations

import sysconfig
import traceback
from pathlib import Path

from claimflow.state.errors import OfflineHookError, RuleFailedError

_PACKAGE_DIR = Path(__file__).resolve().parents[1]
_STDLIB = Path(sysconfig.get_paths()["stdlib"]).resolve()


def user_frame(error: BaseException) -> str | None:
    """`file:line` of the last frame of `error`'s traceback in users' code; None when none is theirs."""
    frames = [
        frame
        for frame in traceback.extract_tb(error.__traceback__)
        # "<string>" and "<frozen ...>" frames are generated code (a dataclass's __init__) or the import system.
        if not frame.filename.startswith("<")
        and not Path(frame.filename).resolve().is_relative_to(_PACKAGE_DIR)
        and not Path(frame.filename).resolve().is_relative_to(_STDLIB)
    ]
    return f"{frames[-1].filename}:{frames[-1].lineno}" if frames else None


def raised_at(error: BaseException) -> str:
    """` (raised at file:line)` for a type's rule or offline hook that raised, where in it; else nothing.

    Only these wrap users' code (their cause is what that code raised); any other error's cause is claimflow's or
    a library's, whose frames would point a user to the wrong place.
    """
    if not isinstance(error, RuleFailedError | OfflineHookError) or error.__cause__ is None:
        return ""
    where = user_frame(error.__cause__)
    return f" (raised at {where})" if where is not None else ""


def failure_text(error: BaseException) -> str:
    """An error as a run's or a case's failure is told: `Name: message`, and where users' code raised it."""
    return f"{type(error).__name__}: {error}{raised_at(error)}"
