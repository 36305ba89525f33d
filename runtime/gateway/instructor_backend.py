"""`InstructorGateway`: one model call through Instructor, with transport retries, rate limits and usage.

Instructor is asked for exactly one attempt (`max_retries=0`): it never re-asks on invalid output, because
the graph owns that retry (once, with the errors fed back) and decides what follows. Invalid output comes
back as `ModelResult(claim=None, errors=[...])`; evidence is not checked here (apply does that). Rate limits,
server errors, timeouts and broken connections are retried as `GatewayConfig.transport` declares, and a
call that still fails raises `ModelUnavailableError` naming the prompt, the model and what happened, with
the failed call's usage (attempts, latency) attached.

Every request carries the step's output token cap (`GatewayConfig.output_caps`), every attempt has a
deadline of `GatewayConfig.timeout_s` in all (the SDK's own timeout applies to each read, so an answer that
trickles in forever would otherwise never end), and the call as a whole, retries included, one of
`GatewayConfig.call_deadline_s`, or the model seconds the run's budget has left (`ModelInput.seconds_left`) when
fewer: a call the budget ended raises `ModelBudgetSpentError`, not a failure of the model. An answer larger than
`GatewayConfig.max_response_bytes` fails the call unread, and so does a success status whose body is not the API's
answer at all (a web page, an empty body).
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

import instructor
from instructor import ResponseSchema
from instructor.core import IncompleteOutputException, InstructorError, InstructorRetryException
from pydantic import BaseModel, ConfigDict, ValidationError

from claimflow.nodes.ports import ClaimT, ModelBudgetSpentError, ModelInput, ModelResult, ModelUnavailableError, Usage
from claimflow.prompts import PromptSpec
from claimflow.runtime.gateway._answer import answer_text
from claimflow.runtime.gateway._answer_check import NotAnAnswerError
from claimflow.runtime.gateway._body_cap import cause_of, too_large
from claimflow.runtime.gateway._invalid import describe_invalid, fenced_json
from claimflow.runtime.gateway._transport import (
    TransportFailure,
    as_transport_failure,
    retrying,
    timed_out,
    unsupported_advice,
)
from claimflow.runtime.gateway._validator_walk import walk_once
from claimflow.runtime.gateway.config import GatewayConfig
from claimflow.runtime.gateway.limiter import estimate_tokens, shared_limiter
from claimflow.runtime.gateway.render import render_messages, schema_json
from claimflow.runtime.log_redaction import redact_http_logs
from claimflow.state.budget import figure


@functools.cache
def _response_schema(response_model: type[BaseModel]) -> type[BaseModel]:
    """Instructor's wrapper class around a claim type, built once per type, its JSON schema built once too.

    Given a plain model, Instructor builds this subclass on every call (pydantic class creation, a millisecond
    or two of event-loop time per request); given the subclass, it uses it as it is. A model that already is
    one (its own `ResponseSchema`) is used as it is, and left alone.
    """
    if issubclass(response_model, ResponseSchema):  # never change a class someone else owns
        return response_model
    wrapper = _wrapped(response_model)
    _build_json_schema_once(wrapper)
    return wrapper


def _wrapped(response_model: type[BaseModel]) -> type[BaseModel]:
    """The subclass Instructor's `openai_schema` builds (the claim type and `ResponseSchema`), named as it is.

    Built here with the attribute docstrings left as the claim type read them: the claim types take their fields'
    descriptions from docstrings (`use_attribute_docstrings`), and a subclass inheriting that setting has pydantic
    look for its own source through `inspect.getmodule`, a scan of every loaded module. With a provider's SDK
    loaded that is 50-100 ms on the first request's path, for a class that declares no field of its own; the
    fields it inherits keep their descriptions, so the schema sent is the same.
    """
    namespace = {
        "__module__": response_model.__module__,
        "__qualname__": response_model.__qualname__,
        "__doc__": response_model.__doc__,
        "model_config": ConfigDict(use_attribute_docstrings=False),
    }
    wrapper = type(response_model.__name__, (response_model, ResponseSchema), namespace)
    return cast(type[BaseModel], functools.wraps(response_model, updated=())(wrapper))


def _build_json_schema_once(model: type[BaseModel]) -> None:
    """Make `model.model_json_schema(...)` build its schema once per set of arguments; each caller gets a copy.

    Instructor asks for the response model's JSON schema on every request, and pydantic generates it anew each
    time: 2-4 ms of event-loop time per call for a claim type, spent by every document in a batch. The copy is
    a fresh dict, because a caller may edit what it gets. `model` is Instructor's wrapper class, made here for
    claimflow alone: the claim type itself is left as it is.
    """
    generate: Callable[..., dict[str, Any]] = model.model_json_schema.__func__  # type: ignore[attr-defined]

    @functools.cache
    def built(*args: Any, **kwargs: Any) -> str:
        return json.dumps(generate(model, *args, **kwargs))

    def model_json_schema(cls: type[BaseModel], *args: Any, **kwargs: Any) -> dict[str, Any]:
        if cls is not model:  # a subclass (a partial or streaming model, say) has a schema of its own
            return generate(cls, *args, **kwargs)
        return cast(dict[str, Any], json.loads(built(*args, **kwargs)))

    model.model_json_schema = classmethod(model_json_schema)  # type: ignore[method-assign,assignment]


_KEY_SETTINGS = {"openai": "OPENAI_API_KEY", "anthropic": "ANTHROPIC_API_KEY"}
"""The setting each provider's key is read from (`Settings`)."""

_CUT_OFF = "the answer was cut off at the output token limit before it was complete; answer more briefly"


@dataclass
class _Outcome:
    claim: BaseModel | None
    completion: Any
    errors: list[str] = field(default_factory=list)


class InstructorGateway:
    """A `ModelGateway` over an Instructor async client for one provider and model.

    Build it with `make_gateway("openai:<model>")` or `make_gateway("anthropic:<model>")`, which check the
    configuration first. The client is made once; call `aclose()` when done to release its connections.
    """

    def __init__(
        self,
        provider: str,
        model: str,
        client: instructor.AsyncInstructor,
        config: GatewayConfig,
        *,
        cap_parameter: str = "max_tokens",
    ) -> None:
        """Wrap a ready client.

        Args:
            provider: "openai" or "anthropic": the key for limits and prices.
            model: The provider's model name, sent with every call.
            client: An Instructor async client whose SDK client does no retries of its own.
            config: Transport policy, deadline, output caps, limits and prices.
            cap_parameter: The request parameter that carries the output token cap: `max_tokens`, or
                `max_completion_tokens` for OpenAI's own API.
        """
        self.provider = provider
        self.model = model
        self._client = client
        self._config = config
        self.cap_parameter = cap_parameter
        self._advice = unsupported_advice(provider, config.openai_mode)
        walk_once()  # Instructor's async-validator check, once per claim type rather than five times per request
        # Instructor logs every failed attempt at ERROR; we report them ourselves, as data.
        if not any(isinstance(handler, logging.NullHandler) for handler in _INSTRUCTOR_LOG.handlers):
            _INSTRUCTOR_LOG.addHandler(logging.NullHandler())
        redact_http_logs()

    @property
    def name(self) -> str:
        """`provider:model`, e.g. "openai:gpt-4o-mini"."""
        return f"{self.provider}:{self.model}"

    async def aclose(self) -> None:
        """Close the SDK client's connections."""
        sdk_client = self._client.client
        if sdk_client is not None:
            await sdk_client.close()

    async def complete(self, prompt: PromptSpec[ClaimT], request: ModelInput) -> ModelResult[ClaimT]:
        """Ask the model once for the prompt's claim, retrying only transport failures.

        Raises:
            ModelUnavailableError: The call failed for reasons outside the output after the transport retries.
            ModelBudgetSpentError: The model seconds the run had left ran out before an answer came.
        """
        started = time.perf_counter()
        # The run's model seconds count from here, so the budget's deadline does too; it bounds every attempt and
        # every wait, so the time left shrinks across the attempts of this call.
        left = request.seconds_left
        budget_cut = left is not None and left < self._config.call_deadline_s
        limit = left if left is not None and budget_cut else self._config.call_deadline_s
        deadline = asyncio.timeout_at(asyncio.get_running_loop().time() + limit)
        system, user = render_messages(prompt, request)
        schema_chars = len(schema_json(prompt.response_model))
        estimate = estimate_tokens(system) + estimate_tokens(user) + schema_chars // 4
        limiter = shared_limiter(self.provider, self._config.limits_for(self.provider))
        options = {self.cap_parameter: self._config.output_caps.for_step(prompt.name, request.doc_type)}
        attempts = 0
        outcome: _Outcome | None = None
        # The call's own deadline covers every attempt and every wait between them: a server that keeps
        # failing slowly ends here, whatever attempts the transport policy would still allow.
        try:
            async with deadline:
                async for attempt in retrying(self._config.transport):
                    with attempt:
                        attempts = attempt.retry_state.attempt_number
                        await limiter.acquire(estimate)
                        outcome = await self._attempt(prompt.response_model, system, user, options)
        except TransportFailure as failure:
            refused = failure.key_refused
            advice = self._key_advice() if refused else failure.advice
            raise self._unavailable(prompt, started, attempts, failure.what, advice, key_refused=refused) from failure
        except TimeoutError as error:
            if not deadline.expired():
                raise
            if budget_cut:
                what = f"no answer within the {figure(limit)} s of model time the run's budget had left"
                raise self._unavailable(prompt, started, attempts, what, None, spent=True) from error
            what = f"no answer within the call's deadline of {self._config.call_deadline_s:g} s"
            raise self._unavailable(prompt, started, attempts, what, None) from error
        assert outcome is not None  # the loop only ends without an error once an attempt returned
        # Rebuilt as exactly the prompt's claim type: Instructor may hand back a subclass with the raw response.
        claim = None if outcome.claim is None else prompt.response_model.model_validate(outcome.claim.model_dump())
        raw = answer_text(outcome.completion)
        reported = _tokens(outcome.completion)
        # A server that reports no usage (many local ones) would make token and cost budgets pass every call
        # unnoticed: its tokens are estimated as the rate limiter estimates them, and the call says so.
        input_tokens, output_tokens = reported or (estimate, estimate_tokens(raw or ""))
        usage = self._usage(
            prompt,
            started,
            attempts=attempts,
            input_tokens=input_tokens,
            output_tokens=output_tokens,
            validation_errors=outcome.errors,
            tokens_estimated=reported is None,
        )
        return ModelResult(claim=claim, usage=usage, errors=list(outcome.errors), raw=raw)

    def _unavailable(
        self,
        prompt: PromptSpec[Any],
        started: float,
        attempts: int,
        what: str,
        advice: str | None,
        *,
        key_refused: bool = False,
        spent: bool = False,
    ) -> ModelUnavailableError:
        plural = "s" if attempts != 1 else ""
        advice = f"; {advice}" if advice else ""
        error_type = ModelBudgetSpentError if spent else ModelUnavailableError
        return error_type(
            f"{prompt.ref} on {self.name}: {what} after {attempts} attempt{plural}{advice}",
            usage=self._usage(prompt, started, attempts=attempts),
            key_refused=key_refused,
        )

    def _key_advice(self) -> str:
        """What to check when the server refused the key: the setting that holds it, or that none was set."""
        setting = _KEY_SETTINGS.get(self.provider)
        if setting is None:
            return "check the provider's key"
        if self.provider == "openai" and not self._config.openai_api_key:
            # A server other than OpenAI's was sent the placeholder of a server that takes any key.
            return f"{setting} is not set: set it to the key the server expects"
        return f"check {setting} (the provider's key)"

    def _usage(
        self,
        prompt: PromptSpec[Any],
        started: float,
        *,
        attempts: int,
        input_tokens: int = 0,
        output_tokens: int = 0,
        validation_errors: list[str] | None = None,
        tokens_estimated: bool = False,
    ) -> Usage:
        return Usage(
            model=self.name,
            prompt=prompt.ref,
            prompt_hash=prompt.content_hash,
            input_tokens=input_tokens,
            output_tokens=output_tokens,
            cost=self._config.prices.cost(self.provider, self.model, input_tokens, output_tokens),
            latency_ms=round((time.perf_counter() - started) * 1000, 3),
            attempts=attempts,
            validation_errors=list(validation_errors or []),
            tokens_estimated=tokens_estimated,
        )

    async def _attempt(
        self, response_model: type[BaseModel], system: str, user: str, options: dict[str, Any]
    ) -> _Outcome:
        """One HTTP request within the deadline: an outcome (claim or validation errors), or a `TransportFailure`."""
        try:
            async with asyncio.timeout(self._config.timeout_s):
                return await self._request(response_model, system, user, options)
        except TimeoutError:
            # Cancelling the request closes its connection: a server that notices stops generating.
            raise timed_out(self._config.transport, self._config.timeout_s) from None

    async def _request(
        self, response_model: type[BaseModel], system: str, user: str, options: dict[str, Any]
    ) -> _Outcome:
        messages = [{"role": "system", "content": system}, {"role": "user", "content": user}]
        try:
            claim, completion = await self._client.create_with_completion(
                messages=messages,  # type: ignore[arg-type]  # plain dicts are what the SDKs accept
                response_model=_response_schema(response_model),
                max_retries=0,
                strict=False,
                model=self.model,
                **options,
            )
        except IncompleteOutputException as error:
            return _Outcome(None, error.last_completion, [_CUT_OFF])
        except InstructorRetryException as error:
            if error.failed_attempts:
                return _invalid(error.failed_attempts[-1].exception, error.last_completion, response_model)
            raise self._failure(error.__cause__ or error) from error
        except InstructorError as error:
            raise self._failure(error.__cause__ or error) from error
        return _Outcome(claim, completion)

    def _failure(self, error: BaseException) -> TransportFailure:
        oversized = too_large(error)
        if oversized is not None:
            # The same request would get the same answer: never worth another attempt.
            return TransportFailure(str(oversized), retryable=False)
        not_an_answer = cause_of(error, NotAnAnswerError)
        if not_an_answer is not None:
            # Not the model's output, so not invalid output for the graph to retry: the server is the wrong one.
            return TransportFailure(not_an_answer.what, retryable=False, advice=not_an_answer.hint)
        failure = as_transport_failure(error, self._config.transport, self._config.timeout_s, advice=self._advice)
        if failure is None:
            failure = TransportFailure(f"{type(error).__name__}: {error}", retryable=False)
        return failure


_INSTRUCTOR_LOG = logging.getLogger("instructor")


def _invalid(error: BaseException, completion: Any, response_model: type[BaseModel]) -> _Outcome:
    """The outcome of an answer Instructor could not parse; a JSON answer in a bare code fence is read."""
    body = fenced_json(completion)
    if body is not None:
        try:
            return _Outcome(response_model.model_validate_json(body), completion)
        except ValidationError as fenced_error:
            error = fenced_error
    return _Outcome(None, completion, describe_invalid(error, response_model))


def _tokens(completion: Any) -> tuple[int, int] | None:
    """(input, output) tokens of an OpenAI or Anthropic response; None when it reports none (no usage, or zeros)."""
    usage = getattr(completion, "usage", None)
    if usage is None:
        return None
    input_tokens = getattr(usage, "prompt_tokens", None) or getattr(usage, "input_tokens", None) or 0
    output_tokens = getattr(usage, "completion_tokens", None) or getattr(usage, "output_tokens", None) or 0
    if not input_tokens and not output_tokens:
        return None
    return int(input_tokens), int(output_tokens)
