"""The whole workflow on Postgres: registry and checkpoints in one database, review across processes."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from claimflow.doctypes import BUILTIN_TYPES
from claimflow.runtime.batch import process_files
from claimflow.runtime.engine import Engine, open_engine
from claimflow.runtime.settings import Settings
from tests.integration._docs import invoice_text, json_lines, mismatch_invoice_text, run_cli, spawn_cli, write

pytestmark = pytest.mark.postgres


def _count(url: str, sql: str) -> int:
    with psycopg.connect(url) as connection:
        row = connection.execute(sql).fetchone()
    assert row is not None
    return int(row[0])


async def test_runs_complete_and_pause_with_everything_stored_in_postgres(postgres_url: str, tmp_path: Path) -> None:
    clean = write(tmp_path, "clean.txt", invoice_text())
    mismatch = write(tmp_path, "mismatch.txt", mismatch_invoice_text())
    settings = Settings(data_dir=tmp_path / "blobs-only", database_url=postgres_url)
    async with open_engine(settings) as engine:
        rows = await process_files(engine, [clean, mismatch])
        pending = await engine.pending_review(rows[1].run_id)

    assert [row.status for row in rows] == ["completed", "needs_review"]
    assert pending is not None
    assert _count(postgres_url, "SELECT count(*) FROM claimflow_runs") == 2
    assert _count(postgres_url, "SELECT count(*) FROM checkpoints") > 10  # durability="sync": one per step
    assert _count(postgres_url, "SELECT count(*) FROM claimflow_events WHERE type = 'route.decided'") >= 8
    # Nothing but document blobs lives in the data directory.
    assert not (tmp_path / "blobs-only" / "claimflow.db").exists()
    assert not (tmp_path / "blobs-only" / "checkpoints.db").exists()


async def _reason_codes(engine: Engine, run_id: str) -> list[str]:
    state = await engine.state(run_id)
    assert state is not None
    return [reason.code for reason in state.review_reasons]


async def test_the_same_invoice_twice_goes_to_review_as_duplicate_on_postgres(
    postgres_url: str, tmp_path: Path
) -> None:
    first = write(tmp_path, "first.txt", invoice_text("NW-2024-0777"))
    second = write(tmp_path, "second.txt", invoice_text("NW-2024-0777") + "Thank you for your business.\n")
    other = write(tmp_path, "other.txt", invoice_text("NW-2024-0778"))
    settings = Settings(data_dir=tmp_path / "blobs-only", database_url=postgres_url)
    async with open_engine(settings, types=BUILTIN_TYPES) as engine:
        rows = await process_files(engine, [first, second, other])
        codes = await _reason_codes(engine, rows[1].run_id)
        state = await engine.state(rows[1].run_id)
    assert [row.status for row in rows] == ["completed", "needs_review", "completed"]
    assert codes == ["duplicate"]
    assert state is not None
    [rule] = [rule for rule in state.rule_results if rule.rule == "invoice_number_not_seen_for_vendor"]
    assert not rule.passed and rule.code == "duplicate" and rows[0].run_id in rule.message
    assert rows[2].run_id not in rule.message
    # Only completed runs are in the index: the paused duplicate is not a key yet.
    assert _count(postgres_url, "SELECT count(*) FROM claimflow_record_keys WHERE doc_type = 'invoice'") == 2

    # Another engine (another worker) on the same database finds it too.
    again = write(tmp_path, "again.txt", invoice_text("NW-2024-0778"))
    async with open_engine(settings, types=BUILTIN_TYPES) as engine:
        [row] = await process_files(engine, [again])
        assert await _reason_codes(engine, row.run_id) == ["duplicate"]
    assert row.status == "needs_review"


def test_a_review_from_another_process_resumes_the_run(postgres_url: str, tmp_path: Path) -> None:
    doc = write(tmp_path, "mismatch.txt", mismatch_invoice_text())
    env = {"CLAIMFLOW_DATABASE_URL": postgres_url}
    data = tmp_path / "data"
    [view] = json_lines(run_cli("run", doc, "--json", "--data-dir", data, **env).stdout)
    assert view["status"] == "needs_review"

    decided = run_cli(
        "review",
        "decide",
        view["run_id"],
        "--reviewer",
        "pat",
        "--set",
        "total_amount=180.00",
        "--data-dir",
        data,
        **env,
    )
    assert decided.returncode == 0, decided.stderr
    shown = json_lines(run_cli("show", view["run_id"], "--json", "--data-dir", data, **env).stdout)[0]
    assert shown["status"] == "completed"
    assert shown["fields"]["total_amount"] == {
        "value": "180.00",
        "status": "edited",
        "confidence": 1.0,
        "evidence": shown["fields"]["total_amount"]["evidence"],
    }
    assert shown["fields"]["total_amount"]["evidence"], "the edited value is printed in the source"


def test_two_concurrent_decisions_on_postgres_exactly_one_wins(postgres_url: str, tmp_path: Path) -> None:
    doc = write(tmp_path, "mismatch.txt", mismatch_invoice_text())
    env = {"CLAIMFLOW_DATABASE_URL": postgres_url}
    data = tmp_path / "data"
    [view] = json_lines(run_cli("run", doc, "--json", "--data-dir", data, **env).stdout)
    edits = {"ann": "total_amount=180.00", "bob": "net_amount=160.00"}
    processes = {
        reviewer: spawn_cli(
            "review", "decide", view["run_id"], "--reviewer", reviewer, "--set", edit, "--data-dir", data, **env
        )
        for reviewer, edit in edits.items()
    }
    codes = sorted(process.wait(timeout=60) for process in processes.values())
    for process in processes.values():
        assert process.stdout is not None and process.stderr is not None
        process.stdout.close()
        process.stderr.close()
    assert codes == [0, 1]
    decided = _count(
        postgres_url,
        f"SELECT count(*) FROM claimflow_events WHERE type = 'review.decided' AND run_id = '{view['run_id']}'",
    )
    assert decided == 1


def test_a_run_whose_workflow_version_is_gone_is_refused_on_postgres(postgres_url: str, tmp_path: Path) -> None:
    doc = write(tmp_path, "mismatch.txt", mismatch_invoice_text())
    env = {"CLAIMFLOW_DATABASE_URL": postgres_url}
    data = tmp_path / "data"
    [view] = json_lines(run_cli("run", doc, "--json", "--data-dir", data, **env).stdout)
    with psycopg.connect(postgres_url, autocommit=True) as connection:
        connection.execute(
            "UPDATE claimflow_runs SET workflow_version = 'gone0000' WHERE run_id = %s", (view["run_id"],)
        )
    refused = run_cli("review", "decide", view["run_id"], "--reviewer", "pat", "--approve", "--data-dir", data, **env)
    assert refused.returncode == 1
    assert "gone0000" in refused.stderr and "workflow version" in refused.stderr
    shown = json_lines(run_cli("show", view["run_id"], "--json", "--data-dir", data, **env).stdout)[0]
    assert shown["status"] == "needs_review"
