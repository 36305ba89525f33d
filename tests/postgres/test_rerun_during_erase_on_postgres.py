"""A `rerun` asked for while an erase of the same failed run is under way is refused: it would lose its document.

The erase is stopped in the middle (the checkpoints table locked by the test, so its deletion waits) after its
checks passed. Were the run not held, the rerun would make a new run of the same document there and then, and the
erase, resumed, would take that document from under it.
"""

from __future__ import annotations

import threading
from pathlib import Path

import httpx
import psycopg
import pytest

from claimflow.runtime.settings import Settings
from tests.postgres._workers import rows, wait_until
from tests.service._erasing_http import erase, served_with_a_monitor

pytestmark = pytest.mark.postgres

WAITING_DELETE = (
    "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
    " AND query ILIKE 'DELETE FROM checkpoints%%'"
)


def test_a_rerun_asked_for_in_the_middle_of_an_erase_is_refused(postgres_url: str, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", database_url=postgres_url)
    with served_with_a_monitor(settings) as served:
        run_id = served.upload("broken.pdf", b"%PDF-1.7\nnot a PDF past its first line\n").json()["run_id"]
        assert served.settled(run_id)["status"] == "failed"
        erased: list[httpx.Response] = []
        with psycopg.connect(postgres_url) as blocker:
            blocker.execute("LOCK TABLE checkpoints IN SHARE MODE")  # held until the transaction ends
            erasing = threading.Thread(target=lambda: erased.append(erase(served, run_id)))
            erasing.start()
            wait_until(lambda: rows(postgres_url, WAITING_DELETE)[0]["n"] == 1, 30, "the erase waits on the lock")
            rerun = served.call("POST", f"/v1/runs/{run_id}/rerun", "intake")
            blocker.rollback()
        erasing.join(timeout=60)
        listed = served.call("GET", "/v1/runs", "root").json()["items"]

    assert rerun.status_code == 409, rerun.text
    assert f"run {run_id} is being processed by " in rerun.json()["message"]
    [done] = erased
    assert done.status_code == 200 and not done.json()["already"], done.text
    assert [item["run_id"] for item in listed] == [run_id], "no new run lost its document to the erase"
