"""Building the Instructor gateways for OpenAI-compatible servers and Anthropic, checking setup first.

Keys: `openai:` needs `openai_api_key` (settings read `OPENAI_API_KEY`) unless the base URL points at
a server other than OpenAI's own API: local servers (vLLM, llama.cpp, Ollama, LM Studio) take any key, so
"not-needed" is sent when none is configured. `anthropic:` always needs `anthropic_api_key`
(`ANTHROPIC_API_KEY`). The SDK clients do no retries of their own (`max_retries=0`): the gateway's
transport policy does, and counts them. A configured key is masked wherever a failure or a log would show it
(`hide_key`): some servers echo the key they were sent in their error messages.

The output token cap goes out as `max_completion_tokens` to OpenAI's own API (its newer models refuse
`max_tokens`) and as `max_tokens` to every other OpenAI-compatible server and to Anthropic.

`make_gateway` imports this module only to build an `openai:` or `anthropic:` gateway, and each builder imports
its own provider's SDK, so the `rules` backend never loads either and an Anthropic run never loads OpenAI's.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from claimflow.runtime.gateway._answer_check import ANTHROPIC_ANSWER, OPENAI_ANSWER, answer_check
from claimflow.runtime.gateway._body_cap import capped_client
from claimflow.runtime.gateway.config import DEFAULT_ANTHROPIC_BASE_URL, DEFAULT_OPENAI_BASE_URL, GatewayConfig
from claimflow.runtime.gateway.errors import GatewaySetupError
from claimflow.runtime.gateway.instructor_backend import InstructorGateway
from claimflow.runtime.log_redaction import hide_key
from claimflow.state.redaction import redact

LOCAL_SERVER_KEY = "not-needed"
"""The key sent to an OpenAI-compatible server other than OpenAI's when none is configured."""

_OPENAI_HOST = urlparse(DEFAULT_OPENAI_BASE_URL).hostname


def is_openai_api(base_url: str | None) -> bool:
    """Whether `base_url` is OpenAI's own API (None means it is)."""
    return base_url is None or urlparse(base_url).hostname == _OPENAI_HOST


def _check_base_url(base_url: str, setting: str) -> None:
    parsed = urlparse(base_url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        shown = redact(repr(base_url))
        raise GatewaySetupError(f"{setting} {shown} is not an http(s) URL; expected e.g. http://127.0.0.1:8000/v1")


def openai_gateway(model: str, config: GatewayConfig) -> InstructorGateway:
    """A gateway to `model` on OpenAI or any OpenAI-compatible server (JSON mode).

    Raises:
        GatewaySetupError: No key for OpenAI's API, or a base URL that is not an http(s) URL.
    """
    base_url = config.openai_base_url
    if base_url is not None:
        _check_base_url(base_url, "--base-url / CLAIMFLOW_OPENAI_BASE_URL")
    api_key = config.openai_api_key
    if not api_key:
        if is_openai_api(base_url):
            raise GatewaySetupError(
                f"openai:{model} needs an API key: set OPENAI_API_KEY, or point --base-url "
                "(CLAIMFLOW_OPENAI_BASE_URL) at a local OpenAI-compatible server"
            )
        api_key = LOCAL_SERVER_KEY
    else:
        hide_key(api_key)
    import instructor
    import openai

    client = openai.AsyncOpenAI(
        base_url=base_url or DEFAULT_OPENAI_BASE_URL,
        api_key=api_key,
        max_retries=0,
        timeout=config.timeout_s,
        http_client=capped_client(
            openai.DefaultAsyncHttpxClient, config.max_response_bytes, [answer_check(OPENAI_ANSWER)]
        ),
    )
    # JSON mode (response_format json_object, schema in the system message) is what OpenAI-compatible
    # servers support most widely, so it is the default; tool calling varies between local servers.
    mode = _openai_modes(instructor)[config.openai_mode]
    cap_parameter = "max_completion_tokens" if is_openai_api(base_url) else "max_tokens"
    return InstructorGateway(
        "openai", model, instructor.from_openai(client, mode=mode), config, cap_parameter=cap_parameter
    )


def _openai_modes(instructor: Any) -> dict[str, Any]:
    return {
        "json": instructor.Mode.JSON,
        "json_schema": instructor.Mode.JSON_SCHEMA,
        "tools": instructor.Mode.TOOLS,
        "md_json": instructor.Mode.MD_JSON,
    }


def anthropic_gateway(model: str, config: GatewayConfig) -> InstructorGateway:
    """A gateway to an Anthropic model (tool-calling mode, the structured-output path Claude is trained on).

    Raises:
        GatewaySetupError: No Anthropic key, or a base URL that is not an http(s) URL.
    """
    if not config.anthropic_api_key:
        raise GatewaySetupError(f"anthropic:{model} needs an API key: set ANTHROPIC_API_KEY")
    if config.anthropic_base_url is not None:
        _check_base_url(config.anthropic_base_url, "anthropic base URL")
    hide_key(config.anthropic_api_key)
    import anthropic
    import instructor

    client = anthropic.AsyncAnthropic(
        base_url=config.anthropic_base_url or DEFAULT_ANTHROPIC_BASE_URL,
        api_key=config.anthropic_api_key,
        max_retries=0,
        timeout=config.timeout_s,
        http_client=capped_client(
            anthropic.DefaultAsyncHttpxClient, config.max_response_bytes, [answer_check(ANTHROPIC_ANSWER)]
        ),
    )
    return InstructorGateway(
        "anthropic",
        model,
        instructor.from_anthropic(client, mode=instructor.Mode.TOOLS),
        config,
        cap_parameter="max_tokens",
    )
