"""Erasure scenarios run on SQLite and on Postgres: no byte of a value stays, the audit shape does, refusals change
nothing.

Every command runs in a process whose every new SQLite connection is set to `secure_delete=OFF` first, as a build
of SQLite without it opens them (see `test_retention_erases_bytes`): what erase leaves must not depend on the build.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from contextlib import ExitStack, closing
from pathlib import Path
from typing import Any

import psycopg

from claimflow.runtime.registry import Registry
from claimflow.runtime.registry.postgres import PostgresRegistry
from tests.integration._docs import cli_env, invoice_text, json_lines, mismatch_invoice_text, write
from tests.integration._pruning import snapshot
from tests.runtime.test_retention_erases_bytes import LAUNCHER

NAME = "Jolanda Quetzalcoatl-Brandt"
"""A person's name, written in the document and in the reviewer's comment."""
IBAN = "DE89 3704 0044 0532 0130 00"
"""A bank account, written in the document: the rules model extracts it."""
FILE = "quetzalcoatl-invoice.txt"
"""The document's file name (in the registry row, the run.started event and the final state)."""
PERSONAL = (NAME, "Quetzalcoatl", IBAN, "0532 0130", "NW-2024-0931", "quetzalcoatl-invoice", "called back")


def personal_invoice() -> str:
    """An invoice naming a contact and an IBAN, whose total (190.00) is not net + tax: it waits for review."""
    return mismatch_invoice_text("NW-2024-0931").replace(
        "14 Harbour Road", f"Contact: {NAME}\nIBAN {IBAN}\n14 Harbour Road"
    )


class Cli:
    """`claimflow` in a process of its own, with SQLite's secure_delete off unless claimflow turns it on."""

    def __init__(self, tmp_path: Path, database_url: str | None) -> None:
        self.launcher = tmp_path / "claimflow_without_secure_delete.py"
        self.launcher.write_text(LAUNCHER, encoding="utf-8")
        self.data = tmp_path / "data"
        self.env = cli_env(
            CLAIMFLOW_DATA_DIR=str(self.data), **({"CLAIMFLOW_DATABASE_URL": database_url} if database_url else {})
        )
        self.database_url = database_url

    def __call__(self, *args: str | Path, code: int = 0) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [sys.executable, self.launcher, *map(str, args)], capture_output=True, text=True, env=self.env,
            timeout=120, check=False,
        )  # fmt: skip
        assert done.returncode == code, done.stdout + done.stderr
        return done

    def stored_bytes(self) -> bytes:
        """Every file of the data directory, write-ahead logs included, and every Postgres table dumped as text."""
        found = b"".join(path.read_bytes() for path in sorted(self.data.rglob("*")) if path.is_file())
        if self.database_url:
            with psycopg.connect(self.database_url) as conn:
                tables = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall()
                for (table,) in tables:
                    rows = conn.execute(f'SELECT t::text FROM "{table}" t').fetchall()  # noqa: S608 - catalog names
                    found += "\n".join(row[0] for row in rows).encode()
        return found

    def usage_totals(self) -> tuple[int, float]:
        """The model calls and cost /metrics reports (on Postgres, the totals a trigger keeps)."""
        registry = PostgresRegistry(self.database_url) if self.database_url else Registry(self.data / "claimflow.db")
        try:
            return registry.usage_totals()
        finally:
            registry.close()


def _held_open(data: Path, stack: ExitStack) -> None:
    """Connections another process (a server, a worker) keeps: the write-ahead logs outlive the erasing one's."""
    for name in ("claimflow.db", "checkpoints.db", "documents.db"):
        held = stack.enter_context(closing(sqlite3.connect(data / name)))
        held.execute("SELECT count(*) FROM sqlite_master").fetchall()


def _outputs(cli: Cli, run_id: str) -> dict[str, Any]:
    return {
        "show": cli("show", run_id, "--json").stdout,
        "explain": cli("explain", run_id).stdout,
        "trace": cli("trace", run_id, "--json").stdout,
    }


def erase_leaves_no_value_and_keeps_the_audit(tmp_path: Path, database_url: str | None = None) -> None:
    """After erase, no byte of the run's values anywhere; explain, trace, show and runs still tell its shape."""
    cli = Cli(tmp_path, database_url)
    docs, other_docs = tmp_path / "docs", tmp_path / "other"
    write(docs, FILE, personal_invoice())
    write(other_docs, "other.txt", invoice_text("NW-2024-0555"))
    [waiting] = json_lines(cli("run", docs, "--json", "--model", "rules").stdout)
    [other] = json_lines(cli("run", other_docs, "--json", "--model", "rules").stdout)
    assert (waiting["status"], other["status"]) == ("needs_review", "completed")
    run_id = waiting["run_id"]
    cli("review", "decide", run_id, "--reviewer", "ana", "--set", "total_amount=180.00", "--set",
        "amount_due=180.00", "--comment", f"called back {NAME}")  # fmt: skip
    stored = cli.stored_bytes()
    assert all(word.encode() in stored for word in PERSONAL), "the test's values are stored before the erase"
    usage, other_seen = cli.usage_totals(), _outputs(cli, other["run_id"])

    with ExitStack() as stack:
        if database_url is None:
            _held_open(cli.data, stack)
        [report] = json_lines(cli("erase", run_id[:8], "--reason", "request DS-17", "--json").stdout)
        stored = cli.stored_bytes()
    assert report["run_id"] == run_id and not report["already"]
    assert report["events"] > 0 and report["decisions"] == 1 and report["final_state"] and report["blobs"] >= 3
    assert report["checkpoint_bytes"] > 0 and report["record_keys"] == 2
    left = [word for word in PERSONAL if word.encode() in stored]
    assert not left, f"erased values still stored: {left}"
    assert cli.usage_totals() == usage, "the model calls and their cost are still counted"
    assert _outputs(cli, other["run_id"]) == other_seen, "another run is untouched"

    explained = cli("explain", run_id).stdout
    assert "erased at" in explained and "request DS-17" in explained and "[erased]" in explained
    assert "rule net_plus_tax_equals_total: passed" in explained, "which rule fired stays"
    assert "check: own_label (label 'Seller')" in explained, "which check decided stays"
    [shown] = json_lines(cli("show", run_id, "--json").stdout)
    assert shown["status"] == "completed" and shown["doc_type"] == "invoice" and shown["document"] == "[erased]"
    assert shown["fields"]["iban"]["value"] == "[erased]" and shown["fields"]["iban"]["status"] == "accepted"
    trace = json_lines(cli("trace", run_id, "--json").stdout)
    called = [item["data"] for item in trace if item["type"] == "model.called"]
    assert called and all(data["model"] == "rules" and data["valid"] for data in called)
    erased = trace[-1]
    assert erased["type"] == "run.erased" and erased["data"]["reason"] == "request DS-17"
    assert erased["data"]["events"] == report["events"] and erased["data"]["blobs"] == report["blobs"]
    listed = cli("runs").stdout
    assert run_id[:12] in listed and "[erased]" in listed

    untouched = snapshot(cli.data, database_url)
    [again] = json_lines(cli("erase", run_id, "--reason", "asked twice", "--json").stdout)
    assert again["already"] and snapshot(cli.data, database_url) == untouched, "erasing again changes nothing"
    assert "already erased" in cli("erase", run_id, "--reason", "asked twice").stdout


def refusals_change_nothing(tmp_path: Path, database_url: str | None = None) -> None:
    """An unknown run, an unfinished one, a document another run still has: refused, and nothing changes."""
    cli = Cli(tmp_path, database_url)
    first, second, open_docs = tmp_path / "first", tmp_path / "second", tmp_path / "open"
    write(first, "copy-1.txt", invoice_text("NW-2024-0777"))
    write(second, "copy-2.txt", invoice_text("NW-2024-0777"))  # the same bytes from another path: one blob
    write(open_docs, "waiting.txt", mismatch_invoice_text())
    [original] = json_lines(cli("run", first, "--json").stdout)
    [copy] = json_lines(cli("run", second, "--json").stdout)
    [waiting] = json_lines(cli("run", open_docs, "--json").stdout)
    assert (original["status"], waiting["status"]) == ("completed", "needs_review")
    if copy["status"] == "needs_review":  # a duplicate of the original: rejected, so finished too
        cli("review", "decide", copy["run_id"], "--reviewer", "ana", "--reject", "--reason", "a copy")
    before = snapshot(cli.data, database_url)

    shared = cli("erase", original["run_id"], "--reason", "DS-18", code=1).stderr
    assert copy["run_id"] in " ".join(shared.split()) and "erase them together" in " ".join(shared.split())
    unfinished = " ".join(cli("erase", waiting["run_id"], "--reason", "DS-18", code=1).stderr.split())
    assert "is needs_review" in unfinished and "--reject" in unfinished
    unknown = cli("erase", "feedfacefeedface", "--reason", "DS-18", code=2).stderr
    assert "feedfacefeedface" in unknown
    mixed = cli("erase", original["run_id"], copy["run_id"], waiting["run_id"], "--reason", "DS-18", code=1)
    assert "needs_review" in mixed.stderr
    assert snapshot(cli.data, database_url) == before, "a refused erase changes nothing"

    both = json_lines(cli("erase", original["run_id"], copy["run_id"], "--reason", "DS-18", "--json").stdout)
    assert [(run["run_id"], run["already"]) for run in both] == [(original["run_id"], False), (copy["run_id"], False)]
    assert sum(run["blobs"] for run in both) >= 2
    assert b"NW-2024-0777" not in cli.stored_bytes()
