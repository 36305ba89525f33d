"""Names a package exports but imports only when first asked for: a module `__getattr__` (PEP 562).

What a package exports this way costs nothing until used, so a command that never asks for a model client or the
engine does not load them (`claimflow --help`, `claimflow runs`). The package names them for type checkers under
`TYPE_CHECKING`, as usual.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from importlib import import_module
from typing import Any


def lazy_exports(package: str, homes: Mapping[str, str]) -> Callable[[str], Any]:
    """The `__getattr__` of `package`: a name of `homes` is imported from its module at first use, then kept.

    Kept in the package's namespace, a name is found there from then on, without this function.
    """

    def __getattr__(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(home), name)
        setattr(sys.modules[package], name, value)
        return value

    return __getattr__
