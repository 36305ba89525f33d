"""A fresh PostgreSQL database per test, on a real server (CI starts one; nothing here is mocked).

The server is `CLAIMFLOW_TEST_POSTGRES_URL`, an admin URL to its `postgres` database, or a local one with trust auth.
A missing server fails the tests, with how to start it: skipping would let CI go green without testing anything.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import make_conninfo

from claimflow.runtime.registry import Registry, RunRegistry
from claimflow.runtime.registry.postgres import PostgresRegistry

URL_VARIABLE = "CLAIMFLOW_TEST_POSTGRES_URL"
DEFAULT_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "postgres: needs a PostgreSQL server (CLAIMFLOW_TEST_POSTGRES_URL)")


def admin_url() -> str:
    return os.environ.get(URL_VARIABLE) or DEFAULT_ADMIN_URL


def database_url(url: str, dbname: str) -> str:
    """The same server and credentials as `url`, another database (URLs stay URLs)."""
    if "://" in url:
        return urlunsplit(urlsplit(url)._replace(path=f"/{dbname}"))
    return make_conninfo(url, dbname=dbname)


@pytest.fixture(scope="session")
def postgres_admin() -> Iterator[psycopg.Connection[tuple[object, ...]]]:
    """An autocommit connection to the server's `postgres` database, for creating and dropping test databases."""
    url = admin_url()
    try:
        conn = psycopg.connect(url, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as error:
        reason = str(error)
    else:
        with conn:
            yield conn
        return
    pytest.fail(
        f"PostgreSQL is not reachable at {url}: {reason}\n"
        "Start the local server with `pg_ctlcluster 15 main start` (trust auth for user postgres on 127.0.0.1),"
        f" or point {URL_VARIABLE} at a server where you may CREATE DATABASE.",
        pytrace=False,
    )


@pytest.fixture
def postgres_url(postgres_admin: psycopg.Connection[tuple[object, ...]]) -> Iterator[str]:
    """The URL of a database created for this test and dropped (with any sessions still on it) afterwards."""
    name = f"claimflow_t_{uuid.uuid4().hex}"
    postgres_admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield database_url(admin_url(), name)
    finally:
        postgres_admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def registry(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[RunRegistry]:
    """A fresh registry, once on SQLite and once on Postgres: a contract test runs against both."""
    made: RunRegistry = (
        Registry(tmp_path / "registry.sqlite")
        if request.param == "sqlite"
        else PostgresRegistry(request.getfixturevalue("postgres_url"))
    )
    yield made
    made.close()
