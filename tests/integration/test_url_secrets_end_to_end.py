"""A model server's credentials, given in `--base-url`, are nowhere claimflow writes or prints.

The CLI runs in its own process against a real HTTP server (the scripted fake) whose URL carries a user, a
password and an `api_key` query token: one call is refused with an error that echoes the URL, one server cannot
be reached at all, and one answers (its exchanges recorded). Then every place is read: the registry's tables,
every checkpoint of every run, the recordings, and what each command printed.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

from claimflow.doctypes import BUILTIN_TYPES
from claimflow.runtime.engine import open_engine
from claimflow.runtime.settings import Settings
from tests.fakes.openai_server import document_run_replies, error_reply, running_server
from tests.fakes.tcp_proxy import closed_port
from tests.integration._docs import invoice_text, json_lines, run_cli, write

PASSWORD, TOKEN = "s3cret-pw", "tok-777"
SECRETS = (PASSWORD, TOKEN)


def _with_secrets(base_url: str) -> str:
    return base_url.replace("http://", f"http://alice:{PASSWORD}@", 1) + f"?api_key={TOKEN}"


def _registry_text(database: Path) -> str:
    with closing(sqlite3.connect(database)) as db:
        rows = [row for table in ("runs", "events", "review_decisions") for row in db.execute(f"SELECT * FROM {table}")]
    return json.dumps(rows, default=str)


async def _checkpoints_text(data: Path) -> str:
    texts = []
    async with open_engine(Settings(data_dir=data), types=BUILTIN_TYPES, readonly=True) as engine:
        for row in await engine.runs():
            async for snapshot in engine.graph.aget_state_history({"configurable": {"thread_id": row.run_id}}):
                texts.append(json.dumps(snapshot.values, default=str))
    assert texts
    return "\n".join(texts)


async def test_credentials_in_the_base_url_are_stored_and_printed_nowhere(tmp_path: Path) -> None:
    data, recordings = tmp_path / "data", tmp_path / "recordings"
    refused = write(tmp_path / "refused", "refused.txt", invoice_text("NW-1"))
    answered = write(tmp_path / "answered", "answered.txt", invoice_text("NW-2"))
    lost_on_the_way = write(tmp_path / "lost", "lost.txt", invoice_text("NW-3"))  # a file of its own: a new run
    printed: list[str] = []

    def cli(*args: str | Path) -> list[dict[str, object]]:
        result = run_cli(*args, "--data-dir", data, CLAIMFLOW_MODEL_MAX_ATTEMPTS="1", OPENAI_API_KEY="")
        printed.append(result.stdout + result.stderr)
        return json_lines(result.stdout) if "--json" in args else []

    with running_server() as server:
        url = _with_secrets(server.base_url)
        server.script(error_reply(401, f"proxy refused {url}"))
        [failed] = cli("run", refused, "--json", "--model", "openai:fake-model", "--base-url", url)
        server.script(*document_run_replies())
        cli("run", answered, "--model", "openai:fake-model", "--base-url", url, "--record", recordings)
        [completed] = cli("runs", "--json", "--status", "completed")
    unreachable = _with_secrets(f"http://127.0.0.1:{closed_port()}/v1")
    [lost] = cli("run", lost_on_the_way, "--json", "--model", "openai:fake-model", "--base-url", unreachable)
    for view in (failed, lost):
        cli("show", str(view["run_id"]))
        cli("trace", str(view["run_id"]))
        cli("explain", str(view["run_id"]))
    cli("runs")
    cli("run", refused, "--model", "openai:fake-model", "--base-url", f"ftp://alice:{PASSWORD}@files.test/v1")

    assert server.requests[0].headers["authorization"].startswith("Basic ")  # the credentials were sent
    assert (failed["status"], lost["status"], completed["status"]) == ("failed", "failed", "completed")
    # The errors still say which server failed, and how.
    assert f"HTTP 401 (proxy refused http://alice:***@127.0.0.1:{server.base_url.split(':')[-1]}" in str(
        failed["error"]
    )
    assert "could not connect to http://alice:***@127.0.0.1:" in str(lost["error"])
    everything = {
        "registry": _registry_text(data / "claimflow.db"),
        "checkpoints": await _checkpoints_text(data),
        "recordings": "\n".join(path.read_text() for path in sorted(recordings.rglob("*.json"))),
        "printed": "\n".join(printed),
    }
    assert len(list(recordings.rglob("*.json"))) == 2
    assert "alice:***@" in everything["registry"] and "alice:***@" in everything["printed"]
    leaks = {place: secret for place, text in everything.items() for secret in SECRETS if secret in text}
    assert leaks == {}
