"""Checkpoint values are compressed with Zstandard; values earlier versions compressed with zlib still load."""

from __future__ import annotations

import zlib
from concurrent.futures import ThreadPoolExecutor

from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer

from claimflow.runtime.checkpoint import COMPRESS_FROM, serializer
from claimflow.state.outcomes import FieldResult


def _fields(count: int) -> dict[str, FieldResult]:
    return {
        f"field_{n}": FieldResult(name=f"field_{n}", value=f"{n}.00", status="accepted", decided_by=f"claim {n}")
        for n in range(count)
    }


def test_a_large_value_is_stored_zstd_compressed_and_loads_back() -> None:
    serde = serializer()
    value = _fields(20)
    type_, data = serde.dumps_typed(value)
    assert type_ == "msgpack+zstd"
    assert data[:4] == b"\x28\xb5\x2f\xfd"  # a Zstandard frame
    assert serde.loads_typed((type_, data)) == value


def test_a_small_value_is_stored_as_it_is() -> None:
    serde = serializer()
    type_, data = serde.dumps_typed({"a": 1})
    assert type_ == "msgpack" and len(data) < COMPRESS_FROM
    assert serde.loads_typed((type_, data)) == {"a": 1}


def test_a_value_an_earlier_version_compressed_with_zlib_loads() -> None:
    serde = serializer()
    value = _fields(20)
    # What the earlier serializer wrote: LangGraph's msgpack, zlib at level 1, tagged "+zlib".
    type_, raw = JsonPlusSerializer.dumps_typed(serde, value)
    assert type_ == "msgpack"
    assert serde.loads_typed(("msgpack+zlib", zlib.compress(raw, 1))) == value


def test_threads_serializing_at_once_each_get_their_values_back() -> None:
    serde = serializer()

    def round_trip(n: int) -> bool:
        value = _fields(10 + n % 7)
        return all(serde.loads_typed(serde.dumps_typed(value)) == value for _ in range(50))

    with ThreadPoolExecutor(max_workers=4) as threads:
        assert all(threads.map(round_trip, range(16)))
