"""Golden cases as data: one JSON file per case under evals/goldens/<step>/<case>.json.

A case is one of six kinds, told apart by its `kind` field. Each names the step it checks and its own
name; `<step>-<name>` is its id (the pytest id and the baseline key).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, ValidationInfo, field_validator

from claimflow.evals.errors import CaseFileError, problems
from claimflow.evals.facts import StateFacts, Value
from claimflow.state.claims import ClassificationClaim, ExtractionClaim, FieldClaim
from claimflow.state.outcomes import FieldStatus, ReviewReasonCode
from claimflow.state.policy import Policy
from claimflow.state.proof import Check
from claimflow.state.review import ReviewDecision

GOLDENS = Path(__file__).parent / "goldens"
"""Where the committed cases live."""
SCHEMA = Path(__file__).parent / "golden.schema.json"
"""The JSON Schema editors check case files against (generated from `GoldenCase`)."""
TODAY = date(2024, 6, 1)
"""The date cases are judged on (date plausibility rules need one that does not move)."""

_CASE = ConfigDict(extra="forbid", use_attribute_docstrings=True, frozen=True)


class _Case(BaseModel):
    model_config = _CASE

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    """The case's name: its file name without `.json`."""
    step: str = Field(pattern=r"^[a-z0-9_]+$")
    """The step it checks: its folder under evals/goldens/."""
    description: str = ""
    """What the case shows, for a reader."""

    @property
    def id(self) -> str:
        """`<step>-<name>`: the case's pytest id and baseline key."""
        return f"{self.step}-{self.name}"


class ExpectedField(BaseModel):
    """What one field must become after apply."""

    model_config = _CASE

    status: FieldStatus = "accepted"
    value: Value | None = None
    quote: str | None = None
    """Text the accepted value's quote must cite: the quote holds it (a longer quote around it is fine)."""
    reason_contains: str | None = None
    """A fragment the field's reasons must contain (e.g. why a claim was rejected)."""


class TableRowValues(BaseModel):
    """One accepted row of a table field, by column."""

    model_config = _CASE

    cells: dict[str, str | None]


class ModelStepExpected(BaseModel):
    """What apply and the router must make of the step's claim."""

    model_config = _CASE

    doc_type: str | None = None
    """For classify: the type the classification records ("unknown" for none)."""
    accepted: bool | None = None
    """For classify: whether the classification is accepted."""
    fields: dict[str, ExpectedField] = Field(default_factory=dict)
    """For extract: field name -> what it must become (a table's rows go in `tables`)."""
    tables: dict[str, list[TableRowValues]] = Field(default_factory=dict)
    """For extract: table field name -> the rows it must accept, in order, each by the canonical text of the
    columns it gives (a column left out is not judged). A table not named is not judged; `[]` expects no row."""
    route: str
    """The node the router must choose next."""
    route_rule: str | None = None


class ModelStepCase(_Case):
    """A model step (classify or extract_<type>): input pages, a recorded claim, and the expected outcome."""

    kind: Literal["model_step"] = "model_step"
    prompt: str
    """`name@version` of the prompt the recorded claim answered."""
    prompt_sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    """The content hash of that prompt (`PromptSpec.content_hash`), where it was kept: replay measures no prompt
    whose version or text differs from the one the claim answered."""
    pages: list[str]
    """The source text, one string per page."""
    doc_type: str | None = None
    """For extract steps: the accepted type the step runs for."""
    recorded_claim: dict[str, Any]
    """The claim as the model returned it: what the offline replay serves."""
    original_claim: dict[str, Any] | None = None
    """For a case captured from a reviewed run: the model's own answer, before the reviewer's edits were put in
    `recorded_claim`. Informational: runs never serve it."""
    replay_only: bool = False
    """The recorded claim is deliberately wrong (it tests apply, not the model): live runs skip it."""
    expected: ModelStepExpected

    @field_validator("recorded_claim")
    @classmethod
    def _a_claim(cls, claim: dict[str, Any], info: ValidationInfo) -> dict[str, Any]:
        """The recorded claim is a claim of its step: replayed, one that is not stopped the run naming no case."""
        classify = info.data.get("step") == "classify"
        what = "a classification" if classify else "an extraction"
        try:
            (ClassificationClaim if classify else ExtractionClaim).model_validate(claim)
        except ValidationError as error:
            raise ValueError(f"not {what} claim: {problems(error)}") from None
        return claim


class ExpectedVerdict(BaseModel):
    """apply's verdict on one field claim."""

    model_config = _CASE

    field: str
    accepted: bool
    check: Check
    """The check that decided, e.g. `own_label` (accepted) or `quote_not_found` (rejected)."""


class ApplyCase(_Case):
    """Field claims checked against their source: accepted or rejected, and by which check."""

    kind: Literal["apply"] = "apply"
    doc_type: str
    pages: list[str]
    claims: list[FieldClaim]
    expected: list[ExpectedVerdict]
    """One verdict per claim, in the claims' order."""


class ExpectedRoute(BaseModel):
    """A router's decision."""

    model_config = _CASE

    target: str
    rule: str


class RouterCase(_Case):
    """A pure router over a state described by its facts."""

    kind: Literal["router"] = "router"
    router: Literal["route_parse", "route_type", "route_extraction", "route_validation", "route_review"]
    facts: StateFacts
    expected: ExpectedRoute


class ExpectedRule(BaseModel):
    """One business rule's result."""

    model_config = _CASE

    rule: str
    passed: bool


class RuleCase(_Case):
    """A type's business rules (the common ones and its own) over accepted field values."""

    kind: Literal["rule"] = "rule"
    doc_type: str
    values: dict[str, Value]
    tables: dict[str, list[TableRowValues]] = Field(default_factory=dict)
    earlier_runs: list[str] = Field(default_factory=list)
    """Earlier completed runs with the same duplicate key."""
    expected: list[ExpectedRule]
    """Every rule result, in the order the rules run."""


class ExpectedReview(BaseModel):
    """What a review decision does to the paused run."""

    model_config = _CASE

    accepted: bool
    """Whether the decision is valid for the request and is applied."""
    errors_contain: list[str] = Field(default_factory=list)
    """Fragments the refusal's message must contain."""
    fields: dict[str, Value | None] = Field(default_factory=dict)
    """Field values after the decision (for the fields named)."""
    doc_type: str | None = None
    """The document type after the decision, when it must be checked."""
    route: str | None = None
    """The node the router after review must choose."""


class ReviewCase(_Case):
    """A reviewer's decision on the review request of a paused run."""

    kind: Literal["review"] = "review"
    pages: list[str]
    facts: StateFacts
    reasons: list[ReviewReasonCode] = Field(default_factory=list)
    """Why the run paused."""
    decision: ReviewDecision
    expected: ExpectedReview


class ExpectedDocument(BaseModel):
    """How a whole run of a document ends."""

    model_config = _CASE

    status: str
    """completed, needs_review or failed."""
    doc_type: str | None
    fields: dict[str, Value | None] = Field(default_factory=dict)
    """Record values, for the fields named."""
    review_reasons: list[ReviewReasonCode] = Field(default_factory=list)
    """The review reason codes, in order (empty unless the run waits for review)."""


class DocumentCase(_Case):
    """A generated document run through the real engine with the `rules` backend."""

    kind: Literal["document"] = "document"
    generator: str
    """A generator function of evals/generators.py."""
    params: dict[str, Any] = Field(default_factory=dict)
    """The generator's keyword arguments."""
    policy: Policy = Field(default_factory=Policy)
    """The thresholds the run is judged by (the defaults unless the case sets some)."""
    expected: ExpectedDocument


GoldenCase = Annotated[
    ModelStepCase | ApplyCase | RouterCase | RuleCase | ReviewCase | DocumentCase, Field(discriminator="kind")
]
"""Any golden case; `kind` says which."""

CASE_ADAPTER: TypeAdapter[GoldenCase] = TypeAdapter(GoldenCase)


def load_case(path: Path) -> GoldenCase:
    """One case file, checked against its place: `<step>/<name>.json`; CaseFileError names the file otherwise."""
    try:
        case = CASE_ADAPTER.validate_json(path.read_bytes())
    except ValidationError as error:
        # pydantic's own message names the union it validated, never the file: with a folder of cases the
        # reader could not tell which one to fix.
        raise CaseFileError(
            f"{path} is not a valid golden case: {problems(error)}; fix the file (its JSON Schema is "
            f"{SCHEMA}) or move it out of the goldens folder"
        ) from None
    if (case.step, case.name) != (path.parent.name, path.stem):
        raise CaseFileError(f"{path}: a case with step {case.step!r} and name {case.name!r} belongs in "
                            f"{case.step}/{case.name}.json")  # fmt: skip
    return case


def load_goldens(root: Path = GOLDENS) -> list[GoldenCase]:
    """Every case under `root`, sorted by id."""
    return sorted((load_case(path) for path in root.glob("*/*.json")), key=lambda case: case.id)


def golden_schema() -> dict[str, Any]:
    """The JSON Schema of a case file."""
    return CASE_ADAPTER.json_schema()


def write_schema(path: Path = SCHEMA) -> None:
    """Write the JSON Schema editors use to check case files."""
    path.write_text(json.dumps(golden_schema(), indent=2) + "\n")
