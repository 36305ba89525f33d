"""Where users' code raised: the file and line of the last frame outside claimflow and the standard library.

A document type is users' code: its module runs when types are discovered, its rules, extractor and detector when
a document is read. An error from there is told with the place in that code that raised it, since the traceback
is not shown (`invalid document type in types.py:12`, `... raised ZeroDivisionError: ... (raised at rules.py:30)`).
The engine, `claimflow eval` and `DocumentType.check` (a user's own tests of their rules) all say it so.
"""

from __future__ import annotations

import functools
import sysconfig
import threading
import traceback
from pathlib import Path

from claimflow.state.errors import OfflineHookError, RuleFailedError


@functools.cache
def _own_directories() -> tuple[Path, ...]:
    """Where claimflow's own code lies: its package folder and each of its subpackages' folders, links resolved.

    Not the folder above the package: in a checkout installed for development, the subpackages are links to
    folders of the repository's top level, beside anything else in it (the shipped example type, a user's own
    types kept in the same tree), whose frames are users' code.
    """
    package = Path(__file__).absolute().parent.parent
    return (package.resolve(), *(child.resolve() for child in package.iterdir() if child.is_dir()))


_STDLIB = Path(sysconfig.get_paths()["stdlib"]).resolve()
_INSTALLED = tuple({Path(sysconfig.get_paths()[key]).resolve() for key in ("purelib", "platlib")})
"""Where installed packages lie: libraries, and a document type installed as a package. Outside a virtual
environment that is inside the standard library's folder, and not the standard library."""


def _installed(path: Path) -> bool:
    return any(path.is_relative_to(folder) for folder in _INSTALLED)


def _users_file(filename: str) -> Path | None:
    """A frame's file, resolved, when it is users' code: not generated, not claimflow's, not the standard library's."""
    # "<string>" and "<frozen ...>" frames are generated code (a dataclass's __init__) or the import system.
    if filename.startswith("<"):
        return None
    path = Path(filename).resolve()
    if any(path.is_relative_to(own) for own in _own_directories()):
        return None
    return path if _installed(path) or not path.is_relative_to(_STDLIB) else None


def user_frame(error: BaseException) -> str | None:
    """`file:line` of the last frame of `error`'s traceback in users' code; None when none is theirs.

    A frame of a file of their own comes before one of an installed package: a rule that raised through a library
    (pydantic, dateutil) is told at its own line, not the library's; a type installed as a package, whose frames
    are all installed ones, at the last of them.
    """
    traced = traceback.extract_tb(error.__traceback__)
    frames = [(frame, path) for frame in traced if (path := _users_file(frame.filename)) is not None]
    chosen = [frame for frame, path in frames if not _installed(path)] or [frame for frame, _ in frames]
    return f"{chosen[-1].filename}:{chosen[-1].lineno}" if chosen else None


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


def fails_its_document(error: BaseException) -> bool:
    """Whether `error`, raised in a type's own code (a rule, an extractor, a detector), fails only its document.

    Any Exception, and SystemExit (a rule that calls `sys.exit`, or a library that does). On a worker thread, where
    the engine runs users' code, every other one too: a KeyboardInterrupt (or asyncio's CancelledError, GeneratorExit)
    raised there is the code's own, since Ctrl-C reaches the main thread only; let through, it ended the whole
    batch as if the user had pressed Ctrl-C. On the main thread (`DocumentType.check` in a user's test) it is
    Ctrl-C, and goes on.
    """
    return isinstance(error, Exception | SystemExit) or threading.current_thread() is not threading.main_thread()
