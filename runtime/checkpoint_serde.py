"""What a checkpoint may hold and how it is stored: an allowlist of claimflow's state types, compressed msgpack."""

from __future__ import annotations

import threading
import zlib
from typing import Any, get_args

import zstandard
from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer
from pydantic import BaseModel

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
"""Suffix of the type tag of a compressed value: `msgpack+zstd`."""
ZLIB_COMPRESSED = "+zlib"
"""Suffix of a value compressed by earlier versions (zlib), still read."""
COMPRESS_FROM = 256
"""Values smaller than this many bytes are stored as they are."""


class CompactSerializer(JsonPlusSerializer):
    """LangGraph's serializer, compressing what it writes.

    msgpack spells out every model's module and class name with its fields, so a run's state repeats itself:
    Zstandard at level 1 shrinks a checkpoint about 2.8 times in ~10 us per 3 KB here (zlib's fastest level
    shrinks it as much in ~40 us: compressing was a twentieth of a text document's time). Values it did not
    compress (small values, older checkpoints) and values an earlier version compressed with zlib load as
    before.
    """

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        # Zstandard's contexts may not be used by two threads at once, and making one per value costs more
        # than the compression: one of each per thread.
        self._contexts = threading.local()

    def _compressor(self) -> zstandard.ZstdCompressor:
        found: zstandard.ZstdCompressor | None = getattr(self._contexts, "compressor", None)
        if found is None:
            found = self._contexts.compressor = zstandard.ZstdCompressor(level=1)
        return found

    def _decompressor(self) -> zstandard.ZstdDecompressor:
        found: zstandard.ZstdDecompressor | None = getattr(self._contexts, "decompressor", None)
        if found is None:
            found = self._contexts.decompressor = zstandard.ZstdDecompressor()
        return found

    def dumps_typed(self, obj: Any) -> tuple[str, bytes]:
        """Serialize, then compress a large enough value."""
        return self.compressed(*super().dumps_typed(obj))

    def compressed(self, type_: str, data: bytes) -> tuple[str, bytes]:
        """A value serialized as `type_` (e.g. msgpack), as stored: compressed when large enough."""
        if len(data) < COMPRESS_FROM:
            return type_, data
        return type_ + COMPRESSED, self._compressor().compress(data)

    def loads_typed(self, data: tuple[str, bytes]) -> Any:
        """Decompress a compressed value, then deserialize."""
        type_, payload = data
        if type_.endswith(COMPRESSED):
            return super().loads_typed((type_.removesuffix(COMPRESSED), self._decompressor().decompress(payload)))
        if type_.endswith(ZLIB_COMPRESSED):
            return super().loads_typed((type_.removesuffix(ZLIB_COMPRESSED), zlib.decompress(payload)))
        return super().loads_typed(data)


def serializer() -> JsonPlusSerializer:
    """The checkpoint serializer with claimflow's allowlist (no pickle, no arbitrary classes), compressed."""
    return CompactSerializer(allowed_msgpack_modules=list(CHECKPOINT_TYPES))
