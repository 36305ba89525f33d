"""Setup errors of the model gateway: raised while building a gateway, before any document is touched.

Failures of a call (rate limits, 5xx, timeouts after the transport retries) are `nodes.ports.ModelUnavailableError`.
"""

from __future__ import annotations

from claimflow.runtime.errors import SetupError


class GatewaySetupError(SetupError):
    """The gateway cannot be built as configured: a missing key, a bad model string, an unreadable price table.

    The message says what to set or fix (for a missing key, the environment variable to set).
    """


class UnknownModelError(GatewaySetupError):
    """`--model` names no backend this installation has."""
