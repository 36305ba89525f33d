"""A decision the server refuses is kept in the run's decision history, as `review decide` keeps one it refuses.

The resume never reaches claimflow's engine: a late or repeated one is refused (409) before a server run exists,
LangGraph's server having dropped it; one that fails its checks is refused by the graph's review step, inside the
interrupt, before the engine is asked. Without this, such a decision sent through the server would leave no trace
beside the client's error, where the same decision given with the CLI or the REST API is kept as `refused` with
its reason.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping

from pydantic import TypeAdapter, ValidationError

from claimflow.runtime.engine import Engine
from claimflow.runtime.registry import RunRow
from claimflow.runtime.unavailable import unavailable_reason
from claimflow.state.review import ReviewDecision, ReviewName

__all__ = ["UNNAMED", "keep_refused"]

UNNAMED = "(not named)"
"""The reviewer kept for a refused resume that names none (or no name a decision may carry)."""

MAX_KEPT_CHARS = 20_000
"""A resume that is no valid decision is kept as sent up to this many characters of JSON; a longer one is not."""

_NAME = TypeAdapter(ReviewName)
_log = logging.getLogger(__name__)


def _sent(resume: object, keys: list[str], review: str | None) -> list[tuple[str | None, object]]:
    """The decisions a resume carries, each with the interrupt it answers.

    A resume keyed by interrupt id: each value, with the interrupt id its key names (one its sender chose, so
    the history says which request a refused answer was for). A plain one: its value, with `review`.
    """
    if keys and isinstance(resume, Mapping) and resume:
        return [(str(key), value) for key, value in resume.items()]
    return [(None if keys else review, resume)]


def _reviewer(decision: object) -> str:
    """Who the decision names as its reviewer, as a decision keeps the name; UNNAMED when it names nobody."""
    named = decision.get("reviewer") if isinstance(decision, Mapping) else None
    try:
        return _NAME.validate_python(named).strip() or UNNAMED
    except ValidationError:
        return UNNAMED


def _as_kept(decision: object) -> str:
    """The decision as the history keeps one: a valid decision as `review decide` keeps it, else its JSON as sent."""
    try:
        return ReviewDecision.model_validate(decision).model_dump_json()
    except ValidationError:
        pass
    # ASCII JSON: no character of it (a NUL, say) is one a database may refuse to store.
    sent = json.dumps(decision, default=str, sort_keys=True)
    if len(sent) <= MAX_KEPT_CHARS:
        return sent
    return json.dumps({"not_kept": f"{len(sent):,} characters of JSON, no valid decision"})


async def keep_refused(engine: Engine, row: RunRow, resume: object, keys: list[str], reason: str) -> None:
    """Record each decision of a refused resume on the run as `refused` with `reason` (what the client is told).

    A resume keyed by LangGraph interrupt ids is kept with the interrupt id each decision named; a plain one
    answered the run's review, as `review decide` without a review id does (none, on a run that waits on none:
    explain says no interrupt was named). A refusal the 409 says and one the review step says (a decision that
    fails its checks, `InvalidDecisionError`) are kept alike. A database that cannot be written only loses the
    record: the client is still told why its decision was refused.
    """
    try:
        for answered, decision in _sent(resume, keys, row.interrupt_id):
            await engine.registry.record_decision(
                row.run_id, answered, _reviewer(decision), _as_kept(decision), "refused", reason
            )
    except Exception as error:  # noqa: BLE001 - only a database that cannot be written; anything else is a bug
        cause = unavailable_reason(error)
        if cause is None:
            raise
        _log.warning("a decision refused on run %s could not be recorded: %s", row.run_id, cause)
