"""Per-provider rate limiting, shared by every gateway and run in the process (aiolimiter's leaky buckets).

Requests per minute are spaced evenly: with 600 per minute, one call may start every 0.1 s, so no burst
exceeds the limit at any time scale. Tokens per minute use a bucket that holds one minute's budget and
drains continuously, the way the providers' own token limits refill.

Token counts are estimates: the input is counted before the call as characters / 4 (close for English
text with GPT and Claude tokenizers, low for dense non-Latin scripts), plus `reserve_output_tokens` for
the answer, which is not known yet. Nothing is given back when the real usage comes in lower. A single
call estimated above the whole per-minute budget is counted as the whole budget.

aiolimiter's buckets belong to one event loop, so limiters are shared per running loop: a process that
calls `asyncio.run()` twice gets fresh limiters the second time.
"""

from __future__ import annotations

import asyncio
import math
import weakref
from dataclasses import dataclass

from aiolimiter import AsyncLimiter

from claimflow.runtime.gateway.config import ProviderLimits

CHARS_PER_TOKEN = 4


def estimate_tokens(text: str) -> int:
    """A rough token count for `text`: characters / 4, rounded up."""
    return math.ceil(len(text) / CHARS_PER_TOKEN)


@dataclass(frozen=True)
class ProviderLimiter:
    """The buckets of one provider; `acquire` waits until a call fits under both limits."""

    limits: ProviderLimits
    requests: AsyncLimiter | None
    tokens: AsyncLimiter | None

    @classmethod
    def for_limits(cls, limits: ProviderLimits) -> ProviderLimiter:
        """New buckets for the given limits (use `shared_limiter` to get the process-wide ones)."""
        rpm, tpm = limits.requests_per_minute, limits.tokens_per_minute
        return cls(
            limits=limits,
            requests=AsyncLimiter(1, 60 / rpm) if rpm else None,
            tokens=AsyncLimiter(tpm, 60) if tpm else None,
        )

    async def acquire(self, input_tokens: int) -> None:
        """Wait until one more request with about `input_tokens` of input fits under the limits.

        Args:
            input_tokens: The estimated input; the reserved output tokens are added here.
        """
        if self.tokens is not None:
            wanted = input_tokens + self.limits.reserve_output_tokens
            await self.tokens.acquire(min(wanted, self.tokens.max_rate))
        if self.requests is not None:
            await self.requests.acquire()


_REGISTRY: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[tuple[str, ProviderLimits], ProviderLimiter]]
_REGISTRY = weakref.WeakKeyDictionary()


def shared_limiter(provider: str, limits: ProviderLimits) -> ProviderLimiter:
    """The limiter of `provider` under `limits` in the running event loop, made on first use.

    Two gateways of the same provider and limits share it; call from inside the loop.

    Args:
        provider: "openai" or "anthropic".
        limits: The configured limits; different limits for one provider get separate buckets.

    Returns:
        The shared limiter.
    """
    per_loop = _REGISTRY.setdefault(asyncio.get_running_loop(), {})
    key = (provider, limits)
    if key not in per_loop:
        per_loop[key] = ProviderLimiter.for_limits(limits)
    return per_loop[key]
