"""What a checkpoint may hold and how it is stored: an allowlist of claimflow's state types, compressed msgpack."""

from __future__ import annotations

import threading
import zlib
from typing import Any, get_args

import zstandard
from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer
from pydantic import BaseModel

from claimflow.runtime.checkpoint_dictionary import CURRENT, LEVEL, dictionary
from claimflow.state.workflow import WorkflowState


def _models_in(root: type[BaseModel]) -> tuple[type[BaseModel], ...]:
    """Every pydantic model a value of `root` can contain, found by walking the field annotations."""
    found: dict[type[BaseModel], None] = {}

    def visit(annotation: Any) -> None:
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            if annotation in found:
                return
            found[annotation] = None
            for field in annotation.model_fields.values():
                visit(field.annotation)
        for argument in get_args(annotation):
            visit(argument)

    visit(root)
    return tuple(found)


CHECKPOINT_TYPES: tuple[type, ...] = _models_in(WorkflowState)
"""Every type that may appear in a checkpoint: derived from WorkflowState, so a new state type is never
left off. Anything else is refused when loading."""


COMPRESSED = "+zstd"
"""Suffix of the type tag of a value compressed without a dictionary, as earlier versions did: `msgpack+zstd`."""
WITH_DICTIONARY = "+zstd:"
"""What a value compressed with a dictionary adds to its type tag, before the dictionary's id: `msgpack+zstd:<id>`."""
ZLIB_COMPRESSED = "+zlib"
"""Suffix of a value compressed by earlier versions (zlib), still read."""
COMPRESS_FROM = 256
"""Values smaller than this many bytes are stored as they are."""


class CompactSerializer(JsonPlusSerializer):
    """LangGraph's serializer, compressing what it writes.

    msgpack spells out every model's module and class name with its fields, so a run's state repeats itself:
    Zstandard at level 1 shrinks a checkpoint value about 2.8 times on its own (zlib's fastest level as much, four
    times slower), and about 7 times with a dictionary trained on claimflow's state (`checkpoint_dictionary`),
    which is what values are compressed with. Values it did not compress (small values), values compressed
    without a dictionary or with an earlier one, and values an earlier version compressed with zlib load as before.
    """

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        # Zstandard's contexts may not be used by two threads at once, and making one per value costs more
        # than the compression: one of each per thread.
        self._contexts = threading.local()

    def _compressor(self) -> zstandard.ZstdCompressor:
        found: zstandard.ZstdCompressor | None = getattr(self._contexts, "compressor", None)
        if found is None:
            prepared = dictionary(CURRENT) if CURRENT is not None else None
            found = self._contexts.compressor = zstandard.ZstdCompressor(level=LEVEL, dict_data=prepared)
        return found

    def _decompressor(self, dict_id: str | None) -> zstandard.ZstdDecompressor:
        """This thread's decompressor for values compressed with dictionary `dict_id` (None: without one)."""
        found: dict[str | None, zstandard.ZstdDecompressor] | None = getattr(self._contexts, "decompressors", None)
        if found is None:
            found = self._contexts.decompressors = {}
        decompressor = found.get(dict_id)
        if decompressor is None:
            prepared = dictionary(dict_id) if dict_id is not None else None
            decompressor = found[dict_id] = zstandard.ZstdDecompressor(dict_data=prepared)
        return decompressor

    def dumps_typed(self, obj: Any) -> tuple[str, bytes]:
        """Serialize, then compress a large enough value."""
        return self.compressed(*super().dumps_typed(obj))

    def compressed(self, type_: str, data: bytes) -> tuple[str, bytes]:
        """A value serialized as `type_` (e.g. msgpack), as stored: compressed when large enough."""
        if len(data) < COMPRESS_FROM:
            return type_, data
        tag = f"{WITH_DICTIONARY}{CURRENT}" if CURRENT is not None else COMPRESSED
        return type_ + tag, self._compressor().compress(data)

    def loads_typed(self, data: tuple[str, bytes]) -> Any:
        """Decompress a compressed value, then deserialize."""
        return super().loads_typed(self.decompressed(*data))

    def decompressed(self, type_: str, payload: bytes) -> tuple[str, bytes]:
        """A stored value as serialized before compression: its type tag without the compression's, and its bytes.

        UnknownDictionaryError for a value compressed with a dictionary this installation does not have.
        """
        base, found, dict_id = type_.rpartition(WITH_DICTIONARY)
        if found:
            return base, self._decompressor(dict_id).decompress(payload)
        if type_.endswith(COMPRESSED):
            return type_.removesuffix(COMPRESSED), self._decompressor(None).decompress(payload)
        if type_.endswith(ZLIB_COMPRESSED):
            return type_.removesuffix(ZLIB_COMPRESSED), zlib.decompress(payload)
        return type_, payload


def serializer() -> CompactSerializer:
    """The checkpoint serializer with claimflow's allowlist (no pickle, no arbitrary classes), compressed."""
    return CompactSerializer(allowed_msgpack_modules=list(CHECKPOINT_TYPES))
