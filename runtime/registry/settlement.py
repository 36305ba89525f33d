"""A run's registration with its first events, and where it ended: each written in one transaction.

The engine writes both for every document, between its steps, so each is one trip to the registry's thread.
A registry whose every statement is a round trip to a server (Postgres) writes each in one round trip too
(a `OneTripRegistry`); any other makes the calls one after the other in one transaction (`together`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from claimflow.runtime.registry.protocol import RunRegistry
from claimflow.runtime.registry.runs import NewRun, RunRow
from claimflow.state.events import Event


@dataclass(frozen=True)
class Settlement:
    """Where a run ended, written in this order: its last events, its duplicate key, its final state, its status.

    The status is written as `RunRegistry.release` writes it, and the run given up by `owner` (unless another
    owner holds it by then: everything else is still written).
    """

    run_id: str
    owner: str
    """The lease owner that advanced the run."""
    status: str
    events: Sequence[Event] = ()
    """Its events not written yet."""
    record_key: tuple[str, str] | None = None
    """(document type, duplicate key) of a completed record."""
    final_state: str | None = None
    """The final state of a finished run, as JSON."""
    doc_type: str | None = None
    """The type the run was classified as (None keeps the one it has)."""
    interrupt_id: str | None = None
    """The review the run now waits on."""
    error: str | None = None
    decisions: str | None = None
    """The outcome the run's pending review decisions get (None: they stay as they are)."""
    decision_message: str | None = None
    """Why the decisions got that outcome (None keeps each one's message)."""
    review_due: float | None = None
    """Seconds from now a review the run pauses at is due (None: no due time)."""
    superseded_by: str | None = None
    """The run this one was run again as (None keeps what the run has)."""


@runtime_checkable
class OneTripRegistry(Protocol):
    """A registry that writes a run's registration with its first events, and its settlement, in a round trip each."""

    def register_run(
        self, run: NewRun, *, by_source: bool = False, started: Sequence[Event] = ()
    ) -> tuple[RunRow, bool]:
        """`RunRegistry.register_run`, and a new run's `started` events with it, in one transaction."""
        ...

    def settle(self, settlement: Settlement) -> RunRow:
        """Write `settlement` in one transaction; the run as it then stands."""
        ...


def register(
    registry: RunRegistry, run: NewRun, *, by_source: bool = False, started: Sequence[Event] = ()
) -> tuple[RunRow, bool]:
    """The run of this document (see `RunRegistry.register_run`); a new one with its `started` events, together."""
    if isinstance(registry, OneTripRegistry):
        return registry.register_run(run, by_source=by_source, started=started)
    with registry.together():
        row, new = registry.register_run(run, by_source=by_source)
        if new and started:
            registry.append_events(row.run_id, started)
        return row, new


def record(registry: RunRegistry, settlement: Settlement) -> RunRow:
    """Write where a run ended (see `Settlement`), all of it or nothing; the run as it then stands."""
    if isinstance(registry, OneTripRegistry):
        return registry.settle(settlement)
    run_id = settlement.run_id
    with registry.together():
        if settlement.events:
            registry.append_events(run_id, settlement.events)
        if settlement.record_key is not None:
            registry.register_record(run_id, *settlement.record_key)
        if settlement.final_state is not None:
            registry.save_final(run_id, settlement.final_state)
        registry.release(
            run_id,
            owner=settlement.owner,
            status=settlement.status,
            doc_type=settlement.doc_type,
            interrupt_id=settlement.interrupt_id,
            error=settlement.error,
            decisions=settlement.decisions,
            decision_message=settlement.decision_message,
            review_due=settlement.review_due,
        )
        return registry.get_run(run_id)
