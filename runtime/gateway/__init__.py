"""Model gateway backends and the factory that picks one from `--model`."""

from __future__ import annotations

from nodes.ports import ModelGateway
from runtime.gateway.rules import RulesGateway


class UnknownModelError(Exception):
    """`--model` names no backend this installation has."""


def make_gateway(model: str) -> ModelGateway:
    """The gateway for a `--model` value: `rules` (offline default)."""
    if model == "rules":
        return RulesGateway()
    raise UnknownModelError(f"unknown model {model!r}; available: rules")


__all__ = ["RulesGateway", "UnknownModelError", "make_gateway"]
