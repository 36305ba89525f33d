"""Checkpoint values are compressed with Zstandard and the shipped dictionary; what earlier versions stored loads."""

from __future__ import annotations

import zlib
from concurrent.futures import ThreadPoolExecutor

import pytest
import zstandard
from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer

from claimflow.runtime.checkpoint import COMPRESS_FROM, serializer
from claimflow.runtime.checkpoint_dictionary import CURRENT, FOLDER, UnknownDictionaryError, dictionary_id
from claimflow.state.outcomes import FieldResult


def _fields(count: int) -> dict[str, FieldResult]:
    return {
        f"field_{n}": FieldResult(name=f"field_{n}", value=f"{n}.00", status="accepted", decided_by=f"claim {n}")
        for n in range(count)
    }


def test_a_large_value_is_stored_compressed_with_the_current_dictionary_and_loads_back() -> None:
    serde = serializer()
    value = _fields(20)
    type_, data = serde.dumps_typed(value)
    assert type_ == f"msgpack+zstd:{CURRENT}"
    assert data[:4] == b"\x28\xb5\x2f\xfd"  # a Zstandard frame
    assert serde.loads_typed((type_, data)) == value
    # The dictionary is what makes it small: the same value compressed alone takes more room.
    _, raw = JsonPlusSerializer.dumps_typed(serde, value)
    assert len(data) < len(zstandard.ZstdCompressor(level=1).compress(raw))


def test_a_value_an_earlier_version_compressed_without_a_dictionary_loads() -> None:
    serde = serializer()
    value = _fields(20)
    _, raw = JsonPlusSerializer.dumps_typed(serde, value)
    assert serde.loads_typed(("msgpack+zstd", zstandard.ZstdCompressor(level=1).compress(raw))) == value


def test_a_value_of_a_dictionary_this_installation_does_not_have_is_refused_naming_it() -> None:
    serde = serializer()
    type_, data = serde.dumps_typed(_fields(20))
    with pytest.raises(UnknownDictionaryError, match="dictionary 0123456789abcdef, which this claimflow does not have"):
        serde.loads_typed((type_.replace(str(CURRENT), "0123456789abcdef"), data))


def test_every_shipped_dictionary_is_named_by_its_content_and_the_current_one_is_shipped() -> None:
    shipped = {path.stem: dictionary_id(path.read_bytes()) for path in FOLDER.glob("*.zdict")}
    assert shipped and all(name == content for name, content in shipped.items())
    assert CURRENT in shipped


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
