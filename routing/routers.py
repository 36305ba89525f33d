"""Pure routers: state in, next node out, with the rule that fired. No I/O, no model.

Routers that need the document types' declarations (required fields, thresholds, risk fields) take
them as an argument; `routers_for` binds them once per workflow.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import assert_never

from claimflow.routing import names
from claimflow.routing._route import Route
from claimflow.routing.names import arbitrate_node, extract_node, validate_node
from claimflow.state.reasons import classification_reasons, review_reasons
from claimflow.state.schema import DocumentTypes
from claimflow.state.workflow import WorkflowState

Router = Callable[[WorkflowState], Route]
"""A router as a graph node runs it: state in, route out."""


def route_after_parse(state: WorkflowState) -> Route:
    """A document that could not be read fails; anything with text goes on."""
    if state.error is not None or state.text is None:
        return Route(names.FAIL, "document_unreadable", state.error or "no text")
    return Route(names.MASK, "text_extracted", f"{state.text.page_count} page(s) via {state.text.method}")


def _unavailable_route(state: WorkflowState) -> Route | None:
    """A model call got no answer (transport failure after its retries): the run fails with the reason."""
    if state.error is None:
        return None
    return Route(names.FAIL, "model_unavailable", state.error)


def _budget_route(state: WorkflowState) -> Route | None:
    if state.budget_stop is None:
        return None
    if state.policy.budget.on_exceeded == "fail":
        return Route(names.FAIL, "budget_exceeded_fail", state.budget_stop)
    return Route(names.PREPARE_REVIEW, "budget_exceeded", state.budget_stop)


def _retry_route(state: WorkflowState, step: str) -> Route | None:
    """Invalid output: retry within the step's policy, then review or fail as the policy says."""
    errors = state.step_errors.get(step)
    if errors is None:
        return None
    policy = state.policy.step(step)
    if state.attempts.get(step, 0) < policy.max_attempts:
        return Route(step, "retry_invalid_output", f"attempt {errors.attempt} of {policy.max_attempts} invalid")
    if policy.on_invalid_output == "fail":
        return Route(names.FAIL, "invalid_output_fails", "; ".join(errors.errors))
    return Route(names.PREPARE_REVIEW, "invalid_output_exhausted", "; ".join(errors.errors))


def route_after_classify(state: WorkflowState, types: DocumentTypes) -> Route:
    """Fail without an answer; stop at the budget; retry invalid output within policy; review an unusable type."""
    decided = _unavailable_route(state) or _budget_route(state) or _retry_route(state, names.CLASSIFY)
    if decided is not None:
        return decided
    reasons = classification_reasons(state, types)
    if reasons:
        return Route(names.PREPARE_REVIEW, reasons[0].code, reasons[0].message)
    doc_type = state.doc_type
    assert doc_type is not None  # no reasons means an accepted, known type
    confidence = state.classification.confidence if state.classification else 0.0
    return Route(extract_node(doc_type), "type_accepted", f"{doc_type} at {confidence:.2f}")


def route_after_extract(state: WorkflowState) -> Route:
    """Fail without an answer; stop at the budget; retry invalid output within policy, then review; else arbitrate."""
    doc_type = state.doc_type
    stopped = _unavailable_route(state) or _budget_route(state)
    if stopped is not None:
        return stopped
    if doc_type is None:
        return Route(names.PREPARE_REVIEW, "type_not_accepted", "extraction ran without an accepted type")
    retried = _retry_route(state, extract_node(doc_type))
    if retried is not None:
        return retried
    sources = ", ".join(f"{c.source}:{c.model}" for c in state.candidates)
    return Route(arbitrate_node(doc_type), "output_valid", f"{len(state.candidates)} candidate(s): {sources}")


def route_after_validate(state: WorkflowState, types: DocumentTypes) -> Route:
    """Finalize only when nothing needs a human: every reason for review is a rule that fired."""
    reasons = review_reasons(state, types)
    conflicts = [r for r in reasons if r.code == "conflicting_values"]
    doc_type = state.doc_type
    if conflicts and doc_type and state.policy.step(extract_node(doc_type)).on_conflicting_values == "fail":
        return Route(names.FAIL, "conflicting_values_fail", conflicts[0].message)
    if reasons:
        codes = ", ".join(dict.fromkeys(reason.code for reason in reasons))
        return Route(names.PREPARE_REVIEW, reasons[0].code, f"{len(reasons)} reason(s): {codes}")
    return Route(names.FINALIZE, "all_checks_passed", "fields supported, confident and consistent")


def route_after_review(state: WorkflowState) -> Route:
    """Follow the reviewer: reject, re-extract for a corrected type, or finalize."""
    decision = state.review_decision
    if decision is None:
        raise RuntimeError("route_after_review ran without a review decision")
    if decision.action == "reject":
        return Route(names.REJECT, "reviewer_rejected", decision.reason or "")
    if decision.action == "edit":
        if decision.doc_type is not None:
            return Route(extract_node(decision.doc_type), "reviewer_set_type", decision.doc_type)
        doc_type = state.doc_type
        if doc_type is None:
            raise RuntimeError("a field edit was applied to a run without a document type")
        return Route(validate_node(doc_type), "reviewer_edited", ", ".join([*decision.edits, *decision.rows]))
    if decision.action == "approve":
        return Route(names.FINALIZE, "reviewer_approved", decision.reviewer)
    assert_never(decision.action)


def routers_for(types: DocumentTypes) -> dict[str, Router]:
    """Router node name -> its router, bound to the workflow's document types."""
    return {
        names.ROUTE_PARSE: route_after_parse,
        names.ROUTE_TYPE: lambda state: route_after_classify(state, types),
        names.ROUTE_EXTRACTION: route_after_extract,
        names.ROUTE_VALIDATION: lambda state: route_after_validate(state, types),
        names.ROUTE_REVIEW: route_after_review,
    }


__all__ = [
    "Router",
    "route_after_classify",
    "route_after_extract",
    "route_after_parse",
    "route_after_review",
    "route_after_validate",
    "routers_for",
]
