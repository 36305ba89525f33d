"""A run's decisions as comparable items, and the differences between a stored run and its replay."""

from __future__ import annotations

from typing import Any

from claimflow.runtime.replay import Change, differences, outcome_items


def _event(type_: str, step: str, **data: Any) -> dict[str, Any]:
    return {"type": type_, "step": step, "data": data}


VIEW = {
    "status": "needs_review",
    "doc_type": "invoice",
    "fields": {"total_amount": {"value": "180.00", "status": "accepted"}},
    "review_reasons": ["validation_failed: 150.00 + 30.00 = 180.00, total is 190.00"],
    "error": None,
}


def test_repeated_decisions_are_numbered_in_order_and_the_final_record_follows() -> None:
    items = outcome_items(
        VIEW,
        [
            _event(
                "claim.accepted", "extract_invoice", field="line_items", normalized=None, value="a", check="no_label"
            ),
            _event("claim.rejected", "extract_invoice", field="line_items", check="quote", reasons=["not found"]),
            _event("route.decided", "route_validation", target="prepare_review", rule="validation_failed"),
            _event("model.called", "classify", model="rules"),
        ],
    )
    assert items == {
        "claim extract_invoice line_items": "accepted a [no_label]",
        "claim extract_invoice line_items #2": "rejected [quote]: not found",
        "route route_validation": "prepare_review (validation_failed)",
        "field total_amount": "180.00 (accepted)",
        "run status": "needs_review",
        "run doc_type": "invoice",
        "run review_reasons": "validation_failed",
        "run error": "",
    }


def test_differences_name_changed_added_and_dropped_items_only() -> None:
    before = {"rule r(a)": "failed: over", "run status": "needs_review", "claim x f #2": "accepted 1 [c]"}
    after = {"rule r(a)": "passed", "run status": "needs_review", "field f": "1 (accepted)"}

    assert differences(before, after) == [
        Change(kind="rule", key="rule r(a)", before="failed: over", after="passed"),
        Change(kind="field", key="field f", before=None, after="1 (accepted)"),
        Change(kind="claim", key="claim x f #2", before="accepted 1 [c]", after=None),
    ]
    assert differences(after, after) == []
