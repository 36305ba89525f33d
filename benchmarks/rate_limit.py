"""Does a batch use the configured rate limit? Achieved model calls per second against the limit.

Usage:
    python benchmarks/rate_limit.py [--docs 200] [--concurrency 16] [--rpm 1200] [--latency 0.05] [--repeats 5]

Synthetic text invoices and receipts (written to a temporary folder) go through the real engine with
`--concurrency` documents in flight. The model is the rules backend behind a fixed simulated latency,
behind the gateway's per-provider limiter (`runtime/gateway/limiter.py`) at `--rpm` requests per
minute, acquired before every call as the Instructor backend does. The batch runs `--repeats` times,
each with a fresh limiter and data directory. Printed per repetition: model calls, elapsed wall time,
achieved calls per second, its ratio to the configured rate, the rate between the first and the last
call start (no warm-up, no tail) and the most calls started in any one-second window; then the median
and min of each, and the ratio's median, min and max. A ratio near 1 means the limit, not the engine,
bounds the batch.

Target: median ratio >= 0.95, never above 1. Measured before the engine work: 0.60 (median of 5).
This script reaches into the gateway's limiter and the node ports (internal APIs): it may need
updating when they move.

Everything stays offline; nothing outside the temporary folder is written.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from _report import table
from _simulated import Call, SimulatedLatencyGateway

import claimflow
from claimflow.nodes.ports import ClaimT, ModelGateway, ModelInput, ModelResult
from claimflow.prompts import PromptSpec
from claimflow.runtime.batch import process_files
from claimflow.runtime.gateway.config import ProviderLimits
from claimflow.runtime.gateway.limiter import ProviderLimiter, estimate_tokens
from claimflow.runtime.gateway.render import render_messages
from claimflow.runtime.gateway.rules import RulesGateway
from claimflow.runtime.settings import Settings

VENDORS = ("Northwind Widgets Ltd", "Contoso Office Supply", "Fabrikam Tools GmbH", "Tailspin Coffee")


class LimitedGateway:
    """Acquires the limiter before each call, with the same token estimate as the Instructor backend."""

    def __init__(self, inner: ModelGateway, limiter: ProviderLimiter) -> None:
        self.inner = inner
        self.limiter = limiter

    @property
    def name(self) -> str:
        """The wrapped gateway's name."""
        return self.inner.name

    async def complete(self, prompt: PromptSpec[ClaimT], request: ModelInput) -> ModelResult[ClaimT]:
        """Wait for the limiter, then call the wrapped gateway."""
        system, user = render_messages(prompt, request)
        await self.limiter.acquire(estimate_tokens(system) + estimate_tokens(user))
        return await self.inner.complete(prompt, request)


def write_documents(folder: Path, count: int) -> list[Path]:
    """`count` small text documents, invoices and receipts alternating, each with its own number."""
    paths = []
    for number in range(count):
        vendor = VENDORS[number % len(VENDORS)]
        net = 100 + number
        if number % 2 == 0:
            text = (
                f"INVOICE\nSeller: {vendor}\n14 Harbour Road, Bristol\nInvoice No.: BM-{number:05d}\n"
                f"Invoice Date: 05.03.2024\nDue Date: 04.04.2024\nSubtotal {net}.00 GBP\n"
                f"VAT 20% {net / 5:.2f} GBP\nTotal {net * 1.2:.2f} GBP\n"
            )
        else:
            text = (
                f"{vendor}\n2 Market Street, Leeds\nRECEIPT\nReceipt No: R-{number:05d}\nCashier: Anna\n"
                f"06.03.2024 14:32\nCoffee beans 1 x {net}.00\nTOTAL GBP {net}.00\nCASH {net + 10}.00\n"
                "CHANGE 10.00\nThank you, please come again\n"
            )
        path = folder / f"doc-{number:05d}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def peak_per_second(calls: list[Call]) -> int:
    """The most calls started within any one-second window."""
    starts = sorted(call.started for call in calls)
    peak, first = 0, 0
    for last, started in enumerate(starts):
        while started - starts[first] >= 1.0:
            first += 1
        peak = max(peak, last - first + 1)
    return peak


async def one_batch(args: argparse.Namespace) -> dict[str, float]:
    """Run the batch once through a fresh limiter and data directory; its numbers."""
    limiter = ProviderLimiter.for_limits(ProviderLimits(requests_per_minute=args.rpm))
    simulated = SimulatedLatencyGateway(RulesGateway(), args.latency)
    with tempfile.TemporaryDirectory(prefix="claimflow-bench-") as temp:
        folder = Path(temp)
        (folder / "docs").mkdir()
        files = write_documents(folder / "docs", args.docs)
        gateway = LimitedGateway(simulated, limiter)
        async with claimflow.open_engine(Settings(data_dir=folder / "data"), gateway=gateway) as engine:
            started = time.perf_counter()
            rows = await process_files(engine, files, concurrency=args.concurrency)
            elapsed = time.perf_counter() - started
    statuses = Counter(row.status for row in rows)
    print(f"  documents {len(rows)} ({', '.join(f'{n} {s}' for s, n in sorted(statuses.items()))})")
    calls = len(simulated.calls)
    starts = sorted(call.started for call in simulated.calls)
    steady = (len(starts) - 1) / (starts[-1] - starts[0]) if len(starts) > 1 else math.nan
    configured = args.rpm / 60
    return {
        "calls": calls,
        "elapsed s": elapsed,
        "calls/s": calls / elapsed,
        "ratio": calls / elapsed / configured,
        "first-last/s": steady,
        "peak in 1 s": peak_per_second(simulated.calls),
    }


async def main(args: argparse.Namespace) -> None:
    """Run the batch `--repeats` times and print the numbers."""
    configured = args.rpm / 60
    print(f"concurrency {args.concurrency}, model latency {args.latency * 1000:g} ms (simulated)")
    print(f"configured {configured:.2f} calls/s ({args.rpm:g} requests/minute)")
    columns: dict[str, list[float]] = {}
    for _ in range(args.repeats):
        for name, value in (await one_batch(args)).items():
            columns.setdefault(name, []).append(value)
    table(columns, 2)
    ratios = columns["ratio"]
    print(
        f"achieved / configured: median {statistics.median(ratios):.3f}, min {min(ratios):.3f}, max {max(ratios):.3f}"
    )
    print("target: median >= 0.95, never above 1 (first-last/s: call starts only, no warm-up, no tail)")
    unbounded = args.concurrency / args.latency if args.latency else float("inf")
    if unbounded < configured:
        print(f"note: {args.concurrency} in flight x {args.latency:g} s allow only {unbounded:.1f} calls/s")


def parse_args(argv: list[str]) -> argparse.Namespace:
    """The command line options."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=200, help="documents in the batch (default 200)")
    parser.add_argument("--concurrency", type=int, default=16, help="documents in flight at once (default 16)")
    parser.add_argument("--rpm", type=float, default=1200, help="the limiter's requests per minute (default 1200)")
    parser.add_argument("--latency", type=float, default=0.05, help="simulated seconds per model call (default 0.05)")
    parser.add_argument("--repeats", type=int, default=5, help="repetitions, at least 5 (default 5)")
    args = parser.parse_args(argv)
    if args.docs < 1 or args.concurrency < 1 or args.rpm <= 0 or args.latency < 0 or args.repeats < 5:
        parser.error("--docs, --concurrency at least 1, --rpm positive, --latency not negative, --repeats at least 5")
    return args


if __name__ == "__main__":
    asyncio.run(main(parse_args(sys.argv[1:])))
