"""What the model gateway is configured with: keys, endpoints, the transport retry policy, limits and prices.

Nothing here reads the environment: `runtime/settings.py` fills a `GatewayConfig`. Everything has a default
that works, except the keys.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from claimflow.runtime.gateway.caps import OutputCaps
from claimflow.runtime.gateway.errors import GatewaySetupError
from claimflow.runtime.masked_repr import masked_repr

DEFAULT_OPENAI_BASE_URL = "https://api.openai.com/v1"
DEFAULT_ANTHROPIC_BASE_URL = "https://api.anthropic.com"


@dataclass(frozen=True)
class TransportPolicy:
    """When a call that failed for reasons outside the output is tried again: the one declared table.

    Invalid output is never retried here (the graph retries it once, with the errors); this covers rate
    limits, server errors, timeouts and broken connections. Waits grow exponentially from `initial_wait_s`
    up to `max_wait_s`, with jitter; a `Retry-After` (or `retry-after-ms`) header from the server replaces
    the computed wait. A server that asks for more than `max_retry_after_s` fails the step at once.
    """

    max_attempts: int = 4
    """Attempts per call, the first included."""
    initial_wait_s: float = 0.5
    """The first backoff wait; also the jitter range added to every wait."""
    max_wait_s: float = 20.0
    """The longest computed backoff wait."""
    max_retry_after_s: float = 60.0
    """The longest `Retry-After` honoured; a longer one ends the retries."""
    retry_statuses: frozenset[int] = frozenset({408, 429, 500, 502, 503, 504, 529})
    """HTTP statuses worth another attempt (529 is Anthropic's "overloaded")."""
    retry_timeouts: bool = True
    retry_connection_errors: bool = True

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise GatewaySetupError(f"transport max_attempts must be at least 1, not {self.max_attempts}")


@dataclass(frozen=True)
class ProviderLimits:
    """Rate limits for one provider, shared by every run in the process (None: no limit)."""

    requests_per_minute: float | None = None
    tokens_per_minute: float | None = None
    reserve_output_tokens: int = 1000
    """Output tokens counted against `tokens_per_minute` before a call, since they are not known yet."""


class ModelPrice(BaseModel):
    """What one model costs, per million tokens (in whatever currency the table uses; the defaults are USD)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    input: float = Field(ge=0)
    output: float = Field(ge=0)


_PRICE_FILE = TypeAdapter(dict[str, ModelPrice])

# List prices in USD per million tokens at the time of writing; check them, or load your own table.
_DEFAULT_PRICES: dict[str, ModelPrice] = {
    "openai:gpt-4o": ModelPrice(input=2.50, output=10.00),
    "openai:gpt-4o-mini": ModelPrice(input=0.15, output=0.60),
    "openai:gpt-4.1": ModelPrice(input=2.00, output=8.00),
    "openai:gpt-4.1-mini": ModelPrice(input=0.40, output=1.60),
    "openai:gpt-4.1-nano": ModelPrice(input=0.10, output=0.40),
    "anthropic:claude-3-5-haiku-latest": ModelPrice(input=0.80, output=4.00),
    "anthropic:claude-haiku-4-5": ModelPrice(input=1.00, output=5.00),
    "anthropic:claude-sonnet-4-5": ModelPrice(input=3.00, output=15.00),
    "anthropic:claude-opus-4-1": ModelPrice(input=15.00, output=75.00),
}


_EXPECTED = ' (expected {"provider:model": {"input": 0.15, "output": 0.6}})'
"""What a price file holds, said after what is wrong with one."""


def price_file_hint(model: str) -> str:
    """How to give `model` a price, as the messages about a model with none say it."""
    return f'CLAIMFLOW_PRICES: a JSON file of {{"{model}": {{"input": ..., "output": ...}}}} per million tokens'


@dataclass(frozen=True)
class PriceTable:
    """Prices per model, keyed `provider:model` (e.g. "openai:gpt-4o-mini") or by the bare model name.

    A model the table does not list costs 0.0: usage still counts its tokens, but the cost is unknown,
    not free. Local models are best listed explicitly at 0.
    """

    prices: Mapping[str, ModelPrice] = field(default_factory=lambda: MappingProxyType(dict(_DEFAULT_PRICES)))

    @classmethod
    def from_json(cls, path: str | Path, *, merge_defaults: bool = True) -> PriceTable:
        """Load a table from a JSON file: `{"openai:gpt-4o-mini": {"input": 0.15, "output": 0.6}, ...}`.

        Args:
            path: The file; prices are per million tokens.
            merge_defaults: Keep the built-in prices for models the file does not list.

        Returns:
            The table.

        Raises:
            GatewaySetupError: The file cannot be read or is not a price table.
        """
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, ValueError) as error:
            raise GatewaySetupError(f"price table {path}: {error}{_EXPECTED}") from None
        return cls.from_text(text, path, merge_defaults=merge_defaults)

    @classmethod
    def from_text(cls, text: str, source: str | Path, *, merge_defaults: bool = True) -> PriceTable:
        """A table from the JSON text of a price file (see `from_json`); `source` names it in an error.

        Raises:
            GatewaySetupError: The text is not a price table.
        """
        try:
            loaded = _PRICE_FILE.validate_python(json.loads(text))
        except ValueError as error:
            detail = "; ".join(_describe(error)) if isinstance(error, ValidationError) else str(error)
            raise GatewaySetupError(f"price table {source}: {detail}{_EXPECTED}") from None
        prices = {**_DEFAULT_PRICES, **loaded} if merge_defaults else loaded
        return cls(MappingProxyType(prices))

    def price_of(self, provider: str, model: str) -> ModelPrice | None:
        """The price of a model, looked up as `provider:model`, then as `model`; None when unlisted."""
        return self.prices.get(f"{provider}:{model}") or self.prices.get(model)

    def cost(self, provider: str, model: str, input_tokens: int, output_tokens: int) -> float:
        """The cost of one call; 0.0 for a model the table does not list."""
        price = self.price_of(provider, model)
        if price is None:
            return 0.0
        return round((input_tokens * price.input + output_tokens * price.output) / 1_000_000, 8)


@dataclass(frozen=True)
class GatewayConfig:
    """Everything the Instructor-backed gateways need; the `rules` backend needs none of it."""

    openai_base_url: str | None = None
    """An OpenAI-compatible server (vLLM, llama.cpp, Ollama, LM Studio); None is OpenAI's own API."""
    openai_api_key: str | None = field(default=None, repr=False)
    openai_mode: Literal["json", "json_schema", "tools", "md_json"] = "json"
    """How the claim's schema is asked for: `response_format` json_object (most widely supported), a strict
    json_schema (LM Studio, recent vLLM), tool calling, or JSON in a markdown block (servers with none of these)."""
    anthropic_api_key: str | None = field(default=None, repr=False)
    anthropic_base_url: str | None = None
    """None is Anthropic's own API."""
    timeout_s: float = 60.0
    """How long one attempt may take in all, from sending the request to the answer's last byte (not per read:
    a server that trickles an endless answer is cut off here). A timed-out attempt is retried as `transport`
    says, so a call takes at most `transport.max_attempts` times this, plus the waits between attempts."""
    call_deadline_s: float = 180.0
    """How long one call may take in all, its attempts and the waits between them included: past it the call
    fails, whatever attempts the transport policy would still allow."""
    max_response_bytes: int = 4 * 1024 * 1024
    """The largest answer read from a server; a larger one fails the call at once (not retried), unread."""
    output_caps: OutputCaps = field(default_factory=OutputCaps)
    """The output token cap every request carries, per step; derived from the claim's size unless set."""
    transport: TransportPolicy = field(default_factory=TransportPolicy)
    limits: Mapping[str, ProviderLimits] = field(default_factory=dict)
    """Keyed by provider: "openai", "anthropic". A provider not listed is not limited."""
    prices: PriceTable = field(default_factory=PriceTable)

    def __repr__(self) -> str:
        # A config ends up in logs and tracebacks: keys are left out, and a base URL's credentials masked.
        return masked_repr(self)

    def limits_for(self, provider: str) -> ProviderLimits:
        """The limits of one provider (none when not configured)."""
        return self.limits.get(provider) or ProviderLimits()


def _describe(error: ValidationError) -> list[str]:
    return [f"{'.'.join(str(part) for part in item['loc']) or 'file'}: {item['msg']}" for item in error.errors()]
