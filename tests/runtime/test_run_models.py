"""Where a run's model is called, as kept with the run: no secret in it; the process' own URL when it is that."""

from __future__ import annotations

from claimflow.runtime.engine.models import _config_for, endpoint
from claimflow.runtime.gateway.config import GatewayConfig


def test_an_endpoint_is_kept_without_the_urls_secrets() -> None:
    config = GatewayConfig(openai_base_url="http://user:s3cret@gpu-1:8000/v1?api_key=k3y")

    kept = endpoint("openai:m", config)

    assert kept is not None and "s3cret" not in kept and "k3y" not in kept and "gpu-1:8000/v1" in kept
    assert endpoint("anthropic:m", GatewayConfig()) == "https://api.anthropic.com"
    assert endpoint("openai:m", GatewayConfig()) == "https://api.openai.com/v1"
    assert endpoint("rules", config) is None


def test_a_run_on_this_process_endpoint_uses_its_url_with_the_secrets_and_another_its_own() -> None:
    config = GatewayConfig(openai_base_url="http://user:s3cret@gpu-1:8000/v1")
    kept = endpoint("openai:m", config)

    assert _config_for("openai:m", kept, config) is config
    assert _config_for("openai:m", "http://gpu-2:8000/v1", config).openai_base_url == "http://gpu-2:8000/v1"
    moved = _config_for("anthropic:m", "http://proxy:9000", GatewayConfig())
    assert moved.anthropic_base_url == "http://proxy:9000"
