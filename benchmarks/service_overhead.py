"""What does the REST API add? Wall time of a batch uploaded over HTTP against the same batch run in-process.

Usage:
    python benchmarks/service_overhead.py [--docs 24] [--repeats 5] [--concurrency 4]

In-process: `--docs` short text receipts through `process_files(engine, paths, concurrency=N)` with the
offline `rules` model in a fresh data directory. Over HTTP: the same number of receipts (other seeds, so no
duplicates) posted one after another to `POST /v1/documents` of `claimflow serve` (this virtualenv's console
script, its own process, on a free port of 127.0.0.1, with `CLAIMFLOW_SERVE_CONCURRENCY=N`), timed until
`GET /metrics` counts them all completed (polled every 20 ms; it reads the runs table, not the runs' states).
Opening the engine and starting the server are not timed in either.

The server runs apart from this process, as it does for any client: a server in a thread of the client's
process shares its interpreter lock, so the client's own work (encoding the uploads, reading the answers,
polling) was counted as the API's. Measured that way on one machine, alternating with the in-process batch:
1.14x-1.43x in runs of the same code.

Each repetition runs both back to back (after one discarded warm-up). Printed: seconds per batch of each, the
ratio per repetition, and the ratio of medians. The machine is shared (2 cores): read the ratio.

Target: <= 1.25x. Measured: 0.99x with the server in a thread (medians 0.82 s over HTTP, 0.84 s in-process, 24
receipts at 4 at once); with the server apart, 0.97x-1.16x (1.55x-1.76x before the change that moved the
routes' dependencies off the thread pool).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from _environment import environment_without
from _receipts import write_receipts
from _report import per_rep_ratio, ratio_of_medians, table

import claimflow
from claimflow.runtime.batch import process_files
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


CLAIMFLOW = Path(sys.executable).with_name("claimflow")
"""The console script of this virtualenv."""


def free_port() -> int:
    """A port of 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def serving(data_dir: Path, concurrency: int) -> Iterator[str]:
    """`claimflow serve` on `data_dir` in a process of its own, once it answers; yields its base URL."""
    port = free_port()
    environment = environment_without("CLAIMFLOW_", "OPENAI_", "ANTHROPIC_", "PYTHONDONTWRITEBYTECODE")
    environment["CLAIMFLOW_SERVE_CONCURRENCY"] = str(concurrency)
    command = [str(CLAIMFLOW), "serve", "--port", str(port), "--data-dir", str(data_dir)]
    base = f"http://127.0.0.1:{port}"
    # Its log goes to a file beside the data: a pipe nobody reads while the batch runs could fill and stop it.
    log = data_dir.parent / "serve.log"
    with log.open("w") as stderr:
        process = subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL, stderr=stderr)
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"claimflow serve exited: {log.read_text()}")
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError("claimflow serve did not answer within 60 s")
            time.sleep(0.05)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def over_http(docs: int, concurrency: int, seed: int) -> float:
    """Seconds from the first upload until every run of the batch completed."""
    with tempfile.TemporaryDirectory(prefix="claimflow-bench-") as temp:
        paths = write_receipts(Path(temp) / "docs", docs, seed)
        data_dir = Path(temp) / "data"

        async def token() -> str:
            async with claimflow.open_engine(Settings(data_dir=data_dir), readonly=True) as engine:
                return (await engine.create_token("bench", "admin"))[0]

        headers = {"Authorization": f"Bearer {asyncio.run(token())}"}
        with serving(data_dir, concurrency) as base, httpx.Client(base_url=base, headers=headers, timeout=60) as client:
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
