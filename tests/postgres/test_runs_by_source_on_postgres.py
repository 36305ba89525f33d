"""A file's latest run is found by its source through an index, not by reading every run.

`claimflow run` and the workers look a file's path up before storing its bytes, and again as it registers: on a
registry of many runs, a scan of the table each time grew every document's registration with the table.
"""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest

from claimflow.runtime.registry._pg_register import FIND_LATEST
from claimflow.runtime.registry.postgres import LATEST_FROM_SOURCE, PostgresRegistry

pytestmark = pytest.mark.postgres

RUNS = 3000


@pytest.fixture
def many_runs(postgres_url: str) -> Iterator[psycopg.Connection[tuple[object, ...]]]:
    PostgresRegistry(postgres_url).close()  # the schema, as the registry makes it
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO claimflow_runs (run_id, document_id, filename, media_type, size, workflow,"
            " workflow_version, model, status, created_at, updated_at, source)"
            " SELECT 'run-' || i, 'doc-' || i, 'receipt.txt', 'text/plain', 10, 'receipt', 'v1', 'rules',"
            " 'completed', i, i, '/inbox/receipt-' || i || '.txt' FROM generate_series(1, %s) AS i",
            (RUNS,),
        )
        conn.execute("ANALYZE claimflow_runs")
        yield conn


def _plan(conn: psycopg.Connection[tuple[object, ...]], query: str, args: tuple[object, ...]) -> str:
    return "\n".join(str(row[0]) for row in conn.execute("EXPLAIN " + query, args))  # type: ignore[arg-type]


@pytest.mark.parametrize("source", ["/inbox/receipt-7.txt", "/inbox/new.txt"])
def test_the_lookup_before_storing_reads_the_source_index(
    many_runs: psycopg.Connection[tuple[object, ...]], source: str
) -> None:
    plan = _plan(many_runs, LATEST_FROM_SOURCE, (source,))
    assert "Index Scan Backward using claimflow_runs_source" in plan, plan
    assert "Seq Scan" not in plan and "Sort" not in plan, plan


def test_registering_by_source_reads_the_source_index(many_runs: psycopg.Connection[tuple[object, ...]]) -> None:
    plan = _plan(many_runs, FIND_LATEST, ("ab" * 32, True, "/inbox/new.txt"))
    assert "Index Scan Backward using claimflow_runs_source" in plan, plan
    assert "Seq Scan" not in plan, plan


def test_a_database_made_before_the_index_gets_it_when_opened(postgres_url: str) -> None:
    PostgresRegistry(postgres_url).close()
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute("DROP INDEX claimflow_runs_source")  # the schema of a release before the index
    PostgresRegistry(postgres_url).close()
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        found = conn.execute("SELECT to_regclass('claimflow_runs_source') IS NOT NULL").fetchone()
    assert found == (True,)
