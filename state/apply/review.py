"""Review: build the request a reviewer sees, validate their decision, and apply it like a claim."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from claimflow.state.apply._values import listed, shown, value_errors
from claimflow.state.apply.follow import followed_fields, followers, following
from claimflow.state.apply.row_edits import apply_row_edits, row_edit_errors
from claimflow.state.did_you_mean import did_you_mean
from claimflow.state.documents import SourceText
from claimflow.state.errors import DecisionProblem, InvalidDecisionError
from claimflow.state.events import Event, event
from claimflow.state.evidence import Evidence, locate
from claimflow.state.normalize import normalize_value
from claimflow.state.outcomes import Classification, FieldResult, ReviewReason, TableRow
from claimflow.state.proof import find_proving_evidence, prove
from claimflow.state.review import ReviewDecision, ReviewField, ReviewRequest
from claimflow.state.schema import UNKNOWN_TYPE, DocumentType, DocumentTypes, Field
from claimflow.state.workflow import Patch, WorkflowState


def build_review_request(
    state: WorkflowState, types: DocumentTypes, reasons: list[ReviewReason], source: SourceText | None
) -> ReviewRequest:
    """The request for this run: every field with its evidence, the reasons, and what may be edited.

    `source` (the run's text; None for a run without one) tells which fields an edit of another would carry to.
    """
    doc_type = types.find(state.doc_type)
    specs = doc_type.value_fields if doc_type else ()
    follows = followed_fields(doc_type, state.fields, source) if doc_type and source is not None else {}
    fields_shown = [
        ReviewField(
            name=spec.name,
            kind=spec.kind,
            required=spec.required,
            value=result.value if result else None,
            status=result.status if result else "missing",
            confidence=result.confidence if result else None,
            evidence=result.evidence if result else [],
            reasons=result.reasons if result else [],
            follows=follows.get(spec.name, []),
        )
        for spec in specs
        for result in [state.fields.get(spec.name)]
    ]
    return ReviewRequest(
        run_id=state.run_id,
        document=state.document.filename,
        doc_type=doc_type.name if doc_type else UNKNOWN_TYPE,
        reasons=reasons,
        fields=fields_shown,
        editable_fields=[spec.name for spec in specs],
        doc_types=list(types.names),
    )


def _cited(
    doc_type: DocumentType, spec: Field, values: list[str], decision: ReviewDecision, source: SourceText
) -> tuple[Evidence | None, list[str]]:
    """The evidence a reviewer cited for a field, checked like a model's quote; problems if it does not prove it."""
    claimed = decision.evidence.get(spec.name)
    if claimed is None:
        return None, []
    located = locate(claimed, source)
    if located.evidence is None:
        return None, [f"{spec.name}: cited evidence rejected: {located.reason}"]
    problems = [
        f"{spec.name}: cited evidence does not prove it: {proof.reason}"
        for value in values
        for proof in [prove(doc_type, spec, value, located.evidence, source)]
        if not proof.ok
    ]
    return located.evidence, problems


def _table_refusal(name: str) -> str:
    """Why a decision may not set a table field whole: its rows are corrected one cell, or one row, at a time."""
    return (
        f"{name} is a table: its rows cannot be set whole in a decision; set its cells"
        f" (`--set {name}.ROW.COLUMN=VALUE`) or drop rows (`--drop-row {name}.ROW`), rows numbered from 1"
        " as the review shows them"
    )


def _approval_errors(
    request: ReviewRequest, types: DocumentTypes, tables: Mapping[str, Sequence[TableRow]] | None
) -> list[DecisionProblem]:
    """Why approving would complete the run without what its type requires; empty when it may complete as it is.

    An approval goes straight to the record (no rule runs after it), so it must not finish a run that was never
    classified or extracted (a budget spent, invalid output exhausted) with its required fields empty.
    """
    if request.doc_type == UNKNOWN_TYPE:
        return [
            DecisionProblem(
                "the document type is unknown; approving would complete the run with no type and no record: "
                f"set doc_type (one of {', '.join(request.doc_types)}) or reject the run (`--reject`)",
                "action",
            )
        ]
    errors: list[DecisionProblem] = []
    empty = [
        field.name
        for field in request.fields
        if field.required and (field.status not in ("accepted", "edited") or field.value in (None, [], ""))
    ]
    if empty:
        errors.append(
            DecisionProblem(
                f"required field(s) without a value: {', '.join(empty)}; approving would complete the run without "
                "them: set them with an edit (`--set FIELD=VALUE`) or reject the run (`--reject`)",
                "action",
            )
        )
    doc_type = types.find(request.doc_type)
    if tables is not None and doc_type is not None:
        rowless = [spec.name for spec in doc_type.table_fields if spec.required and not tables.get(spec.name)]
        if rowless:
            errors.append(
                DecisionProblem(
                    f"required table(s) without rows: {', '.join(rowless)}; approving would complete the run"
                    " without them, and rows cannot be added in a decision: reject the run (`--reject`), or run it"
                    " again (rerun)",
                    "action",
                )
            )
    return errors


def _type_set_errors(request: ReviewRequest, decision: ReviewDecision, doc_type: str) -> list[DecisionProblem]:
    """What is wrong with a decision that sets the document type: a type not active, or edits beside it."""
    errors: list[DecisionProblem] = []
    if doc_type not in request.doc_types:
        known = ", ".join(request.doc_types)
        errors.append(DecisionProblem(f"document type {doc_type!r} is not one of {known}", "doc_type"))
    if decision.edits or decision.rows:
        errors.append(
            DecisionProblem(
                "set the document type alone: its fields are extracted, then shown for review if needed",
                "edits" if decision.edits else "rows",
            )
        )
    return errors


def decision_errors(
    request: ReviewRequest,
    decision: ReviewDecision,
    types: DocumentTypes,
    source: SourceText | None = None,
    *,
    tables: Mapping[str, Sequence[TableRow]] | None = None,
) -> list[DecisionProblem]:
    """Everything wrong with a decision for this request, each with the decision's key it concerns; empty if none.

    With `source`, evidence the reviewer cites is checked against it too; with `tables` (the run's table rows), an
    approval is checked to leave no required table without rows too.
    """
    errors: list[DecisionProblem] = []
    if decision.action not in request.allowed_actions:
        allowed = ", ".join(request.allowed_actions)
        errors.append(DecisionProblem(f"action {decision.action!r} is not allowed; allowed: {allowed}", "action"))
    if decision.action == "approve":
        errors += _approval_errors(request, types, tables)
    if decision.doc_type is not None:
        return errors + _type_set_errors(request, decision, decision.doc_type)
    doc_type = types.find(request.doc_type)
    if (decision.edits or decision.rows) and doc_type is None:
        known = ", ".join(request.doc_types)
        errors.append(DecisionProblem(f"the document type is unknown: set doc_type first (one of {known})", "edits"))
        return errors
    if doc_type is not None:
        errors += row_edit_errors(doc_type, decision, tables)
    unknown: list[str] = []
    for name, values in decision.edits.items():
        spec = doc_type.field(name) if doc_type and name in request.editable_fields else None
        declared = doc_type.field(name) if doc_type else None
        if declared is not None and declared.is_table:
            errors.append(DecisionProblem(_table_refusal(name), f"edits.{name}"))
            continue
        if doc_type is None or spec is None:
            unknown.append(name)
            continue
        problems = value_errors(spec, values, cited=name in decision.evidence)
        errors += [DecisionProblem(problem, f"edits.{name}") for problem in problems]
        if not problems and source is not None:
            errors += [
                DecisionProblem(p, f"evidence.{name}") for p in _cited(doc_type, spec, values, decision, source)[1]
            ]
    if unknown:
        # One line for them all, the editable fields named once: the refusal is stored and shown to reviewers.
        what = (
            f"unknown field {shown(unknown[0])}{did_you_mean(unknown[0], request.editable_fields)}"
            if len(unknown) == 1
            else f"unknown fields {listed(unknown)}"
        )
        errors.append(DecisionProblem(f"{what}; editable fields: {', '.join(request.editable_fields)}", "edits"))
    return errors


def _set_by_reviewer(
    name: str,
    value: str | list[str] | None,
    evidence: list[Evidence],
    reason: str,
    was: str | list[str] | None,
    decision: ReviewDecision,
    *,
    decided_by: str | None = None,
    **said: Any,
) -> tuple[FieldResult, Event]:
    """A field as the reviewer left it (edited, confidence 1), and its `claim.accepted` event (`said` added to it).

    `decided_by`: who decided, where not the reviewer alone (a field following another's correction).
    """
    result = FieldResult(
        name=name,
        value=value,
        status="edited",
        confidence=1.0,
        evidence=evidence,
        decided_by=decided_by or f"reviewer {decision.reviewer}",
        reasons=[reason],
    )
    return result, event(
        "claim.accepted",
        "await_review",
        claim_id=f"review:{decision.reviewer}:{name}",
        field=name,
        value=value,
        previous=was,
        **said,
        reasons=result.reasons,
        evidence=[e.model_dump() for e in evidence],
    )


def _edited_field(
    state: WorkflowState,
    doc_type: DocumentType,
    name: str,
    values: list[str],
    decision: ReviewDecision,
    source: SourceText,
) -> tuple[FieldResult, Event]:
    spec = doc_type.field(name)
    assert spec is not None
    previous = state.fields.get(name)
    was = previous.value if previous else None
    if not values:  # an optional field the reviewer left with no value: the record's value empty, and said so
        reason = f"cleared by reviewer {decision.reviewer} ({_was(was)}): no value"
        return _set_by_reviewer(name, None, [], reason, was, decision, cleared=True)
    normalized = [normalize_value(spec.kind, value, spec.choices) or "" for value in values]  # type: ignore[arg-type]
    cited, problems = _cited(doc_type, spec, normalized, decision, source)
    if problems:
        raise InvalidDecisionError("; ".join(problems))
    if cited is not None:
        evidence = [cited]
        note = f"evidence cited by the reviewer, page {cited.page}"
    else:
        evidence = [found for value in normalized if (found := find_proving_evidence(doc_type, spec, value, source))]
        note = f"evidence found on page {evidence[0].page}" if evidence else "not found in the source: reviewer's word"
    value = normalized if spec.multiple else normalized[0]
    return _set_by_reviewer(
        name, value, evidence, f"set by reviewer {decision.reviewer} ({_was(was)}); {note}", was, decision
    )


def apply_review_decision(
    state: WorkflowState, decision: ReviewDecision, types: DocumentTypes, source: SourceText
) -> Patch:
    """Apply a validated decision; raises InvalidDecisionError (the run stays paused) when it is not valid."""
    request = state.review_request
    if request is None:
        raise InvalidDecisionError("this run is not waiting for review")
    errors = decision_errors(request, decision, types, source, tables=state.tables)
    if errors:
        raise InvalidDecisionError("; ".join(errors))
    decided = event(
        "review.decided",
        "await_review",
        reviewer=decision.reviewer,
        action=decision.action,
        edits=decision.edits,
        rows={name: edits.model_dump(mode="json") for name, edits in decision.rows.items()},
        doc_type=decision.doc_type,
        reason=decision.reason,
        comment=decision.comment,
    )
    if decision.action == "reject":
        reason = f"rejected in review by {decision.reviewer}: {decision.reason}"
        return Patch(review_decision=decision, outcome="rejected", error=reason, events=[decided])
    if decision.doc_type is not None:
        classification = Classification(
            doc_type=decision.doc_type,
            confidence=1.0,
            accepted=True,
            reasons=[f"type set by reviewer {decision.reviewer}"],
        )
        return Patch(
            review_decision=decision, classification=classification, fields={}, tables={},
            attempts={}, step_errors={}, rule_results=[], events=[decided],
        )  # fmt: skip
    if decision.action == "approve":
        note = f"approved by reviewer {decision.reviewer}"
        approved = {
            name: result.model_copy(update={"decided_by": f"{result.decided_by}; {note}"})
            for name, result in state.fields.items()
        }
        return Patch(review_decision=decision, fields=approved, events=[decided])
    doc_type = types.get(request.doc_type)
    fields = dict(state.fields)
    events = [decided]
    for name, values in decision.edits.items():
        fields[name], edited = _edited_field(state, doc_type, name, values, decision, source)
        events.append(edited)
    for name, leader in followers(doc_type, state.fields, decision.edits, source):
        fields[name], followed = _following(name, leader, fields[leader], state.fields[name].value, decision)
        events.append(followed)
    if not decision.rows:
        return Patch(review_decision=decision, fields=fields, events=events)
    tables, table_events = apply_row_edits(doc_type, state.tables, decision, source)
    return Patch(review_decision=decision, fields=fields, tables=tables, events=events + table_events)


def _was(value: str | list[str] | None) -> str:
    """What a field held before a decision, as its reasons say it: `was '190.00'`, or `had no value`."""
    return "had no value" if value is None else f"was {value!r}"


def _following(
    name: str, leader: str, led: FieldResult, was: str | list[str] | None, decision: ReviewDecision
) -> tuple[FieldResult, Event]:
    """`name` set to what the reviewer made of `leader`, the field whose line it was read from (`follow.py`)."""
    reason = (
        f"follows {leader}, set by reviewer {decision.reviewer} ({_was(was)}): it was read from {leader}'s line,"
        f" under a label it shares"
    )
    decided_by = following(decision.reviewer, leader)
    return _set_by_reviewer(
        name, led.value, list(led.evidence), reason, was, decision, decided_by=decided_by, follows=leader
    )
