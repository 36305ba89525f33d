"""Per-step cost of the whole engine against a bare LangGraph graph on the same saver, `durability="sync"`.

Usage:
    python benchmarks/step_cost.py [--docs 20] [--block 4] [--repeats 7] [--backends sqlite,postgres]
                                   [--postgres postgresql://postgres@127.0.0.1:5432/postgres]

A (claimflow): `--docs` short text receipts go one after the other through `claimflow.open_engine(...)`
and `await engine.process(path)` with the offline `rules` model, in a fresh data directory (SQLite), or with
`Settings(database_url=...)` on a fresh Postgres database. Time per step = wall time of the documents /
steps executed (the runs' `step.completed` events, read back with `claimflow trace --json`). Opening the
engine is not timed, nor is its warm-up (`Engine.warm_up`, which a worker and `claimflow serve` call before they
take work: hashing the workflow's code for its version, which the engine otherwise does in its first document);
the time it took is printed, the median over the repetitions.
B (bare LangGraph): a StateGraph with as many sequential async nodes as a claimflow run has steps, each
doing trivial work on a small dict state, compiled with the same saver class (AsyncSqliteSaver on a file
in a temporary folder; AsyncPostgresSaver with autocommit, prepare_threshold=0, dict rows on a fresh
database), one thread per document, invoked with `durability="sync"`.

All three arms take their durability from the environment, alike: `CLAIMFLOW_SQLITE_SYNCHRONOUS` (NORMAL unless
FULL) and `CLAIMFLOW_POSTGRES_SYNCHRONOUS_COMMIT` (off unless on; whether a checkpoint's commit waits for the
server's log flush). The header of each backend's table says which.

C: the bare graph on the saver claimflow opens (`runtime/checkpoint.py`), so that what claimflow's saver saves
and what the rest of the engine costs can be read apart: A / C is the second ratio.

In each repetition the three arms are opened side by side (each its own engine or saver, in its own folder or
database, opened before any timing), then take turns on the same receipts in blocks of `--block` documents:
A B C, then B C A, then C A B, and so on. The machine's drift over seconds so falls on all three alike. Printed
per backend: microseconds per step of each repetition, the median and min, and the ratio of medians (A / B):
how many times a bare LangGraph step one claimflow step costs. The machine is shared: read the ratios, not the
absolute numbers.

The third ratio takes out of A the time claimflow's step bodies spent on their own work (reading the text,
masking, checking evidence: the durations the `step.completed` events record), which the bare graph's trivial
nodes do not do: what the engine costs around the work, against B. It is a reading, not the target.

Target: ratio <= 1.25 on SQLite and on Postgres. Measured before the engine work: 1.8-2.0x on SQLite,
2.0-2.3x on Postgres.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from _bare import (
    DEFAULT_POSTGRES,
    compiled,
    engine_settings,
    fresh_database,
    postgres_synchronous_commit,
    run_bare,
    saver_for,
    sqlite_synchronous,
)
from _receipts import write_receipts
from _report import per_rep_ratio, ratio_of_medians, table
from _steps import step_times

import claimflow

TARGET = 1.25


Block = Callable[[list[Path]], Awaitable[None]]
"""An arm's turn: run these receipts, one after the other."""


@dataclass
class ClaimflowArm:
    """A: an open engine, and the runs it made (whose `step.completed` events say their steps and bodies)."""

    engine: claimflow.Engine
    data_dir: Path
    database_url: str | None
    warm_up_seconds: float
    """How long the engine's warm-up took (not timed with the documents)."""
    runs: list[str] = field(default_factory=list)

    async def block(self, paths: list[Path]) -> None:
        """Process the receipts one after the other."""
        for path in paths:
            self.runs.append((await self.engine.process(path)).run_id)

    async def step_times(self) -> list[tuple[int, float]]:
        """Per run so far: its steps, and the seconds its step bodies took."""
        return await step_times(self.runs, self.data_dir, self.database_url)


def server_of(backend: str, args: argparse.Namespace) -> str | None:
    """The Postgres server an arm of `backend` makes its fresh database on; None on SQLite (files in a folder)."""
    return args.postgres if backend == "postgres" else None


@asynccontextmanager
async def claimflow_arm(backend: str, args: argparse.Namespace, temp: Path) -> AsyncIterator[ClaimflowArm]:
    """A, opened in `temp` (or on a fresh Postgres database)."""
    async with fresh_database(server_of(backend, args)) as url:
        async with claimflow.open_engine(engine_settings(temp / "data", url)) as engine:
            started = time.perf_counter()
            await engine.warm_up()
            yield ClaimflowArm(engine, temp / "data", url, time.perf_counter() - started)


@asynccontextmanager
async def bare_arm(
    backend: str, args: argparse.Namespace, temp: Path, steps: int, *, claimflows: bool
) -> AsyncIterator[Block]:
    """B (LangGraph's saver) or C (claimflow's): the bare graph of `steps` nodes, one thread per receipt."""
    async with fresh_database(server_of(backend, args)) as url:
        async with saver_for(url or temp / "bare.db", claimflows=claimflows) as saver:
            graph = compiled(steps, saver)

            async def block(paths: list[Path]) -> None:
                await run_bare(graph, [path.stem for path in paths])

            yield block


@dataclass
class Repetition:
    """What one repetition measured: each arm's seconds on the same receipts, and claimflow's runs."""

    seconds: dict[str, float]
    """Per arm ("a", "b", "c"), the seconds its turns took in all."""
    steps: list[int]
    """The steps of each claimflow run."""
    bodies: float
    """The seconds claimflow's step bodies took in all."""
    warm_up: float
    """The seconds claimflow's warm-up took, before the documents."""


async def one_repetition(backend: str, args: argparse.Namespace, steps: int, seed: int) -> Repetition:
    """The three arms on the same receipts, taking turns in blocks (A B C, B C A, C A B, ...)."""
    with tempfile.TemporaryDirectory(prefix="claimflow-bench-") as folder:
        temp = Path(folder)
        paths = write_receipts(temp / "docs", args.docs, seed)
        for arm in "abc":
            (temp / arm).mkdir()
        seconds = {"a": 0.0, "b": 0.0, "c": 0.0}
        async with (
            claimflow_arm(backend, args, temp / "a") as engine_arm,
            bare_arm(backend, args, temp / "b", steps, claimflows=False) as bare_block,
            bare_arm(backend, args, temp / "c", steps, claimflows=True) as ours_block,
        ):
            arms: dict[str, Block] = {"a": engine_arm.block, "b": bare_block, "c": ours_block}
            for index, first in enumerate(range(0, len(paths), args.block)):
                chunk = paths[first : first + args.block]
                order = "abc"[index % 3 :] + "abc"[: index % 3]  # each arm first, second and third in turn
                for arm in order:
                    started = time.perf_counter()
                    await arms[arm](chunk)
                    seconds[arm] += time.perf_counter() - started
            times = await engine_arm.step_times()
    return Repetition(
        seconds, [count for count, _ in times], sum(body for _, body in times), engine_arm.warm_up_seconds
    )


async def measure(backend: str, args: argparse.Namespace) -> None:
    """Warm up, then repeat the interleaved arms; print the table and the ratios."""
    with tempfile.TemporaryDirectory(prefix="claimflow-bench-") as folder:
        async with claimflow_arm(backend, args, Path(folder)) as warm:
            await warm.block(write_receipts(Path(folder) / "docs", min(args.docs, 10), seed=999))
            steps = round(statistics.median(count for count, _ in await warm.step_times()))
    engine_us: list[float] = []
    around_us: list[float] = []
    bare_us: list[float] = []
    bare_on_ours_us: list[float] = []
    counted: set[int] = set()
    warm_ups: list[float] = []
    for rep in range(args.repeats):
        measured = await one_repetition(backend, args, steps, seed=rep)
        counted.update(measured.steps)
        warm_ups.append(measured.warm_up)
        claimflow_steps = sum(measured.steps)
        engine_us.append(measured.seconds["a"] / claimflow_steps * 1e6)
        around_us.append((measured.seconds["a"] - measured.bodies) / claimflow_steps * 1e6)
        bare_us.append(measured.seconds["b"] / (args.docs * steps) * 1e6)
        bare_on_ours_us.append(measured.seconds["c"] / (args.docs * steps) * 1e6)
    print(f"\n== {backend}: {args.docs} documents a repetition, in blocks of {args.block}; bare graph of {steps} nodes")
    print(f"durability on both sides: {durability(backend)}")
    print(f"claimflow steps per document seen: {', '.join(map(str, sorted(counted)))}")
    print(f"claimflow's warm-up before the documents, not timed: {statistics.median(warm_ups) * 1e3:.1f} ms (median)")
    rows = {"claimflow us/step": engine_us, "bare us/step": bare_us, "ratio": per_rep_ratio(engine_us, bare_us)}
    rows["bare, claimflow's saver"] = bare_on_ours_us
    rows["claimflow less bodies"] = around_us
    table(rows, 2)
    ratio = ratio_of_medians(engine_us, bare_us)
    print(f"ratio of medians (claimflow / bare on LangGraph's saver): {ratio:.2f}  (target <= {TARGET})")
    ours = ratio_of_medians(engine_us, bare_on_ours_us)
    print(f"ratio of medians (claimflow / bare on claimflow's saver): {ours:.2f}")
    around = ratio_of_medians(around_us, bare_us)
    print(f"ratio of medians (claimflow less its step bodies' own work / bare on LangGraph's saver): {around:.2f}")


def durability(backend: str) -> str:
    """The durability setting both sides run with, as the environment sets it (see `_bare`)."""
    if backend == "postgres":
        return f"synchronous_commit={postgres_synchronous_commit()} (CLAIMFLOW_POSTGRES_SYNCHRONOUS_COMMIT)"
    return f"synchronous={sqlite_synchronous()} (CLAIMFLOW_SQLITE_SYNCHRONOUS)"


async def main(args: argparse.Namespace) -> None:
    """Each backend in turn."""
    for backend in args.backends:
        await measure(backend, args)


def parse_args(argv: list[str]) -> argparse.Namespace:
    """The command line options."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=20, help="documents per repetition (default 20)")
    parser.add_argument("--repeats", type=int, default=7, help="repetitions of the three arms, at least 5 (default 7)")
    parser.add_argument("--block", type=int, default=4, help="documents an arm runs before the next one's turn")
    parser.add_argument("--backends", default="sqlite,postgres", help="sqlite, postgres or both (default both)")
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, help=f"a Postgres server (default {DEFAULT_POSTGRES})")
    args = parser.parse_args(argv)
    args.backends = [name.strip() for name in args.backends.split(",") if name.strip()]
    if args.docs < 1 or args.block < 1 or args.repeats < 5 or not set(args.backends) <= {"sqlite", "postgres"}:
        parser.error("--docs and --block must be at least 1, --repeats at least 5, --backends sqlite and/or postgres")
    return args


if __name__ == "__main__":
    asyncio.run(main(parse_args(sys.argv[1:])))
