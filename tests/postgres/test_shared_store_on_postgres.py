"""One document store in Postgres: any process, on any machine, continues a run without the data directory that
started it; a decision the store cannot serve changes nothing, and is applied once the store holds the document."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import psycopg
import pytest

from claimflow.runtime.checkpoint_postgres import postgres_checkpointer
from claimflow.runtime.engine import BLOB_DIR, DOCUMENT_FILE
from claimflow.runtime.pgstore import PgDocumentStore
from claimflow.runtime.registry.postgres import PostgresRegistry
from claimflow.runtime.sqlitestore import SqliteDocumentStore
from claimflow.runtime.store import FileDocumentStore
from tests.integration._batches import registered
from tests.integration._docs import cli_env, flat, json_lines, mismatch_invoice_text, run_cli, write

pytestmark = pytest.mark.postgres

EMAIL = "jane.doe@example.com"

READ_STORED = """
import asyncio, json, sys
from claimflow.runtime.engine import open_engine
from claimflow.runtime.settings import Settings

async def main() -> None:
    settings = Settings.load(data_dir=sys.argv[1])
    async with open_engine(settings, readonly=True) as engine:
        state = await engine.state(sys.argv[2])
        text = await engine.store.load_text(state.text)
        mapping = await engine.store.load_blob(state.masked.mapping_id)
        print(json.dumps({"pages": list(text.pages), "mapping": json.loads(mapping)}))

asyncio.run(main())
"""


def _paused(tmp_path: Path, url: str) -> tuple[str, dict[str, str]]:
    """A run of an invoice whose totals disagree, paused for review; started with data directory `first`."""
    text = mismatch_invoice_text() + f"\nQuestions: {EMAIL}\n"  # personal data, so the masking map has an entry
    document = write(tmp_path / "docs", "mismatch.txt", text)
    env = {"CLAIMFLOW_DATABASE_URL": url}
    started = run_cli("run", document, "--json", "--data-dir", tmp_path / "first", **env)
    assert started.returncode == 1 or started.returncode == 0, started.stderr
    [view] = json_lines(started.stdout)
    assert view["status"] == "needs_review"
    return view["run_id"], env


def _blobs(url: str) -> dict[str, bytes]:
    with psycopg.connect(url) as conn:
        return {row[0]: bytes(row[1]) for row in conn.execute("SELECT blob_id, data FROM claimflow_blobs")}


def test_a_decision_from_a_process_without_the_data_directory_completes_the_run(
    tmp_path: Path, postgres_url: str
) -> None:
    run_id, env = _paused(tmp_path, postgres_url)

    decided = run_cli(
        "review", "decide", run_id, "--reviewer", "ann", "--approve", "--data-dir", tmp_path / "elsewhere", **env
    )

    assert decided.returncode == 0, decided.stderr
    assert json.loads(decided.stdout)["status"] == "completed"
    assert not (tmp_path / "first").exists() and not (tmp_path / "elsewhere").exists()


def test_texts_and_masking_maps_come_from_postgres_in_a_process_that_never_saw_the_data_directory(
    tmp_path: Path, postgres_url: str
) -> None:
    run_id, env = _paused(tmp_path, postgres_url)
    [row] = registered(tmp_path / "first", postgres_url)

    read = subprocess.run(
        [sys.executable, "-c", READ_STORED, str(tmp_path / "never-seen"), run_id],
        env=cli_env(**env), capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip

    assert read.returncode == 0, read.stderr
    stored = json.loads(read.stdout)
    assert "NW-2024-0118" in "".join(stored["pages"])
    assert EMAIL in json.dumps(stored["mapping"])  # the masking map: placeholders and what they stand for
    assert row.document_id in _blobs(postgres_url)


@pytest.mark.parametrize("kept_in", ["documents.db", "blob files"])
def test_a_decision_the_store_cannot_serve_changes_nothing_and_succeeds_once_it_can(
    tmp_path: Path, postgres_url: str, kept_in: str
) -> None:
    run_id, env = _paused(tmp_path, postgres_url)
    # An installation that kept documents in a data directory (in its database, or as files of an older
    # version): its blobs are there, not in the shared database.
    older = tmp_path / "older"
    files = (
        SqliteDocumentStore(older / DOCUMENT_FILE) if kept_in == "documents.db" else FileDocumentStore(older / BLOB_DIR)
    )
    stored = _blobs(postgres_url)
    for data in stored.values():
        files.save_blob(data)
    if isinstance(files, SqliteDocumentStore):
        files.close()
    with psycopg.connect(postgres_url) as conn:
        conn.execute("DELETE FROM claimflow_blobs")
    decide = ("review", "decide", run_id, "--reviewer", "ann", "--approve", "--data-dir")

    refused = run_cli(*decide, tmp_path / "elsewhere", **env)

    assert refused.returncode == 3, refused.stderr
    assert "holds no blob" in flat(refused.stderr)
    [row] = registered(tmp_path / "elsewhere", postgres_url)
    assert row.status == "needs_review" and row.lease_owner is None
    with psycopg.connect(postgres_url) as conn:
        outcomes = [
            r[0] for r in conn.execute("SELECT outcome FROM claimflow_review_decisions WHERE run_id = %s", (run_id,))
        ]
    assert "applied" not in outcomes and "pending" not in outcomes

    # The older data directory is read and its blobs copied into the database: the decision now applies.
    decided = run_cli(*decide, older, **env)

    assert decided.returncode == 0, decided.stderr
    assert json.loads(decided.stdout)["status"] == "completed"
    copied = _blobs(postgres_url)
    assert copied and all(stored[blob_id] == data for blob_id, data in copied.items())


async def test_store_saves_and_checkpoints_do_not_wait_for_the_log_flush_and_the_registry_does(
    postgres_url: str,
) -> None:
    """A blob or a checkpoint is made durable by a later commit that waits (the registry's): see pgstore."""

    def synchronous_commit(conn: psycopg.Connection[Any]) -> str:
        return str(conn.execute("SHOW synchronous_commit").fetchone()["synchronous_commit"])  # type: ignore[index]

    store, registry = PgDocumentStore(postgres_url), PostgresRegistry(postgres_url)
    try:
        with store._pool.connection() as conn:
            assert synchronous_commit(conn) == "off"
        assert store.load_blob(store.save_blob(b"a masking map")) == b"a masking map"
        with registry.session() as conn:
            assert synchronous_commit(conn) == "on"
    finally:
        store.close()
        registry.close()
    async with postgres_checkpointer(postgres_url, size=1) as saver, saver.conn.connection() as conn:
        setting = await (await conn.execute("SHOW synchronous_commit")).fetchone()
        assert setting is not None and setting["synchronous_commit"] == "off"
