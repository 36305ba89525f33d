"""The per-provider limiter: calls are spaced under the configured rate, across gateways of one provider.

Timing assertions are lower bounds only (a slow machine may take longer, never shorter).
"""

from __future__ import annotations

import asyncio
import time

from claimflow.nodes.ports import ModelInput
from claimflow.prompts import CLASSIFY
from claimflow.runtime.gateway import ProviderLimits
from claimflow.runtime.gateway.limiter import ProviderLimiter, estimate_tokens, shared_limiter
from tests.fakes.openai_server import FakeModelServer, claim_reply
from tests.gateway.conftest import MakeGateway

ANSWER = {"doc_type": "invoice", "confidence": 0.9}


async def test_requests_per_minute_space_calls_across_two_gateways_of_one_provider(
    model_server: FakeModelServer, server_gateway: MakeGateway
) -> None:
    """600 per minute is one call per 0.1 s: 6 concurrent calls need at least 0.5 s between first and last."""
    limits = {"openai": ProviderLimits(requests_per_minute=600)}
    first, second = server_gateway(limits=limits), server_gateway(limits=limits)
    model_server.script(*[claim_reply(ANSWER)] * 7)
    request = ModelInput(pages=("INVOICE",))
    # One call first, untimed: the first request also opens the HTTP connection, whose set-up time would
    # otherwise shrink the spread of arrivals the limiter is judged by.
    await first.complete(CLASSIFY, request)
    warm = len(model_server.requests)

    started = time.monotonic()
    results = await asyncio.gather(*[gateway.complete(CLASSIFY, request) for gateway in (first, second) * 3])

    assert all(result.claim is not None for result in results)
    assert time.monotonic() - started >= 0.45
    arrivals = sorted(sent.at for sent in model_server.requests[warm:])
    assert arrivals[-1] - arrivals[0] >= 0.45


async def test_other_providers_and_other_limits_have_their_own_buckets() -> None:
    limits = ProviderLimits(requests_per_minute=600)

    assert shared_limiter("openai", limits) is shared_limiter("openai", ProviderLimits(requests_per_minute=600))
    assert shared_limiter("openai", limits) is not shared_limiter("anthropic", limits)
    assert shared_limiter("openai", limits) is not shared_limiter("openai", ProviderLimits(requests_per_minute=60))


async def test_without_limits_calls_are_not_held_back() -> None:
    limiter = ProviderLimiter.for_limits(ProviderLimits())

    started = time.monotonic()
    for _ in range(50):
        await limiter.acquire(10_000)

    assert time.monotonic() - started < 0.2


async def test_tokens_per_minute_hold_back_a_call_until_its_tokens_fit() -> None:
    """600 tokens per minute drain at 10 per second: after a full bucket, 3 more tokens wait about 0.3 s."""
    limiter = ProviderLimiter.for_limits(ProviderLimits(tokens_per_minute=600, reserve_output_tokens=0))

    await limiter.acquire(600)
    started = time.monotonic()
    await limiter.acquire(3)

    assert time.monotonic() - started >= 0.25


async def test_a_call_estimated_above_the_whole_budget_counts_as_the_budget() -> None:
    limiter = ProviderLimiter.for_limits(ProviderLimits(tokens_per_minute=1000))

    # Does not raise (aiolimiter refuses amounts above its capacity) and does not wait: the bucket was full.
    await asyncio.wait_for(limiter.acquire(50_000), timeout=1.0)


def test_tokens_are_estimated_at_four_characters_each() -> None:
    assert estimate_tokens("") == 0
    assert estimate_tokens("abcd") == 1
    assert estimate_tokens("abcde") == 2
