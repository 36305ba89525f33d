"""`review decide --evidence FIELD=QUOTE`: a reviewer's quote is checked like a model's and must prove the field.

The paused invoice prints a total of 190.00 while net + VAT is 180.00; the line above the subtotal writes
180.00 under no label, and the subtotal line writes 150.00 under `Subtotal`, the net amount's label.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from tests.integration._docs import flat, json_lines, mismatch_invoice_text, write

Invoke = Callable[..., Result]

PROVING_LINE = "Steel brackets 10 x 18.00 = 180.00"
NET_LINE = "Subtotal 150.00 GBP"


@pytest.fixture
def paused(claimflow: Invoke, tmp_path: Path) -> tuple[Invoke, str, str]:
    """A run waiting for review in its own data directory: (cli bound to it, run id, document text)."""
    text = mismatch_invoice_text("NW-2024-0901")
    path = write(tmp_path / "docs", "mismatch.txt", text)
    data = tmp_path / "data"
    [view] = json_lines(claimflow("run", path, "--json", "--data-dir", data).stdout)
    assert view["status"] == "needs_review" and view["fields"]["total_amount"]["value"] == "190.00"

    def cli(*args: str) -> Result:
        return claimflow(*args, "--data-dir", data)

    return cli, view["run_id"], text


def _decide(cli: Invoke, run_id: str, value: str, quote: str) -> Result:
    return cli("review", "decide", run_id, "--reviewer", "alice", "--set", f"total_amount={value}",
               "--evidence", f"total_amount={quote}")  # fmt: skip


def test_a_quote_that_proves_the_field_is_kept_as_its_evidence(paused: tuple[Invoke, str, str]) -> None:
    cli, run_id, text = paused
    result = _decide(cli, run_id, "180.00", PROVING_LINE)
    assert result.exit_code == 0, result.output
    [view] = json_lines(result.stdout)
    assert view["status"] == "completed"
    total = view["fields"]["total_amount"]
    assert (total["value"], total["status"]) == ("180.00", "edited")
    [evidence] = total["evidence"]
    assert evidence["quote"] == PROVING_LINE
    assert text[evidence["start"] : evidence["end"]] == PROVING_LINE and evidence["page"] == 1
    explained = cli("explain", run_id).stdout
    assert "REVIEW: set by reviewer alice (was '190.00'); evidence cited by the reviewer, page 1" in explained
    assert "rule net_plus_tax_equals_total: passed - 150.00 + 30.00 = 180.00, total is 180.00" in explained


def test_a_quote_of_another_fields_line_is_refused_and_the_run_stays_paused(paused: tuple[Invoke, str, str]) -> None:
    cli, run_id, _ = paused
    before = cli("review", "show", run_id, "--json").stdout
    result = _decide(cli, run_id, "150.00", NET_LINE)
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    message = flat(result.stderr)
    assert f"decision refused, run {run_id} stays paused" in message
    assert (
        "total_amount: cited evidence does not prove it: '150.00' stands under 'Subtotal', the label of net_amount,"
        " not of total_amount"
    ) in message
    [view] = json_lines(cli("show", run_id, "--json").stdout)
    assert view["status"] == "needs_review"
    assert (view["fields"]["total_amount"]["value"], view["fields"]["total_amount"]["status"]) == ("190.00", "accepted")
    assert cli("review", "show", run_id, "--json").stdout == before  # the same open request, nothing applied
    # The refusal consumed nothing: a decision with proving evidence still goes through.
    assert _decide(cli, run_id, "180.00", PROVING_LINE).exit_code == 0


def test_a_quote_that_is_not_in_the_document_is_refused(paused: tuple[Invoke, str, str]) -> None:
    cli, run_id, _ = paused
    result = _decide(cli, run_id, "180.00", "Total 180.00 GBP")
    assert result.exit_code == 1, result.output
    assert "total_amount: cited evidence rejected:" in flat(result.stderr)
    assert json_lines(cli("show", run_id, "--json").stdout)[0]["status"] == "needs_review"


def test_an_edit_without_a_quote_finds_the_evidence_that_proves_it(paused: tuple[Invoke, str, str]) -> None:
    cli, run_id, _ = paused
    result = cli("review", "decide", run_id, "--reviewer", "alice", "--set", "total_amount=180.00")
    assert result.exit_code == 0, result.output
    [view] = json_lines(result.stdout)
    assert view["status"] == "completed"
    assert [e["quote"] for e in view["fields"]["total_amount"]["evidence"]] == ["180.00"]
    assert "evidence found on page 1" in cli("explain", run_id).stdout


def test_review_show_says_which_value_an_edit_of_the_total_also_sets(paused: tuple[Invoke, str, str]) -> None:
    # The invoice prints only its total: its amount due was read from the total's line.
    cli, run_id, _ = paused
    shown = flat(cli("review", "show", run_id).stdout)
    assert (
        "follows: amount_due was read from total_amount's line: a new value of total_amount is given to it too,"
        " unless the decision sets amount_due as well"
    ) in shown
    [request] = json_lines(cli("review", "show", run_id, "--json").stdout)
    assert {field["name"]: field["follows"] for field in request["fields"] if field["follows"]} == {
        "amount_due": ["total_amount"]
    }
    decided = cli("review", "decide", run_id, "--reviewer", "alice", "--set", "total_amount=180.00")
    assert decided.exit_code == 0, decided.output
    [view] = json_lines(decided.stdout)
    assert view["fields"]["amount_due"]["value"] == "180.00"
