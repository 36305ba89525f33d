"""The review policy: durations, per-type look-ups with the "*" fallback, escalation groups, who may claim."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from claimflow.state.policy import Policy
from claimflow.state.review_policy import ReviewPolicy, duration_seconds, span


@pytest.mark.parametrize(("text", "seconds"), [("90m", 5400), ("24h", 86400), ("3d", 259200), ("0s", 0), (" 45s ", 45)])
def test_durations_are_a_whole_number_and_a_unit(text: str, seconds: int) -> None:
    assert duration_seconds(text) == seconds


@pytest.mark.parametrize("text", ["", "24", "h", "1.5h", "-3d", "3 d", "2w", "24hours"])
def test_anything_else_is_refused_saying_how_to_write_one(text: str) -> None:
    with pytest.raises(ValueError, match=r"is not a duration: write a whole number and a unit, s, m, h or d"):
        duration_seconds(text)


def test_spans_show_the_two_largest_units() -> None:
    assert [span(s) for s in (0, 12, 2400, 18720, 183600, -5)] == ["0s", "12s", "40m", "5h 12m", "2d 3h", "0s"]


def test_each_type_looks_up_its_own_entry_then_the_star() -> None:
    policy = ReviewPolicy.model_validate(
        {
            "due": {"invoice": "24h", "*": "3d"},
            "on_overdue": {"invoice": "reject", "*": "escalate"},
            "escalate_to": {"*": "leads"},
            "groups": {"leads": ["ana"]},
        }
    )
    assert [policy.due_seconds(t) for t in ("invoice", "receipt", None)] == [86400, 259200, 259200]
    assert [policy.action(t) for t in ("invoice", "receipt")] == ["reject", "escalate"]
    assert policy.group("receipt") == "leads"


def test_without_entries_a_review_has_no_due_time_and_nothing_follows() -> None:
    policy = ReviewPolicy.model_validate({"due": {"invoice": "24h"}})
    assert (policy.due_seconds("receipt"), policy.action("invoice")) == (None, "none")
    assert Policy().review.due_seconds("invoice") is None


def test_a_claim_is_allowed_on_a_free_own_or_group_review() -> None:
    policy = ReviewPolicy.model_validate({"groups": {"leads": ["ana", "ben"]}})
    assert [policy.may_claim("ana", holder) for holder in (None, "ana", "leads", "kim")] == [True, True, True, False]
    assert policy.may_claim("kim", "leads") is False
    # A group's name is only ever the group: a reviewer who has its name is no member of it.
    assert policy.may_claim("leads", "leads") is False


@pytest.mark.parametrize(
    ("review", "message"),
    [
        ({"on_overdue": {"invoice": "escalate"}}, "escalate_to names no group"),
        ({"on_overdue": {"*": "escalate"}, "escalate_to": {"*": "x"}}, "group 'x', which `groups` does not list"),
        ({"groups": {"leads": []}}, "group 'leads' needs at least one reviewer"),
        ({"escalate_to": {"invoice": "nobody"}, "groups": {"leads": ["ana"]}}, "group 'nobody', which"),
        ({"due": {"invoice": "soon"}}, "'soon' is not a duration"),
    ],
)
def test_an_inconsistent_policy_is_refused(review: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Policy.model_validate({"review": review})
