"""Gateway configuration: the price table, its file format, and the transport policy's defaults."""

from __future__ import annotations

import email.utils
import json
import time
from pathlib import Path

import httpx
import pytest

from claimflow.runtime.gateway import (
    GatewayConfig,
    GatewaySetupError,
    ModelPrice,
    PriceTable,
    ProviderLimits,
    TransportPolicy,
)
from claimflow.runtime.gateway._transport import retry_after_seconds


def test_cost_is_per_million_tokens() -> None:
    table = PriceTable({"openai:gpt-4o-mini": ModelPrice(input=0.15, output=0.60)})

    assert table.cost("openai", "gpt-4o-mini", 1_000_000, 0) == pytest.approx(0.15)
    assert table.cost("openai", "gpt-4o-mini", 2000, 500) == pytest.approx(0.0006)


def test_an_unlisted_model_costs_nothing_known() -> None:
    assert PriceTable().cost("openai", "my-local-llama", 5000, 5000) == 0.0
    assert PriceTable().price_of("openai", "my-local-llama") is None


def test_a_bare_model_name_prices_any_provider_and_a_qualified_one_wins() -> None:
    table = PriceTable(
        {"llama3": ModelPrice(input=1, output=1), "openai:llama3": ModelPrice(input=2, output=2)},
    )

    assert table.price_of("anthropic", "llama3") == ModelPrice(input=1, output=1)
    assert table.price_of("openai", "llama3") == ModelPrice(input=2, output=2)


def test_the_default_table_knows_a_few_models() -> None:
    assert PriceTable().price_of("openai", "gpt-4o-mini") is not None
    assert PriceTable().price_of("anthropic", "claude-sonnet-4-5") is not None


def test_a_price_file_adds_to_the_defaults(tmp_path: Path) -> None:
    path = tmp_path / "prices.json"
    path.write_text(
        json.dumps({"openai:llama3.1:8b": {"input": 0, "output": 0}, "gpt-4o-mini": {"input": 9, "output": 9}})
    )

    table = PriceTable.from_json(path)

    assert table.price_of("openai", "llama3.1:8b") == ModelPrice(input=0, output=0)
    assert table.price_of("openai", "gpt-4o") is not None
    assert PriceTable.from_json(path, merge_defaults=False).price_of("openai", "gpt-4o") is None


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("{not json", "price table .*prices.json: Expecting property name"),
        ('{"m": {"input": -1, "output": 1}}', r"m.input: Input should be greater than or equal to 0"),
        ('{"m": {"input": 1}}', r"m.output: Field required"),
    ],
)
def test_a_bad_price_file_is_a_setup_error(tmp_path: Path, content: str, expected: str) -> None:
    path = tmp_path / "prices.json"
    path.write_text(content)

    with pytest.raises(GatewaySetupError, match=expected):
        PriceTable.from_json(path)


def test_a_missing_price_file_is_a_setup_error(tmp_path: Path) -> None:
    with pytest.raises(GatewaySetupError, match="No such file"):
        PriceTable.from_json(tmp_path / "nowhere.json")


def test_the_transport_policy_defaults() -> None:
    policy = GatewayConfig().transport

    assert (policy.max_attempts, policy.initial_wait_s, policy.max_wait_s) == (4, 0.5, 20.0)
    assert {429, 500, 502, 503, 504} <= policy.retry_statuses
    assert 400 not in policy.retry_statuses and 401 not in policy.retry_statuses
    assert policy.retry_timeouts and policy.retry_connection_errors


def test_a_policy_without_attempts_is_refused() -> None:
    with pytest.raises(GatewaySetupError, match="at least 1"):
        TransportPolicy(max_attempts=0)


def test_unconfigured_providers_are_not_limited() -> None:
    config = GatewayConfig(limits={"openai": ProviderLimits(requests_per_minute=60)})

    assert config.limits_for("openai").requests_per_minute == 60
    assert config.limits_for("anthropic") == ProviderLimits()


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({}, None),
        ({"Retry-After": "2"}, 2.0),
        ({"Retry-After": "0.25"}, 0.25),
        ({"retry-after-ms": "150", "Retry-After": "9"}, 0.15),
        ({"Retry-After": "-3"}, 0.0),
        ({"Retry-After": "soon"}, None),
    ],
)
def test_retry_after_headers(headers: dict[str, str], expected: float | None) -> None:
    assert retry_after_seconds(httpx.Headers(headers)) == expected


def test_retry_after_as_an_http_date() -> None:
    later = email.utils.formatdate(time.time() + 30, usegmt=True)

    seconds = retry_after_seconds(httpx.Headers({"Retry-After": later}))

    assert seconds is not None and 25 <= seconds <= 31
