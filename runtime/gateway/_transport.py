"""Transport failures of a provider SDK call, and the tenacity retry loop the `TransportPolicy` declares.

The OpenAI and Anthropic SDKs share one shape of errors (a status error carrying the HTTP response, a
timeout error, a connection error); both are turned into `TransportFailure`s that say what happened, whether
another attempt may help, and how long the server asked to wait.
"""

from __future__ import annotations

import math
import time
from email.utils import parsedate_to_datetime
from typing import Any

import anthropic
import openai
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential,
    wait_random,
)
from tenacity.wait import wait_base

from claimflow.runtime.gateway.config import TransportPolicy

_STATUS_ERRORS = (openai.APIStatusError, anthropic.APIStatusError)
_TIMEOUTS = (openai.APITimeoutError, anthropic.APITimeoutError)
_CONNECTION_ERRORS = (openai.APIConnectionError, anthropic.APIConnectionError)


class TransportFailure(Exception):
    """One attempt failed before producing an answer."""

    def __init__(self, what: str, *, retryable: bool, retry_after: float | None = None) -> None:
        super().__init__(what)
        self.what = what
        self.retryable = retryable
        self.retry_after = retry_after


def retry_after_seconds(headers: Any) -> float | None:
    """The wait a response asks for: `retry-after-ms`, else `Retry-After` in seconds or as an HTTP date."""
    millis = headers.get("retry-after-ms")
    if millis:
        try:
            return max(float(millis) / 1000, 0.0)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            seconds = parsedate_to_datetime(value).timestamp() - time.time()
        except (TypeError, ValueError, IndexError):
            return None
    return max(seconds, 0.0) if math.isfinite(seconds) else None


def _status_message(error: openai.APIStatusError | anthropic.APIStatusError) -> str:
    body = error.body
    if isinstance(body, dict):
        inner = body.get("error", body)
        message = inner.get("message") if isinstance(inner, dict) else None
        if message:
            return str(message)[:200]
    return error.response.reason_phrase or "error"


def as_transport_failure(error: BaseException, policy: TransportPolicy, timeout_s: float) -> TransportFailure | None:
    """The `TransportFailure` an SDK error stands for, or None when it is not a transport error."""
    if isinstance(error, _STATUS_ERRORS):
        status = error.status_code
        retry_after = retry_after_seconds(error.response.headers)
        what = f"HTTP {status} ({_status_message(error)})"
        retryable = status in policy.retry_statuses
        if retryable and retry_after is not None and retry_after > policy.max_retry_after_s:
            what += f"; the server asked to wait {retry_after:g} s, over the {policy.max_retry_after_s:g} s allowed"
            retryable = False
        return TransportFailure(what, retryable=retryable, retry_after=retry_after)
    if isinstance(error, _TIMEOUTS):
        return TransportFailure(f"no answer within {timeout_s:g} s", retryable=policy.retry_timeouts)
    if isinstance(error, _CONNECTION_ERRORS):
        request = getattr(error, "request", None)
        where = f" to {request.url}" if request is not None else ""
        cause = error.__cause__ or error.__context__
        detail = f": {cause}" if cause else ""
        return TransportFailure(f"could not connect{where}{detail}", retryable=policy.retry_connection_errors)
    return None


class _WaitRetryAfter(wait_base):
    """The server's Retry-After when it sent one, else exponential backoff with jitter."""

    def __init__(self, policy: TransportPolicy) -> None:
        self._backoff = wait_exponential(multiplier=policy.initial_wait_s, max=policy.max_wait_s) + wait_random(
            0, policy.initial_wait_s
        )

    def __call__(self, retry_state: RetryCallState) -> float:
        outcome = retry_state.outcome
        error = outcome.exception() if outcome is not None and outcome.failed else None
        if isinstance(error, TransportFailure) and error.retry_after is not None:
            return error.retry_after
        return float(self._backoff(retry_state))


def _is_retryable(error: BaseException) -> bool:
    return isinstance(error, TransportFailure) and error.retryable


def retrying(policy: TransportPolicy) -> AsyncRetrying:
    """A fresh tenacity loop for one call: retries retryable `TransportFailure`s, then re-raises the last one."""
    return AsyncRetrying(
        stop=stop_after_attempt(policy.max_attempts),
        wait=_WaitRetryAfter(policy),
        retry=retry_if_exception(_is_retryable),
        reraise=True,
    )
