"""What a gate says about accepting a change with `--update-baseline`, and what accepting then does.

`claimflow eval` and `claimflow eval dataset` both write the run as the new baseline; what the run got wrong is then
recorded as known, and the gate lets it pass from then on. Each says so, in one wording, where it advises it.
"""

from __future__ import annotations

ACCEPT = "; if the change is intended, run again with --update-baseline to accept it"
"""How a regression that was meant is accepted (not said when something went unanswered: that is not written)."""


def recorded_as_known(what: str, until: str, check: str) -> str:
    """Said after `ACCEPT`: `what` is recorded as a known failure, passing the gate `until` ...; `check` it first."""
    return f" ({what} is then recorded as a known failure, which passes the gate {until}: {check})"


NEW_CASES_KNOWN = recorded_as_known("a new case", "for as long as it fails", "check its expected values first")
"""`claimflow eval`'s, when new cases fail: a case written with a wrong expectation is more often the cause."""

WORSE_FIELDS_KNOWN = recorded_as_known(
    "each field that got worse", "for as long as it gets no worse", "make sure each is meant first"
)
"""`claimflow eval dataset`'s: the baseline keeps the run's misses, and a miss it holds fails only if it gets worse."""
