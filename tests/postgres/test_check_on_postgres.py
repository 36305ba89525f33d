"""`claimflow check` in production mode: a database without the queue's tables is told before a worker starts."""

from __future__ import annotations

import pytest

from tests.cli.conftest import invoke_cli
from tests.integration._docs import json_lines

pytestmark = pytest.mark.postgres


def _queue_check(url: str) -> tuple[int, dict[str, str]]:
    result = invoke_cli("check", "--json", env={"CLAIMFLOW_DATABASE_URL": url, "CLAIMFLOW_EXECUTION": "queue"})
    found = {item.pop("check"): item for item in json_lines(result.stdout)}
    assert found["storage"]["outcome"] == "ok", found
    return result.exit_code, found["queue"]


def test_queue_mode_on_a_database_never_migrated_says_to_migrate(postgres_url: str) -> None:
    code, queue = _queue_check(postgres_url)

    assert code == 1
    assert queue["outcome"] == "failed" and "claimflow db migrate" in queue["detail"]


def test_queue_mode_after_migrate_passes_and_warns_that_no_worker_is_alive(postgres_url: str) -> None:
    migrated = invoke_cli("db", "migrate", env={"CLAIMFLOW_DATABASE_URL": postgres_url})
    assert migrated.exit_code == 0, migrated.output

    code, queue = _queue_check(postgres_url)

    assert code == 0
    assert queue == {"outcome": "warning", "detail": "no worker alive: queued runs wait until `claimflow worker` runs"}
