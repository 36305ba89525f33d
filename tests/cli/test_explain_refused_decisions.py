"""`claimflow explain` tells the review decisions a run refused, after the one it took, in text and as JSON."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from typer.testing import Result

from tests.integration._docs import flat, json_lines, mismatch_invoice_text, write

Invoke = Callable[..., Result]


def test_a_late_decision_by_a_second_reviewer_is_explained_as_refused_with_its_reason(
    claimflow: Invoke, tmp_path: Path
) -> None:
    path = write(tmp_path / "docs", "mismatch.txt", mismatch_invoice_text("NW-2024-0902"))
    data = tmp_path / "data"
    [view] = json_lines(claimflow("run", path, "--json", "--data-dir", data).stdout)
    run_id = view["run_id"]
    assert view["status"] == "needs_review"

    def cli(*args: str) -> Result:
        return claimflow(*args, "--data-dir", data)

    before = cli("explain", run_id)
    assert before.exit_code == 0, before.output
    assert "refused" not in before.stdout
    [before_json] = json_lines(cli("explain", run_id, "--json").stdout)
    assert before_json == {"run_id": run_id, "text": before.stdout.rstrip("\n"), "refused_decisions": []}

    decided = cli("review", "decide", run_id, "--reviewer", "alice", "--reject", "--reason", "duplicate invoice")
    assert decided.exit_code == 0, decided.output
    late = cli("review", "decide", run_id, "--reviewer", "bob", "--approve")
    assert late.exit_code != 0 and late.stdout == ""
    why = f"run {run_id} is rejected, not waiting for review"
    assert why in flat(late.stderr)

    explained = cli("explain", run_id)
    assert explained.exit_code == 0, explained.output
    lines = explained.stdout.splitlines()
    accepted = next(i for i, line in enumerate(lines) if line.startswith("review: alice chose reject at "))
    [refused] = [i for i, line in enumerate(lines) if line.startswith("review: bob ")]
    assert refused > accepted
    assert lines[refused].startswith("review: bob chose approve at 20")
    # bob named no review, and the run waited on none when he decided: explain says so.
    assert lines[refused].endswith(f" (no interrupt named), refused - {why}")

    [as_json] = json_lines(cli("explain", run_id, "--json").stdout)
    assert as_json["run_id"] == run_id and as_json["text"] == explained.stdout.rstrip("\n")
    [entry] = as_json["refused_decisions"]
    assert (entry["reviewer"], entry["action"], entry["reason"]) == ("bob", "approve", why)
    assert entry["at"] in lines[refused] and entry["interrupt_id"] is None


def test_a_late_decision_that_named_its_review_is_explained_with_that_review(claimflow: Invoke, tmp_path: Path) -> None:
    path = write(tmp_path / "docs", "named.txt", mismatch_invoice_text("NW-2024-0903"))
    data = tmp_path / "data"
    [view] = json_lines(claimflow("run", path, "--json", "--data-dir", data).stdout)
    run_id = view["run_id"]

    def cli(*args: str) -> Result:
        return claimflow(*args, "--data-dir", data)

    [shown] = json_lines(cli("review", "show", run_id, "--json").stdout)
    review = shown["interrupt_id"]
    decided = cli("review", "decide", run_id, "--reviewer", "alice", "--reject", "--reason", "duplicate invoice")
    assert decided.exit_code == 0, decided.output
    late = cli("review", "decide", run_id, "--reviewer", "bob", "--approve", "--interrupt", review)
    assert late.exit_code != 0

    explained = cli("explain", run_id)
    [refused] = [line for line in explained.stdout.splitlines() if line.startswith("review: bob ")]
    assert f" for interrupt {review}, refused - run {run_id} is rejected, not waiting for review" in refused
    [as_json] = json_lines(cli("explain", run_id, "--json").stdout)
    [entry] = as_json["refused_decisions"]
    assert entry["interrupt_id"] == review
