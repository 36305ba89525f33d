"""CLAIMFLOW_PRUNE_CRON: a schedule that never fires is refused when the settings load, not by a stopped worker."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from procrastinate.periodic import PeriodicDeferrer

from claimflow.runtime.errors import SetupError
from claimflow.runtime.queue.app import build_app
from claimflow.runtime.queue.names import PRUNE_TASK
from claimflow.runtime.retention.schedule import parse_cron
from claimflow.runtime.settings import Settings


@pytest.mark.parametrize("never", ["0 0 31 2 *", "0 0 30 2 *", "15 4 31 4,6,9,11 *"])
def test_a_schedule_on_a_day_no_year_has_is_refused_at_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, never: str
) -> None:
    monkeypatch.setenv("CLAIMFLOW_PRUNE_AFTER", "30d")
    monkeypatch.setenv("CLAIMFLOW_PRUNE_CRON", never)
    with pytest.raises(SetupError, match=r"CLAIMFLOW_PRUNE_CRON: .* never fires"):
        Settings.load(data_dir=tmp_path)


@pytest.mark.parametrize("cron", ["0 0 29 2 *", "17 3 * * 1-5", "0 0 31 * *", "0 0 L * *", "0 0 31 2 mon"])
def test_a_schedule_the_settings_take_is_one_the_workers_scheduler_can_follow(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cron: str
) -> None:
    monkeypatch.setenv("CLAIMFLOW_PRUNE_AFTER", "30d")
    monkeypatch.setenv("CLAIMFLOW_PRUNE_CRON", cron)
    settings = replace(Settings.load(data_dir=tmp_path), database_url="postgresql://nobody@127.0.0.1:1/none")
    app = build_app(settings)  # not opened: nothing connects
    deferrer = PeriodicDeferrer(registry=app.periodic_registry)
    # What a starting worker's scheduler does first; a schedule that never fires raised here, stopping the worker.
    ticks = list(deferrer.get_previous_tasks(at=1_767_225_600.0))  # 2026-01-01 00:00 UTC
    assert deferrer.get_next_tick(at=1_767_225_600.0) > 0
    assert all(task.task.name for task, _ in ticks)
    assert PRUNE_TASK in {task.task.name for task in app.periodic_registry.periodic_tasks.values()}


def test_a_schedule_is_written_single_spaced() -> None:
    assert parse_cron("  17   3 * *  * ") == "17 3 * * *"
    with pytest.raises(ValueError, match="not a cron expression of five fields"):
        parse_cron("17 3 * *")
