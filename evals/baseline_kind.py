"""Which command a baseline file belongs to: golden cases' (`claimflow eval`) or a labelled set's (`eval dataset`).

The two are JSON objects with a `model` and keys of their own. One given to the other command was refused with a
validation problem per key (`documents: Extra inputs are not permitted; ...`), which says nothing of the mix-up;
this tells the two apart so the refusal can say what the file is.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from claimflow.evals.errors import BaselineError

Kind = Literal["golden", "dataset"]

_KEYS: dict[Kind, frozenset[str]] = {
    "golden": frozenset({"cases", "prompts", "code", "case_sha256", "tolerances", "metrics"}),
    "dataset": frozenset({"documents", "figures", "misses", "measured"}),
}
"""The keys only one kind of baseline has."""
_WHAT: dict[Kind, str] = {
    "golden": "a baseline of golden cases (`claimflow eval`; evals/baseline.<model>.json, or DIR/baseline.<model>.json "
    "with --goldens DIR)",
    "dataset": "a labelled set's baseline (`claimflow eval dataset`; DIR/baseline.<model>.json beside its manifest)",
}


def kind_of(data: Any) -> Kind | None:
    """The kind a baseline's JSON is by its keys; None when it has keys of both, of neither, or is no object."""
    if not isinstance(data, dict):
        return None
    if data and all(isinstance(value, bool) for value in data.values()):
        return "golden"  # the earlier format of golden cases' baseline: case id -> passed
    found = [kind for kind, keys in _KEYS.items() if keys & set(data)]
    return found[0] if len(found) == 1 else None


def refuse_other_kind(path: Path, data: Any, wanted: Kind) -> None:
    """Raise when the file is the other command's baseline, naming what it is and what the command takes.

    Raises:
        BaselineError: `data` is a baseline of the other kind than `wanted`.
    """
    found = kind_of(data)
    if found is not None and found != wanted:
        raise BaselineError(
            f"{path} is {_WHAT[found]}, not {_WHAT[wanted]}: name one of the latter with --baseline, or leave it out"
        )
