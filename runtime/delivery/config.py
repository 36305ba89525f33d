"""Where finished records are delivered, and how hard to try: parsed from CLAIMFLOW_DELIVER* by the settings."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from claimflow.runtime.errors import SetupError
from claimflow.state.redaction import redact

TargetKind = Literal["webhook", "postgres-table"]

_TABLE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}(\.[A-Za-z_][A-Za-z0-9_]{0,62})?")
"""A table name, optionally schema-qualified: plain identifiers only, so the name is never SQL of its own."""


class DeliveryConfigError(SetupError):
    """CLAIMFLOW_DELIVER names a target that cannot be used as given; the message says what to set."""


@dataclass(frozen=True)
class DeliveryTarget:
    """One place a record goes: a webhook URL, or a table in the configured Postgres database."""

    kind: TargetKind
    address: str
    """The URL of a webhook, or the (optionally schema-qualified) name of a table."""

    def __repr__(self) -> str:
        return f"DeliveryTarget({self.name!r})"  # a webhook URL's credentials masked: a repr reaches logs

    @property
    def name(self) -> str:
        """How events and errors name the target (a webhook's URL without credentials)."""
        return f"webhook:{redact(self.address)}" if self.kind == "webhook" else f"postgres-table:{self.address}"


@dataclass(frozen=True)
class DeliveryConfig:
    """The delivery targets, the webhook secret, and the bounded retry with backoff of each target."""

    targets: tuple[DeliveryTarget, ...] = ()
    secret: str | None = field(default=None, repr=False)
    """The HMAC-SHA256 key that signs webhook bodies (CLAIMFLOW_DELIVER_SECRET); never in a repr."""
    max_attempts: int = 5
    """Attempts per target and delivery, the first included (CLAIMFLOW_DELIVER_MAX_ATTEMPTS)."""
    backoff_s: float = 1.0
    """The wait after the first failed attempt; it doubles after each one (CLAIMFLOW_DELIVER_BACKOFF_S)."""
    max_backoff_s: float = 60.0
    """The longest wait between two attempts, a receiver's `Retry-After` included (CLAIMFLOW_DELIVER_MAX_BACKOFF_S)."""
    timeout_s: float = 10.0
    """Seconds one attempt may take (CLAIMFLOW_DELIVER_TIMEOUT_S)."""

    def wait_before(self, attempt: int, *, asked: float | None = None) -> float:
        """Seconds to wait before attempt number `attempt` (2, 3, ...): exponential, capped.

        `asked` is what the receiver's `Retry-After` asked for: waited when longer, up to the same cap.
        """
        backoff = self.backoff_s * 2.0 ** (attempt - 2)
        return min(self.max_backoff_s, max(backoff, asked or 0.0))


def parse_targets(raw: str | None) -> tuple[DeliveryTarget, ...]:
    """`webhook:URL` and `postgres-table:NAME` entries, comma-separated; anything else is a setup error."""
    targets: list[DeliveryTarget] = []
    for entry in (raw or "").split(","):
        entry = entry.strip()
        if not entry:
            continue
        kind, _, address = entry.partition(":")
        if kind == "webhook" and address.startswith(("http://", "https://")):
            targets.append(DeliveryTarget("webhook", address))
        elif kind == "postgres-table" and _TABLE_NAME.fullmatch(address):
            targets.append(DeliveryTarget("postgres-table", address))
        else:
            raise DeliveryConfigError(
                f"CLAIMFLOW_DELIVER entry {redact(entry)!r} is not webhook:http(s)://... or "
                "postgres-table:NAME (a table name of letters, digits and _, optionally schema.table)"
            )
    return tuple(targets)


def delivery_problem(config: DeliveryConfig, database_url: str | None) -> str | None:
    """What keeps the configured targets from being delivered to, and what to set; None if nothing does."""
    if any(target.kind == "postgres-table" for target in config.targets) and not database_url:
        return "CLAIMFLOW_DELIVER names a postgres-table: set CLAIMFLOW_DATABASE_URL to the database"
    return None
