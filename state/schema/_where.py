"""Where users' code declared a part of a document type: for a declaration error about that part, not the type.

A type's problem with one of its fields (a label two fields declare) or rules (a field it names that the type
lacks) is found when the type is built, whose line is not that field's or rule's: in a type of thirty fields, or
with its rules in another module, the message says where the part itself is.
"""

from __future__ import annotations

import inspect
from pathlib import Path

_HERE = Path(__file__).resolve().parent


def declaring_line() -> str | None:
    """`file:line` of the first frame outside this package and generated code (a dataclass's `__init__`)."""
    frame = inspect.currentframe()
    while frame is not None and (
        frame.f_code.co_filename.startswith("<") or Path(frame.f_code.co_filename).resolve().parent == _HERE
    ):
        frame = frame.f_back
    return f"{frame.f_code.co_filename}:{frame.f_lineno}" if frame is not None else None


def function_line(function: object) -> str | None:
    """`file:line` of a function's `def`, where its source file is known."""
    code = getattr(function, "__code__", None)
    return f"{code.co_filename}:{code.co_firstlineno}" if code is not None else None
