"""Review: build the request a reviewer sees, validate their decision, and apply it like a claim."""

from __future__ import annotations

from claimflow.state.documents import SourceText
from claimflow.state.errors import InvalidDecisionError
from claimflow.state.events import Event, event
from claimflow.state.fields import DOC_TYPES, field_spec, fields_of
from claimflow.state.normalize import normalize_value, with_article
from claimflow.state.outcomes import Classification, FieldResult, ReviewReason
from claimflow.state.review import ReviewDecision, ReviewField, ReviewRequest
from claimflow.state.support import find_supporting_evidence
from claimflow.state.workflow import Patch, WorkflowState


def build_review_request(state: WorkflowState, reasons: list[ReviewReason]) -> ReviewRequest:
    """The request for this run: every field with its evidence, the reasons, and what may be edited."""
    doc_type = state.doc_type
    specs = fields_of(doc_type) if doc_type else ()
    shown = [
        ReviewField(
            name=spec.name,
            kind=spec.kind,
            required=spec.required,
            value=result.value if result else None,
            status=result.status if result else "missing",
            confidence=result.confidence if result else None,
            evidence=result.evidence if result else [],
            reasons=result.reasons if result else [],
        )
        for spec in specs
        for result in [state.fields.get(spec.name)]
    ]
    return ReviewRequest(
        run_id=state.run_id,
        document=state.document.filename,
        doc_type=doc_type or "unknown",
        reasons=reasons,
        fields=shown,
        editable_fields=[spec.name for spec in specs],
        doc_types=list(DOC_TYPES),
    )


def decision_errors(request: ReviewRequest, decision: ReviewDecision) -> list[str]:
    """Everything wrong with a decision for this request; empty when it may be applied."""
    errors: list[str] = []
    if decision.action not in request.allowed_actions:
        errors.append(f"action {decision.action!r} is not allowed; allowed: {', '.join(request.allowed_actions)}")
    if decision.doc_type is not None:
        if decision.doc_type not in request.doc_types:
            errors.append(f"document type {decision.doc_type!r} is not one of {', '.join(request.doc_types)}")
        if decision.edits:
            errors.append("set the document type alone: its fields are extracted, then shown for review if needed")
        return errors
    if decision.edits and request.doc_type not in DOC_TYPES:
        errors.append("the document type is unknown: set doc_type first (one of " + ", ".join(request.doc_types) + ")")
        return errors
    for name, values in decision.edits.items():
        if name not in request.editable_fields:
            errors.append(f"unknown field {name!r}; editable fields: {', '.join(request.editable_fields)}")
            continue
        spec = field_spec(request.doc_type, name)  # type: ignore[arg-type]
        assert spec is not None
        if not values:
            errors.append(f"{name}: no value given")
        if len(values) > 1 and not spec.multiple:
            errors.append(f"{name} takes one value, got {len(values)}")
        for value in values:
            if normalize_value(spec.kind, value) is None:
                errors.append(f"{name}: value {value!r} cannot be read as {with_article(spec.kind)}")
    return errors


def _edited_field(
    state: WorkflowState, name: str, values: list[str], decision: ReviewDecision, source: SourceText
) -> tuple[FieldResult, Event]:
    doc_type = state.doc_type
    assert doc_type is not None
    spec = field_spec(doc_type, name)
    assert spec is not None
    normalized = [normalize_value(spec.kind, value) or "" for value in values]
    evidence = [found for value in normalized if (found := find_supporting_evidence(spec.kind, value, source))]
    previous = state.fields.get(name)
    note = (
        f"evidence found on page {evidence[0].page}" if evidence else "value not found in the source: reviewer's word"
    )
    result = FieldResult(
        name=name,
        value=normalized if spec.multiple else normalized[0],
        status="edited",
        confidence=1.0,
        evidence=evidence,
        decided_by=f"reviewer {decision.reviewer}",
        reasons=[f"set by reviewer {decision.reviewer} (was {previous.value if previous else None!r}); {note}"],
    )
    return result, event(
        "claim.accepted",
        "await_review",
        claim_id=f"review:{decision.reviewer}:{name}",
        field=name,
        value=result.value,
        previous=previous.value if previous else None,
        reasons=result.reasons,
        evidence=[e.model_dump() for e in evidence],
    )


def apply_review_decision(state: WorkflowState, decision: ReviewDecision, source: SourceText) -> Patch:
    """Apply a validated decision; raises InvalidDecisionError (the run stays paused) when it is not valid."""
    request = state.review_request
    if request is None:
        raise InvalidDecisionError("this run is not waiting for review")
    errors = decision_errors(request, decision)
    if errors:
        raise InvalidDecisionError("; ".join(errors))
    decided = event(
        "review.decided",
        "await_review",
        reviewer=decision.reviewer,
        action=decision.action,
        edits=decision.edits,
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
            review_decision=decision, classification=classification, fields={}, line_items=[],
            attempts={}, step_errors={}, rule_results=[], events=[decided],
        )  # fmt: skip
    if decision.action == "approve":
        note = f"approved by reviewer {decision.reviewer}"
        approved = {
            name: result.model_copy(update={"decided_by": f"{result.decided_by}; {note}"})
            for name, result in state.fields.items()
        }
        return Patch(review_decision=decision, fields=approved, events=[decided])
    fields = dict(state.fields)
    events = [decided]
    for name, values in decision.edits.items():
        fields[name], edited = _edited_field(state, name, values, decision, source)
        events.append(edited)
    return Patch(review_decision=decision, fields=fields, events=events)
