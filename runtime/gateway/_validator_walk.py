"""Instructor's search of a response model for async validators, done once per class instead of on every request.

Instructor (1.17) refuses a response model that declares Instructor async validators, which its runtime does
not run. To know, it walks the model's classes, every attribute of every class in each one's MRO, and it does
so five times per request: in `create`, twice in `prepare_response_model`, in the retry loop and for the answer.
Each walk of a claim type took about 0.2 ms here: about 1 ms of event-loop time per model call. Walking each
class once measured 3% less CPU per model-backed document (48.4 against 50.0 ms).

What the walk looks for is fixed when a class is made, so a class that passed once passes again. `walk_once`
replaces the function, in Instructor's module and in every Instructor module that imported it, with one that
remembers the classes that passed. A class that fails is walked, and refused, every time; anything that is not
a class (a union, an `Iterable[...]`, None) is walked as before.
"""

from __future__ import annotations

import importlib
import sys
import weakref
from collections.abc import Callable
from typing import Any

_MODULE = "instructor.v2.validation.async_validators"
_NAME = "reject_async_validators"


def walk_once() -> None:
    """Make Instructor's async-validator check remember the classes that passed (idempotent; no-op if absent)."""
    try:
        module = importlib.import_module(_MODULE)
    except ImportError:  # an Instructor without this check: nothing to spare
        return
    walk: Callable[[Any], None] | None = getattr(module, _NAME, None)
    if walk is None or isinstance(walk, _RememberingWalk):
        return
    remembering = _RememberingWalk(walk)
    # Callers that imported the function when their module loaded (`instructor.v2.core.patch` does, and walks
    # once per request with it) hold the original: each such name is replaced too. Modules loaded from now
    # on import the replacement.
    for name, loaded in list(sys.modules.items()):
        if name.partition(".")[0] == "instructor" and getattr(loaded, _NAME, None) is walk:
            setattr(loaded, _NAME, remembering)


class _RememberingWalk:
    """Instructor's check, skipped for a class it passed before (classes held weakly: no class is kept alive)."""

    def __init__(self, walk: Callable[[Any], None]) -> None:
        self.walk = walk
        self.passed: weakref.WeakSet[type] = weakref.WeakSet()

    def __call__(self, response_model: Any) -> None:
        if not isinstance(response_model, type):
            self.walk(response_model)
            return
        if response_model in self.passed:
            return
        self.walk(response_model)  # raises for a model with async validators: never remembered
        self.passed.add(response_model)
