"""What the start and resume jobs do: the engine's one advancing path, under the run's advisory lock.

A job can be delivered more than once (the reaper runs the job of a worker that stopped heartbeating; a
frozen worker may wake up afterwards). Each job therefore looks at the run first and does nothing unless
the run still needs it: a start job for a run that is paused, done or held finishes at once, as does a
resume job whose decision was already applied or refused.
"""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from typing import Any

from langgraph.types import Command

from claimflow.nodes.ports import WorkflowContext
from claimflow.runtime.engine import Engine
from claimflow.runtime.errors import WorkflowVersionError
from claimflow.runtime.queue.lock import RunLocks, run_lock
from claimflow.runtime.queue.retry import OtherVersionError, is_transient
from claimflow.runtime.refusal_places import placed_message
from claimflow.runtime.registry import IN_PROGRESS, RunRow
from claimflow.state.apply import decision_errors
from claimflow.state.events import event
from claimflow.state.redaction import redact
from claimflow.state.review import ReviewDecision


def _lock(engine: Engine, run_id: str, locks: RunLocks | None) -> AbstractAsyncContextManager[None]:
    """The run's advisory lock: on a session of `locks` (a worker's), else on a new session."""
    if locks is not None:
        return locks.hold(run_id, owner=engine.owner)
    url = engine.settings.database_url
    if not url:
        raise RuntimeError("workers need CLAIMFLOW_DATABASE_URL: the queue lives in Postgres")
    return run_lock(url, run_id, owner=engine.owner)


async def start_job(engine: Engine, run_id: str, locks: RunLocks | None = None) -> RunRow:
    """Advance a submitted run until it finishes or pauses; a duplicate delivery does nothing."""
    async with _lock(engine, run_id, locks):
        row = await engine.registry.get_run(run_id)
        if row.status not in IN_PROGRESS:  # paused, finished, or waiting for its resume job
            return row
        return await _guarded(engine, row, _start(engine, row))


async def _start(engine: Engine, row: RunRow) -> RunRow:
    """`engine.start`; a run that ran steps under another version is left as it is, for a worker of that version.

    Its WorkflowVersionError comes before the run is claimed; a run that never ran a step starts under this
    worker's version instead (`Engine.start`).
    """
    try:
        return await engine.start(row.run_id)
    except WorkflowVersionError:
        raise OtherVersionError(row.run_id, row.workflow_version, engine.version) from None


async def resume_job(
    engine: Engine, run_id: str, interrupt_id: str, decision: dict[str, Any], locks: RunLocks | None = None
) -> RunRow:
    """Apply a queued decision to the review it answers and advance the run; a duplicate delivery does nothing."""
    async with _lock(engine, run_id, locks):
        row = await engine.registry.get_run(run_id)
        if row.status in ("resuming", "resume_queued") and row.workflow_version != engine.version:
            raise OtherVersionError(run_id, row.workflow_version, engine.version)  # it paused under its own
        if row.status == "resuming":
            pending = await engine.pending_review(run_id)
            if pending is None or pending.interrupt_id != interrupt_id:
                # The decision was committed before the last worker stopped: continue from the checkpoint.
                return await _guarded(engine, row, engine.start(run_id))
        elif row.status in ("queued", "running"):
            # A resume that continued the run from its checkpoint (above) and was handed back (`hand_back_run`)
            # left it queued: its retry continues it likewise, or nothing would.
            return await _guarded(engine, row, engine.start(run_id))
        elif row.status != "resume_queued":
            return row
        # The run's own model, built before the claim: one this worker cannot build leaves the run as it is.
        context = await engine.context_for(row)
        await engine.registry.claim(run_id, owner=engine.owner, allowed=(row.status,), status="resuming")
        return await _guarded(engine, row, _apply(engine, run_id, interrupt_id, decision, context))


async def _apply(
    engine: Engine, run_id: str, interrupt_id: str, decision: dict[str, Any], context: WorkflowContext
) -> RunRow:
    """Check the decision against the review and the document (this worker has both), then resume with it."""
    pending = await engine.pending_review(run_id)
    parsed = ReviewDecision.model_validate(decision)
    state = await engine.state(run_id)
    source = await engine.store.load_text(state.text) if state is not None and state.text is not None else None
    errors: list[str] = (
        ["the run no longer waits on this review"] if pending is None or pending.interrupt_id != interrupt_id else []
    )
    if pending is not None and not errors:
        errors = list(decision_errors(pending.request, parsed, engine.types, source, tables=pending.state.tables))
    if errors:
        reason = placed_message(errors)  # kept placed: the API's note says each at its body field, as a 422 would
        await engine.registry.release(
            run_id,
            owner=engine.owner,
            status="needs_review",
            interrupt_id=pending.interrupt_id if pending else None,
            decisions="refused",
            decision_message=reason,
            review_due=await engine.review_due(run_id),
        )
        return await engine.registry.get_run(run_id)
    resume: Command[Any] = Command(resume={interrupt_id: parsed.model_dump(mode="json")})
    return await engine._advance(run_id, resume, answering=interrupt_id, context=context)


async def hand_back_run(engine: Engine, run_id: str) -> None:
    """Give up the lease of a run whose job this worker hands back to the queue, and say it waits for a worker.

    A run it was advancing (`running`) goes back to `queued`: the next worker continues it from its last
    checkpoint (`Engine.start`). A run it was resuming stays `resuming`, whose job continues it likewise. Either
    way the lease goes, so nothing shows the run held by a worker that no longer works on it. A run another
    process holds, or that is no longer in progress, is left as it is.
    """
    row = await engine.registry.get_run(run_id)
    if row.lease_owner != engine.owner or row.status not in ("running", "resuming"):
        return
    status = "queued" if row.status == "running" else row.status
    await engine.registry.release(run_id, owner=engine.owner, status=status, interrupt_id=row.interrupt_id)


GIVEN_UP_FROM = (*IN_PROGRESS, "resume_queued")
"""Statuses a run may have while its job is tried again: the job's give-up fails it from any of them."""


async def give_up(
    engine: Engine, run_id: str, error: BaseException, attempts: int, locks: RunLocks | None = None
) -> RunRow:
    """Fail a run whose job's tries are spent (`error` the last try's), with why: no job is left to advance it.

    Left as it was, the run would stay queued or running for good, shown as work in progress by `status`,
    `check` and the metrics. Failed, it is counted as failed and `claimflow rerun` runs it again once what
    stopped it is fixed. See `fail_in_progress`.
    """
    reason = redact(f"{type(error).__name__}: {error} (the job was given up after {attempts} attempts)")
    return await fail_in_progress(engine, run_id, reason, locks)


async def fail_in_progress(engine: Engine, run_id: str, reason: str, locks: RunLocks | None = None) -> RunRow:
    """Fail a run its job will not advance, with `reason`, unless it is no longer queued or in progress.

    A decision its resume job carried is refused with the same reason (decide again on the new run). Under the
    run's lock, so a worker advancing it elsewhere is not overwritten: its lock held, RunLockedError goes up and
    the run is left to that worker.
    """
    async with _lock(engine, run_id, locks):
        row = await engine.registry.get_run(run_id)
        if row.status not in GIVEN_UP_FROM:
            return row
        refused = "refused" if row.status == "resume_queued" else None
        await engine.registry.append_events(run_id, [event("run.failed", "worker", reason=reason)])
        await engine.registry.release(
            run_id, owner=engine.owner, status="failed", error=reason, decisions=refused, decision_message=reason
        )
        return await engine.registry.get_run(run_id)


async def _guarded(engine: Engine, row: RunRow, advancing: Any) -> RunRow:
    """Await the advance; a transient error goes up (retried), any other fails the run with its reason."""
    try:
        result: RunRow = await advancing
    except Exception as error:
        if is_transient(error):
            raise
        reason = redact(f"{type(error).__name__}: {error}")
        await engine.registry.append_events(row.run_id, [event("run.failed", "worker", reason=reason)])
        await engine.registry.release(row.run_id, owner=engine.owner, status="failed", error=reason)
        return await engine.registry.get_run(row.run_id)
    return result
