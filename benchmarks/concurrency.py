"""Does concurrency pay? Documents per second at concurrency 4 against 1, for claimflow and for bare LangGraph.

Usage:
    python benchmarks/concurrency.py [--docs 24] [--repeats 5] [--high 4] [--backend sqlite|postgres]
                                     [--postgres postgresql://postgres@127.0.0.1:5432/postgres]

claimflow: `--docs` short text receipts through `claimflow.runtime.batch.process_files(engine, paths,
concurrency=N)` with the offline `rules` model, in a fresh data directory (the default SQLite files) each
time; opening the engine is not timed, intake is (it is part of the batch).
Bare LangGraph: as many threads of a graph with as many sequential async nodes as a claimflow run has
steps (counted from `step.completed` events), on AsyncSqliteSaver in a fresh file, `durability="sync"`,
N threads at once (asyncio.gather under a semaphore).
With `--backend postgres` each batch of either runs on a fresh database of the `--postgres` server instead:
claimflow with `Settings(database_url=...)` (its registry, store and checkpoints there), the bare graph on
AsyncPostgresSaver. There the waits are on a server, not a file, and concurrency can overlap them.
Both sides take their durability from the environment: `CLAIMFLOW_SQLITE_SYNCHRONOUS` (NORMAL unless FULL) and
`CLAIMFLOW_POSTGRES_SYNCHRONOUS_COMMIT` (off unless on) set claimflow's engine and the bare saver alike.

Each repetition runs claimflow@1, claimflow@4, bare@1, bare@4 back to back, after warm-ups that are discarded
(claimflow at 1 on SQLite, which also counts its steps, then at 4 on the backend; the bare graph at 4).
Printed: documents per second of each, the gain of each (rate@4 / rate@1 in that repetition), the median
and min, and claimflow's median gain as a fraction of the bare graph's median gain. A fraction near 1 means
claimflow's runs overlap as well as LangGraph's own do on the same saver. The machine is shared (2 cores):
read the gains and the fraction, not the absolute rates. Where fsync is cheap the bare graph is CPU-bound and
gains little itself (the script says so); the fraction is only telling where the bare graph does gain.

Target: claimflow's gain >= 0.8x the bare graph's gain. Measured before the engine work: claimflow's gain
0.92-1.09x, bare LangGraph's 2.3-5.3x.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _bare import DEFAULT_POSTGRES, compiled, engine_settings, fresh_database, run_bare, saver_for
from _receipts import write_receipts
from _report import per_rep_ratio, ratio_of_medians, table
from _steps import completed_steps

import claimflow
from claimflow.runtime.batch import process_files

TARGET = 0.8


async def claimflow_rate(
    docs: int, concurrency: int, seed: int, *, postgres: str | None = None, count_steps: bool = False
) -> tuple[float, int]:
    """Documents per second of one batch in a fresh data directory, and (if asked) the median steps per run."""
    with tempfile.TemporaryDirectory(prefix="claimflow-bench-") as temp:
        paths = write_receipts(Path(temp) / "docs", docs, seed)
        data_dir = Path(temp) / "data"
        async with fresh_database(postgres) as url:
            async with claimflow.open_engine(engine_settings(data_dir, url)) as engine:
                started = time.perf_counter()
                rows = await process_files(engine, paths, concurrency=concurrency)
                elapsed = time.perf_counter() - started
        steps = await completed_steps([row.run_id for row in rows], data_dir) if count_steps else [0]
    return docs / elapsed, round(statistics.median(steps))


async def bare_rate(docs: int, concurrency: int, steps: int, *, postgres: str | None = None) -> float:
    """Documents per second of the bare graph on a fresh SQLite file, or a fresh Postgres database."""
    with tempfile.TemporaryDirectory(prefix="claimflow-bench-") as temp:
        async with fresh_database(postgres) as url, saver_for(url or Path(temp) / "bare.db") as saver:
            graph = compiled(steps, saver)
            started = time.perf_counter()
            await run_bare(graph, [f"receipt-{index}" for index in range(docs)], concurrency)
            return docs / (time.perf_counter() - started)


async def main(args: argparse.Namespace) -> None:
    """Warm up, count the steps of a claimflow run, then the interleaved repetitions."""
    postgres = args.postgres if args.backend == "postgres" else None
    _, steps = await claimflow_rate(args.docs, 1, seed=999, count_steps=True)  # the steps are read on SQLite
    await claimflow_rate(args.docs, args.high, seed=998, postgres=postgres)
    await bare_rate(args.docs, args.high, steps, postgres=postgres)
    rates: dict[str, list[float]] = {"cf@1": [], f"cf@{args.high}": [], "bare@1": [], f"bare@{args.high}": []}
    for rep in range(args.repeats):
        rates["cf@1"].append((await claimflow_rate(args.docs, 1, seed=2 * rep, postgres=postgres))[0])
        high = await claimflow_rate(args.docs, args.high, seed=2 * rep + 1, postgres=postgres)
        rates[f"cf@{args.high}"].append(high[0])
        rates["bare@1"].append(await bare_rate(args.docs, 1, steps, postgres=postgres))
        rates[f"bare@{args.high}"].append(await bare_rate(args.docs, args.high, steps, postgres=postgres))
    cf_gain = per_rep_ratio(rates[f"cf@{args.high}"], rates["cf@1"])
    bare_gain = per_rep_ratio(rates[f"bare@{args.high}"], rates["bare@1"])
    print(
        f"{args.backend}: {args.docs} text receipts per batch; bare graph of {steps} nodes per document;"
        " documents per second"
    )
    table({**rates, "cf gain": cf_gain, "bare gain": bare_gain}, 2)
    fraction = statistics.median(cf_gain) / statistics.median(bare_gain)
    print(f"claimflow gain (median of rate@{args.high}/rate@1): {statistics.median(cf_gain):.2f}")
    print(f"bare gain (median of rate@{args.high}/rate@1):      {statistics.median(bare_gain):.2f}")
    for name in ("cf", "bare"):
        ratio = ratio_of_medians(rates[f"{name}@{args.high}"], rates[f"{name}@1"])
        print(f"{name}: ratio of median rates @{args.high}/@1: {ratio:.2f}")
    print(f"claimflow gain / bare gain: {fraction:.2f}  (target >= {TARGET})")
    if statistics.median(bare_gain) < 1.2:
        print("note: the bare graph itself gains little on this machine (its saver is CPU-bound, not I/O-bound),")
        print("      so the fraction above says little; compare the gains on a machine with slower fsync too")


def parse_args(argv: list[str]) -> argparse.Namespace:
    """The command line options."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=24, help="documents per batch (default 24)")
    parser.add_argument("--repeats", type=int, default=5, help="repetitions, at least 5 (default 5)")
    parser.add_argument("--high", type=int, default=4, help="the concurrency compared with 1 (default 4)")
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite", help="default sqlite")
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, help=f"the server (default {DEFAULT_POSTGRES})")
    args = parser.parse_args(argv)
    if args.docs < 1 or args.repeats < 5 or args.high < 2:
        parser.error("--docs must be at least 1, --repeats at least 5, --high at least 2")
    return args


if __name__ == "__main__":
    asyncio.run(main(parse_args(sys.argv[1:])))
