"""Pure routers: state in, next node out, with the rule that fired. No I/O, no model."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal, assert_never

from claimflow.routing import names
from claimflow.routing._route import Route
from claimflow.routing.names import (
    AfterClassify,
    AfterExtract,
    AfterParse,
    AfterReview,
    AfterValidate,
    arbitrate_node,
    extract_node,
    validate_node,
)
from claimflow.state.reasons import classification_reasons, review_reasons
from claimflow.state.workflow import WorkflowState


def route_after_parse(state: WorkflowState) -> Route[AfterParse]:
    """A document that could not be read fails; anything with text goes on."""
    if state.error is not None or state.text is None:
        return Route("fail", "document_unreadable", state.error or "no text")
    return Route("mask", "text_extracted", f"{state.text.page_count} page(s) via {state.text.method}")


def _budget_route(state: WorkflowState) -> Route[Literal["prepare_review", "fail"]] | None:
    if state.budget_stop is None:
        return None
    if state.policy.budget.on_exceeded == "fail":
        return Route("fail", "budget_exceeded_fail", state.budget_stop)
    return Route("prepare_review", "budget_exceeded", state.budget_stop)


def route_after_classify(state: WorkflowState) -> Route[AfterClassify]:
    """Stop at the budget; retry invalid output within policy; review an unusable type; else extract."""
    if stopped := _budget_route(state):
        return Route(stopped.target, stopped.rule, stopped.detail)
    errors = state.step_errors.get("classify")
    if errors is not None:
        limit = state.policy.step("classify").max_attempts
        if state.attempts.get("classify", 0) < limit:
            return Route("classify", "retry_invalid_output", f"attempt {errors.attempt} of {limit} invalid")
        if state.policy.step("classify").on_invalid_output == "fail":
            return Route("fail", "invalid_output_fails", "; ".join(errors.errors))
        return Route("prepare_review", "invalid_output_exhausted", "; ".join(errors.errors))
    reasons = classification_reasons(state)
    if reasons:
        return Route("prepare_review", reasons[0].code, reasons[0].message)
    doc_type = state.doc_type
    assert doc_type is not None  # no reasons means an accepted, known type
    confidence = state.classification.confidence if state.classification else 0.0
    return Route(extract_node(doc_type), "type_accepted", f"{doc_type} at {confidence:.2f}")


def route_after_extract(state: WorkflowState) -> Route[AfterExtract]:
    """Stop at the budget; retry invalid extraction output within policy, then review; else arbitrate."""
    if stopped := _budget_route(state):
        return Route(stopped.target, stopped.rule, stopped.detail)
    doc_type = state.doc_type
    if doc_type is None:
        return Route("prepare_review", "type_not_accepted", "extraction ran without an accepted type")
    step = extract_node(doc_type)
    errors = state.step_errors.get(step)
    if errors is not None:
        limit = state.policy.step(step).max_attempts
        if state.attempts.get(step, 0) < limit:
            return Route(step, "retry_invalid_output", f"attempt {errors.attempt} of {limit} invalid")
        if state.policy.step(step).on_invalid_output == "fail":
            return Route("fail", "invalid_output_fails", "; ".join(errors.errors))
        return Route("prepare_review", "invalid_output_exhausted", "; ".join(errors.errors))
    sources = ", ".join(f"{c.source}:{c.model}" for c in state.candidates)
    return Route(arbitrate_node(doc_type), "output_valid", f"{len(state.candidates)} candidate(s): {sources}")


def route_after_validate(state: WorkflowState) -> Route[AfterValidate]:
    """Finalize only when nothing needs a human: every reason for review is a rule that fired."""
    reasons = review_reasons(state)
    conflicts = [r for r in reasons if r.code == "conflicting_values"]
    doc_type = state.doc_type
    if conflicts and doc_type and state.policy.step(extract_node(doc_type)).on_conflicting_values == "fail":
        return Route("fail", "conflicting_values_fail", conflicts[0].message)
    if reasons:
        codes = ", ".join(dict.fromkeys(reason.code for reason in reasons))
        return Route("prepare_review", reasons[0].code, f"{len(reasons)} reason(s): {codes}")
    return Route("finalize", "all_checks_passed", "fields supported, confident and consistent")


def route_after_review(state: WorkflowState) -> Route[AfterReview]:
    """Follow the reviewer: reject, re-extract for a corrected type, or finalize."""
    decision = state.review_decision
    if decision is None:
        raise RuntimeError("route_after_review ran without a review decision")
    if decision.action == "reject":
        return Route("reject", "reviewer_rejected", decision.reason or "")
    if decision.action == "edit":
        if decision.doc_type is not None:
            return Route(extract_node(decision.doc_type), "reviewer_set_type", decision.doc_type)
        doc_type = state.doc_type
        if doc_type is None:
            raise RuntimeError("a field edit was applied to a run without a document type")
        return Route(validate_node(doc_type), "reviewer_edited", ", ".join(decision.edits))
    if decision.action == "approve":
        return Route("finalize", "reviewer_approved", decision.reviewer)
    assert_never(decision.action)


ROUTERS: dict[str, Callable[[WorkflowState], Route[Any]]] = {
    names.ROUTE_PARSE: route_after_parse,
    names.ROUTE_TYPE: route_after_classify,
    names.ROUTE_EXTRACTION: route_after_extract,
    names.ROUTE_VALIDATION: route_after_validate,
    names.ROUTE_REVIEW: route_after_review,
}
"""Router node name -> pure router."""

__all__ = [
    "ROUTERS",
    "route_after_classify",
    "route_after_extract",
    "route_after_parse",
    "route_after_review",
    "route_after_validate",
]
