"""Saving a blob in Postgres: a small one in one statement, a large one already stored stamped without its bytes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import psycopg
import pytest

from claimflow.runtime import pgstore
from claimflow.runtime.pgstore import PgDocumentStore

pytestmark = pytest.mark.postgres

SMALL = b"a receipt's text, a few hundred bytes at most"
LARGE = bytes(range(256)) * (pgstore.SEND_AT_ONCE_UP_TO // 256 + 1)


@pytest.fixture
def store(postgres_url: str) -> Iterator[PgDocumentStore]:
    """A document store on a fresh Postgres database."""
    made = PgDocumentStore(postgres_url)
    yield made
    made.close()


@pytest.fixture
def statements(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The first word of every write to the blobs table from here on."""
    seen: list[str] = []
    execute = psycopg.Connection.execute

    def counted(self: psycopg.Connection[Any], query: Any, *args: Any, **kwargs: Any) -> Any:
        sql = str(query)
        if "claimflow_blobs" in sql and not sql.lstrip().upper().startswith("SELECT"):
            seen.append(sql.split(None, 1)[0].upper())
        return execute(self, query, *args, **kwargs)

    monkeypatch.setattr(psycopg.Connection, "execute", counted)
    return seen


def _stamp(url: str, blob_id: str) -> float:
    """When the blob was last saved, as its row says."""
    with psycopg.connect(url) as conn:
        found = conn.execute("SELECT saved_at FROM claimflow_blobs WHERE blob_id = %s", (blob_id,)).fetchone()
    assert found is not None
    return float(found[0])


def test_a_small_blob_is_stored_and_stamped_again_in_one_statement_each(
    store: PgDocumentStore, statements: list[str], postgres_url: str
) -> None:
    blob = store.save_blob(SMALL)
    first = _stamp(postgres_url, blob)
    assert statements == ["INSERT"]
    statements.clear()
    assert store.save_blob(SMALL) == blob
    again = _stamp(postgres_url, blob)
    assert statements == ["INSERT"]  # the upsert stamps the row it finds
    assert again > first
    assert store.load_blob(blob) == SMALL


def test_a_large_blob_already_stored_is_stamped_without_its_bytes(
    store: PgDocumentStore, statements: list[str], postgres_url: str
) -> None:
    blob = store.save_blob(LARGE)
    first = _stamp(postgres_url, blob)
    assert statements == ["UPDATE", "INSERT"]  # asked first: not stored yet, so sent
    statements.clear()
    assert store.save_blob(LARGE) == blob
    again = _stamp(postgres_url, blob)
    assert statements == ["UPDATE"]
    assert again > first
    assert store.load_blob(blob) == LARGE


def test_a_small_blob_a_prune_took_is_stored_again(store: PgDocumentStore) -> None:
    blob = store.save_blob(SMALL)
    assert store.delete_blob(blob, saved_before=store.clock() + 1) == len(SMALL)
    assert store.save_blob(SMALL) == blob
    assert store.load_blob(blob) == SMALL
