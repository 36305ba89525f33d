"""The database lost in the middle of a decision's resume: one line saying so, and nothing decided twice or lost.

The decision's resume had been committed (the review step's checkpoint) when the connection went, in the model
call of the step after it: once the database is back, `recover` finishes the run with that decision, which then
counts as applied, exactly once.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

from claimflow.doctypes import BUILTIN_TYPES
from tests.fakes.openai_server import FakeModelServer, ReceivedRequest, Reply, document_run_replies
from tests.fakes.tcp_proxy import TcpProxy
from tests.integration._docs import flat, json_lines, mismatch_invoice_text, run_cli, write

pytestmark = pytest.mark.postgres

MODEL = "openai:fake-model"
WAIT_S = 3.0


def _through(proxy: TcpProxy, url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=f"{parts.username}@127.0.0.1:{proxy.port}"))


def test_a_database_lost_under_a_decision_stops_it_and_recover_applies_it_once(
    tmp_path: Path, postgres_url: str, server: FakeModelServer
) -> None:
    document = write(tmp_path / "docs", "mismatch.txt", mismatch_invoice_text())
    server.script(*document_run_replies(types=BUILTIN_TYPES))
    model = ("--model", MODEL, "--base-url", server.base_url)
    started = run_cli(
        "run", document, "--json", *model, "--data-dir", tmp_path / "a", CLAIMFLOW_DATABASE_URL=postgres_url
    )
    [view] = json_lines(started.stdout)
    assert view["status"] == "needs_review", started.stderr
    target = urlsplit(postgres_url)
    proxy = TcpProxy((target.hostname or "127.0.0.1", target.port or 5432))
    _, extract = document_run_replies("invoice", types=BUILTIN_TYPES)

    def cut_then_answer(request: ReceivedRequest) -> Reply:
        proxy.cut()  # the database goes while the step after the review waits for its model
        return extract(request)

    server.script(cut_then_answer, extract)
    decide = ("review", "decide", view["run_id"], "--reviewer", "ann", "--set", "doc_type=invoice")

    stopped = run_cli(
        *decide,
        "--data-dir",
        tmp_path / "b",
        timeout=180,
        CLAIMFLOW_DATABASE_URL=_through(proxy, postgres_url),
        CLAIMFLOW_POSTGRES_WAIT_S=str(WAIT_S),  # psycopg_pool's 30 s unless set
    )

    assert stopped.returncode == 3, stopped.stderr
    assert "Traceback" not in stopped.stderr
    message = flat(stopped.stderr)
    assert message.startswith("error: stopped: the database cannot be reached or written"), message
    assert f"after {WAIT_S:.2f} sec" in message  # one wait, as long as CLAIMFLOW_POSTGRES_WAIT_S says
    assert "what became of the decision" in message and "claimflow recover" in message

    recovered = run_cli(
        "recover", "--json", "--data-dir", tmp_path / "c", timeout=180, CLAIMFLOW_DATABASE_URL=postgres_url
    )

    assert recovered.returncode == 0, recovered.stderr
    [after] = json_lines(recovered.stdout)
    assert after["status"] in ("completed", "needs_review") and after["doc_type"] == "invoice"
    with psycopg.connect(postgres_url) as conn:
        outcomes = [row[0] for row in conn.execute("SELECT outcome FROM claimflow_review_decisions")]
    assert outcomes == ["applied"]
    assert server.pending == 0  # the step in flight ran again, once, on the run's own model
