"""The Postgres saver's many-row INSERTs are the stock saver's one-row statements, rows repeated."""

from __future__ import annotations

import re

import pytest
from langgraph.checkpoint.postgres.base import BasePostgresSaver

from claimflow.runtime.checkpoint_postgres import rows_statement


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
