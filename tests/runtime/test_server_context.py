"""The server graph's context: describable by the server, and turned into an engine from claimflow's settings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claimflow.runtime.errors import EngineClosedError, SetupError
from claimflow.runtime.server import Engines, ServerContext
from claimflow.runtime.server.context import context_of
from claimflow.runtime.studio import graph


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Settings from the environment, as the server reads them: only this test's data directory."""
    for key in ("CLAIMFLOW_MODEL", "CLAIMFLOW_DATABASE_URL", "CLAIMFLOW_TYPES", "CLAIMFLOW_POLICY"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("CLAIMFLOW_DATA_DIR", str(tmp_path / "data"))
    return tmp_path / "data"


def test_the_server_can_describe_every_schema_of_the_graph() -> None:
    # What `assistants.get_schemas` returns: each must be plain JSON.
    for schema in (graph.get_input_jsonschema(), graph.get_output_jsonschema(), graph.get_context_jsonschema()):
        json.dumps(schema)
    assert graph.get_context_jsonschema()["properties"]["model"]["default"] is None


def test_the_context_a_client_sends_is_read_and_checked() -> None:
    assert context_of(None) is None
    assert context_of({}) == ServerContext()
    assert context_of({"model": "rules"}) == ServerContext(model="rules")
    with pytest.raises(ValueError, match="Extra inputs"):
        context_of({"data_dir": "/etc"})  # where data lives is the server's setting, not a client's


async def test_without_a_context_the_engine_comes_from_claimflows_settings(data_dir: Path) -> None:
    engines = Engines()
    try:
        engine = await engines.get(None)
        assert engine.settings.data_dir == data_dir
        assert engine.context.gateway.name == "rules"
        assert (data_dir / "claimflow.db").exists() and (data_dir / "checkpoints.db").exists()
        # Opened once: the next request gets the same engine.
        assert await engines.get(ServerContext()) is engine
        assert "invoice" in engine.types.names
    finally:
        await engines.aclose()


async def test_a_context_naming_a_model_gets_an_engine_of_its_own(data_dir: Path, tmp_path: Path) -> None:
    recordings = tmp_path / "recorded"
    recordings.mkdir()
    engines = Engines()
    try:
        default = await engines.get(None)
        replaying = await engines.get(ServerContext(model=f"replay:{recordings}"))
        assert replaying is not default
        assert replaying.context.gateway.name.startswith("replay:")
        assert default.context.gateway.name == "rules"
    finally:
        await engines.aclose()


async def test_a_model_that_cannot_be_built_is_a_setup_error_naming_it(data_dir: Path) -> None:
    engines = Engines()
    with pytest.raises(SetupError, match="bogus"):
        await engines.get(ServerContext(model="bogus:thing"))
    await engines.aclose()


async def test_engines_a_step_uses_are_closed_when_it_ends_not_under_it(data_dir: Path) -> None:
    engines = Engines()
    async with engines.in_use():
        engine = await engines.get(None)
        await engines.aclose()  # the server stops while a step still runs
        assert await engine.registry.list_runs("needs_review") == []  # the step's engine still works
    with pytest.raises(EngineClosedError):
        await engine.registry.list_runs("needs_review")
    # A step that starts after that gets an engine of its own, closed at its end.
    async with engines.in_use():
        later = await engines.get(None)
        assert later is not engine and await later.registry.list_runs("needs_review") == []
    with pytest.raises(EngineClosedError):
        await later.registry.list_runs("needs_review")
