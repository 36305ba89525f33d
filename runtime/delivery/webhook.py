"""POST a record to a webhook: signed JSON, with the idempotency key in a header."""

from __future__ import annotations

import httpx2

from claimflow.runtime.delivery.signing import KEY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, sign


class WebhookRefusedError(Exception):
    """The receiver answered with a status other than 2xx."""


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
        raise WebhookRefusedError(f"the receiver answered {response.status_code} {response.reason_phrase}")
    return response.status_code
