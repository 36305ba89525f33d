"""An engine that finished a run and keeps its state in memory shows it erased once another process erased it."""

from __future__ import annotations

from pathlib import Path

from claimflow.doctypes import BUILTIN_TYPES
from claimflow.runtime.engine import open_engine
from claimflow.runtime.settings import Settings
from tests.integration._docs import invoice_text, write

VENDOR = "Quetzalcoatl Brandt Haustechnik"


async def test_a_served_runs_values_are_gone_once_another_process_erased_it(tmp_path: Path) -> None:
    document = write(tmp_path / "docs", "invoice.txt", invoice_text("NW-2024-0313", vendor=VENDOR))
    settings = Settings(data_dir=tmp_path / "data")
    async with open_engine(settings, types=BUILTIN_TYPES) as serving:  # as `claimflow serve` holds one
        finished = await serving.process(document)
        assert finished.status == "completed"
        assert VENDOR in (await serving.view(finished.run_id)).model_dump_json()

        async with open_engine(settings, types=BUILTIN_TYPES) as erasing:  # as `claimflow erase` opens its own
            report = await erasing.erase([finished.run_id], reason="request DS-19")
        assert [(run.run_id, run.already) for run in report.runs] == [(finished.run_id, False)]

        shown = (await serving.view(finished.run_id)).model_dump_json()
        assert VENDOR not in shown and "[erased]" in shown
        state = await serving.state(finished.run_id)
        assert state is not None and state.fields["vendor_name"].value == "[erased]"
