"""`GET /v1/runs` paged while uploads commit out of order, on `claimflow serve` over Postgres and real HTTP.

An upload whose transaction commits after a later one's (here: held at its idempotency key's lock by another
session, as a slower registrant would hold it) must still land on a later page, never behind a cursor already
handed out, where no client paging on would see it.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import httpx
import psycopg
import pytest

from tests.integration._docs import invoice_text, json_lines, run_cli
from tests.integration._serving import serving

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

WAITING_ADVISORY = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"


def _token(url: str, data: Path, name: str, role: str) -> str:
    made = run_cli(
        "token", "create", "--name", name, "--role", role, "--json", "--data-dir", data, CLAIMFLOW_DATABASE_URL=url
    )
    assert made.returncode == 0, made.stderr
    return str(json_lines(made.stdout)[0]["token"])


def test_a_run_committed_after_a_page_was_read_is_on_a_later_page(postgres_url: str, tmp_path: Path) -> None:
    data = tmp_path / "data"
    submitter, reader = _token(postgres_url, data, "intake", "submitter"), _token(postgres_url, data, "ops", "admin")
    late: list[httpx.Response] = []

    with (
        serving(data, CLAIMFLOW_DATABASE_URL=postgres_url) as (base, _),
        psycopg.connect(postgres_url) as holder,
        psycopg.connect(postgres_url, autocommit=True) as watcher,
    ):
        client = httpx.Client(base_url=base, timeout=60)

        def upload(name: str, number: str, key: str | None = None) -> httpx.Response:
            headers = {"Authorization": f"Bearer {submitter}", **({"Idempotency-Key": key} if key else {})}
            files = {"file": (name, invoice_text(number).encode(), "text/plain")}
            return client.post("/v1/documents", files=files, headers=headers)

        # Another session holds the key's registration lock: the upload under it waits inside its transaction.
        holder.execute("SELECT pg_advisory_xact_lock(hashtextextended('api:intake:po-late', 0))")
        waiting = threading.Thread(target=lambda: late.append(upload("late.txt", "NW-1", key="po-late")))
        waiting.start()
        deadline = time.monotonic() + 30
        while watcher.execute(WAITING_ADVISORY).fetchone() != (1,):
            assert time.monotonic() < deadline, "the keyed upload never waited on its lock"
            time.sleep(0.05)

        first, second = upload("first.txt", "NW-2"), upload("second.txt", "NW-3")
        assert first.status_code == second.status_code == 201, (first.text, second.text)
        reading = {"Authorization": f"Bearer {reader}"}
        page = client.get("/v1/runs", params={"limit": 1}, headers=reading).json()
        seen = [item["document"] for item in page["items"]]
        assert seen == ["first.txt"] and page["next_cursor"] is not None

        holder.rollback()  # the lock is let go: the waiting upload commits now, after the page above was read
        waiting.join(timeout=60)
        assert [answer.status_code for answer in late] == [201], [answer.text for answer in late]

        cursor = page["next_cursor"]
        while cursor is not None:
            page = client.get("/v1/runs", params={"limit": 1, "cursor": cursor}, headers=reading).json()
            seen += [item["document"] for item in page["items"]]
            cursor = page["next_cursor"]
        listed = [item["document"] for item in client.get("/v1/runs", headers=reading).json()["items"]]
        client.close()

    assert sorted(seen) == sorted(listed) == ["first.txt", "late.txt", "second.txt"], (seen, listed)
    assert seen == listed  # the pages, read while it committed, in the order a listing read afterwards shows
