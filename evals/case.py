"""A golden case: one model step, its input, a recorded claim, and what apply and the router must make of it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from claimflow.state.outcomes import FieldStatus


class ExpectedField(BaseModel):
    """What one field must become."""

    model_config = ConfigDict(extra="forbid")

    status: FieldStatus
    value: str | list[str] | None = None
    reason_contains: str | None = None
    """A fragment the field's reasons must contain (e.g. why a claim was rejected)."""


class Expected(BaseModel):
    """The expected update, rejection and route."""

    model_config = ConfigDict(extra="forbid")

    doc_type: str | None = None
    """For classify: the accepted type (or "unknown")."""
    classification_accepted: bool | None = None
    fields: dict[str, ExpectedField] = Field(default_factory=dict)
    route: str
    """The node the router must choose next."""
    route_rule: str | None = None


class GoldenCase(BaseModel):
    """One golden case per file under evals/cases/<step>/."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    name: str
    step: str
    """`classify` or `extract_<type>`."""
    prompt: str
    """`name@version` of the prompt the recorded claim answered."""
    pages: list[str]
    """The source text, one string per page."""
    doc_type: str | None = None
    recorded_claim: dict[str, Any]
    """The claim as the model returned it."""
    replay_only: bool = False
    """The recorded claim is deliberately wrong (it tests apply, not the model): live runs skip it."""
    expected: Expected


def load_cases(root: Path) -> list[GoldenCase]:
    """Every case under `root`, sorted by step and name."""
    cases = [GoldenCase.model_validate_json(path.read_text()) for path in sorted(root.glob("*/*.json"))]
    return sorted(cases, key=lambda case: (case.step, case.name))


def write_schema(path: Path) -> None:
    """Write the JSON Schema editors use to check case files."""
    path.write_text(json.dumps(GoldenCase.model_json_schema(), indent=2) + "\n")
