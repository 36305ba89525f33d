"""Batches: expand paths to documents and push each one through the engine, one failure at a time."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path

from claimflow.runtime.engine import Engine
from claimflow.runtime.engine.models import RunModelError
from claimflow.runtime.errors import WorkflowVersionError
from claimflow.runtime.registry import RunBusyError, RunRow
from claimflow.state.redaction import redact

_log = logging.getLogger("claimflow")


async def process_files(
    engine: Engine,
    files: list[Path],
    on_done: Callable[[RunRow, bool], Awaitable[None]] | None = None,
    *,
    concurrency: int = 1,
) -> list[RunRow]:
    """One run per file, up to `concurrency` at once; results come back in the order of `files`.

    Intake streams: files are registered in order, each just ahead of the workers (at most `concurrency`
    waiting), so the first document starts while the rest are still being read. A new run is registered
    running, leased to this engine: the batch holds it from then on, and a worker starts it without a claim.
    A failing document fails its own run only. A file registered before (same bytes, same path) is not
    registered again: its run is continued if unfinished, and comes back as it stands if finished, held by
    another live process, or made by another workflow version or with a model not available here (with a
    warning). A file named twice in one batch is advanced once; both mentions get its result.
    Storage or a database that cannot be written or reached stops the whole batch with that error, leaving
    every registered run to be continued. `on_done` gets each finished run and whether this batch registered
    it (False: an earlier command did).
    """
    if concurrency < 1:
        raise ValueError(f"concurrency must be at least 1, got {concurrency}")
    registered: asyncio.Queue[tuple[int, RunRow, bool] | None] = asyncio.Queue(maxsize=concurrency)
    results: list[RunRow | None] = [None] * len(files)

    # Runs this batch registered (leased to this engine) that no worker has taken yet.
    untaken: set[str] = set()

    async def intake() -> None:
        for index, path in enumerate(files):
            row, new = await _register_untaken(engine, path, untaken)
            await registered.put((index, row, new))
        for _ in range(concurrency):
            await registered.put(None)

    advancing = _Advancing(engine)

    async def work() -> None:
        while (item := await registered.get()) is not None:
            index, row, new = item
            untaken.discard(row.run_id)
            done, new = await advancing.once(row, new)
            results[index] = done
            if on_done:
                await on_done(done, new)

    try:
        async with asyncio.TaskGroup() as tasks:  # one failure stops the others: the batch ends with it
            tasks.create_task(intake())
            for _ in range(concurrency):
                tasks.create_task(work())
    except BaseException as stopped:
        # Cancelled or failed, the batch lets go of what it registered and never started (the runs it was
        # advancing let go of themselves): leased to this engine, they would wait as long as it is open.
        await asyncio.shield(_let_go_untaken(engine, untaken))
        if isinstance(stopped, BaseExceptionGroup):
            raise stopped.exceptions[0] from None
        raise
    return [row for row in results if row is not None]


async def _register_untaken(engine: Engine, path: Path, untaken: set[str]) -> tuple[RunRow, bool]:
    """Register `path`'s run (see `Engine.register`); a new one joins `untaken`, even if the batch is cancelled.

    A registration under way completes on the registry's thread whatever happens to its caller: the run it makes,
    leased to this engine, is the batch's to let go, like any other it never started.
    """
    registering = asyncio.ensure_future(engine.register(path, starting=True))

    def note_new(done: asyncio.Future[tuple[RunRow, bool]]) -> None:
        if not done.cancelled() and done.exception() is None and (found := done.result())[1]:
            untaken.add(found[0].run_id)

    # Added before `shield` adds its own: a future's callbacks run in order, so the run is noted before the
    # caller resumes with it, and noted too when the caller was cancelled meanwhile.
    registering.add_done_callback(note_new)
    try:
        return await asyncio.shield(registering)
    except asyncio.CancelledError:
        with contextlib.suppress(Exception):
            await registering  # noted by the callback: the batch lets it go
        raise


async def _let_go_untaken(engine: Engine, untaken: set[str]) -> None:
    """Release the runs this batch registered that no worker took, for `recover` or the next batch to start."""
    for run_id in sorted(untaken):
        try:
            await engine.let_go(run_id)
        except Exception as error:  # noqa: BLE001 - the batch's own error is the one raised; leases lapse with it
            _log.debug("run %s: its lease could not be given up (%s)", run_id, redact(str(error)))
            return


class _Advancing:
    """The runs a batch advances, each once: a file named twice (a folder and a file in it) is one run.

    The second mention waits for the first's result. Left to the engine, whose own lease lets it in, the run
    would be advanced twice at once, its steps run and its record delivered twice.
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._runs: dict[str, asyncio.Future[tuple[RunRow, bool]]] = {}

    async def once(self, row: RunRow, new: bool) -> tuple[RunRow, bool]:
        """The run advanced by this batch (or its first mention's result), and whether the batch registered it."""
        first = self._runs.get(row.run_id)
        if first is not None:
            return await asyncio.shield(first)
        self._runs[row.run_id] = mention = asyncio.get_running_loop().create_future()
        try:
            done = await self._advance(row, new)
        except BaseException as error:
            mention.set_exception(error)
            mention.exception()  # retrieved here: the batch ends with this error, raised by its own worker
            raise
        mention.set_result((done, new))
        return done, new

    async def _advance(self, row: RunRow, new: bool) -> RunRow:
        engine = self._engine
        try:
            return await engine.advance_once(row, new=new)
        except RunBusyError:  # another live process (a `recover`, a second `run`) is advancing it
            return await engine.registry.get_run(row.run_id)
        except (WorkflowVersionError, RunModelError) as error:
            # Registered before under another workflow version, or with a model not available here: left as
            # it stands, with a warning saying why, and the rest of the batch goes on.
            _log.warning("%s", error)
            return await engine.registry.get_run(row.run_id)
