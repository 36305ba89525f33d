"""Time to store and read a document's blob: the data directory's files vs the `claimflow_blobs` table.

Usage: python -m benchmarks.document_store [--postgres URL] (an admin URL: a scratch database is made and dropped).
Prints milliseconds per save of new bytes, per save of bytes already stored, and per read, for a few sizes.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from functools import partial
from pathlib import Path

import psycopg
from psycopg import sql

from claimflow.runtime.pgstore import PgDocumentStore
from claimflow.runtime.store import DocumentFiles, FileDocumentStore

SIZES = (10_000, 200_000, 5_000_000)
ROUNDS = 20


def _ms(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def measure(store: DocumentFiles, size: int) -> tuple[float, float, float]:
    """Median ms: saving new bytes, saving them again, reading them."""
    blobs = [os.urandom(size) for _ in range(ROUNDS)]
    new = [_ms(partial(store.save_blob, data)) for data in blobs]
    again = [_ms(partial(store.save_blob, data)) for data in blobs]
    ids = [store.save_blob(data) for data in blobs]
    read = [_ms(partial(store.load_blob, blob_id)) for blob_id in ids]
    return statistics.median(new), statistics.median(again), statistics.median(read)


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
            stores: dict[str, DocumentFiles] = {"files": FileDocumentStore(Path(folder)), "postgres": database}
            print("store     bytes      save new ms  save again ms  read ms")
            for size in SIZES:
                for label, store in stores.items():
                    new, again, read = measure(store, size)
                    print(f"{label:<9} {size:<10} {new:>11.2f} {again:>14.2f} {read:>8.2f}")
            database.close()
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


if __name__ == "__main__":
    main()
