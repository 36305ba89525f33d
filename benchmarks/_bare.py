"""The baseline: a bare LangGraph graph of N sequential async nodes on a small dict state, with a real saver.

Each node does trivial work (bumps a counter, writes one short string); a document is one thread, invoked
with `durability="sync"` as claimflow invokes its runs. The savers are LangGraph's own, opened the way the
LangGraph docs say (SQLite: one aiosqlite connection; Postgres: autocommit, no prepared statements, dict rows).
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypedDict

import aiosqlite
from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph

if TYPE_CHECKING:  # psycopg and claimflow load where used: the model path's baseline pays neither
    from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver
    from psycopg.rows import DictRow

    from claimflow.runtime.settings import Settings

DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"


class BareState(TypedDict):
    """A small state: which document, how many nodes ran, what the last one said."""

    doc: str
    step: int
    note: str


class _Node:
    """One trivial async node: bump the counter, say who ran."""

    def __init__(self, index: int) -> None:
        self.index = index

    async def __call__(self, state: BareState) -> dict[str, Any]:
        return {"step": state["step"] + 1, "note": f"node {self.index} saw {state['doc']}"}


def build_bare_graph(steps: int) -> StateGraph[BareState, None, BareState, BareState]:
    """`steps` nodes in a line: START -> node_00 -> ... -> END (uncompiled; compile with a saver)."""
    graph = StateGraph(BareState)
    names = [f"node_{index:02d}" for index in range(steps)]
    for index, name in enumerate(names):
        graph.add_node(name, _Node(index))
    for first, second in zip([START, *names], [*names, END], strict=True):
        graph.add_edge(first, second)
    return graph


async def run_bare(graph: CompiledStateGraph[Any, Any, Any, Any], docs: Sequence[str], concurrency: int = 1) -> None:
    """One new thread per document, up to `concurrency` at once (asyncio.gather under a semaphore)."""
    slots = asyncio.Semaphore(concurrency)

    async def one(doc: str) -> None:
        async with slots:
            config: RunnableConfig = {"configurable": {"thread_id": uuid.uuid4().hex}}
            await graph.ainvoke({"doc": doc, "step": 0, "note": ""}, config, durability="sync")

    await asyncio.gather(*(one(doc) for doc in docs))


@asynccontextmanager
async def sqlite_saver(path: Path) -> AsyncIterator[AsyncSqliteSaver]:
    """An AsyncSqliteSaver on a file, set up as claimflow sets up its own: WAL, and the same `synchronous`.

    `CLAIMFLOW_SQLITE_SYNCHRONOUS` (NORMAL unless set to FULL) applies to both sides of a comparison.
    """
    synchronous = sqlite_synchronous()
    async with aiosqlite.connect(path) as connection:
        await connection.execute("PRAGMA journal_mode=WAL")
        await connection.execute(f"PRAGMA synchronous={synchronous}")
        saver = AsyncSqliteSaver(connection)
        await saver.setup()
        yield saver


def sqlite_synchronous() -> str:
    """`CLAIMFLOW_SQLITE_SYNCHRONOUS` (NORMAL unless set to FULL): applies to both sides of a comparison."""
    return os.environ.get("CLAIMFLOW_SQLITE_SYNCHRONOUS") or "NORMAL"


def postgres_synchronous_commit() -> Literal["off", "on"]:
    """`CLAIMFLOW_POSTGRES_SYNCHRONOUS_COMMIT` (off unless set to on): applies to both sides of a comparison."""
    return "on" if os.environ.get("CLAIMFLOW_POSTGRES_SYNCHRONOUS_COMMIT") == "on" else "off"


def engine_settings(data_dir: Path, database_url: str | None) -> Settings:
    """The settings of a claimflow arm: the environment's, so its durability settings are the bare arm's."""
    from dataclasses import replace

    from claimflow.runtime.settings import Settings

    return replace(Settings.load(data_dir=data_dir), database_url=database_url)


@asynccontextmanager
async def postgres_saver(url: str) -> AsyncIterator[AsyncPostgresSaver]:
    """An AsyncPostgresSaver on one connection (autocommit, prepare_threshold=0, dict rows), set up.

    Its session's `synchronous_commit` is claimflow's checkpoints' (`postgres_synchronous_commit`).
    """
    from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver
    from psycopg import AsyncConnection
    from psycopg.rows import dict_row

    connection: AsyncConnection[DictRow]
    async with await AsyncConnection.connect(
        url, autocommit=True, prepare_threshold=0, row_factory=dict_row
    ) as connection:
        if postgres_synchronous_commit() == "off":  # else the server's own setting, as claimflow's "on" keeps it
            await connection.execute("SET synchronous_commit = off")
        saver = AsyncPostgresSaver(connection)
        await saver.setup()
        yield saver


def saver_for(url_or_path: str | Path, *, claimflows: bool = False) -> Any:
    """`postgres_saver` for a postgresql:// URL, else `sqlite_saver` for a file path.

    `claimflows=True`: the saver claimflow itself opens instead (`runtime/checkpoint.py`: on SQLite one trip to
    the connection's thread per write, on Postgres a pool with each write one transaction), with its serializer.
    """
    postgres = isinstance(url_or_path, str) and url_or_path.startswith("postgres")
    if claimflows:
        from claimflow.runtime.checkpoint import sqlite_checkpointer
        from claimflow.runtime.checkpoint_postgres import postgres_checkpointer

        if postgres:
            return postgres_checkpointer(str(url_or_path), synchronous_commit=postgres_synchronous_commit())
        return sqlite_checkpointer(Path(url_or_path), synchronous=sqlite_synchronous())
    if postgres:
        return postgres_saver(str(url_or_path))
    return sqlite_saver(Path(url_or_path))


def compiled(steps: int, saver: BaseCheckpointSaver[Any]) -> CompiledStateGraph[Any, Any, Any, Any]:
    """The bare graph of `steps` nodes compiled with `saver`."""
    return build_bare_graph(steps).compile(checkpointer=saver)


def sqlite_tables(path: Path) -> list[str]:
    """The table names of a SQLite file (to find LangGraph's checkpoint tables in a data directory)."""
    with sqlite3.connect(path) as connection:
        return [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]


@asynccontextmanager
async def scratch_database(url: str) -> AsyncIterator[str]:
    """A new, empty database on the server of `url` (yields its URL), dropped afterwards."""
    from psycopg import AsyncConnection

    name = f"claimflow_bench_{uuid.uuid4().hex[:12]}"
    async with await AsyncConnection.connect(url, autocommit=True) as admin:
        await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.rsplit("/", 1)[0] + "/" + name
    finally:
        async with await AsyncConnection.connect(url, autocommit=True) as admin:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@asynccontextmanager
async def fresh_database(postgres: str | None) -> AsyncIterator[str | None]:
    """None on SQLite (files in a fresh folder); else the URL of a fresh database on the `postgres` server."""
    if postgres is None:
        yield None
        return
    async with scratch_database(postgres) as url:
        yield url
