"""`--model replay:DIR@MODEL` serves one model's answers from a folder holding two models' answers to one question.

A run with a second opinion records both extractors' answers to the same extraction; `replay:DIR` cannot tell
whose to give and says how to choose, in the exact spelling to use. Real `claimflow` processes, the recording made
against the fake OpenAI-compatible server.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.fakes.openai_server import FakeModelServer, document_run_replies
from tests.integration._docs import invoice_text, json_lines, run_cli, write

MODEL = "openai:fake-model"


def _recorded(tmp_path: Path, server: FakeModelServer, folder: Path) -> tuple[Path, dict[str, Any]]:
    """A document, and its run's view, recorded into `folder` with `rules` as the second opinion."""
    document = write(tmp_path / "docs", "invoice.txt", invoice_text("NW-CHOSEN-1"))
    server.script(*document_run_replies())
    done = run_cli(
        "run", document, "--json", "--data-dir", tmp_path / "recording", "--model", MODEL, "--second-opinion", "rules",
        "--base-url", server.base_url, "--record", folder, OPENAI_API_KEY="test",
    )  # fmt: skip
    [view] = json_lines(done.stdout)
    assert view["status"] == "completed", view
    return document, view


def _values(view: dict[str, Any]) -> dict[str, Any]:
    return {name: found["value"] for name, found in view["fields"].items()}


def _replay(tmp_path: Path, document: Path, model: str, data: str) -> dict[str, Any]:
    done = run_cli("run", document, "--json", "--data-dir", tmp_path / data, "--model", model)
    [view] = json_lines(done.stdout)
    return view


def test_replay_names_the_spelling_that_chooses_a_model_and_that_spelling_replays(
    tmp_path: Path, server: FakeModelServer
) -> None:
    folder = tmp_path / "recordings"
    document, recorded = _recorded(tmp_path, server, folder)

    refused = _replay(tmp_path, document, f"replay:{folder}", "ambiguous")
    assert refused["status"] == "failed"
    assert (
        f"was recorded in {folder} for several models: {MODEL}, rules; choose the one to replay with "
        f"`--model replay:{folder}@{MODEL}` or `--model replay:{folder}@rules`"
    ) in str(refused["error"])

    chosen = _replay(tmp_path, document, f"replay:{folder}@{MODEL}", "chosen")
    assert chosen["status"] == "completed", chosen
    assert _values(chosen) == _values(recorded)
    assert len(server.requests) == 2  # the recording's classify and extract; the replays sent nothing


def test_a_folder_whose_name_holds_an_at_sign_is_told_from_the_model(tmp_path: Path, server: FakeModelServer) -> None:
    folder = tmp_path / "run@2024-05"
    document, recorded = _recorded(tmp_path, server, folder)

    chosen = _replay(tmp_path, document, f"replay:{folder}@{MODEL}", "chosen")

    assert chosen["status"] == "completed", chosen
    assert _values(chosen) == _values(recorded)


def test_a_model_not_recorded_in_the_folder_is_refused_before_any_document(
    tmp_path: Path, server: FakeModelServer
) -> None:
    folder = tmp_path / "recordings"
    document, _ = _recorded(tmp_path, server, folder)

    done = run_cli("run", document, "--json", "--data-dir", tmp_path / "other", "--model", f"replay:{folder}@other:x")

    assert done.returncode != 0
    assert f"nothing recorded for model 'other:x' in {folder}; recorded: {MODEL}, rules" in " ".join(
        done.stderr.split()
    )
