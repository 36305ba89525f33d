"""The base of every setup error: raised while opening claimflow, before any document is touched."""

from functools import partial
from typing import Any


class SetupError(Exception):
    """claimflow cannot start as configured: a setting, a model, a document type or a prompt version is wrong.

    The message says what was wrong and what to set or fix.
    """


class TypeDiscoveryError(SetupError):
    """The active document types cannot be loaded; the message names the source, the file and the problem."""


class WorkflowVersionError(Exception):
    """A run was started by a workflow version this installation does not have."""


class UnknownDictionaryError(ValueError):
    """A stored checkpoint value names a compression dictionary this installation does not have.

    Written by a newer claimflow (or the dictionary's file is damaged): the run is left as it is, for a process
    that has the dictionary.
    """

    def __init__(self, message: str, *, dict_id: str, damaged: bool = False) -> None:
        super().__init__(message)
        self.dict_id = dict_id
        """The dictionary the value names."""
        self.damaged = damaged
        """This claimflow has a file of that name, but not that dictionary in it (False: no such file)."""

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled (a process pool's answer, a copy) with its keyword arguments, which `args` does not hold.
        return partial(UnknownDictionaryError, dict_id=self.dict_id, damaged=self.damaged), self.args


class EngineClosedError(RuntimeError):
    """An engine was used after it was closed (its `open_engine` block ended): its database and store are shut."""

    def __init__(self) -> None:
        super().__init__("this engine is closed (its `open_engine` block has ended); open a new engine to go on")
