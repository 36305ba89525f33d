"""Time to store and read a blob: the data directory's database, blob files, and Postgres' `claimflow_blobs`.

Usage: python benchmarks/document_store.py [--postgres URL] (an admin URL: a scratch database is made and dropped).
Prints milliseconds per save of new bytes, per save of bytes already stored, and per read, for a few sizes:
the median and the min of ROUNDS rounds, each round doing all three on each store in turn (interleaved).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import uuid
from functools import partial
from pathlib import Path

import psycopg
from _report import milliseconds
from psycopg import sql

from claimflow.runtime.pgstore import PgDocumentStore
from claimflow.runtime.sqlitestore import SqliteDocumentStore
from claimflow.runtime.store import DocumentFiles, FileDocumentStore

SIZES = (10_000, 200_000, 5_000_000)
ROUNDS = 20


def measure(stores: dict[str, DocumentFiles], size: int) -> dict[str, dict[str, list[float]]]:
    """Per store, ms of each round: saving new bytes, saving them again, reading them (stores alternate)."""
    times = {label: {"new": [], "again": [], "read": []} for label in stores}
    for _ in range(ROUNDS):
        data = os.urandom(size)
        for label, store in stores.items():
            times[label]["new"].append(milliseconds(partial(store.save_blob, data)))
            times[label]["again"].append(milliseconds(partial(store.save_blob, data)))
            blob_id = store.save_blob(data)
            times[label]["read"].append(milliseconds(partial(store.load_blob, blob_id)))
    return times


def main() -> None:
    """Print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/postgres")
    admin = parser.parse_args().postgres
    name = f"claimflow_bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = psycopg.conninfo.make_conninfo(admin, dbname=name)
    try:
        with tempfile.TemporaryDirectory() as folder:
            database = PgDocumentStore(url)
            embedded = SqliteDocumentStore(Path(folder) / "documents.db")
            stores: dict[str, DocumentFiles] = {
                "sqlite": embedded,
                "files": FileDocumentStore(Path(folder) / "blobs"),
                "postgres": database,
            }
            headings = "".join(f"{heading:>19}" for heading in ("save new ms", "save again ms", "read ms"))
            print(f"{'store':<9} {'bytes':<10} {headings}   (each: median / min)")
            for size in SIZES:
                for label, columns in measure(stores, size).items():
                    cells = "".join(
                        f"{statistics.median(values):>10.2f} /{min(values):>7.2f}" for values in columns.values()
                    )
                    print(f"{label:<9} {size:<10} {cells}")
            database.close()
            embedded.close()
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


if __name__ == "__main__":
    main()
