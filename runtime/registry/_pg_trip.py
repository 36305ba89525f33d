"""Several statements in one round trip to Postgres, committed together: a transaction sent in pipeline mode.

Each statement of a transaction on its own waits for the server: `BEGIN`, each statement, `COMMIT`, a round trip
each. In psycopg's pipeline mode they are sent together and the server answers them together, at the Sync that
ends the block; so no statement may depend on an earlier one's result read in Python (its rows, its rowcount
come back only with that Sync, and reading one sooner costs a round trip of its own). What a statement must know
of an earlier one, it reads in SQL, in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg.pq import TransactionStatus

from claimflow.runtime.registry._pg_schema import Row

_OPEN = (TransactionStatus.INTRANS, TransactionStatus.INERROR)


@contextmanager
def one_round_trip(conn: psycopg.Connection[Row]) -> Iterator[None]:
    """Statements executed inside are sent in one go and committed together, or not at all.

    Read their cursors' results after the block. On a session already in a transaction (`together`), they join
    it, still in one go. The transaction is an explicit `BEGIN` ... `COMMIT`, not the one the server opens until
    a Sync on its own: the block's end sends the Sync even when an error is raised inside it (a value psycopg
    could not send), which would commit the statements sent before the error.
    """
    if conn.info.transaction_status != TransactionStatus.IDLE:
        with conn.pipeline():
            yield
        return
    try:
        with conn.pipeline():
            conn.execute("BEGIN")
            yield
            conn.execute("COMMIT")
    except BaseException:
        # The statements sent before an error wait in a transaction (open, or failed): none of them stays.
        if conn.info.transaction_status in _OPEN:
            conn.rollback()
        raise
