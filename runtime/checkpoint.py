"""Checkpointer factory: SQLite by default, with an explicit serde allowlist of our state types.

The Postgres saver is in `claimflow.runtime.checkpoint_postgres`, imported only where a database URL is set:
psycopg and LangGraph's Postgres saver are a tenth of a second to load, which a SQLite run never needs.
"""

from __future__ import annotations

import asyncio
import threading
import zlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, get_args

import aiosqlite
import zstandard
from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver
from pydantic import BaseModel

from claimflow.runtime.private import private_database
from claimflow.runtime.sqlite_now import BUSY_TIMEOUT_MS
from claimflow.runtime.sqlite_saver import OneTripSqliteSaver
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
        type_, data = super().dumps_typed(obj)
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


@asynccontextmanager
async def sqlite_checkpointer(path: Path, *, synchronous: str = "NORMAL") -> AsyncIterator[AsyncSqliteSaver]:
    """A SQLite saver on `path` in WAL mode (a write on the loop, or in one trip to its thread), set up and closed.

    `synchronous=NORMAL` (the default): a checkpoint the engine was told is written survives a killed
    process; the last ones may be lost on power failure. `FULL`: it survives power loss too, at an fsync
    per step.
    """
    if synchronous not in ("NORMAL", "FULL"):
        raise ValueError(f"synchronous must be NORMAL or FULL, not {synchronous!r}")
    await asyncio.to_thread(private_database, path)  # file modes: off the event loop
    # Without a sync per commit, a write may run on the event loop when it need not wait (see OneTripSqliteSaver):
    # the connection is then used from the loop's thread too, always under the saver's lock.
    on_loop = synchronous == "NORMAL"
    async with aiosqlite.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=not on_loop) as connection:
        await connection.execute("PRAGMA journal_mode=WAL")
        await connection.execute(f"PRAGMA synchronous={synchronous}")
        await connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        if on_loop:  # a commit never checkpoints the WAL (fsyncs): the saver does, on the thread
            await connection.execute("PRAGMA wal_autocheckpoint=0")
        saver = OneTripSqliteSaver(connection, serde=serializer(), on_loop=on_loop)
        await saver.setup()
        yield saver
