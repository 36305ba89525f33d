"""A file's latest run is found by its source through an index, not by reading every run (SQLite registry).

`claimflow run` and the workers look a file's path up before storing its bytes, and again as it registers: on a
registry of many runs, a scan of the table each time grew every document's registration with the table, on the
registry's one thread.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from claimflow.runtime.registry import Registry
from claimflow.runtime.registry.runs import LATEST_FROM_SOURCE


def _plan(path: Path) -> list[str]:
    with closing(sqlite3.connect(path)) as db:
        return [str(row[-1]) for row in db.execute("EXPLAIN QUERY PLAN " + LATEST_FROM_SOURCE, ("/inbox/r.txt",))]


def test_the_lookup_before_storing_reads_the_source_index(tmp_path: Path) -> None:
    Registry(tmp_path / "registry.sqlite").close()
    assert _plan(tmp_path / "registry.sqlite") == ["SEARCH runs USING INDEX runs_source (source=?)"]


def test_a_registry_made_before_the_index_gets_it_when_opened(tmp_path: Path) -> None:
    path = tmp_path / "registry.sqlite"
    Registry(path).close()
    with closing(sqlite3.connect(path)) as db:
        db.execute("DROP INDEX runs_source")  # the schema of a release before the index
    Registry(path).close()
    assert _plan(path) == ["SEARCH runs USING INDEX runs_source (source=?)"]
