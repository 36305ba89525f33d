"""A run keeps its model when another process continues it: the scenarios, for SQLite and for Postgres.

A process registers a run on the fake server's `openai:` model and dies before advancing it; `recover` in a
process configured with nothing (so, alone, the rules backend) must call that server, or, with `--model`,
continue elsewhere and say so in a `run.model_overridden` event.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from claimflow.doctypes import BUILTIN_TYPES
from claimflow.runtime.engine import open_registry
from claimflow.runtime.registry import RunRow
from claimflow.runtime.settings import Settings
from tests.fakes.openai_server import FakeModelServer, document_run_replies
from tests.integration._batches import backend_env
from tests.integration._docs import cli_env, flat, invoice_text, json_lines, mismatch_invoice_text, run_cli, write

MODEL = "openai:fake-model"

REGISTER_AND_DIE = """
import asyncio, os, sys
from pathlib import Path
from claimflow.runtime.engine import open_engine
from claimflow.runtime.settings import Settings

async def main() -> None:
    settings = Settings.load(data_dir=sys.argv[1], model=sys.argv[3], base_url=sys.argv[4])
    async with open_engine(settings) as engine:
        await engine.submit(Path(sys.argv[2]))
        os._exit(0)  # gone before advancing the run, as a killed process is

asyncio.run(main())
"""


def _only_run(data: Path, database_url: str | None) -> tuple[RunRow, list[dict[str, Any]]]:
    """The one run the registry holds, and its events."""
    registry = open_registry(Settings(data_dir=data, database_url=database_url))
    try:
        [row] = registry.list_runs()
        return row, registry.events(row.run_id)
    finally:
        registry.close()


def _left_queued(tmp_path: Path, database_url: str | None, server: FakeModelServer) -> dict[str, str]:
    document = write(tmp_path / "docs", "invoice.txt", invoice_text("NW-7"))
    env = backend_env(database_url)
    subprocess.run(
        [sys.executable, "-c", REGISTER_AND_DIE, str(tmp_path / "data"), str(document), MODEL, server.base_url],
        env=cli_env(**env), check=True, timeout=120,
    )  # fmt: skip
    row, _ = _only_run(tmp_path / "data", database_url)
    assert row.status == "queued" and row.model == MODEL and row.model_base_url == server.base_url
    return env


def recover_keeps_the_runs_model(tmp_path: Path, database_url: str | None, server: FakeModelServer) -> None:
    """`recover` without `--model` calls the server the run started on, and records no override."""
    env = _left_queued(tmp_path, database_url, server)
    server.script(*document_run_replies(types=BUILTIN_TYPES))

    # No --model, no base URL: this process alone would use the rules backend.
    recovered = run_cli("recover", "--json", "--data-dir", tmp_path / "data", timeout=120, **env)

    assert recovered.returncode == 0, recovered.stderr
    assert [view["status"] for view in json_lines(recovered.stdout)] == ["completed"]
    assert [request.model for request in server.requests] == ["fake-model", "fake-model"]
    _, events = _only_run(tmp_path / "data", database_url)
    assert {event["data"]["model"] for event in events if event["type"] == "model.called"} == {MODEL}
    assert not [event for event in events if event["type"] == "run.model_overridden"]


def recover_on_another_model_is_recorded(tmp_path: Path, database_url: str | None, server: FakeModelServer) -> None:
    """`recover --model rules` continues there, calls no server, and says so in an event."""
    env = _left_queued(tmp_path, database_url, server)

    recovered = run_cli("recover", "--json", "--model", "rules", "--data-dir", tmp_path / "data", timeout=120, **env)

    assert recovered.returncode == 0, recovered.stderr
    assert [view["status"] for view in json_lines(recovered.stdout)] == ["completed"]
    assert server.requests == []
    row, events = _only_run(tmp_path / "data", database_url)
    [overridden] = [event["data"] for event in events if event["type"] == "run.model_overridden"]
    assert overridden == {"previous": MODEL, "previous_base_url": server.base_url, "model": "rules", "base_url": None}
    assert (row.model, row.model_base_url) == ("rules", None)
    assert {event["data"]["model"] for event in events if event["type"] == "model.called"} == {"rules"}


def decision_waits_for_its_models_key(tmp_path: Path, database_url: str | None) -> None:
    """A decision on a run whose model needs a key this process lacks changes nothing; with the key it applies."""
    document = write(tmp_path / "docs", "mismatch.txt", mismatch_invoice_text())
    env = {**backend_env(database_url), "OPENAI_API_KEY": ""}
    started = run_cli("run", document, "--json", "--data-dir", tmp_path / "data", **env)
    [view] = json_lines(started.stdout)
    assert view["status"] == "needs_review", started.stderr
    # The run as one started on OpenAI's own API is: its model and endpoint kept with it, never its key.
    registry = open_registry(Settings(data_dir=tmp_path / "data", database_url=database_url))
    try:
        registry.set_model(view["run_id"], "openai:gpt-4o-mini", "https://api.openai.com/v1")
    finally:
        registry.close()
    decide = ("review", "decide", view["run_id"], "--reviewer", "ann", "--approve", "--data-dir", tmp_path / "data")

    refused = run_cli(*decide, **env)

    assert refused.returncode == 2
    assert "openai:gpt-4o-mini needs an API key" in flat(refused.stderr)
    row, _ = _only_run(tmp_path / "data", database_url)
    assert row.status == "needs_review" and row.lease_owner is None

    # With the key (an approval calls no model), the same decision is applied.
    decided = run_cli(*decide, **{**env, "OPENAI_API_KEY": "sk-not-used"})

    assert decided.returncode == 0, decided.stderr
    assert json.loads(decided.stdout)["status"] == "completed"


def recover_leaves_a_run_whose_model_needs_a_key(
    tmp_path: Path, database_url: str | None, server: FakeModelServer
) -> None:
    """`recover` without the key the run's model needs leaves that run queued and says so; `--model` continues it."""
    env = {**_left_queued(tmp_path, database_url, server), "OPENAI_API_KEY": ""}
    row, _ = _only_run(tmp_path / "data", database_url)
    registry = open_registry(Settings(data_dir=tmp_path / "data", database_url=database_url))
    try:
        registry.set_model(row.run_id, "openai:gpt-4o-mini", "https://api.openai.com/v1")
    finally:
        registry.close()

    left = run_cli("recover", "--json", "--data-dir", tmp_path / "data", timeout=120, **env)

    assert left.returncode == 0, left.stderr
    assert json_lines(left.stdout) == []
    assert f"run {row.run_id} started on openai:gpt-4o-mini" in flat(left.stderr)
    assert "needs an API key" in flat(left.stderr)
    after, events = _only_run(tmp_path / "data", database_url)
    assert (after.status, after.model, after.updated_at) == ("queued", "openai:gpt-4o-mini", row.updated_at)
    assert [event["type"] for event in events] == ["run.started"]

    moved = run_cli("recover", "--json", "--model", "rules", "--data-dir", tmp_path / "data", timeout=120, **env)

    assert moved.returncode == 0, moved.stderr
    assert [view["status"] for view in json_lines(moved.stdout)] == ["completed"]
    assert server.requests == []
