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
taken too (`encode_write`), again only for the same object. The Postgres saver, which stores each channel's value
in a row of its own, takes its writes' serializations the same way (`WrittenValues`).
"""

from __future__ import annotations

import struct
from collections import OrderedDict
from collections.abc import Hashable, Mapping
from functools import lru_cache
from typing import Any, Generic, TypeVar

# Private to langgraph-checkpoint, which is pinned: the test above fails if its encoding changes.
from langgraph.checkpoint.serde.jsonplus import _msgpack_enc

KEEP_THREADS = 256
"""How many threads' (runs') channel encodings are kept: runs advancing at once, with room to spare."""

_Encoded = tuple[object, object, bytes]
"""A channel's version, its value, and the value's msgpack."""

K = TypeVar("K", bound=Hashable)
S = TypeVar("S")


def _keep_recent(by_key: OrderedDict[Any, Any], key: Hashable, keep: int) -> None:
    """Mark `key` as just used, and forget the keys used least recently beyond the `keep` kept."""
    by_key.move_to_end(key)
    while len(by_key) > keep:
        by_key.popitem(last=False)


class WrittenValues(Generic[K, S]):
    """What tasks wrote, each value with the form it was stored in, kept for the checkpoint that follows them.

    A channel a step wrote holds, in the checkpoint that ends the step, the very object its task wrote: that
    checkpoint takes the stored form made for the write (`stored_form`), only for that same object, which is held
    here so that no other object can reuse its id. `K` says which checkpoint the writes lead to (a thread, or a
    thread's checkpoint); the `keep` used most recently are kept, so those whose checkpoint never comes (a failed
    or stopped run) are forgotten in time.
    """

    def __init__(self, *, keep: int = KEEP_THREADS) -> None:
        self._by_key: OrderedDict[K, dict[str, tuple[object, S]]] = OrderedDict()
        self._keep = keep

    def remember(self, key: K, channel: str, value: object, stored: S) -> None:
        """Keep `value`, written to `channel`, and its stored form for the checkpoint that follows `key`."""
        self._by_key.setdefault(key, {})[channel] = (value, stored)
        _keep_recent(self._by_key, key, self._keep)

    def take(self, key: K) -> dict[str, tuple[object, S]]:
        """The values written for the checkpoint that follows `key`, no longer kept (none are kept past it)."""
        return self._by_key.pop(key, {})


def stored_form(written: Mapping[str, tuple[object, S]], channel: str, value: object) -> S | None:
    """The stored form of `value` on `channel` that a task's write made, if `value` is the very object it wrote."""
    wrote = written.get(channel)
    return wrote[1] if wrote is not None and wrote[0] is value else None


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
        self._written: WrittenValues[str, bytes] = WrittenValues(keep=threads)
        self._keep = threads

    def encode_write(self, thread: str, channel: str, value: object) -> bytes:
        """The msgpack of a value a task of `thread` wrote to `channel`, kept for the thread's next checkpoint."""
        encoded = _msgpack_enc(value)
        self._written.remember(thread, channel, value, encoded)
        return encoded

    def encode(self, thread: str, checkpoint: Mapping[str, Any]) -> bytes:
        """The msgpack of `checkpoint`, a checkpoint of `thread` (its id and namespace, as one string)."""
        previous = self._threads.pop(thread, {})
        written = self._written.take(thread)  # the writes this checkpoint follows
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
                known = previous.get(channel)
                if known is not None and version is not None and known[0] == version and known[1] is channel_value:
                    encoded = known[2]
                else:
                    wrote = stored_form(written, channel, channel_value)
                    encoded = wrote if wrote is not None else _msgpack_enc(channel_value)
                current[channel] = (version, channel_value, encoded)
                parts += [_key(channel), encoded]
        self._threads[thread] = current
        _keep_recent(self._threads, thread, self._keep)
        return b"".join(parts)
