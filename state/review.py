"""Human review contracts: what a reviewer is shown and what they may answer."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    field_validator,
    model_validator,
)

from claimflow.state.errors import DecisionProblem
from claimflow.state.evidence import ClaimedEvidence, Evidence
from claimflow.state.lengths import MAX_NAME_CHARS, MAX_VALUE_CHARS, kept_when_stored
from claimflow.state.outcomes import FieldStatus, ReviewReason
from claimflow.state.plain_text import control_problem, plain_name, plain_text

ReviewAction = Literal["approve", "edit", "reject"]
_ALL_ACTIONS: tuple[ReviewAction, ...] = ("approve", "edit", "reject")

# What one decision may carry. A decision is stored with its run (the registry's decisions, its events, every
# checkpoint after it) and its texts are shown to every reviewer: a megabyte in a reason would be kept and sent
# again and again. The caps are far above what a reviewer types; a decision over one is refused, naming it.
MAX_REVIEW_TEXT_CHARS = 5_000
"""A rejection's reason, or a decision's comment."""
MAX_EDITED_FIELDS = 100
"""Fields one decision may edit (and cite evidence for)."""
MAX_EDITED_VALUES = 100
"""Values one edited field may be given (a field of several values, such as parties)."""
MAX_EDITED_ROWS = 1_000
"""Rows one decision may drop, or edit cells of, in one table."""

# The length is checked first: a constraint after the control-character check would count "items", not characters.
# A decision read back from storage (context STORED) was taken under the caps of its day: it loads whatever they were.
_STORED_TEXT = kept_when_stored(TypeAdapter(str))
ReviewName = Annotated[str, StringConstraints(max_length=MAX_NAME_CHARS), AfterValidator(plain_name), _STORED_TEXT]
"""A field, type or reviewer name in a decision."""
ReviewText = Annotated[
    str, StringConstraints(max_length=MAX_REVIEW_TEXT_CHARS), AfterValidator(plain_text), _STORED_TEXT
]
"""A reason or comment in a decision."""
EditedValue = Annotated[str, StringConstraints(max_length=MAX_VALUE_CHARS), AfterValidator(plain_text), _STORED_TEXT]
"""One value a reviewer sets: at most as long as a model may claim one."""


_ONE_OR_MANY = EditedValue | Annotated[list[EditedValue], Field(max_length=MAX_EDITED_VALUES)]
"""What a client may send for one field, as its schema shows it: one value, or a list of them, within the caps."""


def _one_or_many(values: object) -> object:
    """A single value given as a string (`"180.00"`) is a list of that one value: what else could it mean."""
    return [values] if isinstance(values, str) else values


EditedValues = Annotated[
    list[EditedValue],
    Field(max_length=MAX_EDITED_VALUES),
    BeforeValidator(_one_or_many, json_schema_input_type=_ONE_OR_MANY),
    kept_when_stored(TypeAdapter(list[EditedValue])),
]
"""The values a reviewer sets for one field (one value may be given as a bare string)."""
EditedFields = Annotated[
    dict[ReviewName, EditedValues],
    Field(max_length=MAX_EDITED_FIELDS),
    kept_when_stored(TypeAdapter(dict[ReviewName, list[EditedValue]])),
]
"""Field name to the values a reviewer sets for it."""
CitedEvidence = Annotated[
    dict[ReviewName, ClaimedEvidence],
    Field(max_length=MAX_EDITED_FIELDS),
    kept_when_stored(TypeAdapter(dict[ReviewName, ClaimedEvidence])),
]
"""Field name to the quote a reviewer cites for it."""


RowNumber = Annotated[int, Field(ge=1)]
"""A table row as `review show` numbers it: from 1, in the order the table holds its rows."""
EditedCells = Annotated[dict[ReviewName, EditedValue], Field(min_length=1, max_length=MAX_EDITED_FIELDS)]
"""Column name to the value a reviewer sets in one row; `""` clears an optional column's cell."""


class RowEdits(BaseModel):
    """What a reviewer corrects in one table: rows to drop and cells to set, rows numbered as they were shown.

    Both refer to the table as the review showed it: dropping row 2 does not renumber row 3 for `cells`.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    drop: list[RowNumber] = Field(default_factory=list, max_length=MAX_EDITED_ROWS)
    """Rows to remove from the table (a page footer or a subtotal read as a row)."""
    cells: dict[RowNumber, EditedCells] = Field(default_factory=dict, max_length=MAX_EDITED_ROWS)
    """Row number to column name to its new value, read by the column's kind as a field's edit is."""

    @model_validator(mode="after")
    def _changes_something(self) -> RowEdits:
        if not self.drop and not self.cells:
            raise ValueError("nothing to change: give rows to drop or cells to set")
        both = sorted(set(self.drop) & set(self.cells))
        if both:
            raise ValueError(f"row(s) {', '.join(map(str, both))} both dropped and edited: drop a row or edit it")
        return self


EditedRows = Annotated[dict[ReviewName, RowEdits], Field(max_length=MAX_EDITED_FIELDS)]
"""Table name to what a reviewer corrects in its rows."""


class ReviewField(BaseModel):
    """One field as the reviewer sees it: the value, its status and the evidence behind it."""

    model_config = ConfigDict(frozen=True)

    name: str
    kind: str
    required: bool
    value: str | list[str] | None
    status: FieldStatus
    confidence: float | None = None
    evidence: list[Evidence] = Field(default_factory=list)
    reasons: list[str] = Field(default_factory=list)
    follows: list[str] = Field(default_factory=list)
    """Fields whose correction corrects this one too: it was read off their line, under a label it only shares
    (an invoice's amount due printed only as its total), so a new value of one of them is given to it too,
    unless the same decision sets it as well (`claimflow.state.apply.follow`)."""


class ReviewRequest(BaseModel):
    """What a paused run asks of a reviewer."""

    model_config = ConfigDict(frozen=True)

    run_id: str
    document: str
    doc_type: str
    """The accepted type's name, or "unknown"."""
    reasons: list[ReviewReason]
    fields: list[ReviewField]
    allowed_actions: list[ReviewAction] = Field(default_factory=lambda: list(_ALL_ACTIONS))
    editable_fields: list[str]
    """Fields an edit may set: those of the document type (none while the type is unknown)."""
    doc_types: list[str]
    """Types an edit may name instead of field values; extraction then runs for that type."""


class ReviewDecision(BaseModel):
    """A reviewer's answer. Validated against its request before it touches state."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    # No control characters in what a reviewer writes (`plain_text`): refused here, before the decision claims
    # the run, rather than where it is recorded (Postgres stores no NUL), after.
    reviewer: ReviewName = Field(min_length=1)
    """Who decides, as the audit trail names them: not blank (white space around it is dropped)."""
    action: ReviewAction
    edits: EditedFields = Field(default_factory=dict)
    """Field name to new value(s); one value for single fields, up to MAX_EDITED_VALUES for e.g. parties.

    No values (`[]`) clears the field: an optional one is recorded as the reviewer's edit to no value; a required
    one is refused.
    """
    rows: EditedRows = Field(default_factory=dict)
    """Table name to rows dropped and cells set (`RowEdits`), for the rows the review showed."""
    evidence: CitedEvidence = Field(default_factory=dict)
    """Optional quotes a reviewer cites for edited fields; each must prove its field like a model's claim."""
    doc_type: ReviewName | None = None
    """The document type, when the reviewer corrects or supplies it."""
    reason: ReviewText | None = None
    """Why the document is rejected (required for reject)."""
    comment: ReviewText | None = None

    @field_validator("reviewer")
    @classmethod
    def _named(cls, reviewer: str) -> str:
        # Only white space would name nobody in the audit trail; "" is refused by min_length already.
        if not reviewer.strip():
            raise ValueError("is blank: name who decides")
        return reviewer.strip()

    @model_validator(mode="after")
    def _action_matches_payload(self) -> ReviewDecision:
        # Each raised with the key it concerns (`DecisionProblem`): pydantic places a whole model's error nowhere.
        if self.action == "reject" and not (self.reason and self.reason.strip()):
            raise ValueError(DecisionProblem("a rejection needs a reason", "reason"))
        if self.action == "edit" and not self.edits and not self.rows and self.doc_type is None:
            raise ValueError(
                DecisionProblem("an edit needs at least one field edit, row edit or a document type", "edits")
            )
        if self.action != "edit" and (self.edits or self.rows or self.doc_type is not None):
            where = "edits" if self.edits else "rows" if self.rows else "doc_type"
            raise ValueError(DecisionProblem(f"{self.action} takes no edits; use action 'edit'", where))
        for name, claimed in self.evidence.items():
            if (problem := control_problem(claimed.quote, lines=True)) is not None:
                raise ValueError(DecisionProblem(f"the quote cited for {name} {problem}", f"evidence.{name}.quote"))
        cited = sorted(set(self.evidence) - set(self.edits))
        if cited:
            raise ValueError(
                DecisionProblem(f"evidence is cited for field(s) not edited: {', '.join(cited)}", "evidence")
            )
        return self
