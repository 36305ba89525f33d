"""Settings: the only place environment variables are read."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from state.policy import Policy

DEFAULT_DATA_DIR = ".claimflow"


def _env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise SettingsError(f"{name}={raw!r} is not a number") from None


class SettingsError(Exception):
    """A setting is missing or malformed; the message names it and what it should be."""


@dataclass(frozen=True)
class Settings:
    """Where data lives, which model runs, and the policy thresholds."""

    data_dir: Path
    model: str = "rules"
    policy: Policy = field(default_factory=Policy)

    @classmethod
    def load(cls, *, data_dir: str | Path | None = None, model: str | None = None) -> Settings:
        """Explicit arguments win, then CLAIMFLOW_* environment variables, then defaults."""
        directory = Path(data_dir or os.environ.get("CLAIMFLOW_DATA_DIR") or DEFAULT_DATA_DIR)
        defaults = Policy()
        policy = Policy(
            classify_min_confidence=_env_float("CLAIMFLOW_CLASSIFY_MIN_CONFIDENCE", defaults.classify_min_confidence),
            field_auto_accept=_env_float("CLAIMFLOW_FIELD_AUTO_ACCEPT", defaults.field_auto_accept),
            high_risk_total=Decimal(os.environ.get("CLAIMFLOW_HIGH_RISK_TOTAL") or defaults.high_risk_total),
            high_risk_field_auto_accept=_env_float(
                "CLAIMFLOW_HIGH_RISK_FIELD_AUTO_ACCEPT", defaults.high_risk_field_auto_accept
            ),
        )
        return cls(data_dir=directory, model=model or os.environ.get("CLAIMFLOW_MODEL") or "rules", policy=policy)
