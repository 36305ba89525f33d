"""A checkpoint's msgpack, composed from its channels' encodings: a channel not written since is not encoded again.

LangGraph's SQLite saver stores every checkpoint whole, and a step writes only a few of the state's channels
(its events, a verdict, a field or two): encoding the policy, the document's references and every accepted
field again at every step was most of the time spent serializing. msgpack encodes a map as a header followed
by its keys and values, so the encodings of the unchanged channels are joined as they were, and the result
is byte for byte what encoding the checkpoint whole gives (`tests/runtime/test_checkpoint_encoding.py`).

A channel's encoding is reused only for the same version of the channel *and* the same value object: LangGraph
gives a channel a new version whenever it is written, and the value is held with its encoding, so it cannot
be another object that happens to reuse its id.
"""

from __future__ import annotations

import struct
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

# Private to langgraph-checkpoint, which is pinned: the test above fails if its encoding changes.
from langgraph.checkpoint.serde.jsonplus import _msgpack_enc

KEEP_THREADS = 256
"""How many threads' (runs') channel encodings are kept: runs advancing at once, with room to spare."""

_Encoded = tuple[object, object, bytes]
"""A channel's version, its value, and the value's msgpack."""


def map_header(size: int) -> bytes:
    """The msgpack header of a map of `size` entries."""
    if size < 16:
        return bytes((0x80 | size,))
    if size < 1 << 16:
        return b"\xde" + struct.pack(">H", size)
    return b"\xdf" + struct.pack(">I", size)


class ChannelEncodings:
    """Encodes checkpoints, reusing the encoding of every channel unchanged since the thread's last one."""

    def __init__(self, *, threads: int = KEEP_THREADS) -> None:
        self._threads: OrderedDict[str, dict[str, _Encoded]] = OrderedDict()
        self._keep = threads

    def encode(self, thread: str, checkpoint: Mapping[str, Any]) -> bytes:
        """The msgpack of `checkpoint`, a checkpoint of `thread` (its id and namespace, as one string)."""
        previous = self._threads.pop(thread, {})
        current: dict[str, _Encoded] = {}
        versions: Mapping[str, object] = checkpoint.get("channel_versions", {})
        parts = [map_header(len(checkpoint))]
        for key, value in checkpoint.items():
            parts.append(_msgpack_enc(key))
            if key != "channel_values" or not isinstance(value, dict):
                parts.append(_msgpack_enc(value))
                continue
            parts.append(map_header(len(value)))
            for channel, channel_value in value.items():
                version = versions.get(channel)
                known = previous.get(channel)
                if known is not None and version is not None and known[0] == version and known[1] is channel_value:
                    encoded = known[2]
                else:
                    encoded = _msgpack_enc(channel_value)
                current[channel] = (version, channel_value, encoded)
                parts += [_msgpack_enc(channel), encoded]
        self._threads[thread] = current
        while len(self._threads) > self._keep:
            self._threads.popitem(last=False)
        return b"".join(parts)
