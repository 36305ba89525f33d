"""Per-step cost of the whole engine against a bare LangGraph graph on the same saver, `durability="sync"`.

Usage:
    python benchmarks/step_cost.py [--docs 20] [--repeats 7] [--backends sqlite,postgres]
                                   [--postgres postgresql://postgres@127.0.0.1:5432/postgres]

A (claimflow): `--docs` short text receipts go one after the other through `claimflow.open_engine(...)`
and `await engine.process(path)` with the offline `rules` model, in a fresh data directory (SQLite), or with
`Settings(database_url=...)` on a fresh Postgres database. Time per step = wall time of the documents /
steps executed (the runs' `step.completed` events, read back with `claimflow trace --json`). Opening the
engine is not timed.
B (bare LangGraph): a StateGraph with as many sequential async nodes as a claimflow run has steps, each
doing trivial work on a small dict state, compiled with the same saver class (AsyncSqliteSaver on a file
in a temporary folder; AsyncPostgresSaver with autocommit, prepare_threshold=0, dict rows on a fresh
database), one thread per document, invoked with `durability="sync"`.

A and B alternate (ABAB...) after one discarded warm-up of each. Printed per backend: microseconds per
step of each repetition, the median and min, and the ratio of medians (A / B): how many times a bare
LangGraph step one claimflow step costs. The machine is shared: read the ratios, not the absolute numbers.
C, alternating with both: the bare graph on the saver claimflow opens (`runtime/checkpoint.py`), so that what
claimflow's saver saves and what the rest of the engine costs can be read apart: A / C is the second ratio.
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
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from _bare import DEFAULT_POSTGRES, compiled, run_bare, saver_for, scratch_database
from _receipts import write_receipts
from _report import per_rep_ratio, ratio_of_medians, table
from _steps import step_times

import claimflow
from claimflow.runtime.settings import Settings

TARGET = 1.25


@asynccontextmanager
async def database(backend: str, args: argparse.Namespace) -> AsyncIterator[str | None]:
    """None for SQLite (files in the data directory), else the URL of a fresh Postgres database."""
    if backend == "sqlite":
        yield None
        return
    async with scratch_database(args.postgres) as url:
        yield url


async def engine_once(backend: str, args: argparse.Namespace, seed: int) -> tuple[float, list[int], float]:
    """Process the receipts through claimflow; (wall seconds, steps of each run, seconds in step bodies)."""
    with tempfile.TemporaryDirectory(prefix="claimflow-bench-") as temp:
        paths = write_receipts(Path(temp) / "docs", args.docs, seed)
        data_dir = Path(temp) / "data"
        async with database(backend, args) as url:
            async with claimflow.open_engine(Settings(data_dir=data_dir, database_url=url)) as engine:
                started = time.perf_counter()
                runs = [await engine.process(path) for path in paths]
                wall = time.perf_counter() - started
            times = await step_times([run.run_id for run in runs], data_dir, url)
    return wall, [steps for steps, _ in times], sum(body for _, body in times)


async def bare_once(backend: str, args: argparse.Namespace, steps: int, *, claimflows: bool = False) -> float:
    """Run the bare graph of `steps` nodes over as many threads as there are documents; wall seconds.

    `claimflows`: on the saver claimflow opens, rather than LangGraph's own.
    """
    with tempfile.TemporaryDirectory(prefix="claimflow-bench-") as temp:
        async with database(backend, args) as url:
            async with saver_for(url or Path(temp) / "bare.db", claimflows=claimflows) as saver:
                graph = compiled(steps, saver)
                started = time.perf_counter()
                await run_bare(graph, [f"receipt-{index}" for index in range(args.docs)])
                return time.perf_counter() - started


async def measure(backend: str, args: argparse.Namespace) -> None:
    """Warm up, then alternate claimflow and bare runs; print the table and the ratio."""
    _, warm_steps, _ = await engine_once(backend, args, seed=999)
    steps = round(statistics.median(warm_steps))
    await bare_once(backend, args, steps)
    await bare_once(backend, args, steps, claimflows=True)
    engine_us: list[float] = []
    around_us: list[float] = []
    bare_us: list[float] = []
    bare_on_ours_us: list[float] = []
    counted: set[int] = set()
    for rep in range(args.repeats):
        wall, run_steps, bodies = await engine_once(backend, args, seed=rep)
        engine_us.append(wall / sum(run_steps) * 1e6)
        around_us.append((wall - bodies) / sum(run_steps) * 1e6)
        counted.update(run_steps)
        bare_us.append(await bare_once(backend, args, steps) / (args.docs * steps) * 1e6)
        on_ours = await bare_once(backend, args, steps, claimflows=True)
        bare_on_ours_us.append(on_ours / (args.docs * steps) * 1e6)
    print(f"\n== {backend}: {args.docs} documents per repetition; bare graph of {steps} nodes per document")
    print(f"claimflow steps per document seen: {', '.join(map(str, sorted(counted)))}")
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


async def main(args: argparse.Namespace) -> None:
    """Each backend in turn."""
    for backend in args.backends:
        await measure(backend, args)


def parse_args(argv: list[str]) -> argparse.Namespace:
    """The command line options."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=20, help="documents per repetition (default 20)")
    parser.add_argument("--repeats", type=int, default=7, help="repetitions of A and B, at least 5 (default 7)")
    parser.add_argument("--backends", default="sqlite,postgres", help="sqlite, postgres or both (default both)")
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, help=f"a Postgres server (default {DEFAULT_POSTGRES})")
    args = parser.parse_args(argv)
    args.backends = [name.strip() for name in args.backends.split(",") if name.strip()]
    if args.docs < 1 or args.repeats < 5 or not set(args.backends) <= {"sqlite", "postgres"}:
        parser.error("--docs must be at least 1, --repeats at least 5, --backends sqlite and/or postgres")
    return args


if __name__ == "__main__":
    asyncio.run(main(parse_args(sys.argv[1:])))
