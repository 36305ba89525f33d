"""A call that passes its deadline, or an answer over the size cap, fails its document with the reason, in the CLI."""

from __future__ import annotations

from pathlib import Path

from tests.fakes.openai_server import FakeModelServer, Reply, chat_completion
from tests.integration._docs import invoice_text, json_lines, run_cli, write

MODEL = "openai:fake-model"


def _run(tmp_path: Path, server: FakeModelServer, **env: str) -> dict[str, object]:
    document = write(tmp_path / "in", "invoice.txt", invoice_text())
    done = run_cli(
        "run", document, "--json", "--model", MODEL, "--base-url", server.base_url, "--data-dir", tmp_path / "data",
        timeout=120, OPENAI_API_KEY="", **env,
    )  # fmt: skip
    [row] = json_lines(done.stdout)
    return row


def test_a_dripping_server_fails_the_document_at_the_call_deadline(tmp_path: Path, server: FakeModelServer) -> None:
    dripping = Reply(body=chat_completion("{}"), endless=True, trickle_s=1.0)
    server.script(*[dripping] * 5)

    row = _run(tmp_path, server, CLAIMFLOW_MODEL_CALL_DEADLINE_S="3", CLAIMFLOW_MODEL_TIMEOUT_S="60")

    assert row["status"] == "failed"
    assert "classify@3 on openai:fake-model: no answer within the call's deadline of 3 s after 1 attempt" in str(
        row["error"]
    )
    trace = run_cli("trace", str(row["run_id"]), "--json", "--data-dir", tmp_path / "data")
    called = [event for event in json_lines(trace.stdout) if event["type"] == "model.called"]
    assert "no answer within the call's deadline of 3 s" in called[0]["data"]["error"]


def test_an_oversized_answer_fails_the_document_with_the_cap_and_is_not_retried(
    tmp_path: Path, server: FakeModelServer
) -> None:
    server.script(*[Reply(body=chat_completion("{}"), padding=8 * 1024 * 1024)] * 4)

    row = _run(tmp_path, server, CLAIMFLOW_MODEL_MAX_RESPONSE_BYTES="100000")

    assert row["status"] == "failed"
    assert "the answer is larger than 100,000 bytes (CLAIMFLOW_MODEL_MAX_RESPONSE_BYTES) after 1 attempt" in str(
        row["error"]
    )
    assert len(server.requests) == 1
