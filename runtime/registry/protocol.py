"""What the engine needs from a registry, whichever database holds it (SQLite embedded, or Postgres)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol, Unpack

from claimflow.runtime.registry.erasure import Erased
from claimflow.runtime.registry.pages import RunPage
from claimflow.runtime.registry.reviews import Refusal
from claimflow.runtime.registry.runs import NewRun, ReleaseChanges, RunRow
from claimflow.runtime.registry.tokens import TokenRow
from claimflow.state.documents import DocumentRef
from claimflow.state.events import Event, EventType


class RunRegistry(Protocol):
    """Runs with their leases, append-only events, review decisions, record keys and prompt pins."""

    def close(self) -> None:
        """Release the connection."""
        ...

    def together(self) -> AbstractContextManager[None]:
        """One transaction for every call the calling thread makes inside: all of them are committed, or none."""
        ...

    def create_run(self, run: NewRun) -> RunRow:
        """Register a new run, queued unless `run.status` says running; with an owner, leased to it from the start.

        The model's endpoint (never a key) is written with the row, not after it.
        """
        ...

    def register_run(self, run: NewRun, *, by_source: bool = False) -> tuple[RunRow, bool]:
        """The latest run of this document (same bytes) from `run.source` (same path), or `run`, new (then True).

        With `by_source`, the latest run from this source whatever its document. A new run is written with
        its model's endpoint and its status: queued, or running for an owner that advances it at once (it holds
        the lease, so no claim is needed). A run without a source is refused with ValueError.
        """
        ...

    def renew_leases(self, owner: str) -> int:
        """Extend every lease `owner` holds (its heartbeat); returns how many."""
        ...

    def get_run(self, run_id: str) -> RunRow:
        """The run with this id, or a unique prefix of at least 6 characters; RunNotFoundError otherwise."""
        ...

    def document_of(self, row: RunRow) -> DocumentRef:
        """The document reference a run was registered with."""
        ...

    def list_runs(self, status: str | None = None) -> list[RunRow]:
        """Runs, oldest first, optionally of one status."""
        ...

    def count_runs(self) -> dict[str, int]:
        """How many runs there are of each status (statuses without runs left out)."""
        ...

    def run_from_source(self, source: str) -> RunRow | None:
        """The latest run registered from this source, if any."""
        ...

    def page_runs(self, page: RunPage) -> list[RunRow]:
        """Up to `page.limit` runs in creation order after `page.after`, with the page's filters."""
        ...

    def stale_runs(self) -> list[RunRow]:
        """Runs left queued, running or resuming by a process that is gone."""
        ...

    def count_superseded(self) -> int:
        """How many runs were run again (`superseded_by` names the new run): failed runs nothing is left to do for."""
        ...

    def claim(
        self,
        run_id: str,
        *,
        owner: str,
        allowed: Iterable[str],
        status: str,
        interrupt_id: str | None = None,
        workflow_version: str | None = None,
    ) -> RunRow:
        """Atomically take the run's lease and move it to `status`, or raise RunBusyError saying why.

        `workflow_version`, when given, becomes the run's: a run that never ran a step starts under the claimer's.
        """
        ...

    def release(self, run_id: str, *, owner: str, status: str, **changes: Unpack[ReleaseChanges]) -> None:
        """Record where the run stands and give up its lease.

        `decisions`: the outcome its pending decisions get in the same transaction; `decision_message`: why.
        A run pausing at a new review starts its clock: due `review_due` seconds from now (None: no due time).
        """
        ...

    def update_review(
        self,
        run_id: str,
        *,
        interrupt_id: str,
        changes: Mapping[str, Any],
        events: Sequence[Event],
        refuse: Refusal | None = None,
    ) -> RunRow:
        """Change the review `interrupt_id` of the run and append `events`, or raise RunBusyError saying why."""
        ...

    def append_events(self, run_id: str, events: Iterable[Event]) -> int:
        """Append events; one already stored (same id) is skipped. Returns how many were new."""
        ...

    def append_many(self, batches: Sequence[tuple[str, Sequence[Event]]]) -> int:
        """Append several runs' events in one transaction; events already stored are skipped."""
        ...

    def event_ids(self, run_id: str) -> set[str]:
        """The ids of the run's stored events."""
        ...

    def events(self, run_id: str, after: int = 0) -> list[dict[str, Any]]:
        """The run's events in the order they were stored (after seq `after`): seq, event_id, type, step, at, data."""
        ...

    def count_events(self, run_id: str, kind: EventType, *, job_id: int | None = None) -> int:
        """How many of the run's events are of type `kind` (with `job_id`: only those whose data names that job).

        Counted by the database: a long run's events are many, and a caller that needs only how many of one kind
        should not read them all.
        """
        ...

    def record_decision(
        self, run_id: str, interrupt_id: str | None, reviewer: str, decision: str, outcome: str, message: str = ""
    ) -> None:
        """Keep a decision that did not claim the run (refused before it could)."""
        ...

    def claim_review(self, run_id: str, *, owner: str, interrupt_id: str, reviewer: str, decision: str) -> int:
        """Atomically claim the run for answering review `interrupt_id`; keep the decision as pending (its seq)."""
        ...

    def decisions(self, run_id: str) -> list[dict[str, Any]]:
        """Every decision submitted for a run, in the order it came."""
        ...

    def set_model(self, run_id: str, model: str, base_url: str | None) -> None:
        """Record another model (and its endpoint, never a key) for the run to continue on (an override)."""
        ...

    def register_record(self, run_id: str, doc_type: str, key: str) -> None:
        """Remember a completed record's duplicate key."""
        ...

    def runs_with_key(self, doc_type: str, key: str, *, exclude_run: str) -> list[str]:
        """Other completed runs of `doc_type` with the same duplicate key."""
        ...

    def claim_key(self, doc_type: str, key: str | None, *, run_id: str) -> list[str]:
        """Hold the duplicate key for `run_id`; return the other runs ahead of it with that key (see `RecordIndex`)."""
        ...

    def hand_over_key(self, run_id: str, *, to: str) -> None:
        """Give the key `run_id` holds to `to`, the run of the same document that replaces it, in its place."""
        ...

    def claims_ahead(self, doc_type: str, key: str, *, run_id: str) -> list[str]:
        """The runs that held the key before `run_id` did, whatever became of them since (read only)."""
        ...

    def pin_prompts(self, hashes: Mapping[str, str]) -> dict[str, str]:
        """Pin each prompt version's hash on first use; return the refs already pinned to another hash."""
        ...

    def pinned_prompts(self) -> dict[str, str]:
        """Every prompt version pinned so far, with its hash; pins nothing."""
        ...

    def usage_totals(self) -> tuple[int, float]:
        """Model calls recorded in every run's events, and their cost."""
        ...

    def create_token(self, *, name: str, token_hash: str, role: str, types: Sequence[str] | None) -> TokenRow:
        """Store a new API token's hash; TokenExistsError if an active token has the name."""
        ...

    def tokens(self) -> list[TokenRow]:
        """Every API token, revoked ones too, by name."""
        ...

    def revoke_token(self, name: str) -> bool:
        """Revoke the active token with this name; False when there is none."""
        ...

    def token_by_hash(self, token_hash: str) -> TokenRow | None:
        """The active API token with this hash, if any."""
        ...

    def save_final(self, run_id: str, state: str) -> None:
        """Keep (or replace) the final state of a finished run, as JSON."""
        ...

    def final_state(self, run_id: str) -> str | None:
        """The final state kept for a run, as JSON, or None."""
        ...

    def mark_pruned(self, run_id: str) -> None:
        """Note that a run's checkpoints and blobs were removed (its final state stays)."""
        ...

    def pruned_runs(self) -> set[str]:
        """The runs whose checkpoints and blobs were removed."""
        ...

    def erase_run(self, run_id: str, *, reason: str, removed: Mapping[str, int]) -> Erased | None:
        """Erase a finished run's content, keeping its audit shape (see `erasure`); None if erased before."""
        ...

    def erased_runs(self, run_ids: Iterable[str]) -> set[str]:
        """Those of `run_ids` that were erased."""
        ...

    def erase_deleted(self) -> None:
        """Leave no copy of erased values in the database's own files where it can (SQLite's write-ahead log)."""
        ...
