"""Signing webhook bodies: HMAC-SHA256 over the timestamp and the body, as receivers verify it.

The header is `X-Claimflow-Signature: t=<unix seconds>,v1=<hex digest>`, the digest of `<t>.<body>` under the
shared secret. Binding the timestamp into the digest lets a receiver refuse an old request replayed later.
"""

from __future__ import annotations

import hashlib
import hmac
import time

SIGNATURE_HEADER = "X-Claimflow-Signature"
TIMESTAMP_HEADER = "X-Claimflow-Timestamp"
KEY_HEADER = "Idempotency-Key"


def _digest(secret: str, timestamp: int, body: bytes) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def sign(secret: str, body: bytes, *, timestamp: int | None = None) -> str:
    """The signature header's value for `body`, sent at `timestamp` (now, if not given)."""
    at = int(time.time()) if timestamp is None else timestamp
    return f"t={at},v1={_digest(secret, at, body)}"


def verify_signature(
    secret: str, body: bytes, header: str, *, tolerance_s: float = 300.0, now: float | None = None
) -> bool:
    """Whether `header` signs `body` under `secret` and was made within `tolerance_s` of `now`."""
    parts = dict(item.partition("=")[::2] for item in header.split(","))
    try:
        at = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs((time.time() if now is None else now) - at) > tolerance_s:
        return False
    return hmac.compare_digest(parts.get("v1", ""), _digest(secret, at, body))
