"""Does a second opinion cost the slower extractor's latency, not the sum? Wall time against critical path.

Usage:
    python benchmarks/second_opinion.py [--primary 0.2] [--second 0.3] [--docs 10] [--repeat 5]

Two measurements, both offline, with the rules backend behind fixed simulated latencies (`--primary`
for the main model, which also classifies, and `--second` for the second extractor):

1. Gateway level: `asyncio.gather` of one `complete()` on each gateway, against their sum and their
   maximum: what running the two extractors concurrently can save at best.
2. Whole documents: synthetic text invoices, one at a time, through the real engine opened with the
   second extractor. For each run, wall time (submit to settled) against its critical path, the sum
   over model steps of the slowest call of that step (from the `model.called` events), and against
   the serial time, the sum of every call's latency. Wall time minus critical path is the engine's
   own overhead (parsing, checkpoints, events).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from _simulated import SimulatedLatencyGateway

from claimflow.nodes.ports import ModelInput
from claimflow.prompts import EXTRACT_INVOICE
from claimflow.runtime.engine import Engine, open_engine
from claimflow.runtime.gateway.rules import RulesGateway
from claimflow.runtime.settings import Settings

INVOICE = (
    "INVOICE\nSeller: Northwind Widgets Ltd\n14 Harbour Road, Bristol\nInvoice No.: NW-{number:05d}\n"
    "Invoice Date: 05.03.2024\nDue Date: 04.04.2024\nSubtotal 150.00 GBP\nVAT 20% 30.00 GBP\nTotal 180.00 GBP\n"
)


async def gateway_level(primary: float, second: float, repeat: int) -> None:
    """Time two concurrent `complete()` calls against their sum and maximum."""
    one = SimulatedLatencyGateway(RulesGateway(), primary)
    two = SimulatedLatencyGateway(RulesGateway(), second)
    request = ModelInput(pages=(INVOICE.format(number=1),), doc_type="invoice")
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        await asyncio.gather(one.complete(EXTRACT_INVOICE, request), two.complete(EXTRACT_INVOICE, request))
        timings.append(time.perf_counter() - started)
    measured = statistics.median(timings)
    print(f"gateway level ({repeat} repeats, median)")
    print(f"  concurrent           {measured * 1000:8.1f} ms")
    print(f"  max(a, b)            {max(primary, second) * 1000:8.1f} ms")
    print(f"  a + b (serial)       {(primary + second) * 1000:8.1f} ms")
    print(f"  concurrent / max     {measured / max(primary, second):8.3f}")


def critical_path_ms(events: list[dict[str, Any]]) -> tuple[float, float, int]:
    """(critical path, serial time, calls) of one run from its `model.called` events.

    The calls of one step and attempt run concurrently, so the step takes its slowest call; steps run
    one after another.
    """
    slowest: dict[tuple[str, int], float] = defaultdict(float)
    serial, calls = 0.0, 0
    for item in events:
        if item["type"] != "model.called":
            continue
        latency = float(item["data"]["latency_ms"])
        key = (item["step"], int(item["data"].get("attempt", 1)))
        slowest[key] = max(slowest[key], latency)
        serial += latency
        calls += 1
    return sum(slowest.values()), serial, calls


@dataclass(frozen=True)
class RunTiming:
    """One document's run: wall time, critical path and serial model time in ms, calls, final status."""

    wall: float
    critical: float
    serial: float
    calls: int
    status: str


async def _documents(engine: Engine, files: list[Path]) -> list[RunTiming]:
    results = []
    for path in files:
        started = time.perf_counter()
        row = engine.submit(path)
        row = await engine.start(row.run_id)
        wall = (time.perf_counter() - started) * 1000
        critical, serial, calls = critical_path_ms(engine.registry.events(row.run_id))
        results.append(RunTiming(wall, critical, serial, calls, row.status))
    return results


async def whole_documents(primary: float, second: float, docs: int) -> None:
    """Run invoices through the engine with two extractors and print wall time against critical path."""
    one = SimulatedLatencyGateway(RulesGateway(), primary)
    two = SimulatedLatencyGateway(RulesGateway(), second)
    with tempfile.TemporaryDirectory(prefix="claimflow-bench-") as temp:
        folder = Path(temp)
        files = []
        for number in range(docs):
            files.append(folder / f"invoice-{number:05d}.txt")
            files[-1].write_text(INVOICE.format(number=number), encoding="utf-8")
        async with open_engine(Settings(data_dir=folder / "data"), gateway=one, second_gateway=two) as engine:
            results = await _documents(engine, files)
    wall = statistics.median(r.wall for r in results)
    critical = statistics.median(r.critical for r in results)
    serial = statistics.median(r.serial for r in results)
    statuses = sorted({r.status for r in results})
    print(f"whole documents ({docs} invoices, one at a time, median per run; status {', '.join(statuses)})")
    print(f"  model calls per run  {statistics.median(r.calls for r in results):8.0f}")
    print(f"  run wall time        {wall:8.1f} ms")
    print(f"  critical path        {critical:8.1f} ms   (sum over steps of the slowest call)")
    print(f"  serial model time    {serial:8.1f} ms   (sum of every call)")
    print(f"  wall / critical      {wall / critical:8.3f}" if critical else "  wall / critical           n/a")
    print(f"  overhead             {wall - critical:8.1f} ms   (wall - critical path)")


async def main(args: argparse.Namespace) -> None:
    """Both measurements."""
    print(f"simulated latency: primary {args.primary * 1000:g} ms, second {args.second * 1000:g} ms")
    await gateway_level(args.primary, args.second, args.repeat)
    await whole_documents(args.primary, args.second, args.docs)


def parse_args(argv: list[str]) -> argparse.Namespace:
    """The command line options."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--primary", type=float, default=0.2, help="seconds per primary model call (default 0.2)")
    parser.add_argument("--second", type=float, default=0.3, help="seconds per second-extractor call (default 0.3)")
    parser.add_argument("--docs", type=int, default=10, help="invoices run through the engine (default 10)")
    parser.add_argument("--repeat", type=int, default=5, help="repeats of the gateway-level timing (default 5)")
    args = parser.parse_args(argv)
    if args.primary < 0 or args.second < 0 or args.docs < 1 or args.repeat < 1:
        parser.error("latencies must not be negative; --docs and --repeat must be at least 1")
    return args


if __name__ == "__main__":
    asyncio.run(main(parse_args(sys.argv[1:])))
