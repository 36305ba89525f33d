"""Bounded storage: remove the checkpoints and blobs of runs finished long ago, keep what explains them.

A finished run (completed, failed, rejected) keeps its registry row, its final state (kept in the registry when
it finished: the typed record, the fields with their evidence, the rules and review), its review decisions and
its audit events for good. Its checkpoints (the saver's tables) are removed once it finished longer ago than the
retention period, and so is every blob no remaining run refers to: the blobs only it used (the original, the
parsed and masked texts, the masking map), and bytes stored for no run at all (a file registered before, sent
again after its run was pruned; the loser of two uploads racing under one key).
A blob another run still refers to (an unfinished run, or a finished one not pruned yet) stays, and so does a
blob saved within the retention period (the same document sent again: its new run may not be registered yet)
or since a run now advancing last started (a text its step saved, not yet in a checkpoint).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from langgraph.checkpoint.base import BaseCheckpointSaver

from claimflow.runtime.registry import FINISHED, RunRow
from claimflow.runtime.retention.sizes import checkpoint_bytes
from claimflow.runtime.sqlite_saver import OneTripSqliteSaver
from claimflow.state.documents import NO_DOCUMENT
from claimflow.state.events import event

if TYPE_CHECKING:
    from claimflow.runtime.engine import Engine


@dataclass(frozen=True)
class PruneReport:
    """What a prune removed, or with `dry_run`, would remove."""

    runs: tuple[str, ...]
    """The runs whose checkpoints and blobs go."""
    checkpoint_bytes: int
    blobs: int
    blob_bytes: int
    dry_run: bool

    @property
    def total_bytes(self) -> int:
        """Checkpoint and blob bytes together."""
        return self.checkpoint_bytes + self.blob_bytes


async def blobs_of(engine: Engine, row: RunRow) -> set[str]:
    """Every blob a run refers to: its original, and the texts and masking map its state names."""
    found = {row.document_id} if row.document_id != NO_DOCUMENT else set()
    state = await engine.state(row.run_id)
    if state is not None:
        if state.text is not None:
            found.add(state.text.text_id)
        if state.masked is not None:
            found |= {state.masked.text.text_id, state.masked.mapping_id}
    return found


def saver_of(engine: Engine) -> BaseCheckpointSaver[Any]:
    """The engine's checkpoint saver; TypeError for a graph compiled without one (nothing to remove then)."""
    saver = engine.graph.checkpointer
    if not isinstance(saver, BaseCheckpointSaver):
        raise TypeError("removing checkpoints needs an engine whose graph was compiled with a checkpointer")
    return saver


async def erase_deleted(engine: Engine, saver: BaseCheckpointSaver[Any]) -> None:
    """Leave no copy of deleted documents and checkpoints in a database's write-ahead log (see `sqlite_erasure`)."""
    # A database's write-ahead log still holds the pages as they were written, documents and checkpoints alike.
    await engine.store.erase_deleted()
    if isinstance(saver, OneTripSqliteSaver):
        await saver.erase_deleted()


ADVANCING = ("running", "resuming")
"""Statuses of a run a step may be advancing right now: what it saves is in no checkpoint until the step ends."""

CLOCK_SKEW_SECONDS = 60.0
"""How far the clocks of the hosts stamping runs and blobs may differ: a run's start is taken as this much earlier."""


def _sweep_mark(saved_before: float, rows: list[RunRow]) -> float:
    """The save time before which a blob no run refers to may go: `saved_before`, or earlier while runs advance.

    A run's step saves its texts, then its checkpoint names them: meanwhile no state refers to them. A run began
    advancing when its status last changed (claimed, resumed), on the registry's clock, which may not be the
    store's: every blob saved since (less the skew allowed between them) stays.
    """
    started = [row.updated_at - CLOCK_SKEW_SECONDS for row in rows if row.status in ADVANCING]
    return min([saved_before, *started])


async def _needed(engine: Engine, going: set[str]) -> set[str]:
    """The blobs runs other than `going` refer to (runs pruned before refer to none any more)."""
    needed: set[str] = set()
    skipped = going | await engine.registry.pruned_runs()
    for row in await engine.registry.list_runs():
        if row.run_id not in skipped:
            needed |= await blobs_of(engine, row)
    return needed


async def prune_finished(
    engine: Engine, older_than: timedelta, *, dry_run: bool = False, now: float | None = None
) -> PruneReport:
    """Remove the checkpoints of runs that finished more than `older_than` ago, and every blob no other run needs.

    The function a periodic maintenance task calls (e.g. daily, on one worker): it is idempotent, and a run
    already pruned is not counted again. With `dry_run` nothing changes, and the report says what would go.
    """
    cutoff = (time.time() if now is None else now) - older_than.total_seconds()
    # A blob saved within the retention period stays, whichever runs refer to it: a document stored for a
    # run that is not registered yet (intake saves the bytes, then registers the run) is not taken from it.
    saved_before = await engine.store.clock() - older_than.total_seconds()
    pruned = await engine.registry.pruned_runs()
    rows = await engine.registry.list_runs()
    chosen = [row for row in rows if row.status in FINISHED and row.updated_at <= cutoff and row.run_id not in pruned]
    ids = {row.run_id for row in chosen}
    saver = saver_of(engine)
    sizes = {row.run_id: await checkpoint_bytes(saver, row.run_id) for row in chosen}
    # Every stored blob, not only the chosen runs': bytes stored for no run (intake stores a document before
    # it registers its run, which may turn out to exist already, or lose a race) would otherwise stay for good.
    mark = _sweep_mark(saved_before, rows)
    unused = await engine.store.blobs_saved_before(mark)
    runs_blobs: set[str] = set()
    for row in chosen:
        runs_blobs |= await blobs_of(engine, row)
    older = await engine.store.older_blobs(runs_blobs, mark)
    for blob, size in older.items():
        unused[blob] = unused.get(blob, 0) + size
    stored = {blob: unused[blob] for blob in set(unused) - await _needed(engine, ids)}
    report = PruneReport(
        runs=tuple(row.run_id for row in chosen),
        checkpoint_bytes=sum(sizes.values()),
        blobs=len(stored),
        blob_bytes=sum(stored.values()),
        dry_run=dry_run,
    )
    if dry_run:
        return report
    for row in chosen:
        await engine.keep_final(row.run_id)  # a run finished before final states were kept gets one now
        await saver.adelete_thread(row.run_id)
        await engine.registry.mark_pruned(row.run_id)
        pruned_event = event("run.pruned", "engine", checkpoint_bytes=sizes.get(row.run_id, 0))
        await engine.registry.append_events(row.run_id, [pruned_event])
    # Looked at again just before deleting: a run registered meanwhile with the same document keeps its blobs,
    # and so does one saving them right now (the store deletes only what was not saved since `mark`).
    freed: dict[str, int] = {}
    for blob in sorted(set(stored) - await _needed(engine, ids)):
        size = await engine.store.delete_blob(blob, saved_before=mark)
        if blob in older:
            size += await engine.store.delete_older_blob(blob, saved_before=mark)
        # 0 bytes freed is also what deleting an empty blob (an empty document's) frees: gone, it counts.
        if size or (stored[blob] == 0 and await engine.store.blob_size(blob) is None):
            freed[blob] = size
    await erase_deleted(engine, saver)
    return replace(report, blobs=len(freed), blob_bytes=sum(freed.values()))


__all__ = ["PruneReport", "blobs_of", "erase_deleted", "prune_finished", "saver_of"]
