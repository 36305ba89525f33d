"""Every pool claimflow opens on Postgres gives up a connection the server never answers, unless the URL says.

libpq waits for a server's answer as long as it takes when `connect_timeout` is not set: a server (or a proxy in
front of one) that takes the connection and never answers held a command for ever, and its Ctrl-C with it, since
a stopping command waits for its threads. The checkpointer set its own value over the URL's.
"""

from __future__ import annotations

import pytest
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from claimflow.runtime.checkpoint_postgres import postgres_checkpointer
from claimflow.runtime.reconnect import CONNECT_TIMEOUT_S
from claimflow.runtime.registry.postgres import PostgresRegistry

pytestmark = pytest.mark.postgres


def _timeout_of(dsn: str) -> str | None:
    value = conninfo_to_dict(dsn).get("connect_timeout")
    return None if value is None else str(value)


@pytest.mark.parametrize(("given", "used"), [(None, str(CONNECT_TIMEOUT_S)), ("60", "60")])
async def test_the_checkpointers_and_the_registrys_sessions_wait_as_the_url_says_else_ten_seconds(
    postgres_url: str, given: str | None, used: str
) -> None:
    url = postgres_url if given is None else make_conninfo(postgres_url, connect_timeout=given)
    async with postgres_checkpointer(url, size=1) as saver:
        async with saver.pool.connection() as conn:  # type: ignore[attr-defined]
            assert _timeout_of(conn.info.dsn) == used
    registry = PostgresRegistry(url, size=1)
    try:
        with registry._pool.connection() as session:
            assert _timeout_of(session.info.dsn) == used
    finally:
        registry.close()
