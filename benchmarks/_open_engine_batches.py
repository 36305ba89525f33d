"""A long-lived claimflow process for `model_path.py`: one engine opened once, then batch after batch.

Usage (run by `model_path.py`, not by hand):
    python benchmarks/_open_engine_batches.py DATA_DIR BASE_URL CONCURRENCY

Opens `claimflow.open_engine` with the `openai:bench` model at BASE_URL (imports, the graph, the SDK client:
paid once, as a worker or `claimflow serve` pays them), prints `ready`, then reads one folder per line from
stdin and runs its documents as one batch (`process_files`, the `claimflow run` path, at CONCURRENCY). For each
batch it prints one JSON line: the seconds from the batch's start to its last document's end, the CPU seconds
the process spent meanwhile (all its threads), and the statuses.
"""

from __future__ import annotations

import asyncio
import gc
import json
import sys
import time
from collections import Counter
from pathlib import Path

import claimflow
from claimflow.runtime.batch import process_files
from claimflow.runtime.settings import Settings


async def serve_batches(data_dir: Path, base_url: str, concurrency: int) -> None:
    """Open the engine, then one batch per folder read from stdin, until stdin closes."""
    settings = Settings.load(data_dir=data_dir, model="openai:bench", base_url=base_url)
    async with claimflow.open_engine(settings) as engine:
        gc.freeze()  # as the CLI commands do once their engine is open
        print("ready", flush=True)
        loop = asyncio.get_running_loop()
        while line := (await loop.run_in_executor(None, sys.stdin.readline)).strip():
            files = sorted(path for path in Path(line).iterdir() if path.is_file())
            started, cpu = time.perf_counter(), time.process_time()
            rows = await process_files(engine, files, concurrency=concurrency)
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
            statuses = Counter(row.status for row in rows)
            print(json.dumps({"seconds": seconds, "cpu": cpu, "statuses": statuses}), flush=True)


if __name__ == "__main__":
    asyncio.run(serve_batches(Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])))
