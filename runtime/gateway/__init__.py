"""Model gateway backends and the factory that picks one from `--model`.

- `rules`: the offline default, deterministic rules over the text; needs no configuration.
- `openai:<model>`: OpenAI, or any OpenAI-compatible server (vLLM, llama.cpp server, Ollama, LM Studio)
  at `GatewayConfig.openai_base_url`; the key may be left out for a server other than OpenAI's API.
- `anthropic:<model>`: Anthropic's API; needs `GatewayConfig.anthropic_api_key`.
- `replay:<dir>` or `replay:<dir>@<recorded model>`: answers a `--record` run wrote to `<dir>`; the model picks
  whose answers to serve when the folder holds several models' answers to the same question.

`make_gateway` checks keys and model strings before any document is touched and raises
`GatewaySetupError` (or its subclass `UnknownModelError`) with what to set.

Importing this package is cheap: the provider SDKs, Instructor, tenacity and aiolimiter are imported by
`make_gateway` when it builds an `openai:` or `anthropic:` gateway, so `--model rules`, `claimflow runs` and
`--help` never load them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from claimflow.runtime.gateway.caps import OutputCaps
from claimflow.runtime.gateway.config import GatewayConfig, ModelPrice, PriceTable, ProviderLimits, TransportPolicy
from claimflow.runtime.gateway.errors import GatewaySetupError, UnknownModelError
from claimflow.runtime.lazy_exports import lazy_exports
from claimflow.state.did_you_mean import did_you_mean

if TYPE_CHECKING:
    from claimflow.nodes.ports import ModelGateway
    from claimflow.runtime.gateway.instructor_backend import InstructorGateway
    from claimflow.runtime.gateway.recording import RecordingGateway, ReplayGateway
    from claimflow.runtime.gateway.rules import RulesGateway

MODEL_FORMS = "rules, openai:<model>, anthropic:<model>, replay:<dir>[@<model>]"


def make_gateway(model: str, config: GatewayConfig | None = None) -> ModelGateway:
    """The gateway for a `--model` value.

    Args:
        model: `rules`, `openai:<model>`, `anthropic:<model>`, `replay:<dir>` or `replay:<dir>@<recorded model>`.
        config: Keys, base URLs, transport policy, limits and prices; defaults to no keys at all.

    Returns:
        A ready gateway; nothing has been sent yet.

    Raises:
        UnknownModelError: The value names no backend.
        GatewaySetupError: The backend is known but cannot work as configured (a missing key names the
            environment variable to set).
    """
    if model == "rules":
        from claimflow.runtime.gateway.rules import RulesGateway

        return RulesGateway()
    if model.startswith("replay:"):
        directory, chosen = _replay_source(model.removeprefix("replay:"))
        if not directory:
            raise GatewaySetupError("--model replay:DIR needs the folder a --record run wrote")
        if chosen == "":
            raise GatewaySetupError(f"--model {model!r} names no model after @; expected replay:DIR@<recorded model>")
        from claimflow.runtime.gateway.recording import ReplayGateway

        return ReplayGateway(Path(directory), model=chosen)
    config = config or GatewayConfig()
    provider, sep, name = model.partition(":")
    if sep and provider in ("openai", "anthropic"):
        if not name.strip():
            raise GatewaySetupError(f"--model {model!r} names no model; expected e.g. {provider}:<model name>")
        # The SDKs and Instructor load here, on first use, not when the CLI starts.
        from claimflow.runtime.gateway.providers import anthropic_gateway, openai_gateway

        if provider == "openai":
            return openai_gateway(name, config)
        return anthropic_gateway(name, config)
    guess = _with_provider(model)
    hint = f" (did you mean {guess!r}?)" if guess is not None else did_you_mean(model, ["rules"])
    raise UnknownModelError(f"unknown model {model!r}{hint}; available: {MODEL_FORMS}")


_PROVIDERS = ("openai", "anthropic")


def _with_provider(model: str) -> str | None:
    """`model` as a provider's model is named, where it names one another way (`gpt-4o`, `openai/gpt-4o`, ...)."""
    for separator in (":", "/"):
        provider, found, name = model.partition(separator)
        if found and name.strip() and provider.lower() in _PROVIDERS:
            return f"{provider.lower()}:{name}"  # the right spelling never comes here: make_gateway took it
    if ":" in model or "/" in model:
        return None
    lowered = model.lower()
    if lowered.startswith("claude"):
        return f"anthropic:{model}"
    if lowered.startswith(("gpt-", "gpt4", "chatgpt", "o1", "o3", "o4")):
        return f"openai:{model}"
    return None


def _replay_source(spec: str) -> tuple[str, str | None]:
    """The folder and the chosen model of `replay:<dir>[@<model>]` (what follows `replay:`).

    The folder ends at the first `@` that leaves a folder before it, so a folder whose name holds an `@` still
    works; a model name may hold `@` and `:` (`openai:llama3.1:8b`) as everywhere else. A spec that is a folder
    as a whole chooses no model.
    """
    if "@" not in spec or Path(spec).is_dir():
        return spec, None
    at = [index for index, char in enumerate(spec) if char == "@"]
    split = next((index for index in at if Path(spec[:index]).is_dir()), at[0])
    return spec[:split], spec[split + 1 :]


# Gateways load with what they need (the rules, the model clients) when first used: settings import this
# package, and `claimflow --help` must not pay for either.
_LAZY = {
    "InstructorGateway": "claimflow.runtime.gateway.instructor_backend",
    "RecordingGateway": "claimflow.runtime.gateway.recording",
    "ReplayGateway": "claimflow.runtime.gateway.recording",
    "RulesGateway": "claimflow.runtime.gateway.rules",
}


__getattr__ = lazy_exports(__name__, _LAZY)


__all__ = [
    "GatewayConfig",
    "GatewaySetupError",
    "InstructorGateway",
    "ModelPrice",
    "OutputCaps",
    "PriceTable",
    "ProviderLimits",
    "RecordingGateway",
    "ReplayGateway",
    "RulesGateway",
    "TransportPolicy",
    "UnknownModelError",
    "make_gateway",
]
