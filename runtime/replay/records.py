"""What a replay sees of earlier runs: the stored runs' duplicate keys, as the original run saw them.

A duplicate rule asks which other runs of the type are ahead of the document with its key (`RecordIndex`):
completed with it, or holding it first while under way or in review. The replay runs in a scratch data directory,
which holds no other run, so it asks the stored registry instead, read-only, and keeps only what the original run
could have seen when it checked: the runs that completed before its validation started, and those that held the
key before it did and had not failed or been rejected by then. The original run itself, and runs that came to
the key after it (its own copy, approved later), are left out, so an unchanged workflow replays unchanged.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from claimflow.routing.names import validate_node

if TYPE_CHECKING:
    from claimflow.runtime.registry import AsyncRegistry

__all__ = ["RecordsAsOf"]


def _at(item: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(str(item["at"]))


class RecordsAsOf:
    """The stored registry's records by duplicate key, as they stood when run `run_id` validated.

    The replay's n-th look-up for a type is cut off where the original run's n-th validation of that type
    started (`step.started` of `validate_<type>`): a replay that validates more often than the original (a
    replayed edit that validates again) is cut off at its last, and one the original never reached (it stopped
    earlier, or was another type) where the original's events end. Nothing is written.
    """

    def __init__(self, registry: AsyncRegistry, run_id: str, events: list[dict[str, Any]]) -> None:
        """Look up in `registry` for a replay of `run_id`, whose stored events are `events`."""
        self._registry = registry
        self._run_id = run_id
        self._events = events
        self._asked: dict[str, int] = {}

    def _cutoff(self, doc_type: str) -> datetime:
        """When the original run made the look-up the replay makes now for `doc_type`."""
        starts = [
            _at(item)
            for item in self._events
            if item.get("type") == "step.started" and item.get("step") == validate_node(doc_type)
        ]
        asked = self._asked.get(doc_type, 0)
        self._asked[doc_type] = asked + 1
        if starts:
            return starts[min(asked, len(starts) - 1)]
        return max((_at(item) for item in self._events), default=datetime.now(UTC))

    async def _completed_at(self, run_id: str) -> datetime:
        """When `run_id` completed: its `run.completed` event, else (events not kept) when it was created."""
        for item in await self._registry.events(run_id):
            if item.get("type") == "run.completed" and (item.get("data") or {}).get("outcome") == "completed":
                return _at(item)
        return datetime.fromtimestamp((await self._registry.get_run(run_id)).created_at, UTC)

    async def _let_go_before(self, run_id: str, cutoff: datetime) -> bool:
        """Whether `run_id` had failed, been rejected or been run again (letting go of its key) before `cutoff`."""
        for item in await self._registry.events(run_id):
            kind, outcome = item.get("type"), (item.get("data") or {}).get("outcome")
            if kind in ("run.failed", "run.superseded") or (kind == "run.completed" and outcome == "rejected"):
                return _at(item) < cutoff
        return False

    async def claim_key(self, doc_type: str, key: str | None, *, run_id: str) -> list[str]:
        """The stored runs ahead of the original run with this key when it looked (never itself); nothing is held."""
        del run_id  # the replay's own run lives in the scratch directory, not in the stored registry
        if key is None:
            return []
        cutoff = self._cutoff(doc_type)
        completed = await self._registry.runs_with_key(doc_type, key, exclude_run=self._run_id)
        ahead = {run for run in completed if await self._completed_at(run) < cutoff}
        for run in await self._registry.claims_ahead(doc_type, key, run_id=self._run_id):
            if run not in ahead and not await self._let_go_before(run, cutoff):
                ahead.add(run)
        return sorted(ahead)
