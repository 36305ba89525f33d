"""A run continues on the model it started with: `recover` calls the run's own OpenAI-compatible server, whatever
the recovering process was configured with; another model is used only when named, and that is an event."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from claimflow.doctypes import BUILTIN_TYPES
from tests.fakes.openai_server import FakeModelServer, document_run_replies
from tests.integration._batches import registered
from tests.integration._docs import cli_env, flat, invoice_text, json_lines, mismatch_invoice_text, run_cli, write

pytestmark = pytest.mark.postgres

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


def _left_queued(tmp_path: Path, url: str, server: FakeModelServer) -> dict[str, str]:
    """A run registered on the fake server's model by a process that died before advancing it."""
    document = write(tmp_path / "docs", "invoice.txt", invoice_text("NW-7"))
    env = {"CLAIMFLOW_DATABASE_URL": url}
    subprocess.run(
        [sys.executable, "-c", REGISTER_AND_DIE, str(tmp_path / "data"), str(document), MODEL, server.base_url],
        env=cli_env(**env), check=True, timeout=120,
    )  # fmt: skip
    [row] = registered(tmp_path / "data", url)
    assert row.status == "queued" and row.model == MODEL and row.model_base_url == server.base_url
    return env


def _events(url: str, kind: str) -> list[dict[str, object]]:
    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT data FROM claimflow_events WHERE type = %s ORDER BY seq", (kind,)).fetchall()
    return [row[0] for row in rows]


def test_recover_continues_a_run_on_the_model_and_server_it_started_with(
    tmp_path: Path, postgres_url: str, server: FakeModelServer
) -> None:
    env = _left_queued(tmp_path, postgres_url, server)
    server.script(*document_run_replies(types=BUILTIN_TYPES))

    # No --model, no base URL: this process alone would use the rules backend.
    recovered = run_cli("recover", "--json", "--data-dir", tmp_path / "elsewhere", timeout=120, **env)

    assert recovered.returncode == 0, recovered.stderr
    [view] = json_lines(recovered.stdout)
    assert view["status"] == "completed"
    assert [request.model for request in server.requests] == ["fake-model", "fake-model"]
    assert {event["model"] for event in _events(postgres_url, "model.called")} == {MODEL}
    assert _events(postgres_url, "run.model_overridden") == []


def test_recover_on_another_model_is_explicit_and_recorded(
    tmp_path: Path, postgres_url: str, server: FakeModelServer
) -> None:
    env = _left_queued(tmp_path, postgres_url, server)

    recovered = run_cli("recover", "--json", "--model", "rules", "--data-dir", tmp_path / "data", timeout=120, **env)

    assert recovered.returncode == 0, recovered.stderr
    assert [view["status"] for view in json_lines(recovered.stdout)] == ["completed"]
    assert server.requests == []
    [overridden] = _events(postgres_url, "run.model_overridden")
    assert overridden == {"previous": MODEL, "previous_base_url": server.base_url, "model": "rules", "base_url": None}
    [row] = registered(tmp_path / "data", postgres_url)
    assert (row.model, row.model_base_url) == ("rules", None)


def test_a_decision_whose_model_cannot_be_built_here_leaves_the_run_waiting(tmp_path: Path, postgres_url: str) -> None:
    document = write(tmp_path / "docs", "mismatch.txt", mismatch_invoice_text())
    env = {"CLAIMFLOW_DATABASE_URL": postgres_url, "OPENAI_API_KEY": ""}
    started = run_cli("run", document, "--json", "--data-dir", tmp_path / "data", **env)
    [view] = json_lines(started.stdout)
    assert view["status"] == "needs_review", started.stderr
    # The run as one started on OpenAI's own API is: its model and endpoint kept with it, never its key.
    with psycopg.connect(postgres_url) as conn:
        conn.execute(
            "UPDATE claimflow_runs SET model = 'openai:gpt-4o-mini', model_base_url = 'https://api.openai.com/v1'"
        )
    decide = ("review", "decide", view["run_id"], "--reviewer", "ann", "--approve", "--data-dir", tmp_path / "data")

    refused = run_cli(*decide, **env)

    assert refused.returncode == 2
    assert "openai:gpt-4o-mini needs an API key" in flat(refused.stderr)
    [row] = registered(tmp_path / "data", postgres_url)
    assert row.status == "needs_review" and row.lease_owner is None
    with psycopg.connect(postgres_url) as conn:
        assert conn.execute("SELECT count(*) FROM claimflow_review_decisions").fetchone() == (0,)

    # With the key (an approval calls no model), the same decision is applied.
    decided = run_cli(*decide, **{**env, "OPENAI_API_KEY": "sk-not-used"})

    assert decided.returncode == 0, decided.stderr
    assert json.loads(decided.stdout)["status"] == "completed"
