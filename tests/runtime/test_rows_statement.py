"""The Postgres saver's many-row INSERTs are the stock saver's one-row statements, rows repeated."""

from __future__ import annotations

import re

import pytest
from langgraph.checkpoint.postgres.base import BasePostgresSaver
from psycopg import _queries

from claimflow.runtime.checkpoint_postgres import PARAMETERS_PER_STATEMENT, rows_per_statement, rows_statement


@pytest.mark.parametrize(
    ("statement", "width"),
    [
        (BasePostgresSaver.INSERT_CHECKPOINT_WRITES_SQL, 9),
        (BasePostgresSaver.UPSERT_CHECKPOINT_BLOBS_SQL, 6),
    ],
)
def test_a_one_row_insert_becomes_an_insert_of_as_many_rows_as_asked(statement: str, width: int) -> None:
    many = rows_statement(statement, 3)
    one_row = "(" + ", ".join(["%s"] * width) + ")"
    assert many.count("%s") == 3 * width
    assert re.sub(r"\s+", " ", many) == re.sub(r"\s+", " ", statement).replace(one_row, ", ".join([one_row] * 3))
    assert rows_statement(statement, 1) == statement


def test_a_statement_that_is_not_a_one_row_insert_is_refused() -> None:
    with pytest.raises(ValueError, match="not a one-row INSERT"):
        rows_statement("SELECT * FROM checkpoints WHERE thread_id = %s", 2)


def test_a_statement_carries_no_more_parameters_than_psycopg_caches_the_parsing_of() -> None:
    """psycopg parses a longer statement again every time it is sent; if its limit moves, this says so."""
    assert PARAMETERS_PER_STATEMENT == _queries.MAX_CACHED_STATEMENT_PARAMS
    assert [rows_per_statement(width) for width in (9, 6, 50, 51, 200)] == [5, 8, 1, 1, 1]
