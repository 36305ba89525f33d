"""The model a run continues on: the one it started with (and its endpoint), unless another is named explicitly.

A run records its model's name (`openai:gpt-4o-mini`, `rules`, ...) and endpoint, never a key. A process that
continues it (a resume, `recover`, a worker) builds that model with its own keys, whatever model the process
itself was opened with; a model that cannot be built here (a missing key, a replay folder it cannot know) stops
before the run is touched, saying what to set. Continuing on another model is explicit (`open_engine(...,
override_model=True)`, the CLI's `--model`), and recorded as a `run.model_overridden` event.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import TYPE_CHECKING

from claimflow.nodes.ports import ModelGateway, WorkflowContext
from claimflow.runtime.errors import SetupError
from claimflow.runtime.gateway import GatewaySetupError, make_gateway
from claimflow.runtime.gateway.config import DEFAULT_ANTHROPIC_BASE_URL, DEFAULT_OPENAI_BASE_URL, GatewayConfig
from claimflow.runtime.registry import AsyncRegistry, RunRow
from claimflow.runtime.settings import Settings
from claimflow.state.events import event
from claimflow.state.redaction import redact

REBUILT = ("rules", "openai:", "anthropic:")
"""Model names a process can build from the name alone (with its own keys); a replay names no folder."""


class RunModelError(SetupError):
    """The model a run started with cannot be built in this process; the run is left as it was."""


def endpoint(model: str, config: GatewayConfig) -> str | None:
    """Where `model` is called with `config`, as kept with a run: secrets of the URL masked; None without one."""
    provider = model.partition(":")[0]
    if provider == "openai":
        return redact(config.openai_base_url or DEFAULT_OPENAI_BASE_URL)
    if provider == "anthropic":
        return redact(config.anthropic_base_url or DEFAULT_ANTHROPIC_BASE_URL)
    return None


def _config_for(model: str, base_url: str | None, config: GatewayConfig) -> GatewayConfig:
    """`config` pointed at the run's endpoint (this process' own URL when it is the same, secrets included)."""
    if base_url is None or endpoint(model, config) == base_url:
        return config
    if model.startswith("openai:"):
        return replace(config, openai_base_url=base_url)
    return replace(config, anthropic_base_url=base_url)


class RunModels:
    """Choosing each run's gateway: the engine's own when it is the run's, else the run's own, built once."""

    settings: Settings
    registry: AsyncRegistry
    override_model: bool
    _built: dict[tuple[str, str | None], ModelGateway]

    if TYPE_CHECKING:
        # Provided by the engine this mixes into.
        @property
        def context(self) -> WorkflowContext:  # noqa: D102
            ...

    @property
    def model_endpoint(self) -> str | None:
        """The endpoint of this engine's own model, as runs keep it."""
        return endpoint(self.context.gateway.name, self.settings.gateway)

    async def context_for(self, row: RunRow) -> WorkflowContext:
        """The context to advance `row` with: its own model, or this engine's when overriding is asked for.

        Raises:
            RunModelError: The run's model cannot be built here; nothing about the run was changed.
        """
        own = self.context
        own_name, own_url = own.gateway.name, self.model_endpoint
        if row.model == own_name and row.model_base_url in (None, own_url):
            return own
        if self.override_model:
            await self.registry.append_events(
                row.run_id,
                [
                    event(
                        "run.model_overridden",
                        "engine",
                        previous=row.model,
                        previous_base_url=row.model_base_url,
                        model=own_name,
                        base_url=own_url,
                    )
                ],
            )
            await self.registry.set_model(row.run_id, own_name, own_url)
            return own
        return replace(own, gateway=await self._gateway(row))

    async def _gateway(self, row: RunRow) -> ModelGateway:
        key = (row.model, row.model_base_url)
        found = self._built.get(key)
        if found is not None:
            return found
        where = f" at {row.model_base_url}" if row.model_base_url else ""
        if not row.model.startswith(REBUILT):
            raise RunModelError(
                f"run {row.run_id} started on {row.model}{where}, which this process cannot build from its name: "
                f"open it with that model, or name another with --model to continue it there (recorded)"
            )
        config = _config_for(row.model, row.model_base_url, self.settings.gateway)
        try:
            gateway = await asyncio.to_thread(make_gateway, row.model, config)
        except GatewaySetupError as error:
            raise RunModelError(
                f"run {row.run_id} started on {row.model}{where}, which cannot be used here: {error}. The run is "
                "left as it was; set what it needs, or name another model with --model to continue it there "
                "(recorded)"
            ) from None
        if self.settings.record_dir is not None:  # recorded like the engine's own model
            from claimflow.runtime.gateway.recording import RecordingGateway

            gateway = RecordingGateway(gateway, self.settings.record_dir)
        self._built[key] = gateway
        return gateway

    async def close_models(self) -> None:
        """Close the gateways built for runs."""
        built, self._built = list(self._built.values()), {}
        for gateway in built:
            close = getattr(gateway, "aclose", None)
            if close is not None:
                await close()
