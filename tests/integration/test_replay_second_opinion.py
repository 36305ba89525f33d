"""`claimflow replay` replays a run's second opinion as the run had it, from its own recordings, over real HTTP.

Both extractors ask the same question, so each must be served its own recorded answer; and the replay keeps
the run's extractors, whatever `--second-opinion` the replaying process has.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.fakes.openai_server import FakeModelServer, document_run_replies
from tests.integration._docs import invoice_text, json_lines, run_cli, write

MODEL, SECOND = "openai:fake-model", "openai:other-model"


def _record(tmp_path: Path, server: FakeModelServer, *second: str) -> tuple[dict[str, Any], list[str]]:
    """One invoice run through the fake server, recorded, with the extra options `second`; its view and data."""
    document = write(tmp_path / "docs", "invoice.txt", invoice_text("NW-SECOND-1"))
    classify, extract = document_run_replies()
    server.script(classify, extract, extract)
    data = ["--data-dir", str(tmp_path / "data")]
    live = run_cli(
        "run", document, "--json", "--model", MODEL, *second, "--base-url", server.base_url,
        "--record", tmp_path / "rec", *data, OPENAI_API_KEY="test",
    )  # fmt: skip
    assert live.returncode == 0, live.stderr
    [view] = json_lines(live.stdout)
    return view, data


def _replay(server: FakeModelServer, run_id: str, data: list[str], **env: str) -> tuple[dict[str, Any], str]:
    done = run_cli(
        "replay", run_id, "--json", "--base-url", server.base_url, *data, timeout=120, OPENAI_API_KEY="test", **env
    )
    assert done.returncode == 0, done.stderr
    [replayed, _] = json_lines(done.stdout)
    return replayed, done.stdout


def test_a_second_opinion_run_replays_both_extractors_from_their_recordings_unchanged(
    tmp_path: Path, server: FakeModelServer
) -> None:
    view, data = _record(tmp_path, server, "--second-opinion", SECOND)
    assert view["status"] == "completed", view
    assert sorted(request.model for request in server.requests) == ["fake-model", "fake-model", "other-model"]

    replayed, _ = _replay(server, view["run_id"], data)

    assert len(server.requests) == 3, "no model was called"
    assert (replayed["before"], replayed["after"], replayed["changed"]) == ("completed", "completed", False)
    assert replayed["changes"] == [] and replayed["second_opinion"] == SECOND
    steps = [(step["prompt"], step["extractor"], step["source"]) for step in replayed["steps"]]
    assert steps == [
        ("classify@3", "primary", "recorded"),
        ("extract_invoice@4", "primary", "recorded"),
        ("extract_invoice@4", "second", "recorded"),
    ]
    # Each extractor was served the recording its own call wrote, not the other's answer to the same question.
    served = {step["extractor"]: step["recording"] for step in replayed["steps"] if step["prompt"].startswith("ext")}
    assert served["primary"] != served["second"]


def test_a_run_without_a_second_opinion_replays_without_one_whatever_this_process_sets(
    tmp_path: Path, server: FakeModelServer
) -> None:
    view, data = _record(tmp_path, server)
    assert len(server.requests) == 2

    replayed, _ = _replay(server, view["run_id"], data, CLAIMFLOW_SECOND_OPINION=SECOND)

    assert len(server.requests) == 2, "no model was called"
    assert (replayed["after"], replayed["changed"], replayed["second_opinion"]) == ("completed", False, None)
