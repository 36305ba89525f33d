"""Two processes re-running the same failed run: the one that comes second runs nothing again.

Both read the failed run before either re-runs it. The first runs it again; the second, whose reading is now
stale, takes the run's lease after the first let it go, finds it superseded, and refuses, leaving it as it is.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import claimflow
from claimflow.runtime.registry import RunBusyError, RunRow
from claimflow.runtime.settings import Settings
from tests.fakes.tcp_proxy import closed_port
from tests.integration._docs import MEMO, write


async def test_a_failed_run_is_run_again_once_when_two_processes_race(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLAIMFLOW_MODEL_MAX_ATTEMPTS", "1")
    monkeypatch.setenv("OPENAI_API_KEY", "")
    data, doc = tmp_path / "data", write(tmp_path, "memo.txt", MEMO)
    down = Settings.load(data_dir=data, model="openai:fake-model", base_url=f"http://127.0.0.1:{closed_port()}/v1")
    async with claimflow.open_engine(down) as engine:
        failed = await engine.process(doc)
    assert failed.status == "failed"

    async with (
        claimflow.open_engine(data_dir=data, model="rules", override_model=True) as first,
        claimflow.open_engine(data_dir=data, model="rules", override_model=True) as second,
    ):
        stale = await second.registry.get_run(failed.run_id)
        rerun = await first.rerun(failed.run_id)

        async def as_read_before(run_id: str) -> RunRow:  # the second process read the run before the first acted
            return stale

        monkeypatch.setattr(second.registry, "get_run", as_read_before)
        with pytest.raises(RunBusyError, match="was run again already"):
            await second.rerun(failed.run_id)
        monkeypatch.undo()

        runs = await first.registry.list_runs()
        assert sorted(row.run_id for row in runs) == sorted([failed.run_id, rerun.run_id])  # no third run
        old = await first.registry.get_run(failed.run_id)
        assert old.status == "failed" and old.lease_owner is None
        assert old.error is not None and old.error.startswith(f"superseded: run again as {rerun.run_id}")
