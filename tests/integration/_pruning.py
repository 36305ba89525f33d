"""Pruning scenarios run on SQLite and on Postgres: what goes, what stays, and a dry run that changes nothing."""

from __future__ import annotations

import hashlib
import sqlite3
import time
from pathlib import Path
from typing import Any

import psycopg

from tests.integration._docs import invoice_text, json_lines, mismatch_invoice_text, run_cli, write
from tests.integration._stores import stored_blobs as stored_blobs_here

CHECKPOINT_TABLES = {"sqlite": ("checkpoints", "writes"), "postgres": ("checkpoints", "checkpoint_writes")}


def snapshot(data: Path, database_url: str | None) -> dict[str, str]:
    """A hash of every table's rows and of every older blob file: equal snapshots mean nothing stored changed."""
    hashes: dict[str, str] = {}
    if database_url:
        with psycopg.connect(database_url) as conn:
            tables = conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            ).fetchall()
            for (table,) in tables:
                rows = conn.execute(f'SELECT t::text FROM "{table}" t').fetchall()  # noqa: S608 - catalog names
                hashes[table] = hashlib.sha256(repr(sorted(rows)).encode()).hexdigest()
    else:
        for name in ("claimflow.db", "checkpoints.db", "documents.db"):
            with sqlite3.connect(data / name) as conn:
                tables = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").fetchall()
                for (table,) in tables:
                    rows = conn.execute(f'SELECT * FROM "{table}"').fetchall()  # noqa: S608 - catalog names
                    hashes[f"{name}:{table}"] = hashlib.sha256(repr(sorted(map(repr, rows))).encode()).hexdigest()
    for path in sorted((data / "blobs").rglob("*")):
        if path.is_file():
            hashes[f"blob:{path.name}"] = hashlib.sha256(path.read_bytes()).hexdigest()
    return hashes


def stored_blobs(data: Path, database_url: str | None) -> set[str]:
    """The ids of the blobs the document store holds: rows of its database (Postgres, or the data directory's)."""
    if database_url:
        with psycopg.connect(database_url) as conn:
            return {row[0] for row in conn.execute("SELECT blob_id FROM claimflow_blobs")}
    return stored_blobs_here(data)


def checkpoint_rows(data: Path, database_url: str | None, run_id: str) -> int:
    """How many checkpoint and pending-write rows the saver holds for a run."""
    if database_url:
        with psycopg.connect(database_url) as conn:
            return sum(
                conn.execute(f"SELECT count(*) FROM {table} WHERE thread_id = %s", (run_id,)).fetchone()[0]
                for table in (*CHECKPOINT_TABLES["postgres"], "checkpoint_blobs")
            )
    with sqlite3.connect(data / "checkpoints.db") as conn:
        return sum(
            conn.execute(f"SELECT count(*) FROM {table} WHERE thread_id = ?", (run_id,)).fetchone()[0]
            for table in CHECKPOINT_TABLES["sqlite"]
        )


def _outputs(run_id: str, env: dict[str, str], tmp_path: Path) -> dict[str, Any]:
    """What users read about a finished run: show, explain, export and trace."""
    target = tmp_path / f"export-{len(list(tmp_path.glob('export-*')))}.jsonl"
    shown = run_cli("show", run_id, "--json", **env)
    explained = run_cli("explain", run_id, **env)
    exports = run_cli("export", target, "--status", "completed", **env)
    traced = run_cli("trace", run_id, "--json", **env)
    for done in (shown, explained, exports, traced):
        assert done.returncode == 0, done.stderr
    return {
        "show": json_lines(shown.stdout),
        "explain": explained.stdout,
        "export": target.read_text(encoding="utf-8"),
        "trace": [(item["type"], item["step"], item["data"]) for item in json_lines(traced.stdout)],
    }


def prune_keeps_outputs_and_unfinished_runs(tmp_path: Path, database_url: str | None = None) -> None:
    """Finished runs lose checkpoints and unshared blobs; they still show, explain and export; open runs keep all."""
    data = tmp_path / "data"
    env = {"CLAIMFLOW_DATA_DIR": str(data), **({"CLAIMFLOW_DATABASE_URL": database_url} if database_url else {})}
    docs = tmp_path / "docs"
    write(docs, "a-invoice.txt", invoice_text())
    write(docs, "b-mismatch.txt", mismatch_invoice_text())
    write(docs, "c-mismatch-copy.txt", mismatch_invoice_text())  # the same bytes: shares every blob with b
    done = run_cli("run", docs, "--json", **env)
    assert done.returncode == 0, done.stderr
    runs = {view["document"]: view for view in json_lines(done.stdout)}
    completed, waiting, copy = (
        runs[name]["run_id"] for name in ("a-invoice.txt", "b-mismatch.txt", "c-mismatch-copy.txt")
    )
    assert runs["b-mismatch.txt"]["status"] == runs["c-mismatch-copy.txt"]["status"] == "needs_review"
    rejected = run_cli("review", "decide", copy, "--reviewer", "ana", "--reject", "--reason", "a copy", **env)
    assert rejected.returncode == 0, rejected.stderr
    before = {run_id: _outputs(run_id, env, tmp_path) for run_id in (completed, copy)}
    own_blobs = stored_blobs(data, database_url)

    young = json_lines(run_cli("prune", "--finished-older-than", "30d", "--json", **env).stdout)
    assert young == [{"dry_run": False, "runs": [], "checkpoint_bytes": 0, "blobs": 0, "blob_bytes": 0}]

    time.sleep(1.1)  # the shortest age a prune takes is 1s: the finished runs are now older than that
    untouched = snapshot(data, database_url)
    dry = json_lines(run_cli("prune", "--finished-older-than", "1s", "--dry-run", "--json", **env).stdout)[0]
    assert snapshot(data, database_url) == untouched, "a dry run changes nothing"
    assert dry["dry_run"] and sorted(dry["runs"]) == sorted([completed, copy])
    assert dry["checkpoint_bytes"] > 0 and dry["blobs"] >= 2 and dry["blob_bytes"] > 0

    pruned = json_lines(run_cli("prune", "--finished-older-than", "1s", "--json", **env).stdout)[0]
    assert {**pruned, "dry_run": True} == dry, "the prune removes what the dry run said"
    assert checkpoint_rows(data, database_url, completed) == checkpoint_rows(data, database_url, copy) == 0
    assert checkpoint_rows(data, database_url, waiting) > 0
    left = stored_blobs(data, database_url)
    assert len(own_blobs - left) == dry["blobs"], "only the completed invoice's blobs went"
    assert hashlib.sha256(mismatch_invoice_text().encode()).hexdigest() in left, "the open review still needs it"

    for run_id, seen in before.items():
        after = _outputs(run_id, env, tmp_path)
        assert {key: after[key] for key in ("show", "explain", "export")} == {
            key: seen[key] for key in ("show", "explain", "export")
        }
        assert after["trace"][: len(seen["trace"])] == seen["trace"], "the audit events stay"
        assert [kind for kind, _, _ in after["trace"][len(seen["trace"]) :]] == ["run.pruned"]

    again = json_lines(run_cli("prune", "--finished-older-than", "1s", "--json", **env).stdout)[0]
    assert again["runs"] == [], "a pruned run is not pruned again"
    approved = run_cli("review", "decide", waiting, "--reviewer", "ana", "--approve", **env)
    assert approved.returncode == 0, approved.stderr
    assert json_lines(run_cli("show", waiting, "--json", **env).stdout)[0]["status"] == "completed"
