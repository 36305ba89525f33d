"""What does the REST API add? Wall time of a batch uploaded over HTTP against the same batch run in-process.

Usage:
    python benchmarks/service_overhead.py [--docs 24] [--repeats 5] [--concurrency 4]

In-process: `--docs` short text receipts through `process_files(engine, paths, concurrency=N)` with the
offline `rules` model in a fresh data directory. Over HTTP: the same number of receipts (other seeds, so no
duplicates) posted one after another to `POST /v1/documents` of the app served by uvicorn on 127.0.0.1 (in a
thread of this process) with `CLAIMFLOW_SERVE_CONCURRENCY=N`, timed until `GET /metrics` counts them all
completed (polled every 20 ms; it reads the runs table, not the runs' states). Opening the engine and starting
the server are not timed in either.

Each repetition runs both back to back (after one discarded warm-up). Printed: seconds per batch of each, the
ratio per repetition, and the ratio of medians. The machine is shared (2 cores): read the ratio.

Target: <= 1.25x. Measured: 0.99x (medians 0.82 s over HTTP, 0.84 s in-process, 24 receipts at 4 at once).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import httpx
import uvicorn
from _receipts import write_receipts
from _report import per_rep_ratio, ratio_of_medians, table

import claimflow
from claimflow.runtime.batch import process_files
from claimflow.runtime.service import create_app
from claimflow.runtime.settings import Settings

TARGET = 1.25


async def in_process(docs: int, concurrency: int, seed: int) -> float:
    """Seconds for one batch through the engine directly."""
    with tempfile.TemporaryDirectory(prefix="claimflow-bench-") as temp:
        paths = write_receipts(Path(temp) / "docs", docs, seed)
        async with claimflow.open_engine(Settings(data_dir=Path(temp) / "data")) as engine:
            started = time.perf_counter()
            rows = await process_files(engine, paths, concurrency=concurrency)
            elapsed = time.perf_counter() - started
    assert all(row.status == "completed" for row in rows), [row.error for row in rows]
    return elapsed


@contextmanager
def serving(settings: Settings) -> Iterator[str]:
    """The app on a free local port, in a thread; yields its base URL."""
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join()


def over_http(docs: int, concurrency: int, seed: int) -> float:
    """Seconds from the first upload until every run of the batch completed."""
    with tempfile.TemporaryDirectory(prefix="claimflow-bench-") as temp:
        paths = write_receipts(Path(temp) / "docs", docs, seed)
        settings = replace(Settings(data_dir=Path(temp) / "data"), serve_concurrency=concurrency)

        async def token() -> str:
            async with claimflow.open_engine(settings, readonly=True) as engine:
                return (await engine.create_token("bench", "admin"))[0]

        headers = {"Authorization": f"Bearer {asyncio.run(token())}"}
        with serving(settings) as base, httpx.Client(base_url=base, headers=headers, timeout=60) as client:
            started = time.perf_counter()
            for path in paths:
                answer = client.post("/v1/documents", files={"file": (path.name, path.read_bytes())})
                assert answer.status_code == 201, answer.text
            done = f'claimflow_runs{{status="completed"}} {docs}\n'
            while done not in client.get("/metrics").text:
                time.sleep(0.02)
            return time.perf_counter() - started


def main() -> None:
    """Warm up, then alternate the two ways for each repetition."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=24)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    asyncio.run(in_process(args.docs, args.concurrency, seed=900))
    over_http(args.docs, args.concurrency, seed=901)
    direct: list[float] = []
    served: list[float] = []
    for rep in range(args.repeats):
        direct.append(asyncio.run(in_process(args.docs, args.concurrency, seed=2 * rep)))
        served.append(over_http(args.docs, args.concurrency, seed=2 * rep + 1))
    table({"in-process s": direct, "http s": served, "ratio": per_rep_ratio(served, direct)}, digits=2)
    ratio = ratio_of_medians(served, direct)
    print(f"ratio of medians (http / in-process): {ratio:.2f}x (target <= {TARGET}x)")
    sys.exit(0)


if __name__ == "__main__":
    main()
