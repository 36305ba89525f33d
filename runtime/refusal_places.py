"""Where in a decision each of its problems is, kept in a refused decision's message so an interface can point at it.

A decision refused while its decider waits is answered with its problems (`DecisionProblem`, each with the key of
the decision it concerns): the REST API's 422 says `body.evidence.due_date: the quote ...`. One a worker refuses
after the API answered 202 (production mode) is known only by the message kept with it, shown as the review's
`note`. That message keeps each problem placed (`evidence.due_date: the quote ...`, `placed_message`), which reads
as well in a terminal, and the API says it at the body field (`at_body_in`), in the 422's very words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from claimflow.state.errors import DecisionProblem

__all__ = ["DECISION_KEYS", "at_body_in", "placed", "placed_message"]

DECISION_KEYS = ("action", "doc_type", "edits", "rows", "evidence", "reason", "comment")
"""The keys of a decision a problem may concern (`DecisionProblem.field` starts with one)."""

_PLACED = re.compile(rf"(?:^|(?<=: )|(?<=; ))(?=(?:{'|'.join(DECISION_KEYS)})(?:\.[^\s:;]+)*: )")
"""Where a placed problem starts in a message: at its start, or after a colon or a semicolon and a space."""


def placed(problem: str) -> str:
    """`problem` after the decision key it concerns, when it names one (`evidence.due_date: the quote ...`).

    A problem about one field's value starts with the field's name, which its place then says: it is not repeated.
    """
    if not isinstance(problem, DecisionProblem):
        return str(problem)
    name = problem.field.rsplit(".", 1)[-1]
    return f"{problem.field}: {problem.removeprefix(f'{name}: ')}"


def placed_message(problems: Iterable[str]) -> str:
    """A refused decision's problems as its kept message: each `placed`, one after another."""
    return "; ".join(placed(problem) for problem in problems)


def at_body_in(text: str) -> str:
    """`text` (a review's note) with each placed problem in it said at the request body's field (`body.reason: ...`)."""
    return _PLACED.sub("body.", text)
