"""Pages of runs on Postgres while registrations commit out of order: no run is skipped, none shown twice.

A registration that began before others can commit after them, and after a page showing them was read. Its run
must land on a later page (or the next read from the page's `resume` position), never behind a position already
handed out, where no client paging on would see it.
"""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest

from claimflow.runtime.registry import NewRun, RunRow
from claimflow.runtime.registry._pg_created import INSERT_RUN, parameters
from claimflow.runtime.registry.pages import RunPage
from claimflow.runtime.registry.postgres import PostgresRegistry
from claimflow.state.documents import DocumentRef

pytestmark = pytest.mark.postgres


def _run(run_id: str) -> NewRun:
    document = DocumentRef(document_id=run_id.ljust(64, "0"), filename=f"{run_id}.txt", media_type="text/plain", size=9)
    return NewRun(run_id=run_id, document=document, workflow="receipt", workflow_version="v1", model="rules")


def _page_through(registry: PostgresRegistry, after: tuple[float, str] | None, limit: int = 1) -> list[RunRow]:
    """Every run after `after`, a page of `limit` at a time, as a client follows `next_cursor`."""
    seen: list[RunRow] = []
    while True:
        rows = registry.page_runs(RunPage(after=after, limit=limit + 1))
        seen += rows[:limit]
        if len(rows) <= limit:
            return seen
        after = (rows[limit - 1].created_at, rows[limit - 1].run_id)


@pytest.fixture
def registry(postgres_url: str) -> Iterator[PostgresRegistry]:
    made = PostgresRegistry(postgres_url)
    yield made
    made.close()


def test_a_run_committed_after_a_page_was_read_is_on_a_later_page(
    registry: PostgresRegistry, postgres_url: str
) -> None:
    # Another claimflow process's registration: begun first, its run inserted, not yet committed.
    with psycopg.connect(postgres_url, application_name="claimflow-registry") as slow:
        slow.execute(INSERT_RUN, parameters(_run("late")))
        registry.create_run(_run("first"))
        registry.create_run(_run("second"))

        first_page = registry.page_runs(RunPage(limit=2))
        slow.commit()

    # Whatever the first page showed, the pages after it show every other run, each once, in creation order.
    shown = first_page[:1]
    after = (shown[-1].created_at, shown[-1].run_id) if shown else None
    seen = [row.run_id for row in shown + _page_through(registry, after)]
    listed = [row.run_id for row in registry.list_runs()]
    assert sorted(seen) == ["first", "late", "second"], seen
    assert seen == listed


def test_a_page_holds_runs_back_only_while_an_earlier_registration_is_open(
    registry: PostgresRegistry, postgres_url: str
) -> None:
    registry.create_run(_run("before"))
    with psycopg.connect(postgres_url, application_name="claimflow-registry") as slow:
        slow.execute("SELECT 1")  # its transaction is open from here
        registry.create_run(_run("after"))
        assert [row.run_id for row in registry.page_runs(RunPage())] == ["before"]
        slow.rollback()
    assert [row.run_id for row in registry.page_runs(RunPage())] == ["before", "after"]


def test_another_applications_open_transaction_holds_no_page_back(
    registry: PostgresRegistry, postgres_url: str
) -> None:
    with psycopg.connect(postgres_url, application_name="reporting") as other:
        other.execute("SELECT count(*) FROM claimflow_runs")  # a long report's transaction, left open
        registry.create_run(_run("one"))
        registry.create_run(_run("two"))
        assert [row.run_id for row in registry.page_runs(RunPage())] == ["one", "two"]
