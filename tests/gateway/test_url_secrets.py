"""Credentials in a server's URL never leave the gateway: not in the failure's text, not in the SDKs' logs.

The server is real (the scripted one, over HTTP); the base URL carries a user and password, which the HTTP client
sends as Basic auth and puts into the URLs it reports.
"""

from __future__ import annotations

import logging

import pytest

from claimflow.nodes.ports import ModelInput, ModelUnavailableError
from claimflow.prompts import CLASSIFY
from claimflow.runtime.gateway import GatewayConfig, GatewaySetupError, make_gateway
from tests.factories import INVOICE
from tests.fakes.openai_server import FakeModelServer, error_reply
from tests.fakes.tcp_proxy import closed_port
from tests.gateway.conftest import FAST_RETRIES, MakeGateway

SECRET = "s3cret-pw"
REQUEST = ModelInput(pages=INVOICE.pages)


def _with_credentials(url: str) -> str:
    return url.replace("http://", f"http://alice:{SECRET}@", 1)


async def test_a_failed_call_and_the_logs_name_the_server_without_its_password(
    model_server: FakeModelServer, server_gateway: MakeGateway, caplog: pytest.LogCaptureFixture
) -> None:
    echoed = f"upstream {_with_credentials(model_server.base_url)}/chat/completions?api_key=tok-777 refused"
    model_server.script(error_reply(401, echoed))  # not retried
    gateway = server_gateway(openai_base_url=_with_credentials(model_server.base_url), transport=FAST_RETRIES)

    with caplog.at_level(logging.DEBUG), pytest.raises(ModelUnavailableError) as raised:
        await gateway.complete(CLASSIFY, REQUEST)

    assert model_server.requests[0].headers["authorization"].startswith("Basic ")  # the credentials were used
    text = str(raised.value)
    assert f"upstream http://alice:***@127.0.0.1:{model_server.base_url.split(':')[-1]}" in text
    assert "api_key=***" in text
    logged = caplog.text
    assert "HTTP Request: POST http://alice:***@127.0.0.1" in logged  # the client logged the URL, masked
    for secret in (SECRET, "tok-777"):
        assert secret not in text and secret not in logged


async def test_a_server_that_cannot_be_reached_is_named_without_its_password(server_gateway: MakeGateway) -> None:
    url = f"http://alice:{SECRET}@127.0.0.1:{closed_port()}/v1"
    gateway = server_gateway(openai_base_url=url, transport=FAST_RETRIES)

    with pytest.raises(ModelUnavailableError) as raised:
        await gateway.complete(CLASSIFY, REQUEST)

    text = str(raised.value)
    assert "could not connect to http://alice:***@127.0.0.1:" in text and SECRET not in text
    assert SECRET not in str(raised.value.__cause__)


@pytest.mark.parametrize("model", ["openai:fake-model", "anthropic:fake-claude"])
async def test_a_key_the_server_echoes_is_masked_in_the_failure_and_the_logs(
    model: str, model_server: FakeModelServer, server_gateway: MakeGateway, caplog: pytest.LogCaptureFixture
) -> None:
    key = "sk-live-0123456789abcdef"
    model_server.script(error_reply(401, f"Incorrect API key provided: {key}. Check it."))  # not retried
    gateway = server_gateway(model, openai_api_key=key, anthropic_api_key=key)

    with caplog.at_level(logging.DEBUG), pytest.raises(ModelUnavailableError) as raised:
        await gateway.complete(CLASSIFY, REQUEST)

    sent = model_server.requests[0].headers
    assert key in sent.get("authorization", "") + sent.get("x-api-key", "")  # the key was used
    assert "HTTP 401 (Incorrect API key provided: ***. Check it.) after 1 attempt" in str(raised.value)
    assert key not in str(raised.value) and key not in caplog.text


def test_a_malformed_base_url_is_refused_without_echoing_its_password() -> None:
    with pytest.raises(GatewaySetupError) as raised:
        make_gateway("openai:m", GatewayConfig(openai_base_url=f"ftp://alice:{SECRET}@files.test/v1"))

    assert "'ftp://alice:***@files.test/v1' is not an http(s) URL" in str(raised.value)


def test_a_gateway_config_shows_neither_keys_nor_url_credentials() -> None:
    config = GatewayConfig(
        openai_api_key="sk-very-secret",
        anthropic_api_key="ant-very-secret",
        openai_base_url="http://user:hunter2@models.internal:8080/v1",
    )

    shown = repr(config)

    assert "very-secret" not in shown and "hunter2" not in shown
    assert "models.internal:8080" in shown and "timeout_s=60.0" in shown
