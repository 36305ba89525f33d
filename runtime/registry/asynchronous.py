"""The registry as the engine uses it: every call runs on the registry's own threads, never on the event loop.

The registries are plain blocking code over sqlite3 or a psycopg connection pool, which keeps them simple and
usable from anywhere (tests, a CLI helper). The engine's event loop must never wait on them, so this facade
hands each call to a small thread pool, as aiosqlite does for a single sqlite3 connection:
- SQLite gets one thread: one connection, and SQLite admits one writer at a time anyway;
- Postgres gets as many threads as its pool has sessions, so one run's writes never hold another's back
  beyond Postgres' own row locks.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from typing import Any, ParamSpec, TypeVar, Unpack

from claimflow.runtime.errors import EngineClosedError
from claimflow.runtime.registry.erasure import Erased
from claimflow.runtime.registry.pages import RunPage
from claimflow.runtime.registry.protocol import RunRegistry
from claimflow.runtime.registry.reviews import Refusal
from claimflow.runtime.registry.runs import NewRun, ReleaseChanges, RunRow
from claimflow.runtime.registry.settlement import Settlement, record, register
from claimflow.runtime.registry.tokens import TokenRow
from claimflow.state.documents import DocumentRef
from claimflow.state.events import Event, EventType

CLOSE_WAIT_S = 3.0
"""How long closing a pooled registry waits for the calls still running (a few statements each, for a database
that answers)."""

P = ParamSpec("P")
T = TypeVar("T")


def _in_one_transaction(calls: Callable[[RunRegistry], T]) -> Callable[[RunRegistry], T]:
    """`calls`, made inside `registry.together()` (named as `calls` is, for whoever counts the trips)."""

    @functools.wraps(calls)
    def made_together(registry: RunRegistry) -> T:
        with registry.together():
            return calls(registry)

    return made_together


class AsyncRegistry:
    """Async access to a `RunRegistry`; `sync` is the registry itself, for code that runs off the loop."""

    def __init__(self, registry: RunRegistry, *, threads: int, close_wait_s: float | None = None) -> None:
        self.sync = registry
        self._close_wait_s = close_wait_s
        self._threads = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="claimflow-registry")
        self._pending: set[Future[Any]] = set()
        self._closed = False

    async def _call(self, function: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        if self._closed:  # its threads are shut down and its connections closed: say so, not what breaks
            raise EngineClosedError
        call = self._threads.submit(function, *args, **kwargs)
        self._pending.add(call)
        call.add_done_callback(self._pending.discard)
        return await asyncio.wrap_future(call)

    async def in_one_trip(self, calls: Callable[[RunRegistry], T]) -> T:
        """`calls(registry)`: several calls made one after the other on a registry thread, in one transaction.

        They are committed together or not at all (an error in any of them rolls back the others), and cost
        one hand-off to the registry's thread and one commit: on Postgres each transaction of its own is a
        `BEGIN` and a `COMMIT` round trip and a WAL flush.
        """
        return await self._call(_in_one_transaction(calls), self.sync)

    @property
    def closed(self) -> bool:
        """Whether the registry was closed (with its engine)."""
        return self._closed

    def close(self) -> None:
        """Finish pending calls, then close the registry; every call from now on is refused (`EngineClosedError`).

        Given `close_wait_s` (a registry over a pool of sessions), pending calls have that long: one still running
        then waits on a database that is gone (for a session, up to its pool's timeout of 30 s), and closing the
        registry fails that wait at once, where waiting for it would hold a stopping worker or server, and its
        supervisor, as long. Without it (SQLite's one connection, not to be closed under a call) they all finish.
        """
        self._closed = True
        wait(list(self._pending), timeout=self._close_wait_s)
        self._threads.shutdown(wait=False)
        self.sync.close()
        self._threads.shutdown(wait=True)

    async def create_run(self, run: NewRun) -> RunRow:
        """Register a new run, queued unless `run.status` says running; with an owner, leased to it from the start."""
        return await self._call(self.sync.create_run, run)

    async def register_run(
        self, run: NewRun, *, by_source: bool = False, started: Sequence[Event] = ()
    ) -> tuple[RunRow, bool]:
        """The latest run of this document from `run.source`, or `run`, new (then True); see `RunRegistry`.

        A new run's `started` events are written with it, in the same transaction (see `settlement.register`).
        """
        return await self._call(register, self.sync, run, by_source=by_source, started=list(started))

    async def settle(self, settlement: Settlement) -> RunRow:
        """Write where a run ended: its last events, duplicate key, final state and status, all or nothing.

        The run as it then stands. One trip to the registry's thread (on Postgres one round trip to the server).
        """
        return await self._call(record, self.sync, settlement)

    async def renew_leases(self, owner: str) -> int:
        """Extend every lease `owner` holds (its heartbeat); returns how many."""
        return await self._call(self.sync.renew_leases, owner)

    async def get_run(self, run_id: str) -> RunRow:
        """The run with this id, or a unique prefix of at least 6 characters; RunNotFoundError otherwise."""
        return await self._call(self.sync.get_run, run_id)

    def document_of(self, row: RunRow) -> DocumentRef:
        """The document reference a run was registered with (no I/O)."""
        return self.sync.document_of(row)

    async def list_runs(self, status: str | None = None) -> list[RunRow]:
        """Runs, oldest first, optionally of one status."""
        return await self._call(self.sync.list_runs, status)

    async def count_runs(self) -> dict[str, int]:
        """How many runs there are of each status (statuses without runs left out)."""
        return await self._call(self.sync.count_runs)

    async def run_from_source(self, source: str) -> RunRow | None:
        """The latest run registered from this source, if any."""
        return await self._call(self.sync.run_from_source, source)

    async def page_runs(self, page: RunPage) -> list[RunRow]:
        """Up to `page.limit` runs in creation order after `page.after`, with the page's filters."""
        return await self._call(self.sync.page_runs, page)

    async def stale_runs(self) -> list[RunRow]:
        """Runs left queued, running or resuming by a process that is gone."""
        return await self._call(self.sync.stale_runs)

    async def count_superseded(self) -> int:
        """How many runs were run again (`superseded_by` names the new run): failed runs nothing is left to do for."""
        return await self._call(self.sync.count_superseded)

    async def claim(
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
        return await self._call(
            self.sync.claim,
            run_id,
            owner=owner,
            allowed=tuple(allowed),
            status=status,
            interrupt_id=interrupt_id,
            workflow_version=workflow_version,
        )

    async def release(self, run_id: str, *, owner: str, status: str, **changes: Unpack[ReleaseChanges]) -> None:
        """Record where the run stands and give up its lease.

        `decisions`: the outcome its pending decisions get in the same transaction; `decision_message`: why.
        A run pausing at a new review starts its clock: due `review_due` seconds from now (None: no due time).
        """
        await self._call(self.sync.release, run_id, owner=owner, status=status, **changes)

    async def update_review(
        self,
        run_id: str,
        *,
        interrupt_id: str,
        changes: Mapping[str, Any],
        events: Sequence[Event],
        refuse: Refusal | None = None,
    ) -> RunRow:
        """Change the review `interrupt_id` of the run and append `events`, or raise RunBusyError saying why."""
        return await self._call(
            self.sync.update_review,
            run_id,
            interrupt_id=interrupt_id,
            changes=dict(changes),
            events=list(events),
            refuse=refuse,
        )

    async def append_events(self, run_id: str, events: Iterable[Event]) -> int:
        """Append events; one already stored (same id) is skipped. Returns how many were new."""
        return await self._call(self.sync.append_events, run_id, list(events))

    async def append_many(self, batches: Sequence[tuple[str, Sequence[Event]]]) -> int:
        """Append several runs' events in one transaction; events already stored are skipped."""
        return await self._call(self.sync.append_many, list(batches))

    async def event_ids(self, run_id: str) -> set[str]:
        """The ids of the run's stored events."""
        return await self._call(self.sync.event_ids, run_id)

    async def events(self, run_id: str, after: int = 0) -> list[dict[str, Any]]:
        """The run's events in the order they were stored (those after sequence number `after`)."""
        return await self._call(self.sync.events, run_id, after)

    async def count_events(self, run_id: str, kind: EventType, *, job_id: int | None = None) -> int:
        """How many of the run's events are of type `kind` (with `job_id`: only those whose data names that job)."""
        return await self._call(self.sync.count_events, run_id, kind, job_id=job_id)

    async def record_decision(
        self, run_id: str, interrupt_id: str | None, reviewer: str, decision: str, outcome: str, message: str = ""
    ) -> None:
        """Keep a decision that did not claim the run (refused before it could)."""
        await self._call(self.sync.record_decision, run_id, interrupt_id, reviewer, decision, outcome, message)

    async def claim_review(self, run_id: str, *, owner: str, interrupt_id: str, reviewer: str, decision: str) -> int:
        """Atomically claim the run for answering review `interrupt_id`; keep the decision as pending (its seq)."""
        return await self._call(
            self.sync.claim_review, run_id, owner=owner, interrupt_id=interrupt_id, reviewer=reviewer, decision=decision
        )

    async def decisions(self, run_id: str) -> list[dict[str, Any]]:
        """Every decision submitted for a run."""
        return await self._call(self.sync.decisions, run_id)

    async def set_model(self, run_id: str, model: str, base_url: str | None) -> None:
        """Record another model (and its endpoint, never a key) for the run to continue on (an override)."""
        await self._call(self.sync.set_model, run_id, model, base_url)

    async def register_record(self, run_id: str, doc_type: str, key: str) -> None:
        """Remember a completed record's duplicate key."""
        await self._call(self.sync.register_record, run_id, doc_type, key)

    async def runs_with_key(self, doc_type: str, key: str, *, exclude_run: str) -> list[str]:
        """Other completed runs of `doc_type` with the same duplicate key."""
        return await self._call(self.sync.runs_with_key, doc_type, key, exclude_run=exclude_run)

    async def claim_key(self, doc_type: str, key: str | None, *, run_id: str) -> list[str]:
        """Hold the duplicate key for `run_id`; return the other runs ahead of it with that key (see `RecordIndex`)."""
        return await self._call(self.sync.claim_key, doc_type, key, run_id=run_id)

    async def hand_over_key(self, run_id: str, *, to: str) -> None:
        """Give the key `run_id` holds to `to`, the run of the same document that replaces it, in its place."""
        await self._call(self.sync.hand_over_key, run_id, to=to)

    async def claims_ahead(self, doc_type: str, key: str, *, run_id: str) -> list[str]:
        """The runs that held the key before `run_id` did, whatever became of them since (read only)."""
        return await self._call(self.sync.claims_ahead, doc_type, key, run_id=run_id)

    async def pin_prompts(self, hashes: Mapping[str, str]) -> dict[str, str]:
        """Pin each prompt version's hash on first use; return the refs already pinned to another hash."""
        return await self._call(self.sync.pin_prompts, dict(hashes))

    async def pinned_prompts(self) -> dict[str, str]:
        """Every prompt version pinned so far, with its hash; pins nothing."""
        return await self._call(self.sync.pinned_prompts)

    async def usage_totals(self) -> tuple[int, float]:
        """Model calls recorded in every run's events, and their cost."""
        return await self._call(self.sync.usage_totals)

    async def create_token(self, *, name: str, token_hash: str, role: str, types: Sequence[str] | None) -> TokenRow:
        """Store a new API token's hash; TokenExistsError if an active token has the name."""
        return await self._call(self.sync.create_token, name=name, token_hash=token_hash, role=role, types=types)

    async def tokens(self) -> list[TokenRow]:
        """Every API token, revoked ones too, by name."""
        return await self._call(self.sync.tokens)

    async def revoke_token(self, name: str) -> bool:
        """Revoke the active token with this name; False when there is none."""
        return await self._call(self.sync.revoke_token, name)

    async def token_by_hash(self, token_hash: str) -> TokenRow | None:
        """The active API token with this hash, if any."""
        return await self._call(self.sync.token_by_hash, token_hash)

    async def save_final(self, run_id: str, state: str) -> None:
        """Keep (or replace) the final state of a finished run, as JSON."""
        await self._call(self.sync.save_final, run_id, state)

    async def final_state(self, run_id: str) -> str | None:
        """The final state kept for a run, as JSON, or None."""
        return await self._call(self.sync.final_state, run_id)

    async def mark_pruned(self, run_id: str) -> None:
        """Note that a run's checkpoints and blobs were removed (its final state stays)."""
        await self._call(self.sync.mark_pruned, run_id)

    async def erase_run(self, run_id: str, *, reason: str, removed: Mapping[str, int]) -> Erased | None:
        """Erase a finished run's content, keeping its audit shape (see `erasure`); None if erased before."""
        return await self._call(self.sync.erase_run, run_id, reason=reason, removed=removed)

    async def erased_runs(self, run_ids: Iterable[str]) -> set[str]:
        """Those of `run_ids` that were erased."""
        return await self._call(self.sync.erased_runs, list(run_ids))

    async def erase_deleted(self) -> None:
        """Leave no copy of erased values in the database's own files where it can (SQLite's write-ahead log)."""
        await self._call(self.sync.erase_deleted)

    async def pruned_runs(self) -> set[str]:
        """The runs whose checkpoints and blobs were removed."""
        return await self._call(self.sync.pruned_runs)
