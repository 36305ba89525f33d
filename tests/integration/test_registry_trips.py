"""Each trip to the registry's thread costs more than a small write: a document's run makes few."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from claimflow.doctypes import BUILTIN_TYPES
from claimflow.runtime.engine import open_engine
from claimflow.runtime.settings import Settings
from tests.integration._docs import invoice_text, write


async def test_an_invoice_run_to_its_end_makes_four_trips_to_the_registry(data_dir: Path, docs_dir: Path) -> None:
    paths = [write(docs_dir, f"invoice-{n}.txt", invoice_text(f"NW-2024-{n:04}")) for n in range(3)]
    async with open_engine(Settings(data_dir=data_dir), types=BUILTIN_TYPES) as engine:
        trips: list[str] = []
        call = engine.registry._call

        async def counted(function: Any, *args: Any, **kwargs: Any) -> Any:
            trips.append(getattr(function, "__name__", "?"))
            return await call(function, *args, **kwargs)

        engine.registry._call = counted  # type: ignore[method-assign]
        for path in paths:
            trips.clear()
            run = await engine.process(path)
            assert run.status == "completed"
            # Registered with its run.started event (the row registration returned is not read again); claimed;
            # the duplicate check of validation; where it ended (the steps' events, its duplicate key, final state
            # and status), read back.
            assert trips == ["register", "claim", "runs_with_key", "record"]
        events = await engine.registry.events(run.run_id)
    assert events[0]["type"] == "run.started" and events[-1]["type"] == "step.completed"
