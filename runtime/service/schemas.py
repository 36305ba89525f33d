"""The API's own models, kept apart from the internal state types: what goes over the wire, and nothing more."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from claimflow.runtime.explain import RefusedDecision
from claimflow.state.plain_text import PlainName, PlainText
from claimflow.state.review import MAX_EDITED_FIELDS, EditedRows, EditedValues, ReviewName, ReviewText

T = TypeVar("T")


class Message(BaseModel):
    """An error: what was wrong, and what to do."""

    message: str


class InvalidRequest(BaseModel):
    """Parameters or a body that are not valid: the message, and one line a problem (`where: what is wrong`)."""

    message: str
    errors: list[str]


class RunRefused(BaseModel):
    """An operation the run refuses now (409): why, and the run it was run again as when that is why."""

    message: str
    superseded_by: str | None = Field(
        default=None, description="The run this one was run again as, when that is why: the run to follow instead."
    )


class FieldPublic(BaseModel):
    """One field of a run: its value (None unless accepted or edited), status and evidence."""

    value: Any = None
    status: str
    confidence: float | None = None
    """How sure the extractors were of the value (1.0 for a reviewer's); null where there is no value, or a table."""
    evidence: list[dict[str, Any]]


class RunPublic(BaseModel):
    """A run as `claimflow show --json` prints it."""

    run_id: str
    document: str
    status: str
    """completed, needs_review or failed; queued, running or resuming while it moves."""
    doc_type: str | None
    fields: dict[str, FieldPublic]
    review_reasons: list[str]
    error: str | None
    superseded_by: str | None = None
    """The run this one was run again as (`POST /v1/runs/{id}/rerun`), whose outcome to follow; else null."""


class RerunPublic(BaseModel):
    """A failed run run again: the old run's id and the new run, queued."""

    rerun_of: str
    run: RunPublic


class NotRerunPublic(BaseModel):
    """A failed run left as it was, and why (its model cannot be built here, another process holds it, ...)."""

    run_id: str
    message: str


class RerunsPublic(BaseModel):
    """What `POST /v1/runs/rerun-failed` did: the runs run again, oldest first, and those it left."""

    rerun: list[RerunPublic]
    left: list[NotRerunPublic]


class EraseIn(BaseModel):
    """Why a run is erased (the request's reference, say): kept in its `run.erased` event."""

    model_config = ConfigDict(extra="forbid")

    reason: PlainText = Field(min_length=1, max_length=5000, pattern=r"\S")


class EraseManyIn(EraseIn):
    """Runs erased together, and why: a document several runs share goes only when all of them are erased."""

    runs: list[PlainName] = Field(
        min_length=1, max_length=100, description="Run ids (or prefixes of 6 characters or more), erased as one."
    )


class ErasedPublic(BaseModel):
    """What erasing a run removed (`claimflow erase --json`'s line); `already`: erased before, nothing changed."""

    run_id: str
    already: bool
    events: int = Field(description="Audit events whose data lost texts.")
    decisions: int = Field(description="Review decisions whose values, comments and messages were erased.")
    final_state: bool = Field(description="Whether the run's kept final state was erased.")
    record_keys: int = Field(description="Duplicate-key rows removed.")
    checkpoint_bytes: int
    blobs: int = Field(description="Stored blobs removed: the original, the parsed and masked texts, the masking map.")
    blob_bytes: int


class Page(BaseModel, Generic[T]):
    """One page of a list; pass `next_cursor` as `cursor` for the next, until it is null.

    `resume_cursor` is where to go on from later, to read what was added since: the position after the last item
    shown, or the `cursor` the page was read with when it showed none (null only for an empty first page).
    """

    items: list[T]
    next_cursor: str | None
    resume_cursor: str | None = None


class EventPublic(BaseModel):
    """One audit event of a run, in the order it was stored."""

    seq: int
    event_id: str
    type: str
    step: str
    at: str
    data: dict[str, Any]


class ExplainPublic(BaseModel):
    """Why each field has its value, as `claimflow explain` prints it."""

    run_id: str
    text: str
    refused_decisions: list[RefusedDecision] = []
    """Review decisions the run did not take (late, stale, on a run no longer paused, failing checks), in order."""


class RecordPublic(BaseModel):
    """The typed record of a run whose type is known: fields with provenance, tables with rows."""

    run_id: str
    record: dict[str, Any] | None
    """None while the run's type is not known."""


class ReviewSummary(BaseModel):
    """A run in the review queue."""

    run_id: str
    interrupt_id: str | None
    document: str
    doc_type: str | None
    reasons: list[str]
    opened_at: datetime | None
    age_seconds: float
    """How long the review has waited."""
    note: str | None = None
    """Something the reviewer should know (a decision given up or left unfinished)."""
    due_at: datetime | None = None
    """When the review is due, as the policy's `review.due` set it; null without one."""
    overdue: bool = False
    assignee: str | None = None
    priority: str | None = None
    """normal, or what the policy or the sweep set (e.g. high)."""
    escalated: bool = False


class EvidencePublic(BaseModel):
    """A quote at its place in the parsed document: 1-based page and character offsets on it."""

    page: int
    start: int
    end: int
    quote: str


class CandidatePublic(BaseModel):
    """A value proposed for a field, with the quote it was read from (when it has one)."""

    value: str
    quote: str | None = None
    page: int | None = None


class ReviewFieldPublic(BaseModel):
    """One field as the reviewer sees it."""

    name: str
    kind: str
    required: bool
    value: str | list[str] | None
    status: str
    confidence: float | None
    evidence: list[EvidencePublic]
    reasons: list[str]
    candidates: list[CandidatePublic]
    """Each value proposed, with its quote: several when extractors disagree."""
    follows: list[str] = Field(default_factory=list)
    """Fields a new value of which is given to this one too, unless the decision sets this one as well: it was read
    off their line, under a label it only shares (an invoice's amount due printed only as its total)."""


class TableRowPublic(BaseModel):
    """One row of a table field: its cells by column, and the line of the document it was read from."""

    cells: dict[str, str | None]
    """Column name -> value as normalized (null where the row has no such cell)."""
    evidence: EvidencePublic
    doubts: list[str] = Field(default_factory=list)
    """Why cells the row's evidence holds are still in doubt (`quantity: the page writes '1,250 pcs', which reads
    1250 or 1.25: ...`): a reviewer looks before approving."""


class ReviewTablePublic(BaseModel):
    """A table field as the reviewer sees it (e.g. an invoice's `line_items`): its columns and rows.

    A decision corrects its rows by number, from 1 in this order: `rows` of the decision drops rows or sets cells.
    """

    name: str
    required: bool
    columns: list[str]
    status: Literal["accepted", "missing"]
    """accepted when rows were read, missing when none were."""
    rows: list[TableRowPublic]


class ReasonPublic(BaseModel):
    """Why the document needs a human."""

    code: str
    message: str
    field: str | None = None


class BrokenRule(BaseModel):
    """A business rule that failed."""

    rule: str
    message: str
    fields: list[str]
    code: str


class ReviewPublic(BaseModel):
    """An open review request: what the reviewer decides on, and which review (interrupt) a decision answers."""

    run_id: str
    interrupt_id: str
    document: str
    doc_type: str
    reasons: list[ReasonPublic]
    fields: list[ReviewFieldPublic]
    tables: list[ReviewTablePublic]
    """The type's table fields with their rows and each row's evidence; not among `editable_fields`."""
    broken_rules: list[BrokenRule]
    allowed_actions: list[str]
    editable_fields: list[str]
    doc_types: list[str]
    """Types an edit may name instead of field values: those the caller may review."""
    opened_at: datetime | None
    age_seconds: float
    """How long the review has waited, as the queue (`GET /v1/reviews`) says it."""
    note: str | None = None
    """Something the reviewer should know: an earlier decision refused (a worker checks it after the 202), given
    up, or left unfinished."""
    due_at: datetime | None = None
    overdue: bool = False
    assignee: str | None = None
    priority: str | None = None
    escalated: bool = False


class AssignIn(BaseModel):
    """Who a review goes to: a reviewer (a name a token may have) or a group of the policy's `review.groups`."""

    model_config = ConfigDict(extra="forbid")

    to: PlainName = Field(min_length=1, max_length=200, pattern=r"\S")


class AssignmentPublic(BaseModel):
    """Who has a review now, after an assignment or a claim."""

    run_id: str
    interrupt_id: str | None
    assignee: str | None
    priority: str | None
    due_at: datetime | None
    overdue: bool


class EvidenceIn(BaseModel):
    """A quote a reviewer cites for an edited field; it must prove the field like a model's claim."""

    model_config = ConfigDict(extra="forbid")

    quote: PlainText = Field(min_length=1, max_length=5000)
    page: int | None = Field(default=None, ge=1)
    start: int | None = Field(default=None, ge=0)


class DecisionIn(BaseModel):
    """A reviewer's answer to one review; the reviewer recorded is the token's name."""

    # The field docstrings are what a client reads in /openapi.json and /docs: how to clear a field, the caps.
    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    interrupt_id: PlainName = Field(min_length=1, max_length=200)
    """The review this decision answers (from GET /v1/reviews/{run_id}); a stale one is refused (409)."""
    action: Literal["approve", "edit", "reject"]
    # The caps are those of the decision itself (`ReviewDecision`), so the schema shows them and they are said alike.
    edits: dict[ReviewName, EditedValues] = Field(
        default_factory=dict,
        max_length=MAX_EDITED_FIELDS,
        examples=[
            {"total_amount": ["160.65"]},
            {"parties": ["Bluefin Analytics, Inc.", "Cedar Ridge Robotics LLC"]},
            {"due_date": []},
        ],
    )
    """Field name to new value(s), for `edit`: at most 100 fields, 100 values a field, 2,000 characters a value.

    No values (`{"due_date": []}`) clears the field: an optional one is recorded as the reviewer's edit to no
    value; a required one is refused (422) and the run stays paused. `[""]` does not clear: it is a value, refused
    as unreadable. One value may be given as a bare string (`{"total_amount": "160.65"}`): it is that one value, for
    a field of several values too (`"A; B"` is one party), and `""` is `[""]`.
    """
    rows: EditedRows = Field(
        default_factory=dict,
        examples=[{"line_items": {"drop": [3], "cells": {"2": {"quantity": "3"}}}}],
    )
    """Table name to its corrections, for `edit`: `drop` lists rows to remove, `cells` sets cells by row and column.

    Rows are numbered from 1 as the review shows them (`tables[].rows` of GET /v1/reviews/{run_id}), both lists
    against the table as shown (dropping row 2 does not renumber row 3). A cell's value is read by its column's kind
    as an edited field's is; `""` clears an optional column's cell. A row past the table, a column the table does not
    have, a value that cannot be read or reads two ways, a row both dropped and edited, or dropping every row of a
    required table is refused (422) and the run stays paused. The corrected table goes through the type's rules
    again.
    """
    evidence: dict[ReviewName, EvidenceIn] = Field(default_factory=dict, max_length=MAX_EDITED_FIELDS)
    """Quotes the reviewer cites, by edited field; each must prove its field as a model's claim must."""
    doc_type: ReviewName | None = None
    """The document type, for an `edit` that corrects or supplies it."""
    reason: ReviewText | None = None
    """Why the document is rejected (required for `reject`): at most 5,000 characters."""
    comment: ReviewText | None = None
    """A note kept with the decision: at most 5,000 characters."""


class DecisionConflict(BaseModel):
    """A decision that was refused because the run no longer waits on that review, with where the run stands."""

    message: str
    run: RunPublic
    superseded_by: str | None = None
    """The run this one was run again as, whose review to answer, when it was (`POST /v1/runs/{id}/rerun`)."""


class DecisionInvalid(BaseModel):
    """A decision refused by its checks; the run stays paused."""

    message: str
    errors: list[str] = Field(
        description="One line a problem, at the body field it is about: `body.reason: a rejection needs a reason`,"
        " `body.edits.total_amount: value 'lots' cannot be read as an amount; ...`."
    )


class TypeFieldPublic(BaseModel):
    """A field of a document type."""

    name: str
    kind: str
    required: bool
    multiple: bool
    labels: list[str]
    columns: list[str]
    """A table field's columns."""


class TypePublic(BaseModel):
    """An active document type."""

    name: str
    description: str
    version: str
    origin: str
    fields: list[TypeFieldPublic]


class Health(BaseModel):
    """The server answers."""

    status: Literal["ok"]


class Readiness(BaseModel):
    """Whether the server can serve requests now: its run registry (the data directory or the database) answers."""

    status: Literal["ready", "unavailable"]
    message: str | None = None
    """Why not, in words that name no host, path or database (the route needs no token); the log has the error."""


class ErasedManyPublic(BaseModel):
    """What erasing several runs together removed: a report per run, in the order they were given."""

    runs: list[ErasedPublic]
