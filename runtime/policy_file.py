"""The keys of a policy file (CLAIMFLOW_POLICY): every one must be a setting the policy has.

Pydantic ignores keys a model does not declare, so a misspelt one (`field_auto_accpt`) would set nothing and say
nothing. Keys are checked against the policy's models, nested ones too (`budget`, `review`, each step's row);
the names of document types and their fields are checked once the active types are known (`type_settings`).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from claimflow.state.policy import Policy, StepPolicy


def step_rows() -> tuple[str, ...]:
    """The rows of the per-step table a policy may set: `classify`, and `extract` for every type's extraction."""
    return tuple(Policy().steps)


def unknown_keys(data: object, model: type[BaseModel] = Policy, path: str = "") -> list[str]:
    """Each key of `data` (parsed JSON) that `model` has no setting for, as `where: what; known: ...`.

    Values of the wrong shape are left to the model's own validation, which says what they must be.
    """
    if not isinstance(data, dict):
        return []
    known = model.model_fields
    problems: list[str] = []
    for key, value in data.items():
        where = f"{path}{key}"
        info = known.get(key)
        if info is None:
            problems.append(f"{where}: no such setting (known: {', '.join(known)})")
        elif model is Policy and key == "steps":
            problems += _steps(value, where)
        else:
            problems += _inside(value, info.annotation, where)
    return problems


def _steps(value: object, where: str) -> list[str]:
    if not isinstance(value, dict):
        return []
    rows = step_rows()
    problems: list[str] = []
    for name, row in value.items():
        if name in rows:
            problems += unknown_keys(row, StepPolicy, f"{where}.{name}.")
        else:
            problems.append(f"{where}.{name}: no such step (known: {', '.join(rows)}; `extract` is every type's)")
    return problems


def _inside(value: object, annotation: Any, where: str) -> list[str]:
    """The unknown keys inside a setting that is itself a model (`budget`, `review`)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return unknown_keys(value, annotation, f"{where}.")
    return []
