"""A model with a fixed simulated latency, for benchmarks: sleep, then let the rules backend answer."""

from __future__ import annotations

import asyncio
import dataclasses
import time

from claimflow.nodes.ports import ClaimT, ModelGateway, ModelInput, ModelResult
from claimflow.prompts import PromptSpec


@dataclasses.dataclass(frozen=True)
class Call:
    """One simulated call: which prompt, when it started and ended (perf_counter seconds)."""

    prompt: str
    started: float
    ended: float


class SimulatedLatencyGateway:
    """Waits `latency_s` per call, then delegates to `inner` (normally the rules backend).

    The result's `usage.latency_ms` is the whole call, wait included, as a real model's would be.
    Every call is kept in `calls` so a benchmark can count them and see when they ran.
    """

    def __init__(self, inner: ModelGateway, latency_s: float) -> None:
        self.inner = inner
        self.latency_s = latency_s
        self.calls: list[Call] = []

    @property
    def name(self) -> str:
        """The wrapped backend's name with the simulated latency, e.g. "rules+50ms"."""
        return f"{self.inner.name}+{self.latency_s * 1000:g}ms"

    async def complete(self, prompt: PromptSpec[ClaimT], request: ModelInput) -> ModelResult[ClaimT]:
        """Sleep for the simulated latency, then answer with the wrapped backend."""
        started = time.perf_counter()
        await asyncio.sleep(self.latency_s)
        result = await self.inner.complete(prompt, request)
        ended = time.perf_counter()
        self.calls.append(Call(prompt.ref, started, ended))
        usage = result.usage.model_copy(update={"latency_ms": round((ended - started) * 1000, 3)})
        return dataclasses.replace(result, usage=usage)
