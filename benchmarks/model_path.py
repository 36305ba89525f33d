"""How close does a batch through a real HTTP model come to its limit? Wall time against the ideal.

Usage:
    python benchmarks/model_path.py [--docs 40] [--concurrency 8] [--latency 0.2] [--repeats 5] [--calls-per-doc 2]

A local OpenAI-compatible server (`_fixed_latency_server.py`, in this process) answers every chat completion
in exactly `--latency` seconds with the claims the rules backend would make. The `claimflow` console script
of this virtualenv runs as a subprocess:
`claimflow run DOCS --model openai:bench --base-url http://127.0.0.1:PORT/v1 --concurrency 8` on `--docs`
text receipts, in a fresh data directory each repetition (no OPENAI_API_KEY: a local server needs none).

Printed per repetition: the wall time of the command (start-up included, as a user waits for it), the ideal
ceil(docs / concurrency) * calls_per_doc * latency, their ratio, when the first request reached the server
after the command started, the server span (first request to last answer), and the requests per document
the server saw. Then the median and min of each. A ratio near 1 means the model's latency, not claimflow,
bounds the batch.

In each repetition the same batch (other receipts of the same kind) also goes through an engine that is already
open: `_open_engine_batches.py`, a long-lived process that opened `claimflow.open_engine` once and runs one
batch after another the way `claimflow run` does (`process_files`), as a worker or `claimflow serve` does. Its
time runs from the batch's start to its last document's end: what claimflow adds to the model's latency once
start-up is paid.

And through the baseline, `_bare_model_path.py`: a bare LangGraph program, started as a process the same way,
that imports LangGraph and the OpenAI SDK, and sends each document through a graph of three nodes (read,
classify, extract: the same two chat completions a document, JSON mode, `json.loads` on the answer) on
LangGraph's SQLite saver with `durability="sync"`, at the same concurrency. Its wall time is the floor any
LangGraph program on the OpenAI SDK starts from; `wall / bare` is what claimflow adds to it, start-up included.
It also reports its batch alone (first document's start to last one's end), to set beside the open engine's.
The three arms take turns going first.

Both run with bytecode caching on (`PYTHONDONTWRITEBYTECODE` is cleared for them): an installed claimflow has
its bytecode compiled by pip, and a checkout writes it on first import, unless that variable is set, as it is on
some machines; the warm-up batch writes it.

Also timed in each repetition, right after the batch: `python -c "import langgraph.graph, openai.resources.chat"`,
the imports any LangGraph program calling an OpenAI-compatible server through the OpenAI SDK pays before its
first request (`import openai` leaves the API resources out; the SDK loads them, some 0.35 s here, when a client
first reaches `client.chat`). `wall / (ideal + imports)` says how far the batch is from that floor.

Target: wall <= 1.3x the ideal (40 documents, concurrency 8, 200 ms). Measured before the work:
8.1x the ideal 2.0 s, the first request 6.4 s after start.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import math
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from _environment import environment_without
from _fixed_latency_server import FixedLatencyServer
from _receipts import write_receipts
from _report import table

TARGET = 1.3
CLAIMFLOW = Path(sys.executable).with_name("claimflow")
OPEN_ENGINE = Path(__file__).with_name("_open_engine_batches.py")
BARE = Path(__file__).with_name("_bare_model_path.py")


def child_environment() -> dict[str, str]:
    """This environment without model keys, claimflow settings, or the switch that stops bytecode caching."""
    return environment_without("OPENAI_", "CLAIMFLOW_", "PYTHONDONTWRITEBYTECODE")


class OpenEngine:
    """A claimflow process whose engine is open: send it a folder, get back the batch's seconds."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process

    def batch(self, folder: Path, docs: int) -> float:
        """Run the documents of `folder` as one batch; the seconds it took inside that process."""
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(f"{folder}\n")
        self.process.stdin.flush()
        done = json.loads(self.process.stdout.readline())
        if done["statuses"].get("completed", 0) != docs:
            print(f"  note: open engine statuses {done['statuses']}")
        return float(done["seconds"])


@contextlib.contextmanager
def open_engine(server: FixedLatencyServer, args: argparse.Namespace, data_dir: Path) -> Iterator[OpenEngine]:
    """Start `_open_engine_batches.py` on `data_dir` and wait until its engine is open."""
    command = [sys.executable, str(OPEN_ENGINE), str(data_dir), server.base_url, str(args.concurrency)]
    with subprocess.Popen(
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=child_environment()
    ) as process:
        assert process.stdout is not None and process.stdin is not None
        if process.stdout.readline().strip() != "ready":
            raise RuntimeError("the open-engine process did not start")
        try:
            yield OpenEngine(process)
        finally:
            process.stdin.close()
            process.wait(timeout=60)


@contextlib.contextmanager
def batch_folder(server: FixedLatencyServer, args: argparse.Namespace, seed: int) -> Iterator[Path]:
    """A temporary folder whose `docs/` holds `seed`'s batch of receipts, the server's requests forgotten."""
    with tempfile.TemporaryDirectory(prefix="claimflow-bench-") as temp:
        write_receipts(Path(temp) / "docs", args.docs, seed)
        server.reset()
        yield Path(temp)


def timed(command: list[str]) -> tuple[float, float, subprocess.CompletedProcess[str]]:
    """Run `command` in the child environment: when it started, its seconds, and what it printed."""
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, env=child_environment(), check=False)
    return started, time.perf_counter() - started, result


def open_engine_batch(engine: OpenEngine, server: FixedLatencyServer, args: argparse.Namespace, seed: int) -> float:
    """The batch of `seed`'s receipts through the open engine; its seconds from start to end."""
    with batch_folder(server, args, seed) as folder:
        return engine.batch(folder / "docs", args.docs)


def one_batch(server: FixedLatencyServer, args: argparse.Namespace, seed: int) -> dict[str, float]:
    """Run the batch once; its wall time, when the first request arrived, the server span, requests per doc."""
    with batch_folder(server, args, seed) as folder:
        command = [str(CLAIMFLOW), "run", str(folder / "docs"), "--json", "--data-dir", str(folder / "data")]
        command += ["--concurrency", str(args.concurrency), "--model", "openai:bench", "--base-url", server.base_url]
        started, wall, result = timed(command)
    statuses = Counter(json.loads(line)["status"] for line in result.stdout.splitlines() if line.startswith("{"))
    if statuses.get("completed", 0) != args.docs:
        print(f"  note: statuses {dict(statuses)} (exit {result.returncode}) {result.stderr.strip()[-300:]}")
    first = min(server.arrivals) - started if server.arrivals else math.nan
    span = max(server.answered) - min(server.arrivals) if server.answered else math.nan
    return {"wall s": wall, "first req s": first, "span s": span, "req/doc": len(server.arrivals) / args.docs}


def bare_batch(server: FixedLatencyServer, args: argparse.Namespace, seed: int) -> tuple[float, float]:
    """The batch of `seed`'s receipts through the bare LangGraph program: its wall time, and the batch's alone."""
    with batch_folder(server, args, seed) as folder:
        command = [sys.executable, str(BARE), str(folder / "docs"), str(folder / "bare.sqlite"), server.base_url]
        _, wall, result = timed([*command, str(args.concurrency)])
    if result.returncode != 0:
        raise RuntimeError(f"the bare program failed (exit {result.returncode}): {result.stderr[-500:]}")
    done = json.loads(result.stdout)
    if done["with_fields"] != args.docs:
        print(f"  note: the bare program gave fields for {done['with_fields']} of {args.docs} documents")
    return wall, float(done["batch_s"])


def import_floor() -> float:
    """Seconds for a fresh interpreter of this virtualenv to import LangGraph's graph API and the SDK's chat API."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import langgraph.graph, openai.resources.chat"], check=True)
    return time.perf_counter() - started


def main(args: argparse.Namespace) -> None:
    """Warm up once, then the repetitions; print the table and the ratio to the ideal."""
    ideal = math.ceil(args.docs / args.concurrency) * args.calls_per_doc * args.latency
    rows: dict[str, list[float]] = {"wall s": [], "ideal s": [], "wall/ideal": [], "first req s": [], "span s": []}
    rows["req/doc"] = []
    rows["imports s"] = []
    rows["wall/(ideal+imports)"] = []
    rows["open engine s"] = []
    rows["open engine/ideal"] = []
    rows["bare s"] = []
    rows["bare/ideal"] = []
    rows["wall/bare"] = []
    rows["bare batch/ideal"] = []
    rows["open engine/bare batch"] = []
    with (
        FixedLatencyServer(args.latency) as server,
        tempfile.TemporaryDirectory(prefix="claimflow-bench-") as engine_dir,
        open_engine(server, args, Path(engine_dir) / "data") as engine,
    ):
        one_batch(server, args, seed=999)
        open_engine_batch(engine, server, args, seed=998)
        bare_batch(server, args, seed=997)
        for rep in range(args.repeats):
            arms: dict[str, Callable[[], Any]] = {
                "run": functools.partial(one_batch, server, args, seed=rep),
                "open": functools.partial(open_engine_batch, engine, server, args, seed=1000 + rep),
                "bare": functools.partial(bare_batch, server, args, seed=2000 + rep),
            }
            names = list(arms)
            names = names[rep % 3 :] + names[: rep % 3]  # the arms take turns going first
            results = {name: arms[name]() for name in names}
            measured, warm, (bare, bare_batch_s) = results["run"], results["open"], results["bare"]
            rows["bare s"].append(bare)
            rows["bare/ideal"].append(bare / ideal)
            rows["wall/bare"].append(measured["wall s"] / bare)
            rows["bare batch/ideal"].append(bare_batch_s / ideal)
            rows["open engine/bare batch"].append(warm / bare_batch_s)
            rows["open engine s"].append(warm)
            rows["open engine/ideal"].append(warm / ideal)
            for name, value in measured.items():
                rows[name].append(value)
            rows["ideal s"].append(ideal)
            rows["wall/ideal"].append(measured["wall s"] / ideal)
            imports = import_floor()
            rows["imports s"].append(imports)
            rows["wall/(ideal+imports)"].append(measured["wall s"] / (ideal + imports))
    rounds = math.ceil(args.docs / args.concurrency)
    print(f"{args.docs} text receipts, concurrency {args.concurrency}, server latency {args.latency * 1000:g} ms")
    print(f"ideal = {rounds} rounds x {args.calls_per_doc} calls x {args.latency:g} s = {ideal:.2f} s")
    table(rows, 2)
    print(f"wall / ideal (median): {statistics.median(rows['wall/ideal']):.2f}  (target <= {TARGET})")
    print(f"first request after start (median): {statistics.median(rows['first req s']):.2f} s")
    floor = statistics.median(rows["wall/(ideal+imports)"])
    print(f"wall / (ideal + importing langgraph.graph and openai.resources.chat) (median): {floor:.2f}")
    print(f"on an open engine, batch time / ideal (median): {statistics.median(rows['open engine/ideal']):.2f}")
    print(f"the bare LangGraph program / ideal (median): {statistics.median(rows['bare/ideal']):.2f}")
    print(f"claimflow run / the bare LangGraph program (median): {statistics.median(rows['wall/bare']):.2f}")
    bare_alone = statistics.median(rows["bare batch/ideal"])
    print(f"the bare program's batch alone, imports and saver left out / ideal (median): {bare_alone:.2f}")
    open_to_bare = statistics.median(rows["open engine/bare batch"])
    print(f"open engine / the bare program's batch alone (median): {open_to_bare:.2f}")


def parse_args(argv: list[str]) -> argparse.Namespace:
    """The command line options."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=40, help="documents in the batch (default 40)")
    parser.add_argument("--concurrency", type=int, default=8, help="claimflow run --concurrency (default 8)")
    parser.add_argument("--latency", type=float, default=0.2, help="seconds per model call (default 0.2)")
    parser.add_argument("--repeats", type=int, default=5, help="repetitions, at least 5 (default 5)")
    parser.add_argument("--calls-per-doc", type=int, default=2, help="model calls per document (default 2)")
    args = parser.parse_args(argv)
    if args.docs < 1 or args.concurrency < 1 or args.latency <= 0 or args.repeats < 5 or args.calls_per_doc < 1:
        parser.error("--docs, --concurrency, --calls-per-doc at least 1, --latency positive, --repeats at least 5")
    return args


if __name__ == "__main__":
    main(parse_args(sys.argv[1:]))
