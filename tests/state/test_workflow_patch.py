"""Patch: a validated partial update of WorkflowState."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from langgraph.graph import END, START, StateGraph
from pydantic import ValidationError

from claimflow.state.events import event
from claimflow.state.outcomes import ClaimOutcome, RouteDecision
from claimflow.state.workflow import Patch, WorkflowState
from tests.factories import INVOICE_SOURCE, classified, evidence_at, make_state, table_row


def _claim(claim_id: str) -> ClaimOutcome:
    return ClaimOutcome(claim_id=claim_id, step="classify", accepted=True, reasons=[])


def _route(target: str) -> RouteDecision:
    return RouteDecision(router="route_type", target=target, rule="r")


def test_unknown_key_is_refused() -> None:
    with pytest.raises(ValidationError, match="extra"):
        Patch.model_validate({"feilds": {}})
    with pytest.raises(ValidationError):
        Patch(outcom="completed")  # type: ignore[call-arg]


def test_values_are_validated() -> None:
    with pytest.raises(ValidationError):
        Patch.model_validate({"outcome": "done"})


def test_as_update_only_includes_set_fields() -> None:
    assert Patch().as_update() == {}
    update = Patch(outcome="completed", error=None).as_update()
    assert update == {"outcome": "completed", "error": None}


def test_merged_concatenates_claims_routes_and_events() -> None:
    first = Patch(claims=[_claim("a")], routes=[_route("x")], events=[event("step.started", "s")], outcome="running")
    second = Patch(claims=[_claim("b")], routes=[_route("y")], events=[event("step.completed", "s")], outcome="failed")
    merged = first.merged(second)
    assert [c.claim_id for c in merged.claims or []] == ["a", "b"]
    assert [r.target for r in merged.routes or []] == ["x", "y"]
    assert [e.type for e in merged.events or []] == ["step.started", "step.completed"]
    assert merged.outcome == "failed"


def test_merged_replaces_other_fields_and_keeps_unset_ones() -> None:
    first = Patch(fields={}, attempts={"classify": 1})
    second = Patch(attempts={"classify": 2}, claims=[_claim("b")])
    merged = first.merged(second)
    assert merged.as_update() == {"fields": {}, "attempts": {"classify": 2}, "claims": [_claim("b")]}


def test_every_patch_field_exists_on_workflow_state() -> None:
    missing = set(Patch.model_fields) - set(WorkflowState.model_fields)
    assert not missing, f"Patch fields not on WorkflowState: {sorted(missing)}"


def test_patch_field_types_match_the_state_when_set() -> None:
    # Applying a patch's update to a state must validate (no key the state would reject).
    row = table_row({"description": "Hammer", "amount": "50.00"}, evidence_at(INVOICE_SOURCE, 2, "50,00"))
    patch = Patch(
        classification=classified("invoice"), attempts={"classify": 1}, outcome="needs_review",
        tables={"line_items": [row]},
    )  # fmt: skip
    state = WorkflowState.model_validate({**make_state().model_dump(), **patch.as_update()})
    assert state.doc_type == "invoice"
    assert state.outcome == "needs_review"
    assert state.tables == {"line_items": [row]}


def test_tables_hold_rows_of_cells_with_their_evidence() -> None:
    with pytest.raises(ValidationError):
        Patch.model_validate({"tables": {"line_items": [{"cells": {"amount": "50.00"}}]}})
    with pytest.raises(ValidationError, match="extra"):
        Patch.model_validate({"line_items": []})


def _step(*patches: Patch) -> Callable[[WorkflowState], dict[str, object]]:
    """A node whose update is its patches merged, as one step builds its update from several."""

    def node(state: WorkflowState) -> dict[str, object]:
        del state
        merged = patches[0]
        for patch in patches[1:]:
            merged = merged.merged(patch)
        return merged.as_update()

    return node


def test_a_later_step_replaces_the_last_steps_claims_routes_and_events() -> None:
    graph = StateGraph(WorkflowState)
    # The first step concatenates two patches; the second replaces what the first wrote.
    graph.add_node(
        "first",
        _step(
            Patch(claims=[_claim("a")], routes=[_route("x")], events=[event("step.started", "first")]),
            Patch(claims=[_claim("b")], routes=[_route("y")], events=[event("step.completed", "first")]),
        ),
    )
    graph.add_node(
        "second", _step(Patch(claims=[_claim("c")], routes=[_route("z")], events=[event("step.started", "second")]))
    )
    graph.add_edge(START, "first")
    graph.add_edge("first", "second")
    graph.add_edge("second", END)

    seen = [
        WorkflowState.model_validate(values) for values in graph.compile().stream(make_state(), stream_mode="values")
    ]
    after_first, after_second = seen[-2], seen[-1]
    assert [c.claim_id for c in after_first.claims] == ["a", "b"]
    assert [r.target for r in after_first.routes] == ["x", "y"]
    assert [(e.step, e.type) for e in after_first.events] == [("first", "step.started"), ("first", "step.completed")]
    assert [c.claim_id for c in after_second.claims] == ["c"]
    assert [r.target for r in after_second.routes] == ["z"]
    assert [(e.step, e.type) for e in after_second.events] == [("second", "step.started")]
    assert after_second.last_route("route_type") == _route("z")
