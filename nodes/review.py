"""Human review: the only place a run pauses.

`prepare_review` records the request (and its event) before the pause; `await_review` holds the
single `interrupt()`. A resumed node re-runs from its first line, so nothing with side effects
comes before the interrupt, and it is never inside a try/except.

A decision is checked inside the interrupt, as its response schema: LangGraph keeps a resume value only once
it validates, so a refused decision raises to whoever resumed (an `InvalidDecisionError` naming every
problem) and leaves the review open to a better answer. Checked after the interrupt instead, the refused
value would be kept and replayed by every later resume: the run could never be answered again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated, Any, cast

from langgraph.types import interrupt
from pydantic import AfterValidator, BeforeValidator, ValidationError
from pydantic_core import PydanticCustomError

from claimflow.nodes._step import Node, step
from claimflow.nodes.ports import WorkflowContext
from claimflow.routing import names
from claimflow.state.apply import apply_review_decision, build_review_request, decision_errors
from claimflow.state.apply.follow import may_follow
from claimflow.state.documents import SourceText
from claimflow.state.errors import InvalidDecisionError
from claimflow.state.events import event
from claimflow.state.outcomes import ReviewReason, TableRow
from claimflow.state.reasons import review_reasons
from claimflow.state.review import ReviewDecision, ReviewRequest
from claimflow.state.schema import DocumentTypes
from claimflow.state.workflow import Patch, WorkflowState


def prepare_review_for(types: DocumentTypes) -> Node:
    """The node that builds the ReviewRequest of a workflow over `types`."""

    @step(names.PREPARE_REVIEW)
    async def prepare_review(state: WorkflowState, context: WorkflowContext) -> Patch:
        """Build the ReviewRequest from the reasons in state and mark the run as waiting."""
        reasons = review_reasons(state, types)
        if not reasons:
            last = state.routes[-1] if state.routes else None
            reasons = [
                ReviewReason(code="invalid_output", message=f"{last.rule}: {last.detail}" if last else "sent to review")
            ]
        # The text tells which fields an edit carries to (read off another's line): the reviewer is shown them. Read
        # only for a type that has such fields; proving it reads the text, off the loop for a long one, as applying
        # the decision does.
        text = state.text if may_follow(types.find(state.doc_type)) else None
        source = await context.store.load_text(text) if text is not None else None
        chars = text.char_count if text is not None else 0
        request = await context.offload(chars, build_review_request, state, types, reasons, source)
        return Patch(
            review_request=request,
            review_reasons=reasons,
            review_decision=None,
            outcome="needs_review",
            events=[event("review.requested", names.PREPARE_REVIEW, reasons=[r.model_dump() for r in reasons])],
        )

    return prepare_review


def await_review_for(types: DocumentTypes) -> Node:
    """The node that pauses for, and applies, a reviewer's decision."""

    @step(names.AWAIT_REVIEW)
    async def await_review(state: WorkflowState, context: WorkflowContext) -> Patch:
        """Pause until a reviewer decides; apply the decision like a claim (invalid ones raise, run stays paused)."""
        if state.review_request is None:
            raise RuntimeError("await_review ran without a review request")
        if state.text is None:
            raise RuntimeError("await_review ran on a run without text")
        # Reading the text before the pause has no side effect: the checks inside the interrupt need it.
        source = await context.store.load_text(state.text)
        decision = ask_reviewer(state.review_request, types, source, tables=state.tables)
        patch = await context.offload(state.text.char_count, apply_review_decision, state, decision, types, source)
        return patch.merged(Patch(outcome="running")) if patch.outcome is None else patch

    return await_review


REFUSED = "decision_refused"
"""The validation error type of a decision the checks refuse (as opposed to one that is malformed)."""


def checked_decision(
    request: ReviewRequest,
    types: DocumentTypes,
    source: SourceText | None,
    *,
    tables: Mapping[str, Sequence[TableRow]] | None = None,
) -> Any:
    """A `ReviewDecision` type whose validation also runs every check apply makes against `request` (and `tables`)."""

    def check(decision: ReviewDecision) -> ReviewDecision:
        errors = decision_errors(request, decision, types, source, tables=tables)
        if errors:
            raise PydanticCustomError(REFUSED, "{problems}", {"problems": "; ".join(errors)})
        return decision

    return Annotated[ReviewDecision, AfterValidator(check)]


def ask_reviewer(
    request: ReviewRequest,
    types: DocumentTypes,
    source: SourceText | None,
    *,
    tables: Mapping[str, Sequence[TableRow]] | None = None,
    also_shown: Mapping[str, Any] | None = None,
) -> ReviewDecision:
    """Pause for a reviewer's decision on `request`; only a decision every check accepts is returned and kept.

    `tables` (the run's table rows) lets the checks refuse an approval that leaves a required table without rows.
    `also_shown` is added to what the pause shows (a server shows the table rows a decision approves with the run).

    A malformed or refused decision raises `InvalidDecisionError`, e.g. `decision refused, the review stays
    open: unknown field 'colour'; editable fields: ...`; LangGraph has not kept it, so the review can be
    answered again. The one `interrupt()` of claimflow: a node calling this must have no side effect before it.
    """
    sent: list[object] = []  # the resume value as it came, before validation: a refused one is kept as sent

    def seen(value: object) -> object:
        sent.append(value)
        return value

    # A before-validator runs first and leaves the schema shown to clients as it is.
    schema: Any = Annotated[checked_decision(request, types, source, tables=tables), BeforeValidator(seen)]
    # Only the validation error is caught: the pause itself (GraphInterrupt) must reach LangGraph untouched.
    try:
        shown = request.model_dump(mode="json") | dict(also_shown or {})
        return cast(ReviewDecision, interrupt(shown, response_schema=schema))
    except ValidationError as error:
        found = problem_list(error)
        raise InvalidDecisionError(
            f"decision refused, the review stays open: {'; '.join(found)}", found, sent=sent[0] if sent else None
        ) from None


def problems(error: ValidationError) -> str:
    """What a refused decision got wrong, one clause per problem: the checks' words, or field and complaint."""
    return "; ".join(problem_list(error))


def problem_list(error: ValidationError) -> list[str]:
    """Each thing a refused decision got wrong: the checks' words, or field and complaint."""
    said = []
    for item in error.errors(include_url=False):
        where = ".".join(str(part) for part in item["loc"])
        what = str(item["msg"]).removeprefix("Value error, ")
        if item["type"] == "model_type" and not where:  # a list, a string, null: not a decision at all
            what = 'a decision is an object: {"reviewer": NAME, "action": "approve" | "edit" | "reject", ...}'
        said.append(what if item["type"] == REFUSED or not where else f"{where}: {what}")
    return said
