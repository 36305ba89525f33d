"""Erasing finished runs' personal data on request (`claimflow erase`), keeping the shape of their audit trail.

For each run: what a prune removes (its checkpoints, and its blobs: the original, the parsed and masked texts, the
masking map), then in the registry, one transaction per run, its values, quotes, comments, file name, source path,
error and duplicate key (`registry.erasure`, by the rule of `retention.scrub`), with one `run.erased` event.

Refused before anything changes: an unknown run, an unfinished one, and a run whose blobs another run that is not
being erased refers to too (the same document sent twice): erasing one copy would take the other's document from
under it, or leave its bytes behind unannounced, so the refusal names the other runs, to be erased together.
And a run someone else holds (a `rerun` of it under way, a worker's job): the runs are held from the check to the
end (`retention.holding`), so a `rerun` started meanwhile is refused rather than losing its document.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from claimflow.runtime.registry import RegistryError, RunRow
from claimflow.runtime.registry.erasure import check_erasable
from claimflow.runtime.retention.holding import holding
from claimflow.runtime.retention.prune import blobs_of, erase_deleted, saver_of
from claimflow.runtime.retention.sizes import checkpoint_bytes
from claimflow.runtime.store import blob_id_of

if TYPE_CHECKING:
    from claimflow.runtime.engine import Engine


class SharedDocumentError(RegistryError):
    """A run to erase shares its document with runs that are not being erased."""

    def __init__(self, run_id: str, others: list[str]) -> None:
        self.others = others
        super().__init__(
            f"run {run_id} shares its document with run(s) {', '.join(others)}: erase them together "
            f"(claimflow erase {run_id} {' '.join(others)} --reason ...); nothing was erased"
        )


@dataclass(frozen=True)
class ErasedRun:
    """What erasing one run removed; `already`: it was erased before, and nothing changed."""

    run_id: str
    already: bool
    events: int = 0
    decisions: int = 0
    final_state: bool = False
    record_keys: int = 0
    checkpoint_bytes: int = 0
    blobs: int = 0
    blob_bytes: int = 0


@dataclass(frozen=True)
class EraseReport:
    """What `erase` did to each run asked for, in the order asked."""

    reason: str
    runs: tuple[ErasedRun, ...]


NOTHING_MASKED = blob_id_of(b"[]")
"""The masking map of a text nothing was masked in: every such run refers to it, and it holds nothing of anyone,
so erasing leaves it (for `prune` to take once no run refers to it) and it joins no run to another."""


async def _personal_blobs(engine: Engine, row: RunRow) -> set[str]:
    """The blobs of a run that hold its document's content: all it refers to but the empty masking map."""
    return await blobs_of(engine, row) - {NOTHING_MASKED}


async def _check(engine: Engine, rows: list[RunRow], erased: set[str]) -> dict[str, set[str]]:
    """Each run's blobs, once no run to erase is unfinished nor shares a blob with a run kept (else the error)."""
    for row in rows:
        check_erasable(row.run_id, row.status)
    blobs = {row.run_id: await _personal_blobs(engine, row) for row in rows if row.run_id not in erased}
    everyone = await engine.registry.list_runs()
    skipped = {row.run_id for row in rows} | await engine.registry.erased_runs(row.run_id for row in everyone)
    kept = {row.run_id: await _personal_blobs(engine, row) for row in everyone if row.run_id not in skipped}
    for run_id, found in blobs.items():
        sharing = [other for other, theirs in kept.items() if theirs & found]
        if sharing:
            raise SharedDocumentError(run_id, sharing)
    return blobs


async def _asked(engine: Engine, run_ids: list[str]) -> list[RunRow]:
    """The runs named (ids or prefixes), each once, in the order named; RunNotFoundError for one that is not."""
    rows: dict[str, RunRow] = {}
    for run_id in run_ids:
        row = await engine.registry.get_run(run_id)
        rows.setdefault(row.run_id, row)
    return list(rows.values())


async def _remove_stored(engine: Engine, rows: list[RunRow], blobs: dict[str, set[str]]) -> dict[str, dict[str, int]]:
    """Remove the runs' checkpoints and blobs, as a prune does; what went, for each run's `run.erased` event."""
    saver = saver_of(engine)
    # Blobs saved again from now on (the same document sent anew, for a new run) are that new run's: they stay.
    mark = await engine.store.clock()
    removed: dict[str, dict[str, int]] = {}
    for row in rows:
        await engine.keep_final(row.run_id)  # the state the registry keeps, to be erased there, not lost
        size = await checkpoint_bytes(saver, row.run_id)
        await saver.adelete_thread(row.run_id)
        removed[row.run_id] = {"checkpoint_bytes": size}
    freed: dict[str, int] = {}
    for blob in sorted(set().union(*blobs.values())):
        older = await engine.store.older_blobs([blob], mark)
        if await engine.store.blob_size(blob) is None and blob not in older:
            continue  # gone already (a prune took it): nothing to count
        freed[blob] = await engine.store.delete_blob(blob, saved_before=mark)
        if blob in older:
            freed[blob] += await engine.store.delete_older_blob(blob, saved_before=mark)
    for run_id, found in blobs.items():
        removed[run_id] |= {"blobs": len(found & set(freed)), "blob_bytes": sum(freed.get(b, 0) for b in found)}
    await erase_deleted(engine, saver)
    return removed


async def erase_runs(engine: Engine, run_ids: list[str], *, reason: str) -> EraseReport:
    """Erase the content of finished runs, keeping their audit shape; idempotent (see the module).

    Raises RunNotFoundError (no such run), RunBusyError (a run not finished, or held by another process or
    operation) or SharedDocumentError, before anything is changed; ValueError for an empty reason.
    """
    if not reason.strip():
        raise ValueError("an erasure needs a reason (--reason), kept in its run.erased event")
    rows = await _asked(engine, run_ids)
    erased = await engine.registry.erased_runs(row.run_id for row in rows)
    await _check(engine, rows, erased)  # before the runs are held: a refusal leaves them as they were
    async with holding(engine, [row for row in rows if row.run_id not in erased]):
        return await _erase_held(engine, rows, erased, reason)


async def _erase_held(engine: Engine, rows: list[RunRow], erased: set[str], reason: str) -> EraseReport:
    """`erase_runs` once the runs are held: checked again (a rerun made meanwhile shares a document), erased."""
    blobs = await _check(engine, rows, erased)
    removed = await _remove_stored(engine, [row for row in rows if row.run_id not in erased], blobs)
    done: list[ErasedRun] = []
    for row in rows:
        engine.forget_finished(row.run_id)
        changed = None
        if row.run_id not in erased:  # else erased before; None too when another process erased it meanwhile
            changed = await engine.registry.erase_run(row.run_id, reason=reason, removed=removed[row.run_id])
        if changed is None:
            done.append(ErasedRun(row.run_id, already=True))
            continue
        went = removed[row.run_id]
        done.append(
            ErasedRun(
                row.run_id,
                already=False,
                events=changed.events,
                decisions=changed.decisions,
                final_state=changed.final_state,
                record_keys=changed.record_keys,
                checkpoint_bytes=went["checkpoint_bytes"],
                blobs=went["blobs"],
                blob_bytes=went["blob_bytes"],
            )
        )
    await engine.registry.erase_deleted()
    return EraseReport(reason=reason, runs=tuple(done))


__all__ = ["EraseReport", "ErasedRun", "SharedDocumentError", "erase_runs"]
