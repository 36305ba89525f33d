"""Review deadlines, escalation, the default decision and assignment, on the real Postgres registry."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest

from claimflow.runtime.registry.postgres import PostgresRegistry
from tests.integration import _deadlines
from tests.integration._docs import MEMO, json_lines, run_cli, write

pytestmark = pytest.mark.postgres


@pytest.fixture
def docs_dir(tmp_path: Path) -> Path:
    path = tmp_path / "docs"
    path.mkdir()
    return path


async def test_due_times_follow_the_type_and_the_sweep_escalates_each_overdue_review_once(
    postgres_url: str, tmp_path: Path, docs_dir: Path
) -> None:
    await _deadlines.check_due_times_and_escalation_once(tmp_path / "blobs", docs_dir, postgres_url)


async def test_the_default_decision_rejects_an_overdue_run_as_the_sweep(
    postgres_url: str, tmp_path: Path, docs_dir: Path
) -> None:
    await _deadlines.check_reject_by_policy(tmp_path / "blobs", docs_dir, postgres_url)


async def test_a_reject_that_cannot_be_done_is_tried_again_by_the_next_sweep(
    postgres_url: str, tmp_path: Path, docs_dir: Path
) -> None:
    await _deadlines.check_failed_reject_is_tried_again(tmp_path / "blobs", docs_dir, postgres_url)


async def test_a_decision_that_opens_another_review_starts_its_clock_again(
    postgres_url: str, tmp_path: Path, docs_dir: Path
) -> None:
    await _deadlines.check_a_new_review_starts_again(tmp_path / "blobs", docs_dir, postgres_url)


async def test_a_claim_takes_only_a_free_own_or_group_review(postgres_url: str, tmp_path: Path, docs_dir: Path) -> None:
    await _deadlines.check_assign_and_claim(tmp_path / "blobs", docs_dir, postgres_url)


@pytest.mark.slow
async def test_two_sweep_processes_at_once_act_on_each_review_once(
    postgres_url: str, tmp_path: Path, docs_dir: Path
) -> None:
    await _deadlines.check_concurrent_sweeps(tmp_path / "blobs", docs_dir, postgres_url, runs=16)


def test_a_registry_made_before_review_deadlines_gets_their_columns(postgres_url: str) -> None:
    PostgresRegistry(postgres_url).close()
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute("ALTER TABLE claimflow_runs DROP COLUMN review_due_at, DROP COLUMN assignee")
    PostgresRegistry(postgres_url).close()
    with psycopg.connect(postgres_url) as conn:
        columns = {
            name
            for (name,) in conn.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = 'claimflow_runs'"
            )
        }
    assert {"review_opened_at", "review_due_at", "assignee", "priority", "escalated_at", "overdue_at"} <= columns


def test_a_due_time_stored_past_any_date_reads_as_no_due_time_on_postgres(postgres_url: str, tmp_path: Path) -> None:
    """A review opened under a `due` longer than 3650d (taken before it was refused) lists, shows and sweeps."""
    policy = tmp_path / "policy.json"
    policy.write_text(json.dumps({"review": {"due": {"*": "3d"}}}), encoding="utf-8")
    env = {"CLAIMFLOW_DATABASE_URL": postgres_url, "CLAIMFLOW_POLICY": str(policy)}
    data = tmp_path / "data"
    [view] = json_lines(run_cli("run", write(tmp_path, "memo.txt", MEMO), "--json", "--data-dir", data, **env).stdout)
    assert view["status"] == "needs_review"
    with psycopg.connect(postgres_url) as conn:
        longer = 99999999999999 * 86400  # the `due` of "99999999999999d"
        update = "UPDATE claimflow_runs SET review_due_at = review_opened_at + %s WHERE run_id = %s"
        conn.execute(update, (longer, view["run_id"]))

    listed = run_cli("review", "list", "--json", "--data-dir", data, **env)
    shown = run_cli("review", "show", view["run_id"], "--json", "--data-dir", data, **env)
    swept = run_cli("review", "sweep", "--json", "--data-dir", data, **env)

    assert listed.returncode == 0, listed.stderr
    assert [(item["run_id"], item["due_at"], item["overdue"]) for item in json_lines(listed.stdout)] == [
        (view["run_id"], None, False)
    ]
    assert shown.returncode == 0, shown.stderr
    assert json_lines(shown.stdout)[0]["due_at"] is None
    assert (swept.returncode, json_lines(swept.stdout)) == (0, [])
