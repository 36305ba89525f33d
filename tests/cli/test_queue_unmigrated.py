"""`run --queue` on a database where `claimflow db migrate` never ran: refused before anything is recorded.

It opened the engine first, which made the registry's tables, pinned every prompt version and stored the document,
then said the queue's tables were missing: `claimflow check` counted those prompt versions as used by earlier runs
when no run had ever been recorded.
"""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from claimflow.runtime.queue.errors import MIGRATE_HINT
from tests.cli.conftest import Invoke
from tests.integration._docs import json_lines
from tests.postgres.conftest import postgres_admin, postgres_url  # noqa: F401 - a fresh database for the test

pytestmark = pytest.mark.postgres

CONTRACT = Path(__file__).parents[2] / "examples" / "documents" / "contract-nda.txt"


def _tables(url: str) -> list[str]:
    with psycopg.connect(url) as conn:
        found = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
        return [str(row[0]) for row in found]


def test_run_queue_refused_for_an_unmigrated_queue_records_nothing_check_would_count(
    claimflow: Invoke,
    tmp_path: Path,
    postgres_url: str,  # noqa: F811 - the fixture imported above
) -> None:
    env = {"CLAIMFLOW_DATABASE_URL": postgres_url, "CLAIMFLOW_DATA_DIR": str(tmp_path / "data")}
    before = claimflow("check", "--json", env=env)

    refused = claimflow("run", "--queue", CONTRACT, env=env)

    assert refused.exit_code == 2, refused.output
    assert MIGRATE_HINT in refused.stderr, refused.stderr
    after = claimflow("check", "--json", env=env)
    prompts = [line for line in json_lines(after.stdout) if line["check"] == "prompts"]
    assert all("0 used by earlier runs" in line["detail"] for line in prompts), prompts
    assert after.stdout == before.stdout
    assert _tables(postgres_url) == []  # no registry, no pinned prompt, no stored document


def test_a_worker_on_an_unmigrated_database_says_only_why_and_makes_no_table(
    claimflow: Invoke,
    tmp_path: Path,
    postgres_url: str,  # noqa: F811 - the fixture imported above
) -> None:
    # It said `worker on offline, maintenance, ...` as if it had started, and opened an engine there (its registry's
    # tables, its prompt pins) before it found the queue's tables missing.
    env = {"CLAIMFLOW_DATABASE_URL": postgres_url, "CLAIMFLOW_DATA_DIR": str(tmp_path / "data")}

    refused = claimflow("worker", env=env)

    assert refused.exit_code == 2, refused.output
    assert refused.stderr.strip() == f"error: {MIGRATE_HINT}"
    assert _tables(postgres_url) == []
