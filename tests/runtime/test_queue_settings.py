"""Production mode's settings and queue names: where runs advance, worker timing, one queue per provider."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from claimflow.runtime.queue import MAINTENANCE_QUEUE, OFFLINE_QUEUE, queue_for, worker_queues
from claimflow.runtime.queue.app import build_app
from claimflow.runtime.queue.names import PRUNE_TASK
from claimflow.runtime.settings import Settings, SettingsError
from tests.integration._docs import run_cli


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in list(os.environ):
        if key.startswith("CLAIMFLOW_"):
            monkeypatch.delenv(key)


def test_runs_advance_locally_unless_the_queue_is_asked_for(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings.load(data_dir=tmp_path).execution == "local"
    monkeypatch.setenv("CLAIMFLOW_EXECUTION", "queue")
    assert Settings.load(data_dir=tmp_path).execution == "queue"
    monkeypatch.setenv("CLAIMFLOW_EXECUTION", "workers")
    with pytest.raises(SettingsError, match="CLAIMFLOW_EXECUTION='workers': use one of local, queue"):
        Settings.load(data_dir=tmp_path)


def test_worker_timing_comes_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    default = Settings.load(data_dir=tmp_path).worker
    assert (default.heartbeat_s, default.stalled_s, default.reaper_every_s) == (10.0, 60.0, 30)
    monkeypatch.setenv("CLAIMFLOW_WORKER_HEARTBEAT_S", "0.5")
    monkeypatch.setenv("CLAIMFLOW_WORKER_STALLED_S", "3")
    monkeypatch.setenv("CLAIMFLOW_REAPER_EVERY_S", "2")
    fast = Settings.load(data_dir=tmp_path).worker
    assert (fast.heartbeat_s, fast.stalled_s, fast.reaper_every_s) == (0.5, 3.0, 2)
    monkeypatch.setenv("CLAIMFLOW_REAPER_EVERY_S", "90")
    with pytest.raises(SettingsError, match="CLAIMFLOW_REAPER_EVERY_S=90 must be at most 59 seconds"):
        Settings.load(data_dir=tmp_path)
    monkeypatch.setenv("CLAIMFLOW_REAPER_EVERY_S", "30")
    monkeypatch.setenv("CLAIMFLOW_WORKER_STALLED_S", "0")
    with pytest.raises(SettingsError, match="CLAIMFLOW_WORKER_STALLED_S"):
        Settings.load(data_dir=tmp_path)


def test_the_stall_limit_of_a_job_comes_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings.load(data_dir=tmp_path).worker.max_stalls == 3
    monkeypatch.setenv("CLAIMFLOW_WORKER_MAX_STALLS", "5")
    assert Settings.load(data_dir=tmp_path).worker.max_stalls == 5
    for refused, said in (("0", "=0 must be a whole number"), ("-1", "=-1 must be"), ("two", "='two' is not a")):
        monkeypatch.setenv("CLAIMFLOW_WORKER_MAX_STALLS", refused)
        with pytest.raises(SettingsError, match=f"CLAIMFLOW_WORKER_MAX_STALLS{said}"):
            Settings.load(data_dir=tmp_path)


@pytest.mark.parametrize(("heartbeat", "stalled"), [("60", "60"), ("90", "60"), ("10", "5")])
def test_a_heartbeat_as_slow_as_the_stall_threshold_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, heartbeat: str, stalled: str
) -> None:
    # Live workers would be taken for dead, and their jobs run again while they still run them.
    monkeypatch.setenv("CLAIMFLOW_WORKER_HEARTBEAT_S", heartbeat)
    monkeypatch.setenv("CLAIMFLOW_WORKER_STALLED_S", stalled)
    with pytest.raises(SettingsError) as refused:
        Settings.load(data_dir=tmp_path)
    assert str(refused.value).startswith(
        f"CLAIMFLOW_WORKER_HEARTBEAT_S={heartbeat} must be less than CLAIMFLOW_WORKER_STALLED_S={stalled}"
    )
    monkeypatch.delenv("CLAIMFLOW_WORKER_STALLED_S")  # against the default (60 s)
    if float(heartbeat) < 60:
        assert Settings.load(data_dir=tmp_path).worker.heartbeat_s == float(heartbeat)


def test_a_worker_with_a_heartbeat_as_slow_as_the_stall_threshold_does_not_start(tmp_path: Path) -> None:
    env = {"CLAIMFLOW_DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none", "CLAIMFLOW_DATA_DIR": str(tmp_path)}
    done = run_cli("worker", CLAIMFLOW_WORKER_HEARTBEAT_S="60", CLAIMFLOW_WORKER_STALLED_S="60", **env)
    assert done.returncode == 2, done.stderr
    [line] = done.stderr.strip().splitlines()
    assert line.startswith("error: CLAIMFLOW_WORKER_HEARTBEAT_S=60 must be less than CLAIMFLOW_WORKER_STALLED_S=60")


@pytest.mark.parametrize(
    ("model", "queue"),
    [
        ("openai:gpt-4o-mini", "llm.openai"),
        ("anthropic:claude-3-5-haiku", "llm.anthropic"),
        ("rules", OFFLINE_QUEUE),
        ("replay:/records", OFFLINE_QUEUE),
    ],
)
def test_a_run_goes_to_the_queue_of_its_providers_rate_limit(model: str, queue: str) -> None:
    assert queue_for(model) == queue
    assert worker_queues(model) == [queue, MAINTENANCE_QUEUE]


def test_workers_prune_after_an_age_only_when_one_is_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings.load(data_dir=tmp_path).worker.prune_after is None
    monkeypatch.setenv("CLAIMFLOW_PRUNE_AFTER", "30d")
    assert Settings.load(data_dir=tmp_path).worker.prune_after == timedelta(days=30)
    for wrong in ("30", "-1d", "nand", "infd", "1e300w", "thirty days"):
        monkeypatch.setenv("CLAIMFLOW_PRUNE_AFTER", wrong)
        with pytest.raises(SettingsError, match=f"CLAIMFLOW_PRUNE_AFTER: '{wrong}' is not an age"):
            Settings.load(data_dir=tmp_path)
    for zero in ("0d", "0s", " 0.0h "):
        monkeypatch.setenv("CLAIMFLOW_PRUNE_AFTER", zero)
        with pytest.raises(SettingsError, match="must be longer than zero; unset, workers never prune"):
            Settings.load(data_dir=tmp_path)


def test_workers_prune_when_the_cron_expression_says(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings.load(data_dir=tmp_path).worker.prune_cron == "43 * * * *"
    monkeypatch.setenv("CLAIMFLOW_PRUNE_CRON", " 17  3 * * 1-5 ")
    assert Settings.load(data_dir=tmp_path).worker.prune_cron == "17 3 * * 1-5"
    for wrong in ("hourly", "61 * * * *", "* * * *", "* * * * * */30", "17 3 * * mon-fry"):
        monkeypatch.setenv("CLAIMFLOW_PRUNE_CRON", wrong)
        with pytest.raises(SettingsError, match=r"CLAIMFLOW_PRUNE_CRON: .* is not a cron expression of five fields"):
            Settings.load(data_dir=tmp_path)


def test_the_prune_job_is_scheduled_on_the_cron_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAIMFLOW_PRUNE_AFTER", "30d")
    monkeypatch.setenv("CLAIMFLOW_PRUNE_CRON", "17 3 * * *")
    settings = replace(Settings.load(data_dir=tmp_path), database_url="postgresql://nobody@127.0.0.1:1/none")
    app = build_app(settings)  # not opened: nothing connects
    crons = {task.task.name: task.cron for task in app.periodic_registry.periodic_tasks.values()}
    assert crons[PRUNE_TASK] == "17 3 * * *"


def test_a_worker_on_a_queue_that_does_not_exist_does_not_start(tmp_path: Path) -> None:
    env = {"CLAIMFLOW_DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none", "CLAIMFLOW_DATA_DIR": str(tmp_path)}
    done = run_cli("worker", "--queues", "offline,bogus", "--queues", "llm.opnai", **env)
    assert done.returncode == 2, done.stderr
    [line] = done.stderr.strip().splitlines()
    assert line == (
        "error: --queues: no queue 'bogus', 'llm.opnai'; the queues are offline, llm.openai, llm.anthropic, maintenance"
    )
