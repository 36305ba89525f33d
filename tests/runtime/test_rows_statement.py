"""The Postgres saver's statements: many-row INSERTs of the stock saver's one-row ones, and a checkpoint's one."""

from __future__ import annotations

import re

import pytest
from langgraph.checkpoint.postgres.base import BasePostgresSaver
from psycopg import _queries

from claimflow.runtime.checkpoint_postgres import (
    MAX_PARAMETERS,
    PARAMETERS_PER_STATEMENT,
    checkpoint_statement,
    fits_one_statement,
    rows_per_statement,
    rows_statement,
)


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


@pytest.mark.parametrize(("writes", "blobs"), [(0, 0), (0, 3), (2, 0), (5, 4), (12, 12)])
def test_a_checkpoint_statement_numbers_every_parameter_it_is_sent(writes: int, blobs: int) -> None:
    """$1..$6 the checkpoint, then six of each write's own, then four of each blob's own: none skipped, none extra."""
    statement = checkpoint_statement(writes, blobs).decode()
    numbers = [int(number) for number in re.findall(r"\$(\d+)", statement)]
    assert sorted(set(numbers)) == list(range(1, 6 + 6 * writes + 4 * blobs + 1))
    # The thread, namespace and parent id are sent once and named again in every row.
    assert numbers.count(1) == 1 + writes + blobs
    assert numbers.count(4) == 1 + writes
    assert ("INSERT INTO checkpoint_writes" in statement) == bool(writes)
    assert ("INSERT INTO checkpoint_blobs" in statement) == bool(blobs)
    assert "%s" not in statement


def test_a_checkpoint_goes_as_one_statement_up_to_the_protocols_parameter_limit() -> None:
    assert MAX_PARAMETERS == 65_535
    assert fits_one_statement(10_921, 0)  # 6 + 6 x 10,921 = 65,532
    assert not fits_one_statement(10_922, 0)
    assert fits_one_statement(0, 16_382)  # 6 + 4 x 16,382 = 65,534
    assert not fits_one_statement(1, 16_382)
