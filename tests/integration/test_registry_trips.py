"""Each trip to the registry's thread costs more than a small write: a document's run makes few."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from claimflow.doctypes import BUILTIN_TYPES
from claimflow.runtime.batch import process_files
from claimflow.runtime.engine import Engine, open_engine
from claimflow.runtime.settings import Settings
from tests.integration._docs import invoice_text, write


def _count_trips(engine: Engine) -> list[str]:
    """The names of the registry calls the engine makes from now on, one per trip to the registry's thread.

    The journal's background batches are kept out of the count: a run that outlasts the batch window (a slow or
    busy machine) has its earlier steps' events written by one, and how often that happens is the journal's
    own behaviour, tested with the journal. Here the window outlasts every run, so a run's events all go in
    the trip that records where it ended.
    """
    engine.journal.window_s = 600.0
    trips: list[str] = []
    call = engine.registry._call

    async def counted(function: Any, *args: Any, **kwargs: Any) -> Any:
        trips.append(getattr(function, "__name__", "?"))
        return await call(function, *args, **kwargs)

    engine.registry._call = counted  # type: ignore[method-assign]
    return trips


async def test_an_invoice_run_to_its_end_makes_four_trips_to_the_registry(data_dir: Path, docs_dir: Path) -> None:
    paths = [write(docs_dir, f"invoice-{n}.txt", invoice_text(f"NW-2024-{n:04}")) for n in range(3)]
    async with open_engine(Settings(data_dir=data_dir), types=BUILTIN_TYPES) as engine:
        trips = _count_trips(engine)
        for path in paths:
            trips.clear()
            run = await engine.process(path)
            assert run.status == "completed"
            # The file's earlier run looked up before its bytes are stored (a file sent again is not stored
            # again); registered running, leased to this engine, with its run.started event (the row registration
            # returned is not read again, nor claimed again); the duplicate check of validation, which holds the
            # key; where it ended (the steps' events, its duplicate key, final state and status), read back.
            assert trips == ["run_from_source", "register", "claim_key", "record"]
        events = await engine.registry.events(run.run_id)
    assert events[0]["type"] == "run.started" and events[-1]["type"] == "step.completed"


async def test_a_run_registered_running_shows_running_while_its_steps_run(data_dir: Path, docs_dir: Path) -> None:
    """No claim of its own: the status readers see comes with the registration."""
    path = write(docs_dir, "invoice.txt", invoice_text("NW-2024-0042"))
    async with open_engine(Settings(data_dir=data_dir), types=BUILTIN_TYPES) as engine:
        seen: list[tuple[str, str | None]] = []
        astream = engine.graph.astream

        def watched(*args: Any, **kwargs: Any) -> Any:
            run_id = args[1]["configurable"]["thread_id"]
            row = engine.registry.sync.get_run(run_id)
            seen.append((row.status, row.lease_owner))
            return astream(*args, **kwargs)

        engine.graph.astream = watched  # type: ignore[method-assign]
        run = await engine.process(path)
        assert seen == [("running", engine.owner)]
        assert (await engine.registry.get_run(run.run_id)).lease_owner is None


async def test_a_batch_starts_each_run_it_registered_without_a_claim(data_dir: Path, docs_dir: Path) -> None:
    paths = [write(docs_dir, f"invoice-{n}.txt", invoice_text(f"NW-2024-{n:04}")) for n in range(3)]
    async with open_engine(Settings(data_dir=data_dir), types=BUILTIN_TYPES) as engine:
        trips = _count_trips(engine)
        rows = await process_files(engine, paths, concurrency=2)
    assert [row.status for row in rows] == ["completed"] * 3
    assert sorted(trips) == sorted(["run_from_source", "register", "claim_key", "record"] * 3)
