"""A refused decision's kept message says each problem at the decision key it concerns, and the API at the body's."""

from __future__ import annotations

import pytest

from claimflow.runtime.refusal_places import at_body_in, placed_message
from claimflow.state.errors import DecisionProblem


@pytest.mark.parametrize(
    ("problem", "said"),
    [
        (DecisionProblem("total_amount: value 'x' cannot be read as an amount", "edits.total_amount"),
         "body.edits.total_amount: value 'x' cannot be read as an amount"),
        (DecisionProblem("line_items has 2 row(s): no row 5", "rows.line_items"),
         "body.rows.line_items: line_items has 2 row(s): no row 5"),
        (DecisionProblem("a reason is required to reject", "reason"), "body.reason: a reason is required to reject"),
    ],
)  # fmt: skip
def test_a_kept_refusal_names_the_body_field_of_each_problem(problem: DecisionProblem, said: str) -> None:
    assert at_body_in(placed_message([problem])) == said


def test_two_problems_are_each_placed() -> None:
    problems = [
        DecisionProblem("line_items row 1 quantity: value 'lots' cannot be read", "rows.line_items.cells.1.quantity"),
        DecisionProblem("a reason is required to reject", "reason"),
    ]
    kept = at_body_in(placed_message(problems))
    assert kept.startswith("body.rows.line_items.cells.1.quantity: ")
    assert "; body.reason: a reason is required to reject" in kept
