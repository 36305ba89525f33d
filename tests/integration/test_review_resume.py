"""Pause in one process, decide in another: review decisions over real SQLite and real subprocesses.

One `claimflow run` process pauses a handful of documents; every test then answers its own run
with `claimflow review decide` processes (or the CLI in-process where only the reading matters).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from claimflow.runtime.cli import app
from tests.integration._docs import (
    MEMO,
    flat,
    json_lines,
    mismatch_invoice_text,
    run_cli,
    spawn_cli,
    write,
)

pytestmark = pytest.mark.slow

PAUSED = {
    "edit.txt": mismatch_invoice_text("NW-2024-0118"),
    "refuse.txt": mismatch_invoice_text("NW-2024-0119"),
    "reject.txt": mismatch_invoice_text("NW-2024-0120"),
    "race.txt": mismatch_invoice_text("NW-2024-0121"),
    "memo.txt": MEMO,
}


@pytest.fixture(scope="module")
def paused(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A data directory where one `claimflow run` process left every document waiting for review."""
    root = tmp_path_factory.mktemp("paused")
    docs = root / "docs"
    for name, text in PAUSED.items():
        write(docs, name, text)
    data = root / "data"
    result = run_cli("run", docs, "--json", "--data-dir", data)
    assert result.returncode == 0, result.stderr
    views = json_lines(result.stdout)
    assert {view["document"]: view["status"] for view in views} == dict.fromkeys(PAUSED, "needs_review")
    return data, {view["document"]: view["run_id"] for view in views}


@pytest.fixture
def cli(paused: tuple[Path, dict[str, str]]) -> Callable[..., Any]:
    """Invoke the CLI in this process against the paused data directory; returns the click Result."""
    data, _ = paused
    runner = CliRunner()

    def invoke(*args: str) -> Any:
        return runner.invoke(app, [*args, "--data-dir", str(data)], env={"COLUMNS": "1000"})

    return invoke


def _show(cli: Callable[..., Any], run_id: str) -> dict[str, Any]:
    result = cli("show", run_id, "--json")
    assert result.exit_code == 0, result.output
    [view] = json_lines(result.stdout)
    return view


def _events(cli: Callable[..., Any], run_id: str, type_: str) -> list[dict[str, Any]]:
    result = cli("trace", run_id, "--json")
    assert result.exit_code == 0, result.output
    return [item for item in json_lines(result.stdout) if item["type"] == type_]


def _decisions(data: Path, run_id: str) -> list[tuple[str, str]]:
    with sqlite3.connect(data / "claimflow.db") as db:
        rows = db.execute("SELECT reviewer, outcome FROM review_decisions WHERE run_id = ? ORDER BY seq", (run_id,))
        return list(rows)


def test_edit_in_another_process_completes_with_edited_field_and_evidence(
    paused: tuple[Path, dict[str, str]], cli: Callable[..., Any]
) -> None:
    data, runs = paused
    run_id = runs["edit.txt"]
    decided = run_cli(
        "review", "decide", run_id, "--reviewer", "alice", "--set", "total_amount=180.00",
        "--comment", "printed total is a typo", "--data-dir", data,
    )  # fmt: skip
    assert decided.returncode == 0, decided.stderr
    [view] = json_lines(decided.stdout)
    assert view["status"] == "completed" and view["error"] is None and view["review_reasons"] == []
    total = view["fields"]["total_amount"]
    assert total["value"] == "180.00" and total["status"] == "edited"
    [evidence] = total["evidence"]
    source = PAUSED["edit.txt"]
    assert evidence["page"] == 1 and source[evidence["start"] : evidence["end"]] == evidence["quote"] == "180.00"
    assert view["fields"]["net_amount"]["status"] == "accepted"
    # The view lists every declared field: the item table too, missing since this invoice prints no table.
    assert view["fields"]["line_items"] == {"value": [], "status": "missing", "confidence": None, "evidence": []}

    # A third process reads what the second one wrote.
    assert _show(cli, run_id) == view
    explained = cli("explain", run_id)
    assert explained.exit_code == 0, explained.output
    text = explained.stdout
    assert "total_amount = '180.00' [edited] decided by reviewer alice" in text
    assert "set by reviewer alice (was '190.00'); evidence found on page 1" in text
    assert "review: alice chose edit" in text and "printed total is a typo" in text
    [event] = _events(cli, run_id, "review.decided")
    assert event["data"]["reviewer"] == "alice" and event["data"]["edits"] == {"total_amount": ["180.00"]}
    assert _decisions(data, run_id) == [("alice", "applied")]


def test_unknown_field_and_unreadable_value_are_refused_and_the_run_stays_paused(
    paused: tuple[Path, dict[str, str]], cli: Callable[..., Any]
) -> None:
    data, runs = paused
    run_id = runs["refuse.txt"]
    before = _show(cli, run_id)
    pending_before = json_lines(cli("review", "show", run_id, "--json").stdout)[0]["interrupt_id"]

    unknown = cli("review", "decide", run_id, "--reviewer", "bob", "--set", "grand_total=180.00")
    assert unknown.exit_code == 1
    message = flat(unknown.stderr)
    assert "unknown field 'grand_total'" in message and "total_amount" in message and "stays paused" in message

    unreadable = run_cli(
        "review", "decide", run_id, "--reviewer", "bob", "--set", "total_amount=lots", "--data-dir", data
    )
    assert unreadable.returncode == 1
    message = flat(unreadable.stderr)
    assert "total_amount: value 'lots' cannot be read as an amount" in message and "stays paused" in message
    assert "Traceback" not in unreadable.stderr

    after = _show(cli, run_id)
    assert after["status"] == "needs_review" and after == before
    assert json_lines(cli("review", "show", run_id, "--json").stdout)[0]["interrupt_id"] == pending_before
    assert _events(cli, run_id, "review.decided") == []
    assert _decisions(data, run_id) == [("bob", "refused"), ("bob", "refused")]
    listed = json_lines(cli("review", "list", "--json").stdout)
    assert run_id in {item["run_id"] for item in listed}

    # The refusals did not break the run: a valid decision still resumes it.
    approved = cli("review", "decide", run_id, "--reviewer", "carol", "--approve")
    assert approved.exit_code == 0, approved.output
    assert json_lines(approved.stdout)[0]["status"] == "completed"


def test_reject_with_reason_fails_the_run_naming_the_reviewer(
    paused: tuple[Path, dict[str, str]], cli: Callable[..., Any]
) -> None:
    data, runs = paused
    run_id = runs["reject.txt"]
    rejected = run_cli(
        "review", "decide", run_id, "--reviewer", "dave", "--reject", "--reason", "not our supplier", "--data-dir", data
    )
    assert rejected.returncode == 0, rejected.stderr
    [view] = json_lines(rejected.stdout)
    assert view["status"] == "failed"
    assert "dave" in view["error"] and "not our supplier" in view["error"]
    assert _show(cli, run_id)["status"] == "failed"
    failed = json_lines(cli("runs", "--status", "failed", "--json").stdout)
    assert run_id in {item["run_id"] for item in failed}
    assert run_id not in {item["run_id"] for item in json_lines(cli("review", "list", "--json").stdout)}
    # A closed run takes no further decisions.
    again = cli("review", "decide", run_id, "--reviewer", "dave", "--approve")
    assert again.exit_code == 1 and "not waiting for review" in flat(again.stderr)


def test_setting_the_type_of_an_unknown_document_re_extracts(
    paused: tuple[Path, dict[str, str]], cli: Callable[..., Any]
) -> None:
    data, runs = paused
    run_id = runs["memo.txt"]
    first = json_lines(cli("review", "show", run_id, "--json").stdout)[0]
    assert first["doc_type"] == "unknown" and first["editable_fields"] == []

    decided = run_cli("review", "decide", run_id, "--reviewer", "erin", "--set", "doc_type=receipt", "--data-dir", data)
    assert decided.returncode == 0, decided.stderr
    [view] = json_lines(decided.stdout)
    assert view["doc_type"] == "receipt"
    assert set(view["fields"]) == {"vendor_name", "vendor_address", "issue_date", "total_amount", "currency"}
    # A memo has no receipt date or total: extraction ran and found that, so it is back in review.
    assert view["status"] == "needs_review"
    assert any(reason.startswith("missing_required") for reason in view["review_reasons"])

    second = json_lines(cli("review", "show", run_id, "--json").stdout)[0]
    assert second["doc_type"] == "receipt" and second["interrupt_id"] != first["interrupt_id"]
    assert "total_amount" in second["editable_fields"]
    routes = [e["data"] for e in _events(cli, run_id, "route.decided")]
    assert {"rule": "reviewer_set_type", "target": "extract_receipt"}.items() <= routes[-3].items()
    assert [e["data"]["prompt"] for e in _events(cli, run_id, "model.called")][-1].startswith("extract_receipt@")
    assert len(_events(cli, run_id, "review.requested")) == 2

    # The second pause is answered like the first: the registry follows the new interrupt. Approving would
    # complete a receipt without its date and total: refused, and the run waits on the same review.
    approved = cli("review", "decide", run_id, "--reviewer", "erin", "--approve")
    assert approved.exit_code == 1
    assert "required field(s) without a value: issue_date, total_amount" in " ".join(approved.stderr.split())
    rejected = cli("review", "decide", run_id, "--reviewer", "erin", "--reject", "--reason", "a memo, not a receipt")
    assert rejected.exit_code == 0, rejected.output
    assert json_lines(rejected.stdout)[0]["status"] == "failed"
    assert [e["data"]["action"] for e in _events(cli, run_id, "review.decided")] == ["edit", "reject"]


def test_two_concurrent_decisions_exactly_one_wins(
    paused: tuple[Path, dict[str, str]], cli: Callable[..., Any]
) -> None:
    data, runs = paused
    run_id = runs["race.txt"]
    # Either edit makes the invoice add up (150 + 30 = 180; 160 + 30 = 190), so whichever wins completes the run
    # and the other must find it no longer waiting.
    values = {"frank": ("total_amount", "180.00"), "grace": ("net_amount", "160.00")}
    processes = {
        reviewer: spawn_cli(
            "review", "decide", run_id, "--reviewer", reviewer, "--set", f"{name}={value}", "--data-dir", data
        )
        for reviewer, (name, value) in values.items()
    }
    procs = processes.items()
    outcomes = {reviewer: (*process.communicate(timeout=60), process.returncode) for reviewer, process in procs}

    codes = sorted(code for _, _, code in outcomes.values())
    assert codes == [0, 1], outcomes
    [winner] = [reviewer for reviewer, (_, _, code) in outcomes.items() if code == 0]
    [loser] = [reviewer for reviewer in values if reviewer != winner]
    _, loser_err, _ = outcomes[loser]
    assert "error:" in loser_err and run_id in flat(loser_err) and "Traceback" not in loser_err
    assert outcomes[loser][0] == ""  # nothing on stdout: no view for a decision that did not happen

    view = _show(cli, run_id)
    assert view["status"] == "completed"
    name, value = values[winner]
    edited = view["fields"][name]
    assert (edited["value"], edited["status"]) == (value, "edited")
    decided = _events(cli, run_id, "review.decided")
    assert len(decided) == 1 and decided[0]["data"]["reviewer"] == winner
    assert [outcome for reviewer, outcome in _decisions(data, run_id) if outcome == "applied"] == ["applied"]
    assert (loser, "applied") not in _decisions(data, run_id)
