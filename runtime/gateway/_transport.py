"""Transport failures of a provider SDK call, and the tenacity retry loop the `TransportPolicy` declares.

The OpenAI and Anthropic SDKs share one shape of errors (a status error carrying the HTTP response, a
timeout error, a connection error); both are turned into `TransportFailure`s that say what happened, whether
another attempt may help, and how long the server asked to wait. An error that says the server does not
support a parameter claimflow sent (`response_format`, `json_schema`, `tools`, ...) is never retried, whatever
its status: the same request would fail the same way.

The SDKs put the URL they called into their errors and logs, credentials and all (`http://user:pass@host`,
`?api_key=`), and a server may echo the API key it was sent in its error message: every failure's text is
scrubbed of both here (`scrub`, from `claimflow.runtime.log_redaction`, which does the same for their logs).

This module is imported only with a provider gateway; it looks the SDKs' error classes up among the modules
already loaded, so classifying an Anthropic error never imports OpenAI's SDK, or the other way round.
"""

from __future__ import annotations

import math
import re
import sys
import time
from email.utils import parsedate_to_datetime
from typing import Any

import httpx2
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
from claimflow.runtime.log_redaction import scrub

_SDKS = ("openai", "anthropic")

OPENAI_MODES = ("json", "json_schema", "tools", "md_json")
"""The values of `CLAIMFLOW_OPENAI_MODE`."""

_OTHER_MODES = {
    "json": "md_json (JSON in the answer's text, no response_format) or tools",
    "json_schema": "json, or md_json (JSON in the answer's text, no response_format)",
    "tools": "json, or md_json (JSON in the answer's text, no tools)",
    "md_json": "another server: md_json already sends neither response_format nor tools",
}

# A refused parameter: a message that names something claimflow sends and says it is not accepted.
_SENT = re.compile(
    r"response_format|json_schema|json_object|tool_choice|\btools\b|function[ _]call|parameter|"
    r"max_tokens|max_completion_tokens",
    re.IGNORECASE,
)
_REFUSED = re.compile(
    r"unsupported|not supported|(?:does|do|is) not support|doesn't support|not implemented|unknown|unrecognized|"
    r"not recognized|not allowed|not permitted|extra (?:inputs|fields)|unexpected|invalid|must be",
    re.IGNORECASE,
)


def _sdk_errors(name: str) -> tuple[type[BaseException], ...]:
    """The SDK error classes called `name` (e.g. "APIStatusError") of every provider SDK already imported."""
    found: list[type[BaseException]] = []
    for sdk in _SDKS:
        module = sys.modules.get(sdk)
        if module is not None:
            found.append(getattr(module, name))
    return tuple(found)


def unsupported_advice(provider: str, openai_mode: str) -> str:
    """What to do when a server refuses a parameter, for a gateway of `provider` in `openai_mode`."""
    if provider != "openai":
        return "the server refused a parameter claimflow sends; not retried"
    return (
        f"the server does not support a parameter that CLAIMFLOW_OPENAI_MODE={openai_mode} sends, so this was not "
        f"retried: set CLAIMFLOW_OPENAI_MODE to {_OTHER_MODES.get(openai_mode, 'another mode')} "
        f"(modes: {'|'.join(OPENAI_MODES)})"
    )


def refuses_a_parameter(message: str) -> bool:
    """Whether an error message says a parameter of the request is not supported (never worth a retry)."""
    return bool(_SENT.search(message) and _REFUSED.search(message))


class TransportFailure(Exception):
    """One attempt failed before producing an answer."""

    def __init__(
        self,
        what: str,
        *,
        retryable: bool,
        retry_after: float | None = None,
        advice: str | None = None,
        key_refused: bool = False,
    ) -> None:
        what = scrub(what)
        super().__init__(what)
        self.what = what
        self.retryable = retryable
        self.retry_after = retry_after
        self.advice = advice
        """What to change, when a retry cannot help (a refused parameter)."""
        self.key_refused = key_refused
        """The server refused the key (HTTP 401): the call was never the model's to answer."""


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


def _status_message(error: Any) -> str:
    body = error.body
    if isinstance(body, dict):
        inner = body.get("error", body)
        message = inner.get("message") if isinstance(inner, dict) else inner if isinstance(inner, str) else None
        message = message or body.get("detail")  # FastAPI-based servers
        if message:
            return str(message)[:200]
    if isinstance(body, str) and body.strip():
        return body.strip()[:200]
    return str(error.response.reason_phrase or "error")


def timed_out(policy: TransportPolicy, timeout_s: float) -> TransportFailure:
    """The failure of an attempt that had no complete answer within `timeout_s`."""
    return TransportFailure(f"no answer within {timeout_s:g} s", retryable=policy.retry_timeouts)


def _status_what(status: int, message: str) -> str:
    """How a failure names the HTTP status the server answered and its message."""
    return f"HTTP {status} ({message})"


_KEY_REFUSED_TEXT = _status_what(401, "")[:-1]
"""What the text of every call the server refused the key of holds: `HTTP 401 (`, its message following."""


def says_key_refused(error_text: str) -> bool:
    """Whether a failed call's text (a run's stored error) says the server refused the key (HTTP 401).

    A run keeps its error as text alone, so what read it later (`eval dataset`) knows the key was refused only
    from the words this module chose for the status.
    """
    return _KEY_REFUSED_TEXT in error_text


def _status_failure(error: Any, policy: TransportPolicy, advice: str | None) -> TransportFailure:
    """An HTTP error status (`error` is either SDK's `APIStatusError`: status, body and response)."""
    status = error.status_code
    message = _status_message(error)
    what = _status_what(status, message)
    if status == 401:  # the key is wrong or gone: the same request would be refused the same way
        return TransportFailure(what, retryable=False, key_refused=True)
    if refuses_a_parameter(f"{message} {error.body!r}"):
        return TransportFailure(what, retryable=False, advice=advice)
    retry_after = retry_after_seconds(error.response.headers)
    retryable = status in policy.retry_statuses
    if retryable and retry_after is not None and retry_after > policy.max_retry_after_s:
        what += f"; the server asked to wait {retry_after:g} s, over the {policy.max_retry_after_s:g} s allowed"
        retryable = False
    return TransportFailure(what, retryable=retryable, retry_after=retry_after)


def as_transport_failure(
    error: BaseException, policy: TransportPolicy, timeout_s: float, *, advice: str | None = None
) -> TransportFailure | None:
    """The `TransportFailure` an SDK error stands for, or None when it is not a transport error.

    Args:
        error: What the SDK raised.
        policy: Which statuses and errors are worth another attempt.
        timeout_s: The per-attempt deadline, for the message of a timeout.
        advice: What to do about a refused parameter (see `unsupported_advice`); such an error is not retried.
    """
    if isinstance(error, _sdk_errors("APIStatusError")):
        return _status_failure(error, policy, advice)
    if isinstance(error, _sdk_errors("APITimeoutError")):
        return timed_out(policy, timeout_s)
    if isinstance(error, _sdk_errors("APIConnectionError")):
        return _connection_failure(error, policy)
    return None


def _connection_failure(error: Any, policy: TransportPolicy) -> TransportFailure:
    """A connection that could not be made, or that broke before the whole answer came back."""
    request = getattr(error, "request", None)
    cause = error.__cause__ or error.__context__
    if cause is None or isinstance(cause, httpx2.ConnectError | httpx2.ConnectTimeout | httpx2.UnsupportedProtocol):
        what = "could not connect" + (f" to {request.url}" if request is not None else "")
    else:
        # The server took the request and then hung up, reset the connection or answered something not HTTP.
        what = "the connection" + (f" to {request.url}" if request is not None else "") + " broke before the answer"
    detail = _first_message(cause)
    return TransportFailure(f"{what}: {detail}" if detail else what, retryable=policy.retry_connection_errors)


def _first_message(error: BaseException | None) -> str:
    """The first non-empty message in an error's chain (the HTTP client's are often empty), without a final stop."""
    seen = 0
    while error is not None and seen < 10:
        message = str(error).strip()
        if message:
            return message.removesuffix(".")
        error, seen = error.__cause__ or error.__context__, seen + 1
    return ""


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
