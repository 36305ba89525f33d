"""`claimflow replay` of runs stored in Postgres: every row of every table is the same afterwards."""

from __future__ import annotations

import hashlib
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from claimflow.doctypes import BUILTIN_TYPES
from tests.fakes.openai_server import FakeModelServer, document_run_replies
from tests.integration._docs import invoice_text, json_lines, mismatch_invoice_text, run_cli, write
from tests.postgres._workers import migrate

pytestmark = pytest.mark.postgres

MODEL = "openai:fake-model"


def _tables(url: str) -> dict[str, str]:
    """Table name -> sha256 of all its rows, sorted: the database's content, independent of row order."""
    digests = {}
    with psycopg.connect(url) as connection:
        names = [
            row[0]
            for row in connection.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1"
            )
        ]
        for name in names:
            rows = connection.execute(sql.SQL("SELECT * FROM {}").format(sql.Identifier(name))).fetchall()
            digests[name] = hashlib.sha256(repr(sorted(map(repr, rows))).encode()).hexdigest()
    return digests


@pytest.mark.parametrize("execution", ["local", "queue"])
def test_replaying_runs_stored_in_postgres_changes_no_row(
    tmp_path: Path, postgres_url: str, server: FakeModelServer, execution: str
) -> None:
    # In production mode (CLAIMFLOW_EXECUTION=queue) too: each replay runs in this process, in a scratch data
    # directory of its own, where no queue is; a reviewer's decision is given to it there, not enqueued.
    if execution == "queue":
        migrate(postgres_url, tmp_path / "data")
    docs = tmp_path / "docs"
    write(docs, "a.txt", invoice_text("NW-1"))
    write(docs, "b.txt", invoice_text("NW-2"))
    write(docs, "c.txt", mismatch_invoice_text("NW-3"))  # paused for review, then decided
    server.script(*document_run_replies(types=BUILTIN_TYPES) * 3)
    env = {"CLAIMFLOW_DATABASE_URL": postgres_url, "OPENAI_API_KEY": ""}
    data = ["--data-dir", str(tmp_path / "data")]
    live = run_cli(
        "run", docs, "--json", "--model", MODEL, "--base-url", server.base_url, "--record", tmp_path / "rec", *data,
        **env,
    )  # fmt: skip
    assert live.returncode == 0, live.stderr
    *_, paused = json_lines(live.stdout)
    assert paused["status"] == "needs_review" and len(server.requests) == 6
    decided = run_cli(
        "review", "decide", paused["run_id"], "--reviewer", "ana", "--set", "total_amount=180.00", *data, **env
    )
    assert decided.returncode == 0 and json_lines(decided.stdout)[0]["status"] == "completed", decided.stderr
    before = _tables(postgres_url)
    assert {"claimflow_runs", "claimflow_events"} <= set(before) and any("checkpoint" in name for name in before)

    replayed = run_cli(
        "replay", "--since", "2000-01-01", "--json", "--base-url", server.base_url, *data,
        **env, CLAIMFLOW_EXECUTION=execution,
    )  # fmt: skip

    assert replayed.returncode == 0, replayed.stderr
    *runs, summary = json_lines(replayed.stdout)
    assert len(runs) == 3 and all(not run["changed"] for run in runs)
    assert [review["outcome"] for review in runs[2]["reviews"]] == ["replayed"]
    assert summary["summary"]["model_calls"] == 0 and len(server.requests) == 6
    assert _tables(postgres_url) == before
