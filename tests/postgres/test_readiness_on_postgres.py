"""`/readyz` on Postgres: 503 while the database refuses connections, ready again once it takes them.

The server stays up meanwhile (`/healthz` answers), and the unauthenticated answer names no host or database.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
from psycopg import sql

from claimflow.runtime.registry._pg_schema import POOL_SIZE
from claimflow.runtime.settings import Settings
from tests.postgres.conftest import admin_url
from tests.service._api import serving

pytestmark = pytest.mark.postgres


def _connections(dbname: str, *, allowed: bool) -> None:
    """Let sessions into `dbname` again, or shut them out and end the ones it has."""
    with psycopg.connect(admin_url(), autocommit=True) as admin:
        admin.execute(
            sql.SQL("ALTER DATABASE {} WITH ALLOW_CONNECTIONS {}").format(sql.Identifier(dbname), sql.Literal(allowed))
        )
        if not allowed:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                (dbname,),
            )


async def test_readyz_is_503_while_the_database_refuses_connections_and_ready_after(
    postgres_url: str, tmp_path: Path
) -> None:
    dbname = urlsplit(postgres_url).path.lstrip("/")
    settings = Settings(data_dir=tmp_path / "blobs-only", database_url=postgres_url)
    async with serving(settings) as api:
        before = await api.client.get("/readyz")
        _connections(dbname, allowed=False)
        try:
            during = await api.client.get("/readyz")
            alive = await api.client.get("/healthz")
        finally:
            _connections(dbname, allowed=True)
        # Probed as an orchestrator probes: the pool finds each session the server ended on its next use.
        after = [(await api.client.get("/readyz")).status_code for _ in range(POOL_SIZE + 1)]

    assert before.status_code == 200 and before.json()["status"] == "ready"
    assert during.status_code == 503 and during.json()["status"] == "unavailable"
    assert dbname not in during.text and "127.0.0.1" not in during.text
    assert alive.status_code == 200
    assert after[-1] == 200 and set(after) <= {200, 503}
