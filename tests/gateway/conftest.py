"""Fixtures for gateway tests: the scripted model server, and gateways pointed at it with fast retries."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest

from claimflow.runtime.gateway import GatewayConfig, InstructorGateway, PriceTable, TransportPolicy, make_gateway
from claimflow.runtime.gateway.config import ModelPrice
from tests.fakes.openai_server import FakeModelServer, running_server

FAST_RETRIES = TransportPolicy(max_attempts=4, initial_wait_s=0.01, max_wait_s=0.05, max_retry_after_s=1.0)
"""The default policy's shape with waits short enough for tests."""

PRICES = PriceTable(
    {"openai:fake-model": ModelPrice(input=2.0, output=8.0), "fake-claude": ModelPrice(input=3, output=15)}
)

MakeGateway = Callable[..., InstructorGateway]


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """httpx honours proxy variables; requests to the local server must go straight to it."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def model_server() -> Iterator[FakeModelServer]:
    """A scripted OpenAI/Anthropic-compatible server on 127.0.0.1, fresh per test."""
    with running_server() as server:
        yield server


@pytest.fixture
async def server_gateway(model_server: FakeModelServer) -> AsyncIterator[MakeGateway]:
    """Build gateways (default `openai:fake-model`) against the server; `config` fields may be overridden."""
    made: list[InstructorGateway] = []

    def make(model: str = "openai:fake-model", **overrides: Any) -> InstructorGateway:
        settings: dict[str, Any] = {
            "openai_base_url": model_server.base_url,
            "openai_api_key": "test-key",
            "anthropic_api_key": "test-anthropic-key",
            "anthropic_base_url": model_server.root_url,
            "timeout_s": 5.0,
            "transport": FAST_RETRIES,
            "prices": PRICES,
        }
        settings.update(overrides)
        gateway = make_gateway(model, GatewayConfig(**settings))
        assert isinstance(gateway, InstructorGateway)
        made.append(gateway)
        return gateway

    yield make
    for gateway in made:
        await gateway.aclose()
