"""`claimflow check` in production mode: a database without the queue's tables is told before a worker starts."""

from __future__ import annotations

import psycopg
import pytest

from tests.cli.conftest import invoke_cli
from tests.integration._docs import json_lines

pytestmark = pytest.mark.postgres


def _checks(url: str, **env: str) -> tuple[int, dict[str, dict[str, str]]]:
    result = invoke_cli("check", "--json", env={"CLAIMFLOW_DATABASE_URL": url, **env})
    return result.exit_code, {item.pop("check"): item for item in json_lines(result.stdout)}


def _queue_check(url: str) -> tuple[int, dict[str, str]]:
    code, found = _checks(url, CLAIMFLOW_EXECUTION="queue")
    assert found["storage"]["outcome"] == "ok", found
    return code, found["queue"]


def _tables(url: str) -> list[str]:
    with psycopg.connect(url) as conn:
        return [row[0] for row in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]


def test_queue_mode_on_a_database_never_migrated_says_to_migrate_and_creates_nothing(postgres_url: str) -> None:
    code, found = _checks(postgres_url, CLAIMFLOW_EXECUTION="queue")

    assert code == 1
    assert found["storage"]["outcome"] == "failed" and "run `claimflow db migrate`" in found["storage"]["detail"]
    assert "queue" not in found and _tables(postgres_url) == []  # `check` writes nothing


def test_local_mode_on_a_database_never_migrated_is_ready_and_creates_nothing(postgres_url: str) -> None:
    code, found = _checks(postgres_url)

    assert code == 0, found
    assert found["storage"]["outcome"] == "ok" and "the first run makes them" in found["storage"]["detail"]
    assert _tables(postgres_url) == []


def test_queue_mode_after_migrate_passes_and_warns_that_no_worker_is_alive(postgres_url: str) -> None:
    migrated = invoke_cli("db", "migrate", env={"CLAIMFLOW_DATABASE_URL": postgres_url})
    assert migrated.exit_code == 0, migrated.output

    code, queue = _queue_check(postgres_url)

    assert code == 0
    assert queue == {"outcome": "warning", "detail": "no worker alive: queued runs wait until `claimflow worker` runs"}
