"""A checkpoint's msgpack, composed from its channels' encodings: a channel not written since is not encoded again.

LangGraph's SQLite saver stores every checkpoint whole, and a step writes only a few of the state's channels
(its events, a verdict, a field or two): encoding the policy, the document's references and every accepted
field again at every step was most of the time spent serializing. msgpack encodes a map as a header followed
by its keys and values, so the encodings of the unchanged channels are joined as they were, and the result
is byte for byte what encoding the checkpoint whole gives (`tests/runtime/test_checkpoint_encoding.py`).

A channel's encoding is reused only for the same version of the channel *and* the same value object: LangGraph
gives a channel a new version whenever it is written, and the value is held with its encoding, so it cannot
be another object that happens to reuse its id. A channel a step wrote holds, in the next checkpoint, the very
value its task wrote, which the saver encoded a moment before to store the task's writes: that encoding is
taken too (`encode_write`), again only for the same object.
"""

from __future__ import annotations

import struct
from collections import OrderedDict
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

# Private to langgraph-checkpoint, which is pinned: the test above fails if its encoding changes.
from langgraph.checkpoint.serde.jsonplus import _msgpack_enc

KEEP_THREADS = 256
"""How many threads' (runs') channel encodings are kept: runs advancing at once, with room to spare."""

_Encoded = tuple[object, object, bytes]
"""A channel's version, its value, and the value's msgpack."""


@lru_cache(maxsize=4096)
def _key(name: str) -> bytes:
    """The msgpack of a map key: a checkpoint's keys and channel names, the same few at every step."""
    return _msgpack_enc(name)


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
        self._written: OrderedDict[str, dict[str, tuple[object, bytes]]] = OrderedDict()
        self._keep = threads

    def encode_write(self, thread: str, channel: str, value: object) -> bytes:
        """The msgpack of a value a task of `thread` wrote to `channel`, kept for the thread's next checkpoint."""
        encoded = _msgpack_enc(value)
        self._written.setdefault(thread, {})[channel] = (value, encoded)
        self._written.move_to_end(thread)
        self._trim(self._written)
        return encoded

    def encode(self, thread: str, checkpoint: Mapping[str, Any]) -> bytes:
        """The msgpack of `checkpoint`, a checkpoint of `thread` (its id and namespace, as one string)."""
        previous = self._threads.pop(thread, {})
        written = self._written.pop(thread, {})  # the writes this checkpoint follows; none are kept past it
        current: dict[str, _Encoded] = {}
        versions: Mapping[str, object] = checkpoint.get("channel_versions", {})
        parts = [map_header(len(checkpoint))]
        for key, value in checkpoint.items():
            parts.append(_key(key))
            if key != "channel_values" or not isinstance(value, dict):
                parts.append(_msgpack_enc(value))
                continue
            parts.append(map_header(len(value)))
            for channel, channel_value in value.items():
                version = versions.get(channel)
                known, wrote = previous.get(channel), written.get(channel)
                if known is not None and version is not None and known[0] == version and known[1] is channel_value:
                    encoded = known[2]
                elif wrote is not None and wrote[0] is channel_value:
                    encoded = wrote[1]
                else:
                    encoded = _msgpack_enc(channel_value)
                current[channel] = (version, channel_value, encoded)
                parts += [_key(channel), encoded]
        self._threads[thread] = current
        self._trim(self._threads)
        return b"".join(parts)

    def _trim(self, by_thread: OrderedDict[str, Any]) -> None:
        """Forget the threads used least recently beyond the `threads` kept."""
        while len(by_thread) > self._keep:
            by_thread.popitem(last=False)
