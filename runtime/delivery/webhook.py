"""POST a record to a webhook: signed JSON, with the idempotency key in a header."""

from __future__ import annotations

import time
from email.utils import parsedate_to_datetime

import httpx2

from claimflow.runtime.delivery.signing import KEY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, sign

RETRIED_CLIENT_ERRORS = frozenset({408, 425, 429})
"""4xx answers that say "not now" (timeout, too early, too many requests) rather than "not this": tried again."""


class WebhookRefusedError(Exception):
    """The receiver answered with a status other than 2xx."""

    def __init__(self, message: str, *, status: int, retry_after_s: float | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after_s = retry_after_s
        """What the receiver's `Retry-After` asked to wait, in seconds, if it said."""

    @property
    def final(self) -> bool:
        """Whether the answer ends the attempts: sending the same request again cannot succeed.

        A 4xx refuses the request itself (a wrong URL, credentials, a body it will not take); a timeout, "too
        early" and a rate limit (408, 425, 429) say "not now", and are tried again, as a 5xx is.
        """
        return 400 <= self.status < 500 and self.status not in RETRIED_CLIENT_ERRORS


def retry_after_seconds(value: str | None) -> float | None:
    """A `Retry-After` header in seconds: a number of seconds, or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


async def post_record(url: str, body: bytes, *, key: str, secret: str, timeout_s: float) -> int:
    """Send `body` once; return the receiver's status, or raise when it is not a success."""
    signature = sign(secret, body)
    headers = {
        "Content-Type": "application/json",
        KEY_HEADER: key,
        TIMESTAMP_HEADER: signature.split(",")[0].removeprefix("t="),
        SIGNATURE_HEADER: signature,
    }
    # No redirects: a signed body is for this receiver only, and a redirect may point anywhere.
    async with httpx2.AsyncClient(timeout=timeout_s, follow_redirects=False, trust_env=False) as client:
        response = await client.post(url, content=body, headers=headers)
    if not response.is_success:
        raise WebhookRefusedError(
            f"the receiver answered {response.status_code} {response.reason_phrase}",
            status=response.status_code,
            retry_after_s=retry_after_seconds(response.headers.get("Retry-After")),
        )
    return response.status_code
