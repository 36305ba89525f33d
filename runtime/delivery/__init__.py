"""Delivering completed records exactly once: signed webhooks and a Postgres table, retried with backoff.

`deliverer.make_deliverer(settings, registry, types)` builds what the `deliver` step calls; it is None when no target is
configured. Every attempt is recorded before and after it is made (`delivery.started`, then
`delivery.succeeded` or `delivery.failed`), straight into the events table, so a crash between sending and the
step's checkpoint still leaves the send in the audit trail.
"""

from claimflow.runtime.delivery.config import (
    DeliveryConfig,
    DeliveryConfigError,
    DeliveryTarget,
    parse_targets,
)
from claimflow.runtime.delivery.signing import SIGNATURE_HEADER, sign, verify_signature

__all__ = [
    "SIGNATURE_HEADER",
    "DeliveryConfig",
    "DeliveryConfigError",
    "DeliveryTarget",
    "parse_targets",
    "sign",
    "verify_signature",
]
