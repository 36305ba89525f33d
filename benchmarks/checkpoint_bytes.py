"""Checkpoint bytes per document: claimflow against a bare LangGraph graph with the same number of steps.

Usage:
    python benchmarks/checkpoint_bytes.py [--docs 3] [--repeats 5]

A (claimflow): `--docs` text receipts through `claimflow.open_engine(...)` / `engine.process(path)` with the
`rules` model in a fresh data directory (SQLite). B (bare): the same number of documents through a bare graph
with as many sequential nodes as the claimflow runs had steps, on AsyncSqliteSaver in a fresh file. A
document is one LangGraph thread (claimflow's thread id is the run id). Bytes per document = the sizes of the
thread's rows in LangGraph's `checkpoints` and `writes` tables (every column: keys, type tags, blobs),
averaged over the documents of the repetition. The SQLite file holding claimflow's checkpoints is found by
its tables, not by name. Postgres is not measured here.

Printed: bytes per document of A and B per repetition (ABAB...), median and min, the ratio of medians; then,
for one claimflow document and one bare document, the bytes of each checkpoint (checkpoint + metadata, and
the writes stored against it) by step index, and last / first: a flat profile keeps that near 1, state that
accumulates (events, claims, routes appended with `operator.add`) makes it grow with every step, and the
total with the square of the steps.

Target: claimflow <= 2x bare bytes per document, flat in the step count. Measured before the work:
159 KB per 11-step document against 15 KB bare (10.5x).
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import statistics
import sys
import tempfile
import uuid
from pathlib import Path

from _bare import build_bare_graph, sqlite_saver, sqlite_tables
from _receipts import write_receipts
from _report import per_rep_ratio, ratio_of_medians, table
from _steps import completed_steps
from langchain_core.runnables import RunnableConfig

import claimflow
from claimflow.runtime.settings import Settings

TARGET = 2.0
CHECKPOINT_ROW = (
    "length(thread_id) + length(checkpoint_ns) + length(checkpoint_id) + ifnull(length(parent_checkpoint_id), 0)"
    " + ifnull(length(type), 0) + ifnull(length(checkpoint), 0) + ifnull(length(metadata), 0)"
)
WRITE_ROW = (
    "length(thread_id) + length(checkpoint_ns) + length(checkpoint_id) + length(task_id) + length(task_path) + 8"
    " + length(channel) + ifnull(length(type), 0) + ifnull(length(value), 0)"
)
Profile = list[tuple[int, int, int]]
"""(step, checkpoint bytes, writes bytes) per checkpoint of a thread, in order."""


def thread_bytes(database: Path, thread_id: str) -> int:
    """The size of a thread's rows in `checkpoints` and `writes`."""
    with sqlite3.connect(database) as connection:
        (checkpoints,) = connection.execute(
            f"SELECT ifnull(sum({CHECKPOINT_ROW}), 0) FROM checkpoints WHERE thread_id = ?", (thread_id,)
        ).fetchone()
        (writes,) = connection.execute(
            f"SELECT ifnull(sum({WRITE_ROW}), 0) FROM writes WHERE thread_id = ?", (thread_id,)
        ).fetchone()
    return int(checkpoints) + int(writes)


def profile(database: Path, thread_id: str) -> Profile:
    """Each checkpoint of the thread in order (ids are time-ordered): its step, its bytes, its writes' bytes."""
    query = (
        f"SELECT json_extract(CAST(c.metadata AS TEXT), '$.step'), {CHECKPOINT_ROW.replace('length(', 'length(c.')},"
        f" (SELECT ifnull(sum({WRITE_ROW}), 0) FROM writes w WHERE w.thread_id = c.thread_id"
        "   AND w.checkpoint_id = c.checkpoint_id)"
        " FROM checkpoints c WHERE c.thread_id = ? ORDER BY c.checkpoint_id"
    )
    with sqlite3.connect(database) as connection:
        return [(int(step), int(size), int(writes)) for step, size, writes in connection.execute(query, (thread_id,))]


def checkpoint_file(data_dir: Path) -> Path:
    """The SQLite file of a data directory that holds LangGraph's checkpoint tables."""
    for path in sorted(data_dir.rglob("*.db")):
        if {"checkpoints", "writes"} <= set(sqlite_tables(path)):
            return path
    raise FileNotFoundError(f"no SQLite file with checkpoint tables under {data_dir}")


async def claimflow_doc(docs: int, seed: int) -> tuple[float, int, Profile]:
    """Bytes per document, median steps per run, and the first run's checkpoint profile."""
    with tempfile.TemporaryDirectory(prefix="claimflow-bench-") as temp:
        paths = write_receipts(Path(temp) / "docs", docs, seed)
        data_dir = Path(temp) / "data"
        async with claimflow.open_engine(Settings(data_dir=data_dir)) as engine:
            runs = [await engine.process(path) for path in paths]
        steps = await completed_steps([run.run_id for run in runs], data_dir)
        database = checkpoint_file(data_dir)
        sizes = [thread_bytes(database, run.run_id) for run in runs]
        return statistics.mean(sizes), round(statistics.median(steps)), profile(database, runs[0].run_id)


async def bare_doc(docs: int, steps: int) -> tuple[float, Profile]:
    """Bytes per document of the bare graph, and the first thread's checkpoint profile."""
    with tempfile.TemporaryDirectory(prefix="claimflow-bench-") as temp:
        database = Path(temp) / "bare.db"
        threads = [uuid.uuid4().hex for _ in range(docs)]
        async with sqlite_saver(database) as saver:
            graph = build_bare_graph(steps).compile(checkpointer=saver)
            for index, thread in enumerate(threads):
                config: RunnableConfig = {"configurable": {"thread_id": thread}}
                await graph.ainvoke({"doc": f"receipt-{index}", "step": 0, "note": ""}, config, durability="sync")
        return statistics.mean(thread_bytes(database, t) for t in threads), profile(database, threads[0])


def print_profiles(ours: Profile, bare: Profile) -> None:
    """Bytes per checkpoint by index, claimflow next to bare."""
    print("\nbytes per checkpoint, one document (checkpoint + metadata | writes stored against it)")
    print(f"{'index':>5} {'step':>5} {'claimflow':>10} {'writes':>8} {'bare':>8} {'writes':>8}")
    for index in range(max(len(ours), len(bare))):
        a = ours[index] if index < len(ours) else None
        b = bare[index] if index < len(bare) else None
        left = f"{a[0]:>5} {a[1]:>10} {a[2]:>8}" if a else f"{'':>5} {'':>10} {'':>8}"
        right = f"{b[1]:>8} {b[2]:>8}" if b else ""
        print(f"{index:>5} {left} {right}")
    for name, rows in (("claimflow", ours), ("bare", bare)):
        sizes = [size for _, size, _ in rows[1:]]  # after the input checkpoint
        print(
            f"{name}: last / first checkpoint after the input: {sizes[-1] / sizes[0]:.2f} ({sizes[0]} -> {sizes[-1]})"
        )


async def main(args: argparse.Namespace) -> None:
    """Count the steps, then alternate claimflow and bare documents."""
    _, steps, _ = await claimflow_doc(1, seed=999)
    ours: list[float] = []
    bare: list[float] = []
    for rep in range(args.repeats):
        size, _, ours_profile = await claimflow_doc(args.docs, seed=rep)
        ours.append(size / 1000)
        bare_size, bare_profile = await bare_doc(args.docs, steps)
        bare.append(bare_size / 1000)
    print(
        f"{args.docs} receipts per repetition; bare graph of {steps} nodes per document; KB (1000 bytes) per document"
    )
    table({"claimflow KB/doc": ours, "bare KB/doc": bare, "ratio": per_rep_ratio(ours, bare)}, 2)
    print(f"ratio of medians (claimflow / bare): {ratio_of_medians(ours, bare):.2f}  (target <= {TARGET})")
    print_profiles(ours_profile, bare_profile)


def parse_args(argv: list[str]) -> argparse.Namespace:
    """The command line options."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=3, help="documents per repetition (default 3)")
    parser.add_argument("--repeats", type=int, default=5, help="repetitions, at least 5 (default 5)")
    args = parser.parse_args(argv)
    if args.docs < 1 or args.repeats < 5:
        parser.error("--docs must be at least 1, --repeats at least 5")
    return args


if __name__ == "__main__":
    asyncio.run(main(parse_args(sys.argv[1:])))
