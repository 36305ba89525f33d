"""`review list --overdue/--assignee`, `review assign`, `review claim` and `review sweep` from the command line."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from claimflow.runtime.data_dir import REGISTRY_FILE
from tests.integration._docs import MEMO, flat, invoice_text, json_lines, mismatch_invoice_text, write

Invoke = Callable[..., Result]

POLICY = {"review": {"due": {"invoice": "0s", "*": "3d"}, "groups": {"finance-leads": ["ana"]}}}
"""An invoice's review is due the moment it opens; any other type's in three days; nothing follows but the mark."""


@pytest.fixture
def queue(claimflow: Invoke, tmp_path: Path) -> tuple[Invoke, str, str]:
    """A data directory with an overdue invoice review and a memo review not yet due: (cli, invoice, memo)."""
    policy = tmp_path / "policy.json"
    policy.write_text(json.dumps(POLICY), encoding="utf-8")
    docs = tmp_path / "docs"
    write(docs, "a-invoice.txt", mismatch_invoice_text())
    write(docs, "b-memo.txt", MEMO)
    data = tmp_path / "data"

    def cli(*args: str | Path) -> Result:
        return claimflow(*args, "--data-dir", data, env={"CLAIMFLOW_POLICY": str(policy)})

    views = json_lines(cli("run", docs, "--json").stdout)
    assert [view["status"] for view in views] == ["needs_review", "needs_review"]
    return cli, views[0]["run_id"], views[1]["run_id"]


def test_review_list_shows_due_times_and_filters_the_overdue(queue: tuple[Invoke, str, str]) -> None:
    cli, invoice, memo = queue
    listed = {view["run_id"]: view for view in json_lines(cli("review", "list", "--json").stdout)}
    assert set(listed) == {invoice, memo}
    for view in listed.values():
        assert {"opened_at", "due_at", "overdue", "assignee", "priority", "escalated"} <= set(view)
        assert (view["assignee"], view["priority"], view["escalated"]) == (None, "normal", False)
    assert listed[invoice]["overdue"] is True and listed[memo]["overdue"] is False
    assert listed[invoice]["due_at"] == listed[invoice]["opened_at"]  # "0s"

    assert [view["run_id"] for view in json_lines(cli("review", "list", "--overdue", "--json").stdout)] == [invoice]
    table = flat(cli("review", "list").stdout)
    assert "overdue" in table and "in 2d 23h" in table
    reasons = {reason.split(":")[0] for reason in listed[invoice]["review_reasons"]}
    assert len(listed[invoice]["review_reasons"]) > len(reasons)  # several fields, one code
    assert all(table.count(code) == 1 for code in reasons)  # each code once, as `run` shows them


def test_assign_and_claim_follow_the_rules_and_show_in_the_list(queue: tuple[Invoke, str, str]) -> None:
    cli, invoice, memo = queue
    assert cli("review", "claim", invoice, "--as", "kim").exit_code == 0
    refused = cli("review", "claim", invoice, "--as", "lee")
    assert refused.exit_code == 1 and "assigned to kim" in flat(refused.stderr)
    assert cli("review", "assign", invoice, "--to", "lee").exit_code == 0
    assert cli("review", "assign", memo, "--to", "finance-leads").exit_code == 0
    assert cli("review", "claim", memo, "--as", "ana").exit_code == 0  # ana is in finance-leads

    mine = json_lines(cli("review", "list", "--assignee", "lee", "--json").stdout)
    assert [(view["run_id"], view["assignee"]) for view in mine] == [(invoice, "lee")]
    # The name is read as `assign --to` and `claim --as` read it: spaces around it are no part of it.
    padded = json_lines(cli("review", "list", "--assignee", " lee ", "--json").stdout)
    assert [view["run_id"] for view in padded] == [invoice]
    blank = cli("review", "list", "--assignee", " ")
    assert blank.exit_code == 2 and "--assignee needs a name" in flat(blank.stderr)
    assert "lee" in cli("review", "list").stdout
    trace = [item["type"] for item in json_lines(cli("trace", invoice, "--json").stdout)]
    assert trace[-2:] == ["review.claimed", "review.assigned"]
    assert "review: assigned to lee" in cli("explain", invoice).stdout


def test_the_cli_assigns_to_a_reviewer_by_the_free_name_its_reviewers_use(queue: tuple[Invoke, str, str]) -> None:
    """CLI reviewers are free names (`--reviewer`, `--as`): a review assigned to one is theirs to claim."""
    cli, invoice, _ = queue
    assert cli("review", "assign", invoice, "--to", "Ana María").exit_code == 0
    [waiting] = [view for view in json_lines(cli("review", "list", "--json").stdout) if view["run_id"] == invoice]
    assert waiting["assignee"] == "Ana María"
    assert cli("review", "claim", invoice, "--as", "kim").exit_code == 1
    assert cli("review", "claim", invoice, "--as", "Ana María").exit_code == 0


def test_only_the_assignee_or_a_member_of_its_group_may_decide(queue: tuple[Invoke, str, str]) -> None:
    cli, invoice, memo = queue
    assert cli("review", "assign", invoice, "--to", "kim").exit_code == 0
    refused = cli("review", "decide", invoice, "--reviewer", "lee", "--reject", "--reason", "not mine to say")
    assert refused.exit_code == 1
    assert f"run {invoice} is assigned to kim: only they (or a member of that group) may decide it" in flat(
        refused.stderr
    )
    [waiting] = [view for view in json_lines(cli("review", "list", "--json").stdout) if view["run_id"] == invoice]
    assert (waiting["status"], waiting["assignee"]) == ("needs_review", "kim")  # nothing changed
    assert cli("review", "decide", invoice, "--reviewer", "kim", "--approve").exit_code == 0

    assert cli("review", "assign", memo, "--to", "finance-leads").exit_code == 0
    assert cli("review", "decide", memo, "--reviewer", "lee", "--approve").exit_code == 1
    # ana is in finance-leads (the memo is of no known type: a rejection, since an approval would leave no record)
    decided = cli("review", "decide", memo, "--reviewer", "ana", "--reject", "--reason", "not a claim")
    assert decided.exit_code == 0, decided.stderr
    assert json_lines(decided.stdout)[-1]["status"] == "failed"


def test_the_sweep_marks_overdue_reviews_once_and_explain_tells_it(queue: tuple[Invoke, str, str]) -> None:
    cli, invoice, memo = queue
    swept = cli("review", "sweep", "--json")
    assert swept.exit_code == 0, swept.stderr
    assert [(item["run_id"], item["action"]) for item in json_lines(swept.stdout)] == [(invoice, "overdue")]
    assert json_lines(cli("review", "sweep", "--json").stdout) == []
    again = cli("review", "sweep")
    # Not "no review is past its due time": the invoice still is, and was acted on by the first sweep.
    assert again.exit_code == 0
    assert "no review newly past its due time; 1 overdue, acted on by an earlier sweep" in flat(again.stderr)
    assert "review: overdue (due " in cli("explain", invoice).stdout
    assert "review.overdue" not in cli("trace", memo).stdout


def test_a_closed_run_is_neither_assigned_nor_claimed(claimflow: Invoke, tmp_path: Path) -> None:
    data = tmp_path / "data"
    path = write(tmp_path, "ok.txt", invoice_text())
    [view] = json_lines(claimflow("run", path, "--json", "--data-dir", data).stdout)
    assert view["status"] == "completed"
    for command in (("assign", "--to", "kim"), ("claim", "--as", "kim")):
        result = claimflow("review", command[0], view["run_id"], *command[1:], "--data-dir", data)
        assert result.exit_code == 1 and "not waiting for review" in flat(result.stderr)


@pytest.mark.parametrize(
    ("review", "expected"),
    [
        ({"due": {"invoice": "24x"}}, "review.due.invoice: '24x' is not a duration"),
        ({"due": {"*": "-3d"}}, "'-3d' is not a duration"),
        ({"due": {"*": "99999999999999d"}}, "'99999999999999d' is longer than a due time may be (3650d)"),
        ({"on_overdue": {"invoice": "escalate"}}, "escalate_to names no group"),
        ({"on_overdue": {"*": "escalate"}, "escalate_to": {"*": "leads"}}, "group 'leads', which `groups` does not"),
        ({"on_overdue": {"*": "approve"}}, "review.on_overdue.*"),
    ],
)
def test_a_bad_review_policy_is_refused_at_start_up(
    claimflow: Invoke, tmp_path: Path, review: dict[str, object], expected: str
) -> None:
    policy = tmp_path / "policy.json"
    policy.write_text(json.dumps({"review": review}), encoding="utf-8")
    result = claimflow("review", "list", "--data-dir", tmp_path / "data", env={"CLAIMFLOW_POLICY": str(policy)})
    assert result.exit_code == 2
    assert "is not a valid policy" in flat(result.stderr) and expected in flat(result.stderr)
    assert not (tmp_path / "data").exists()  # refused before anything was opened


def test_an_assignee_name_cannot_write_to_the_terminal(queue: tuple[Invoke, str, str]) -> None:
    cli, invoice, _ = queue
    assert cli("review", "assign", invoice, "--to", "\x1b[31m[bold]mallory").exit_code == 0
    for output in (cli("review", "list").stdout, cli("review", "claim", invoice, "--as", "kim").stderr):
        assert "\x1b" not in output and "\\x1b[31m[bold]mallory" in flat(output)


def test_review_list_shows_the_overdue_first_as_the_review_page_does(claimflow: Invoke, tmp_path: Path) -> None:
    """A memo registered first and not yet due comes after an invoice registered later and already overdue."""
    policy = tmp_path / "policy.json"
    policy.write_text(json.dumps(POLICY), encoding="utf-8")
    docs, data = tmp_path / "docs", tmp_path / "data"
    write(docs, "a-memo.txt", MEMO)
    write(docs, "b-invoice.txt", mismatch_invoice_text())

    def cli(*args: str | Path) -> Result:
        return claimflow(*args, "--data-dir", data, env={"CLAIMFLOW_POLICY": str(policy)})

    memo, invoice = (view["run_id"] for view in json_lines(cli("run", docs, "--json").stdout))
    assert [view["run_id"] for view in json_lines(cli("review", "list", "--json").stdout)] == [invoice, memo]
    table = cli("review", "list").stdout
    assert table.index(invoice[:12]) < table.index(memo[:12])


def test_review_show_says_who_has_the_review_and_when_it_is_due(queue: tuple[Invoke, str, str]) -> None:
    """A reviewer about to decide sees that another has the review (their decision would be refused)."""
    cli, invoice, memo = queue
    assert cli("review", "assign", invoice, "--to", "finance-leads").exit_code == 0

    shown = json_lines(cli("review", "show", invoice, "--json").stdout)[0]
    listed = {view["run_id"]: view for view in json_lines(cli("review", "list", "--json").stdout)}
    for key in ("opened_at", "due_at", "overdue", "assignee", "priority", "escalated"):
        assert shown[key] == listed[invoice][key], key
    assert (shown["assignee"], shown["overdue"]) == ("finance-leads", True)
    text = flat(cli("review", "show", invoice).stdout)
    assert "due: overdue " in text and f"({shown['due_at']}) assignee: finance-leads" in text
    assert "assignee: -" in flat(cli("review", "show", memo).stdout)  # due in three days, no one has it


def test_a_due_time_stored_past_any_date_reads_as_no_due_time(queue: tuple[Invoke, str, str], tmp_path: Path) -> None:
    """A review opened under a `due` longer than 3650d (taken before it was refused) lists, shows and sweeps."""
    cli, invoice, memo = queue
    with sqlite3.connect(tmp_path / "data" / REGISTRY_FILE) as db:
        longer = 99999999999999 * 86400  # the `due` of "99999999999999d", taken before 3650d was the most
        db.execute("UPDATE runs SET review_due_at = review_opened_at + ? WHERE run_id = ?", (longer, memo))
    db.close()

    listed = cli("review", "list", "--json")
    assert listed.exit_code == 0, listed.stderr
    views = {view["run_id"]: view for view in json_lines(listed.stdout)}
    assert (views[memo]["due_at"], views[memo]["overdue"]) == (None, False)
    assert views[invoice]["overdue"] is True  # the other review reads as before
    table = cli("review", "list")
    assert table.exit_code == 0 and memo[:12] in table.stdout
    shown = cli("review", "show", memo, "--json")
    assert shown.exit_code == 0 and json_lines(shown.stdout)[0]["due_at"] is None
    text = cli("review", "show", memo)
    assert text.exit_code == 0 and "due:" not in text.stdout  # no due time and no assignee: no such line
    swept = cli("review", "sweep", "--json")
    assert swept.exit_code == 0 and [item["run_id"] for item in json_lines(swept.stdout)] == [invoice]
