"""Checkpoints composed from their channels' encodings are byte for byte LangGraph's own encoding."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from langgraph.checkpoint.serde.jsonplus import _msgpack_enc

from claimflow.doctypes import BUILTIN_TYPES
from claimflow.runtime import checkpoint_encoding
from claimflow.runtime.checkpoint_encoding import ChannelEncodings, map_header
from claimflow.runtime.engine import open_engine
from claimflow.runtime.settings import Settings
from claimflow.state.outcomes import FieldResult
from tests.integration._docs import invoice_text, mismatch_invoice_text, write


@pytest.mark.parametrize("size", [0, 1, 15, 16, 65_535, 65_536])
def test_a_map_header_is_msgpacks_own(size: int) -> None:
    whole = _msgpack_enc({str(n): 0 for n in range(size)})
    assert whole.startswith(map_header(size))


async def test_every_checkpoint_of_real_runs_is_encoded_as_langgraph_encodes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    compared: list[int] = []
    encode = ChannelEncodings.encode

    def checked(self: ChannelEncodings, thread: str, checkpoint: dict[str, Any]) -> bytes:
        composed = encode(self, thread, checkpoint)
        assert composed == _msgpack_enc(checkpoint)
        compared.append(len(composed))
        return composed

    monkeypatch.setattr(ChannelEncodings, "encode", checked)
    docs = tmp_path / "docs"
    paths = [write(docs, "invoice.txt", invoice_text()), write(docs, "mismatch.txt", mismatch_invoice_text())]
    async with open_engine(Settings(data_dir=tmp_path / "data"), types=BUILTIN_TYPES) as engine:
        views = [await engine.process(path) for path in paths]
        states = [await engine.state(view.run_id) for view in views]
    assert [view.status for view in views] == ["completed", "needs_review"]
    assert len(compared) > 20  # every step's checkpoint of both runs
    async with open_engine(Settings(data_dir=tmp_path / "data"), types=BUILTIN_TYPES) as other:
        # Read back from the checkpoints by another engine: the same states.
        assert [await other.state(view.run_id) for view in views] == states


@pytest.fixture
def encoded(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Every value `ChannelEncodings` encodes from now on, in order."""
    values: list[object] = []

    def counting(value: object) -> bytes:
        values.append(value)
        return _msgpack_enc(value)

    monkeypatch.setattr(checkpoint_encoding, "_msgpack_enc", counting)
    return values


def test_only_channels_written_since_are_encoded_again(encoded: list[object]) -> None:
    field = FieldResult(name="total", value="1.00", status="accepted", decided_by="claim 1")
    policy = {"threshold": 0.8}
    first = {
        "v": 1,
        "channel_values": {"fields": field, "policy": policy},
        "channel_versions": {"fields": 1, "policy": 1},
    }
    encodings = ChannelEncodings()
    encodings.encode("run-1", first)
    assert field in encoded and policy in encoded

    encoded.clear()
    newer = FieldResult(name="total", value="2.00", status="accepted", decided_by="claim 2")
    second = {
        "v": 1,
        "channel_values": {"fields": newer, "policy": policy},
        "channel_versions": {"fields": 2, "policy": 1},
    }
    assert encodings.encode("run-1", second) == _msgpack_enc(second)
    assert newer in encoded and policy not in encoded  # written since: encoded; unchanged: reused

    encoded.clear()
    same_version_other_value = {**second, "channel_values": {"fields": newer, "policy": {"threshold": 0.9}}}
    assert encodings.encode("run-1", same_version_other_value) == _msgpack_enc(same_version_other_value)
    assert {"threshold": 0.9} in encoded  # another object under the same version is never taken for the old one

    encoded.clear()
    encodings.encode("run-2", second)  # another run: nothing of run-1's reused
    assert policy in encoded


def test_the_encodings_of_only_so_many_runs_are_kept() -> None:
    encodings = ChannelEncodings(threads=2)
    checkpoint = {"channel_values": {"a": [1]}, "channel_versions": {"a": 1}}
    for run in ("r1", "r2", "r3"):
        encodings.encode(run, checkpoint)
    assert list(encodings._threads) == ["r2", "r3"]


def test_a_value_a_task_wrote_is_not_encoded_again_for_the_checkpoint_after(encoded: list[object]) -> None:
    encodings = ChannelEncodings()
    events, fields = [{"type": "step.completed"}], {"total": "1.00"}
    assert encodings.encode_write("run-1", "events", events) == _msgpack_enc(events)
    encodings.encode_write("run-1", "fields", {"total": "1.00"})  # equal, but not the object the channel holds
    encoded.clear()

    checkpoint = {
        "channel_values": {"events": events, "fields": fields},
        "channel_versions": {"events": 2, "fields": 2},
    }
    assert encodings.encode("run-1", checkpoint) == _msgpack_enc(checkpoint)
    assert not any(value is events for value in encoded)  # the written value: its encoding taken
    assert any(value is fields for value in encoded)  # another object than the one written: encoded

    encoded.clear()
    newer = [{"type": "step.started"}]
    later = {"channel_values": {"events": newer, "fields": fields}, "channel_versions": {"events": 3, "fields": 2}}
    encodings.encode("run-1", later)
    assert any(value is newer for value in encoded) and not any(value is fields for value in encoded)
