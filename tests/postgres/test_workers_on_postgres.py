"""Production mode on a real Postgres: `run --queue`, `claimflow worker` processes, crash safety, status, migrate."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections import Counter
from pathlib import Path
from typing import Any

import psycopg
import pytest

from claimflow.runtime.engine import open_engine
from claimflow.runtime.ingest import IngestLimits
from claimflow.runtime.queue.jobs import resume_job, start_job
from claimflow.runtime.queue.lock import RunLockedError, run_lock
from claimflow.runtime.queue.names import MAINTENANCE_QUEUE
from claimflow.runtime.registry import RunBusyError, RunRow
from claimflow.runtime.settings import Settings
from claimflow.state.review import ReviewDecision
from tests.integration._docs import CORRUPT_PDF, json_lines, run_cli, write
from tests.postgres._workers import (
    CONTRACT,
    FINISHED,
    INVOICE,
    START_JOBS,
    UNWATCHED,
    documents,
    migrate,
    rows,
    spawn_worker,
    stop,
    wait_until,
    worker_env,
)
from tests.postgres.conftest import admin_url, database_url

pytestmark = pytest.mark.postgres


def test_migrate_twice_is_harmless_and_creates_every_schema(tmp_path: Path, postgres_url: str) -> None:
    env = worker_env(postgres_url, tmp_path / "data")
    first = run_cli("db", "migrate", **env)
    second = run_cli("db", "migrate", **env)
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    assert "queue created" in first.stdout and "queue present" in second.stdout
    tables = {row["name"] for row in rows(postgres_url, "SELECT tablename AS name FROM pg_tables")}
    assert {"claimflow_runs", "checkpoints", "procrastinate_jobs", "procrastinate_workers"} <= tables


def test_an_unreachable_database_is_one_line_and_an_exit_code(tmp_path: Path) -> None:
    env = worker_env("postgresql://postgres@127.0.0.1:1/none?connect_timeout=2", tmp_path / "data")
    for args in (("status",), ("db", "migrate"), ("worker",)):
        done = run_cli(*args, **env)
        assert done.returncode == 3, done.stderr
        errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
        assert "Traceback" not in done.stderr and len(errors) == 1 and "127.0.0.1" in errors[0], done.stderr


def test_a_database_not_created_yet_is_refused_saying_how_to_create_it(tmp_path: Path, postgres_url: str) -> None:
    # The server answers but has no such database: waiting will not help, creating it will (then `db migrate`).
    missing = f"{postgres_url.rsplit('/', 1)[1]}_not_created"
    env = worker_env(database_url(postgres_url, missing), tmp_path / "data")
    for args in (("db", "migrate"), ("status",)):
        done = run_cli(*args, **env)
        assert done.returncode == 3, done.stderr
        [error] = [line for line in done.stderr.splitlines() if line.startswith("error:")]
        assert f'database "{missing}" does not exist; create it (`createdb {missing}`' in error, error
        assert error.endswith("then run `claimflow db migrate`"), error
    assert rows(admin_url(), "SELECT datname FROM pg_database WHERE datname = %s", missing) == []


def test_run_on_an_unreachable_database_says_nothing_was_queued_or_recorded_and_what_to_check(
    tmp_path: Path,
) -> None:
    env = worker_env("postgresql://postgres@127.0.0.1:1/none?connect_timeout=2", tmp_path / "data")
    cases = ((("run", "--queue", INVOICE), "nothing was queued"), (("run", INVOICE), "nothing was recorded"))
    for args, nothing in cases:
        done = run_cli(*args, **env)
        assert done.returncode == 3, done.stderr
        [line] = [line for line in done.stderr.splitlines() if line.startswith("error:")]
        # The engine never opened: no run was recorded, so none is "kept", and the line says what to check.
        assert "127.0.0.1" in line and f"; {nothing}: check that the database" in line, line
        assert "CLAIMFLOW_DATABASE_URL" in line and "claimflow check" in line and "kept" not in line, line


def test_a_worker_started_before_migrate_says_so_in_one_line_and_never_that_it_started(
    tmp_path: Path, postgres_url: str
) -> None:
    done = run_cli("worker", **worker_env(postgres_url, tmp_path / "data"))
    assert done.returncode == 2, done.stderr
    [line] = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert "claimflow db migrate" in line, done.stderr
    # A log watcher must not count it as a worker that started and stopped.
    assert "worker.started" not in done.stderr and "worker.stopped" not in done.stderr, done.stderr
    assert "Traceback" not in done.stderr, done.stderr


def test_status_of_an_idle_queue_says_so_in_words(tmp_path: Path, postgres_url: str) -> None:
    migrate(postgres_url, tmp_path / "data")
    done = run_cli("status", **worker_env(postgres_url, tmp_path / "data"))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[:2] == ["queues: no job waiting or running", "jobs running 0, stalled 0; workers alive 0"], lines


def test_run_queue_records_runs_and_jobs_and_status_matches_the_database(tmp_path: Path, postgres_url: str) -> None:
    data = tmp_path / "data"
    migrate(postgres_url, data)
    folder = documents(tmp_path / "in", 3)
    queued = run_cli("run", "--queue", "--json", folder, **worker_env(postgres_url, data))
    assert queued.returncode == 0, queued.stderr
    ids = [line["run_id"] for line in json_lines(queued.stdout)]
    assert len(ids) == 3
    jobs = rows(postgres_url, "SELECT args->>'run_id' AS run_id, queue_name, lock, status FROM procrastinate_jobs")
    assert sorted(job["run_id"] for job in jobs) == sorted(ids)
    assert all(job["lock"] == job["run_id"] and job["queue_name"] == "offline" for job in jobs)
    again = run_cli("run", "--queue", "--json", folder, **worker_env(postgres_url, data))
    assert [line["new"] for line in json_lines(again.stdout)] == [False] * 3
    assert len(rows(postgres_url, "SELECT id FROM procrastinate_jobs")) == 3  # a file read before: no second job

    status = json_lines(run_cli("status", "--json", **worker_env(postgres_url, data)).stdout)[0]
    assert status["queues"] == {"offline": {"waiting": 3, "running": 0}}
    assert status["runs"] == {"queued": 3} and status["workers_alive"] == 0 and status["jobs_stalled"] == 0

    worker = spawn_worker(tmp_path / "worker.log", worker_env(postgres_url, data), "--concurrency", "2")
    try:
        wait_until(
            lambda: all(row["status"] in FINISHED for row in rows(postgres_url, "SELECT status FROM claimflow_runs")),
            60,
            "the worker to finish the runs",
        )
        status = json_lines(run_cli("status", "--json", **worker_env(postgres_url, data)).stdout)[0]
    finally:
        stop(worker)
    by_status = Counter(row["status"] for row in rows(postgres_url, "SELECT status FROM claimflow_runs"))
    assert status["runs"] == dict(by_status) and status["workers_alive"] == 1
    # No run's job waits or runs. The worker's own upkeep may: its reaper is deferred every second here (FAST), and
    # the snapshot can fall between a tick and its run.
    upkeep = status["queues"].pop(MAINTENANCE_QUEUE, {"waiting": 0, "running": 0})
    assert status["queues"] == {} and status["jobs_running"] == upkeep["running"]
    waiting = rows(postgres_url, "SELECT run_id FROM claimflow_runs WHERE status = 'needs_review'")
    assert (status["oldest_review"] is None) == (not waiting)


def test_status_counts_a_rejected_run_as_failed_as_runs_shows_it_and_says_how_many_were_rejected(
    tmp_path: Path, postgres_url: str
) -> None:
    data = tmp_path / "data"
    migrate(postgres_url, data)
    env = worker_env(postgres_url, data)
    broken = write(tmp_path / "in", "broken.pdf", CORRUPT_PDF)
    queued = run_cli("run", "--queue", "--json", CONTRACT, broken, INVOICE, **env)
    assert queued.returncode == 0, queued.stderr
    contract = json_lines(queued.stdout)[0]["run_id"]
    worker = spawn_worker(tmp_path / "worker.log", env)
    try:
        statuses = "SELECT status FROM claimflow_runs"
        wait_until(lambda: all(row["status"] in FINISHED for row in rows(postgres_url, statuses)), 60, "the runs")
        rejected = run_cli(
            "review", "decide", contract, "--reviewer", "ann", "--reject", "--reason", "not ours",
            **worker_env(postgres_url, data, CLAIMFLOW_EXECUTION="queue"),
        )  # fmt: skip
        assert rejected.returncode == 0, rejected.stderr
        by_id = "SELECT status FROM claimflow_runs WHERE run_id = %s"
        wait_until(lambda: rows(postgres_url, by_id, contract)[0]["status"] == "rejected", 60, "the rejection")
    finally:
        stop(worker)

    listed = Counter(run["status"] for run in json_lines(run_cli("runs", "--json", **env).stdout))
    assert listed["failed"] == 2, listed  # the broken PDF and the rejected contract
    [found] = json_lines(run_cli("status", "--json", **env).stdout)
    shown = run_cli("status", **env).stdout
    # One word for one run: `status` counts by the status `runs` shows, and says how many failed were rejected.
    assert found["runs"] == dict(listed) and found["rejected"] == 1, found
    [line] = [line for line in shown.splitlines() if line.startswith("runs: ")]
    assert "failed 2 (1 of them rejected in review)" in line and "rejected 1" not in line, line


def test_a_worker_killed_mid_batch_loses_nothing_and_finishes_nothing_twice(tmp_path: Path, postgres_url: str) -> None:
    data = tmp_path / "data"
    migrate(postgres_url, data)
    count = 60
    folder = documents(tmp_path / "in", count)
    assert run_cli("run", "--queue", folder, **worker_env(postgres_url, data)).returncode == 0
    victim = spawn_worker(tmp_path / "victim.log", worker_env(postgres_url, data, **UNWATCHED), "--concurrency", "3")
    survivor = spawn_worker(tmp_path / "survivor.log", worker_env(postgres_url, data), "--concurrency", "3")
    doing_at_kill: list[dict[str, Any]] = []
    try:

        def some_done() -> bool:
            done = rows(postgres_url, "SELECT count(*) AS n FROM claimflow_runs WHERE status <> 'queued'")
            return int(done[0]["n"]) >= 8

        wait_until(some_done, 60, "the workers to start")
        doing_at_kill = rows(postgres_url, "SELECT id FROM procrastinate_jobs WHERE status = 'doing'")
        victim.send_signal(signal.SIGKILL)
        victim.wait()

        def all_settled() -> bool:
            # A run the victim finished before its job was marked done leaves that job `doing` until the reaper
            # runs it again (it then finds the run finished): wait for the jobs as well as the runs.
            runs = rows(postgres_url, "SELECT status FROM claimflow_runs")
            open_jobs = rows(
                postgres_url,
                "SELECT count(*) AS n FROM procrastinate_jobs"
                " WHERE task_name = 'claimflow.start_run' AND status IN ('todo', 'doing')",
            )
            return all(row["status"] in FINISHED for row in runs) and int(open_jobs[0]["n"]) == 0

        wait_until(all_settled, 90, "every run and every start job to finish after the kill")
    finally:
        stop(victim)
        stop(survivor)
    runs = rows(postgres_url, "SELECT run_id, source, status FROM claimflow_runs")
    per_file = Counter(Path(row["source"]).name for row in runs)
    assert len(per_file) == count and set(per_file.values()) == {1}, per_file
    completed = Counter(
        row["run_id"] for row in rows(postgres_url, "SELECT run_id FROM claimflow_events WHERE type = 'run.completed'")
    )
    # The first copy completes; the others are held for review as duplicates of it (same invoice number).
    assert set(Counter(row["status"] for row in runs)) <= {"completed", "needs_review"}
    done = {row["run_id"] for row in runs if row["status"] == "completed"}
    assert done and set(completed) == done and set(completed.values()) == {1}, completed
    reviews = rows(postgres_url, "SELECT run_id FROM claimflow_events WHERE type = 'review.requested'")
    assert Counter(row["run_id"] for row in reviews) == dict.fromkeys(set(row["run_id"] for row in runs) - done, 1)
    assert doing_at_kill, "the kill should catch jobs in progress"
    jobs = rows(postgres_url, "SELECT status FROM procrastinate_jobs WHERE task_name = 'claimflow.start_run'")
    assert Counter(job["status"] for job in jobs) == {"succeeded": count}


def test_two_workers_racing_on_one_run_only_one_advances_it(tmp_path: Path, postgres_url: str) -> None:
    data = tmp_path / "data"
    migrate(postgres_url, data)
    queued = run_cli("run", "--queue", "--json", CONTRACT, **worker_env(postgres_url, data))
    run_id = json_lines(queued.stdout)[0]["run_id"]
    settings = Settings(data_dir=data, database_url=postgres_url)

    async def race() -> list[Any]:
        async with open_engine(settings) as first, open_engine(settings) as second:
            async with run_lock(postgres_url, run_id, owner=first.owner):
                with pytest.raises(RunLockedError):  # the lock is per session, even within one process
                    await start_job(second, run_id)
            return await asyncio.gather(start_job(first, run_id), start_job(second, run_id), return_exceptions=True)

    results = asyncio.run(race())
    assert any(not isinstance(result, BaseException) for result in results), results
    assert all(isinstance(result, RunLockedError) for result in results if isinstance(result, BaseException))
    # Advanced once: each step ran once (a second advance would start the run again and repeat them).
    steps = Counter(
        row["step"]
        for row in rows(
            postgres_url, "SELECT step FROM claimflow_events WHERE run_id = %s AND type = 'step.completed'", run_id
        )
    )
    assert steps and set(steps.values()) == {1}, steps
    assert rows(postgres_url, "SELECT status FROM claimflow_runs")[0]["status"] == "needs_review"


def test_a_database_without_the_queue_schema_says_to_migrate(tmp_path: Path, postgres_url: str) -> None:
    env = worker_env(postgres_url, tmp_path / "data")
    for args in (("status",), ("run", "--queue", str(CONTRACT))):
        done = run_cli(*args, **env)
        assert done.returncode == 2, done.stderr
        assert "claimflow db migrate" in done.stderr and "Traceback" not in done.stderr, done.stderr
    # No run without its job: refused before the engine opens, the command made not even the registry's tables.
    assert rows(postgres_url, "SELECT to_regclass('claimflow_runs') AS runs") == [{"runs": None}]


def test_a_decision_from_a_machine_without_the_data_directory_resumes_through_a_worker(
    tmp_path: Path, postgres_url: str
) -> None:
    data = tmp_path / "data"
    migrate(postgres_url, data)
    queued = run_cli("run", "--queue", "--json", CONTRACT, **worker_env(postgres_url, data))
    run_id = json_lines(queued.stdout)[0]["run_id"]
    worker = spawn_worker(tmp_path / "worker.log", worker_env(postgres_url, data))
    try:
        wait_until(
            lambda: rows(postgres_url, "SELECT status FROM claimflow_runs")[0]["status"] in FINISHED, 60, "the pause"
        )
        assert rows(postgres_url, "SELECT status FROM claimflow_runs")[0]["status"] == "needs_review"
        open_jobs = (
            "SELECT id FROM procrastinate_jobs WHERE task_name LIKE 'claimflow.%%_run' AND status <> 'succeeded'"
        )
        # A paused run holds no job, so no worker slot. The worker marks the job done just after the task
        # returns, and the task settles the run before returning, so the job may still be open for a moment.
        wait_until(lambda: not rows(postgres_url, open_jobs), 10, "the paused run's job to finish")
        elsewhere = worker_env(postgres_url, tmp_path / "elsewhere", CLAIMFLOW_EXECUTION="queue")
        decided = run_cli("review", "decide", run_id, "--reviewer", "ann", "--approve", **elsewhere)
        assert decided.returncode == 0, decided.stderr
        assert json_lines(decided.stdout)[0]["status"] in ("resume_queued", "resuming", "completed")
        second = run_cli("review", "decide", run_id, "--reviewer", "bob", "--approve", **elsewhere)
        assert second.returncode == 1 and "refused" in second.stderr, second.stderr
        wait_until(
            lambda: rows(postgres_url, "SELECT status FROM claimflow_runs")[0]["status"] == "completed",
            60,
            "the worker to resume the run",
        )
    finally:
        stop(worker)
    outcomes = [
        (row["reviewer"], row["outcome"])
        for row in rows(postgres_url, "SELECT reviewer, outcome FROM claimflow_review_decisions ORDER BY seq")
    ]
    assert outcomes == [("ann", "applied"), ("bob", "refused")]
    assert not (tmp_path / "elsewhere" / "blobs").exists() or not any((tmp_path / "elsewhere" / "blobs").iterdir())
    resumes = rows(postgres_url, "SELECT status FROM procrastinate_jobs WHERE task_name = 'claimflow.resume_run'")
    assert [job["status"] for job in resumes] == ["succeeded"]
    assert os.environ.get("CLAIMFLOW_EXECUTION") is None  # the setting reached only the deciding process


def test_a_run_whose_lock_another_session_holds_waits_for_it_then_advances(tmp_path: Path, postgres_url: str) -> None:
    """A frozen worker keeps its session and the run's lock: the worker that got its job back must wait."""
    data = tmp_path / "data"
    migrate(postgres_url, data)
    queued = run_cli("run", "--queue", "--json", CONTRACT, **worker_env(postgres_url, data))
    run_id = json_lines(queued.stdout)[0]["run_id"]
    frozen = psycopg.connect(postgres_url, autocommit=True)
    frozen.execute("SELECT pg_advisory_lock(hashtextextended(%s, 0))", (f"claimflow-run:{run_id}",))
    worker = spawn_worker(tmp_path / "worker.log", worker_env(postgres_url, data))
    try:
        wait_until(
            lambda: int(rows(postgres_url, START_JOBS.replace("status", "attempts"))[0]["attempts"]) >= 1,
            30,
            "the worker to find the run locked",
        )
        assert rows(postgres_url, "SELECT status FROM claimflow_runs")[0]["status"] == "queued"
        assert not rows(postgres_url, "SELECT 1 FROM claimflow_events WHERE type = 'step.started'")
        frozen.close()  # the frozen process goes away, and its lock with its session
        wait_until(
            lambda: rows(postgres_url, "SELECT status FROM claimflow_runs")[0]["status"] in FINISHED,
            60,
            "the retried job to advance the run",
        )
    finally:
        frozen.close()
        stop(worker)
    assert rows(postgres_url, "SELECT status FROM claimflow_runs")[0]["status"] == "needs_review"
    assert [job["status"] for job in rows(postgres_url, START_JOBS)] == ["succeeded"]


def test_uploads_each_make_a_run_with_one_job_a_repeated_key_none_and_too_many_bytes_none(
    tmp_path: Path, postgres_url: str
) -> None:
    """Uploads go in as the service sends them (`engine.receive`, bytes cut one past the limit, their full size)."""
    data = tmp_path / "data"
    migrate(postgres_url, data)
    settings = Settings(
        data_dir=data, database_url=postgres_url, execution="queue", limits=IngestLimits(max_bytes=10_000)
    )
    body = CONTRACT.read_bytes()

    async def submit() -> list[tuple[RunRow, bool]]:
        async with open_engine(settings) as engine:
            return [
                await engine.receive(body, "nda.txt"),
                await engine.receive(body, "nda.txt"),
                await engine.receive(body, "nda.txt", source="api:ann:key-1"),
                await engine.receive(body, "nda.txt", source="api:ann:key-1"),
                await engine.receive(b"x" * 10_001, "big.txt", size=50_000),
            ]

    (first, new), (second, also_new), (keyed, keyed_new), (again, again_new), (big, big_new) = asyncio.run(submit())
    assert new and also_new and first.run_id != second.run_id and first.status == second.status == "queued"
    assert keyed_new and not again_new and again.run_id == keyed.run_id  # the same bytes under one key: one run
    assert big_new and big.status == "failed" and "over the" in (big.error or "")
    jobs = rows(postgres_url, "SELECT args->>'run_id' AS run_id FROM procrastinate_jobs")
    assert sorted(job["run_id"] for job in jobs) == sorted([first.run_id, second.run_id, keyed.run_id])


def _queue_settings(tmp_path: Path, postgres_url: str) -> Settings:
    """Production mode on a migrated database, with a data directory of the test's own."""
    migrate(postgres_url, tmp_path / "data")
    return Settings(data_dir=tmp_path / "data", database_url=postgres_url, execution="queue")


def test_a_resume_left_by_a_dead_worker_is_applied_once_by_the_next(tmp_path: Path, postgres_url: str) -> None:
    settings = _queue_settings(tmp_path, postgres_url)
    decision = ReviewDecision(reviewer="ann", action="approve")

    async def scenario() -> list[str]:
        async with open_engine(settings) as engine:
            row, _ = await engine.enqueue(CONTRACT)
            paused = await start_job(engine, row.run_id)
            assert paused.status == "needs_review" and paused.interrupt_id
            await engine.enqueue_decision(row.run_id, decision)
            # A worker on another host claimed the resume and died before the decision was committed.
            with psycopg.connect(postgres_url, autocommit=True) as conn:
                conn.execute(
                    "UPDATE claimflow_runs SET status = 'resuming', lease_owner = 'gone-host:1', lease_until = %s"
                    " WHERE run_id = %s",
                    (time.time() + 600, row.run_id),
                )
            answer = decision.model_dump(mode="json")
            done = await resume_job(engine, row.run_id, paused.interrupt_id, answer)
            again = await resume_job(engine, row.run_id, paused.interrupt_id, answer)  # the job delivered twice
            return [done.status, again.status]

    assert asyncio.run(scenario()) == ["completed", "completed"]
    assert [row["outcome"] for row in rows(postgres_url, "SELECT outcome FROM claimflow_review_decisions")] == [
        "applied"
    ]
    decided = rows(postgres_url, "SELECT count(*) AS n FROM claimflow_events WHERE type = 'review.decided'")
    completed = rows(postgres_url, "SELECT count(*) AS n FROM claimflow_events WHERE type = 'run.completed'")
    assert (int(decided[0]["n"]), int(completed[0]["n"])) == (1, 1)


def test_a_decision_made_before_its_review_opened_is_refused_for_that_not_for_what_it_asks(
    tmp_path: Path, postgres_url: str
) -> None:
    # The reviewer's command started while the run was still running; the review opened meanwhile. Judged by what
    # the new review asks, the decision was refused for a field it never saw, and that became the review's note.
    settings = _queue_settings(tmp_path, postgres_url)
    unseen = ReviewDecision(reviewer="ann", action="edit", edits={"no_such_field": "1"})

    async def scenario() -> str:
        async with open_engine(settings) as engine:
            row, _ = await engine.enqueue(CONTRACT)
            paused = await start_job(engine, row.run_id)
            assert paused.status == "needs_review" and paused.review_opened_at is not None
            with pytest.raises(RunBusyError) as refused:
                await engine.enqueue_decision(row.run_id, unseen, seen_at=paused.review_opened_at - 5)
            assert (await engine.registry.get_run(row.run_id)).status == "needs_review"
            return str(refused.value)

    said = asyncio.run(scenario())
    assert "opened after this command started" in said and "no_such_field" not in said
    outcomes = rows(postgres_url, "SELECT outcome, message FROM claimflow_review_decisions")
    assert [row["outcome"] for row in outcomes] == ["refused"]
    assert "opened after this command started" in outcomes[0]["message"]


def test_a_resume_job_retried_after_its_run_was_handed_back_queued_continues_it(
    tmp_path: Path, postgres_url: str
) -> None:
    # A resume that had continued its run from the checkpoint, then handed back on a stop (`hand_back_run`), left
    # the run queued; its retry found no decision to apply and returned, and no job was left to start the run.
    settings = _queue_settings(tmp_path, postgres_url)

    async def scenario() -> str:
        async with open_engine(settings) as engine:
            row, _ = await engine.enqueue(CONTRACT)
            paused = await start_job(engine, row.run_id)
            assert paused.interrupt_id
            with psycopg.connect(postgres_url, autocommit=True) as conn:
                conn.execute(
                    "UPDATE claimflow_runs SET status = 'queued', lease_owner = NULL, lease_until = NULL"
                    " WHERE run_id = %s",
                    (row.run_id,),
                )
            answer = ReviewDecision(reviewer="ann", action="approve").model_dump(mode="json")
            return (await resume_job(engine, row.run_id, paused.interrupt_id, answer)).status

    assert asyncio.run(scenario()) == "needs_review"  # continued from its checkpoint: back at its review


def test_a_resume_a_dead_worker_left_is_said_to_be_a_workers_to_finish_not_recovers(
    tmp_path: Path, postgres_url: str
) -> None:
    """In production mode `recover` refuses (beside the workers a run would advance twice): the queue's note on a
    run left resuming names who does finish it, as it names `recover` where runs advance in their own process."""
    data = tmp_path / "data"
    migrate(postgres_url, data)
    decision = ReviewDecision(reviewer="ann", action="approve")

    async def notes() -> list[str | None]:
        said = []
        for execution in ("queue", "local"):
            async with open_engine(Settings(data_dir=data, database_url=postgres_url, execution=execution)) as engine:
                if execution == "queue":
                    row, _ = await engine.enqueue(CONTRACT)
                    paused = await start_job(engine, row.run_id)
                    await engine.enqueue_decision(row.run_id, decision)
                    with psycopg.connect(postgres_url, autocommit=True) as conn:  # its worker died after the commit
                        conn.execute(
                            "UPDATE claimflow_runs SET status = 'resuming', lease_owner = 'gone-host:1',"
                            " lease_until = %s WHERE run_id = %s",
                            (time.time() - 60, row.run_id),
                        )
                    assert paused.status == "needs_review"
                said.append(await engine.review_note(await engine.registry.get_run(row.run_id)))
        return said

    in_production, local = asyncio.run(notes())
    assert in_production is not None and "finishes it with that decision" in in_production
    assert "a worker" in in_production and "recover" not in in_production, in_production
    assert local is not None and "`claimflow recover` finishes it" in local, local


def test_a_run_whose_job_is_given_up_is_failed_with_why_and_run_again_by_rerun(
    tmp_path: Path, postgres_url: str
) -> None:
    data = tmp_path / "data"
    migrate(postgres_url, data)
    env = worker_env(postgres_url, data)
    model = ("--model", "openai:gpt-4o-mini")
    queued = run_cli("run", "--queue", "--json", *model, CONTRACT, **env, OPENAI_API_KEY="sk-the-submitter-has-one")
    assert queued.returncode == 0, queued.stderr
    run_id = json_lines(queued.stdout)[0]["run_id"]
    # Its worker has no key for the run's model, hours on end: the job was tried 12 times already (the waits
    # between them, 2.3 hours in all, skipped) and this is its last try.
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute("UPDATE procrastinate_jobs SET attempts = 12 WHERE task_name = 'claimflow.start_run'")
    log = tmp_path / "worker.log"
    worker = spawn_worker(log, {**env, "OPENAI_API_KEY": ""}, "--queues", "llm.openai")
    run = "SELECT status, error FROM claimflow_runs WHERE run_id = %s"
    try:
        wait_until(lambda: rows(postgres_url, run, run_id)[0]["status"] == "failed", 60, "the run to be failed")
    finally:
        stop(worker)
    [failed] = rows(postgres_url, run, run_id)
    assert failed["error"].startswith("RunModelError: ") and "given up after 13 attempts" in failed["error"], failed
    assert [job["status"] for job in rows(postgres_url, START_JOBS)] == ["failed"]
    text = log.read_text()
    assert "job.given_up job=" in text and f"run.failed run={run_id} reason=RunModelError" in text, text
    shown = run_cli("show", run_id, "--json", **env)
    assert shown.returncode == 0 and "given up after 13 attempts" in shown.stdout, shown.stdout
    # Counted as failed, and run again once what stopped it is fixed (here: on another model).
    found = json_lines(run_cli("status", "--json", **env).stdout)[0]
    assert found["runs"].get("failed") == 1 and "queued" not in found["runs"], found
    rerun = run_cli("rerun", run_id, "--model", "rules", "--json", **env, CLAIMFLOW_EXECUTION="queue")
    assert rerun.returncode == 0, rerun.stderr
    assert json_lines(rerun.stdout)[0]["status"] == "queued"


OTHER_VERSION = "0ther0version000"
"""A workflow version no installation has: what a run submitted from, or started by, another release carries."""


def test_a_queued_run_of_another_version_starts_under_the_workers_and_records_it(
    tmp_path: Path, postgres_url: str
) -> None:
    data = tmp_path / "data"
    migrate(postgres_url, data)
    env = worker_env(postgres_url, data)
    queued = run_cli("run", "--queue", "--json", CONTRACT, INVOICE, **env)
    assert queued.returncode == 0, queued.stderr
    contract, invoice = (line["run_id"] for line in json_lines(queued.stdout))
    # Submitted by a release the worker does not run yet (a rolling upgrade): it never ran a step.
    runs = "SELECT run_id, status, workflow_version FROM claimflow_runs WHERE run_id = %s"
    ours = rows(postgres_url, runs, invoice)[0]["workflow_version"]
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute("UPDATE claimflow_runs SET workflow_version = %s WHERE run_id = %s", (OTHER_VERSION, contract))
    worker = spawn_worker(tmp_path / "worker.log", env)
    try:
        wait_until(lambda: rows(postgres_url, runs, contract)[0]["status"] in FINISHED, 60, "the run to be advanced")
    finally:
        stop(worker)
    assert rows(postgres_url, runs, contract)[0] == {
        "run_id": contract, "status": "needs_review", "workflow_version": ours
    }  # fmt: skip


def test_a_started_run_of_another_version_is_left_for_a_worker_of_its_version(
    tmp_path: Path, postgres_url: str
) -> None:
    data = tmp_path / "data"
    migrate(postgres_url, data)
    env = worker_env(postgres_url, data)
    queued = run_cli("run", "--queue", "--json", CONTRACT, **env)
    assert queued.returncode == 0, queued.stderr
    run_id = json_lines(queued.stdout)[0]["run_id"]
    runs = "SELECT status, error, workflow_version FROM claimflow_runs WHERE run_id = %s"
    log = tmp_path / "worker.log"
    worker = spawn_worker(log, env)
    try:
        wait_until(lambda: rows(postgres_url, runs, run_id)[0]["status"] in FINISHED, 60, "the run to pause")
        ours = rows(postgres_url, runs, run_id)[0]["workflow_version"]
        # The run ran steps under another release and was cut off (its worker gone): its job comes back.
        with psycopg.connect(postgres_url, autocommit=True) as conn:
            conn.execute(
                "UPDATE claimflow_runs SET status = 'running', workflow_version = %s WHERE run_id = %s",
                (OTHER_VERSION, run_id),
            )
            conn.execute("UPDATE procrastinate_jobs SET status = 'todo' WHERE task_name = 'claimflow.start_run'")
        wait_until(lambda: " job.retry " in log.read_text(), 30, "the worker to give the job back")
        assert rows(postgres_url, runs, run_id)[0] == {
            "status": "running", "error": None, "workflow_version": OTHER_VERSION
        }  # fmt: skip
        assert [job["status"] for job in rows(postgres_url, START_JOBS)] == ["todo"]  # to be tried again
        # A worker of its version (here: the run's version is the worker's again) takes it next time.
        with psycopg.connect(postgres_url, autocommit=True) as conn:
            conn.execute("UPDATE claimflow_runs SET workflow_version = %s WHERE run_id = %s", (ours, run_id))
        wait_until(lambda: rows(postgres_url, runs, run_id)[0]["status"] in FINISHED, 60, "the run to go on")
    finally:
        stop(worker)
    assert rows(postgres_url, runs, run_id)[0]["status"] == "needs_review"
    [retry] = [line for line in log.read_text().splitlines() if " job.retry " in line]
    assert f"ran steps under workflow version {OTHER_VERSION}" in retry and "left as it is" in retry, retry
