"""A call budget counts both extractors of a second opinion before either is sent, over real HTTP.

The two extractions go out at once, so a budget checked for one call would let the second through: with
`--max-calls 2`, a run would make three calls. The CLI runs in its own process against the fake server.
"""

from __future__ import annotations

from pathlib import Path

from tests.fakes.openai_server import FakeModelServer, document_run_replies
from tests.integration._docs import invoice_text, json_lines, run_cli, write

MODEL = "openai:fake-model"


def _run(tmp_path: Path, server: FakeModelServer, *budget: str) -> dict[str, object]:
    document = write(tmp_path / "docs", "invoice.txt", invoice_text("NW-BUDGET-1"))
    classify, extract = document_run_replies()
    server.script(classify, extract, extract)
    done = run_cli(
        "run", document, "--json", "--data-dir", tmp_path / "data", "--model", MODEL, "--second-opinion", MODEL,
        "--base-url", server.base_url, *budget, OPENAI_API_KEY="test",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    [view] = json_lines(done.stdout)
    return view


def test_a_call_budget_too_small_for_both_extractors_sends_neither(tmp_path: Path, server: FakeModelServer) -> None:
    view = _run(tmp_path, server, "--max-calls", "2")

    assert len(server.requests) == 1  # classify only: two more would have made three calls
    assert view["status"] == "needs_review"
    assert view["review_reasons"] == [
        "budget_exceeded: model budget exhausted: 1 model call(s) made, the next step makes 2 at once, "
        "the budget allows 2"
    ]


def test_a_call_budget_with_room_for_both_extractors_completes(tmp_path: Path, server: FakeModelServer) -> None:
    view = _run(tmp_path, server, "--max-calls", "3")

    assert len(server.requests) == 3
    assert view["status"] == "completed", view
