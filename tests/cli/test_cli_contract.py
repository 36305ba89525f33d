"""The documented CLI contract: JSON shapes and value types, exit codes, where data lives, explain's content.

Other tools parse this output; a renamed key or a changed exit code breaks them, so these tests
spell the contract out exactly. Most run the CLI in-process with typer's CliRunner; one runs the
installed console script to check that a real process prints nothing but JSON on stdout.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from claimflow.runtime.cli import app
from tests.integration._docs import (
    CORRUPT_PDF,
    MEMO,
    flat,
    invoice_text,
    json_lines,
    mismatch_invoice_text,
    run_cli,
    write,
)

VIEW_KEYS = {"run_id", "document", "status", "doc_type", "fields", "review_reasons", "error", "superseded_by"}
RUN_KEYS = {"new", "in_progress_elsewhere"}
"""What `run --json` adds to a run's object: what the table's note says of where the run comes from."""
FIELD_KEYS = {"value", "status", "confidence", "evidence"}
EVIDENCE_KEYS = {"page", "start", "end", "quote"}
INVOICE_PRINTED = {
    "vendor_name", "invoice_number", "issue_date", "due_date", "currency", "net_amount", "tax_amount", "total_amount",
    "invoice_type", "invoice_type_code",
}  # fmt: skip
"""The fields `invoice_text` prints (its title `INVOICE` says its kind)."""
INVOICE_VALUE_FIELDS = INVOICE_PRINTED | {"amount_due", "buyer_name", "vendor_tax_id", "order_number", "iban"}
INVOICE_FIELDS = INVOICE_VALUE_FIELDS | {"line_items"}
"""The view lists every declared field of the type, the item table included."""
ROW_CELLS = {"description", "quantity", "unit_price", "amount"}

Invoke = Callable[..., Any]


def _invoke(*args: str | Path, env: dict[str, str] | None = None) -> Any:
    """The CLI in this process, with no CLAIMFLOW_* variable from the developer's shell unless `env` sets it."""
    unset: dict[str, str | None] = {key: None for key in os.environ if key.startswith("CLAIMFLOW_")}
    return CliRunner().invoke(app, [str(arg) for arg in args], env={**unset, "COLUMNS": "1000", **(env or {})})


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One `run --json` over a completed, a paused and a failed document; its result and the views by name."""
    root = tmp_path_factory.mktemp("contract")
    docs = root / "docs"
    write(docs, "a_invoice.txt", invoice_text("NW-2024-0500"))
    write(docs, "b_mismatch.txt", mismatch_invoice_text("NW-2024-0501"))
    write(docs, "c_broken.pdf", CORRUPT_PDF)
    data = root / "data"
    result = _invoke("run", docs, "--json", "--data-dir", data)
    views = json_lines(result.stdout)
    shown = {view["document"]: _as_shown(view) for view in views}
    return {"data": data, "result": result, "views": shown, "order": views}


def _as_shown(view: dict[str, Any]) -> dict[str, Any]:
    """A run's object as `show`, `runs` and `review list` print it: without what only `run --json` adds."""
    return {key: value for key, value in view.items() if key not in RUN_KEYS}


@pytest.fixture
def cli(batch: dict[str, Any]) -> Invoke:
    def invoke(*args: str) -> Any:
        return _invoke(*args, "--data-dir", batch["data"])

    return invoke


def _check_view(view: dict[str, Any], *, run: bool = False) -> None:
    """The run object of the contract, key for key and type for type; `run`: as `run --json` prints it."""
    assert set(view) == (VIEW_KEYS | RUN_KEYS if run else VIEW_KEYS)
    if run:
        assert isinstance(view["new"], bool) and isinstance(view["in_progress_elsewhere"], bool)
    assert isinstance(view["run_id"], str) and re.fullmatch(r"[0-9a-f]{32}", view["run_id"])
    assert isinstance(view["document"], str) and view["document"]
    assert view["status"] in ("completed", "needs_review", "failed")
    assert view["doc_type"] is None or view["doc_type"] in ("invoice", "receipt", "contract", "unknown")
    assert isinstance(view["fields"], dict)
    for name, field in view["fields"].items():
        assert isinstance(name, str)
        assert set(field) == FIELD_KEYS, name
        assert field["value"] is None or isinstance(field["value"], str | list)
        if name == "line_items":  # a table: its value is the rows, one piece of evidence per row
            assert isinstance(field["value"], list) and len(field["value"]) == len(field["evidence"])
            assert all(isinstance(row, dict) and set(row) == ROW_CELLS for row in field["value"])
        assert field["status"] in ("accepted", "rejected", "missing", "edited")
        # How sure the extractors were of a value; nothing where there is no value, and for a table.
        if field["value"] is None or name == "line_items":
            assert field["confidence"] is None, name
        else:
            assert type(field["confidence"]) is float and 0 < field["confidence"] <= 1, name
        assert isinstance(field["evidence"], list)
        for evidence in field["evidence"]:
            assert set(evidence) == EVIDENCE_KEYS
            assert all(type(evidence[key]) is int for key in ("page", "start", "end"))
            assert evidence["page"] >= 1 and 0 <= evidence["start"] <= evidence["end"]
            assert isinstance(evidence["quote"], str) and len(evidence["quote"]) == evidence["end"] - evidence["start"]
    assert isinstance(view["review_reasons"], list) and all(isinstance(r, str) for r in view["review_reasons"])
    assert view["error"] is None or isinstance(view["error"], str)


# run --json -------------------------------------------------------------------------------------
def test_run_json_prints_one_contract_object_per_document_in_order(batch: dict[str, Any]) -> None:
    result = batch["result"]
    assert [view["document"] for view in batch["order"]] == ["a_invoice.txt", "b_mismatch.txt", "c_broken.pdf"]
    assert len(result.stdout.strip().splitlines()) == 3
    for view in batch["order"]:
        _check_view(view, run=True)
        assert (view["new"], view["in_progress_elsewhere"]) == (True, False)  # each registered by this command
    views = batch["views"]

    done = views["a_invoice.txt"]
    assert (done["status"], done["doc_type"], done["error"]) == ("completed", "invoice", None)
    assert done["review_reasons"] == []
    assert set(done["fields"]) == INVOICE_FIELDS
    assert all(done["fields"][name]["status"] == "accepted" and done["fields"][name]["evidence"]
               for name in INVOICE_PRINTED)  # fmt: skip
    assert done["fields"]["total_amount"]["value"] == "180.00"
    # The invoice prints no item table: the table field is listed, empty and missing.
    assert done["fields"]["line_items"] == {"value": [], "status": "missing", "confidence": None, "evidence": []}

    paused = views["b_mismatch.txt"]
    assert (paused["status"], paused["doc_type"], paused["error"]) == ("needs_review", "invoice", None)
    assert any(r.startswith("validation_failed: net_plus_tax_equals_total") for r in paused["review_reasons"])

    broken = views["c_broken.pdf"]
    assert (broken["status"], broken["doc_type"], broken["fields"]) == ("failed", None, {})
    assert broken["review_reasons"] == []
    assert "PDF" in broken["error"]


def test_run_exits_1_when_any_document_failed(batch: dict[str, Any]) -> None:
    assert batch["result"].exit_code == 1


def test_run_exits_0_when_documents_completed_or_wait_for_review(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    write(docs, "invoice.txt", invoice_text("NW-2024-0600"))
    write(docs, "memo.txt", MEMO)
    result = _invoke("run", docs / "invoice.txt", docs / "memo.txt", "--json", "--data-dir", tmp_path / "data")
    assert result.exit_code == 0, result.output
    assert [view["status"] for view in json_lines(result.stdout)] == ["completed", "needs_review"]


def test_run_in_a_real_process_prints_only_json_on_stdout(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    write(docs, "invoice.txt", invoice_text("NW-2024-0700"))
    write(docs, "empty.txt", b"")
    result = run_cli("run", docs, "--json", "--data-dir", tmp_path / "data", "--model", "rules")
    assert result.returncode == 1, result.stderr
    views = json_lines(result.stdout)  # fails on any line that is not a JSON object
    assert [(view["document"], view["status"]) for view in views] == [
        ("empty.txt", "failed"),
        ("invoice.txt", "completed"),
    ]
    for view in views:
        _check_view(view, run=True)


# show / runs / review list / review show / trace --json ----------------------------------------
def test_show_json_is_the_same_object_as_run_printed(batch: dict[str, Any], cli: Invoke) -> None:
    for name, view in batch["views"].items():
        result = cli("show", view["run_id"], "--json")
        assert result.exit_code == 0, (name, result.output)
        assert json_lines(result.stdout) == [view]


def test_show_prints_each_fields_confidence_beside_its_status(batch: dict[str, Any], cli: Invoke) -> None:
    view = batch["views"]["b_mismatch.txt"]
    result = cli("show", view["run_id"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()

    def cells(line: str, bar: str = "│") -> list[str]:
        return [cell.strip() for cell in line.split(bar)[1:-1]]

    header = next(line for line in lines if line.startswith("┃ field "))
    assert cells(header, "┃") == ["field", "value", "status", "confidence", "evidence"]
    total = view["fields"]["total_amount"]
    [row] = [cells(line) for line in lines if line.startswith("│ total_amount ")]
    assert row[:4] == ["total_amount", '"190.00"', "accepted", f"{total['confidence']:.2f}"]
    [table] = [cells(line) for line in lines if line.startswith("│ line_items ")]
    assert table[2:4] == ["missing", "-"]  # a table has no confidence of its own: each row has its evidence


def test_show_accepts_a_unique_run_id_prefix(batch: dict[str, Any], cli: Invoke) -> None:
    view = batch["views"]["a_invoice.txt"]
    result = cli("show", view["run_id"][:12], "--json")
    assert result.exit_code == 0 and json_lines(result.stdout) == [view]


def test_runs_json_lists_every_run_and_filters_by_status(batch: dict[str, Any], cli: Invoke) -> None:
    result = cli("runs", "--json")
    assert result.exit_code == 0, result.output
    listed = json_lines(result.stdout)
    for view in listed:
        _check_view(view)
    assert {view["run_id"]: view for view in listed} == {view["run_id"]: view for view in batch["views"].values()}
    expected = {"completed": "a_invoice.txt", "needs_review": "b_mismatch.txt", "failed": "c_broken.pdf"}
    for status, name in expected.items():
        filtered = json_lines(cli("runs", "--status", status, "--json").stdout)
        assert [view["document"] for view in filtered] == [name], status


REVIEW_KEYS = {"interrupt_id", "note", "opened_at", "due_at", "overdue", "assignee", "priority", "escalated"}


def test_review_list_json_is_the_run_object_plus_the_interrupt_id_a_note_and_the_queue_fields(
    batch: dict[str, Any], cli: Invoke
) -> None:
    result = cli("review", "list", "--json")
    assert result.exit_code == 0, result.output
    [item] = json_lines(result.stdout)
    assert set(item) == VIEW_KEYS | REVIEW_KEYS
    assert isinstance(item["interrupt_id"], str) and item["interrupt_id"]
    assert item["note"] is None  # nothing happened to this review yet
    assert isinstance(item["opened_at"], str) and item["due_at"] is None  # the default policy sets no due time
    assert (item["overdue"], item["assignee"], item["priority"], item["escalated"]) == (False, None, "normal", False)
    _check_view({key: value for key, value in item.items() if key not in REVIEW_KEYS})
    assert item["run_id"] == batch["views"]["b_mismatch.txt"]["run_id"] and item["status"] == "needs_review"


def test_review_show_json_carries_the_request_and_refuses_a_finished_run(batch: dict[str, Any], cli: Invoke) -> None:
    paused = batch["views"]["b_mismatch.txt"]
    [request] = json_lines(cli("review", "show", paused["run_id"], "--json").stdout)
    assert {"interrupt_id", "run_id", "document", "doc_type", "reasons", "fields", "allowed_actions",
            "editable_fields", "doc_types"} <= set(request)  # fmt: skip
    assert request["run_id"] == paused["run_id"]
    # Every value field, in the view's order; the item table is shown in the view but is not edited in review.
    assert [field["name"] for field in request["fields"]] == [n for n in paused["fields"] if n != "line_items"]
    assert request["editable_fields"] == [field["name"] for field in request["fields"]]
    assert request["doc_types"] == ["invoice", "receipt", "contract"]
    assert all({"code", "message"} <= set(reason) for reason in request["reasons"])

    finished = cli("review", "show", batch["views"]["a_invoice.txt"]["run_id"], "--json")
    assert finished.exit_code == 1 and "not waiting for review" in flat(finished.stderr)


def test_trace_json_lines_have_type_step_and_time(batch: dict[str, Any], cli: Invoke) -> None:
    for name, view in batch["views"].items():
        result = cli("trace", view["run_id"], "--json")
        assert result.exit_code == 0, result.output
        events = json_lines(result.stdout)
        assert events, name
        for item in events:
            assert {"type", "step", "at"} <= set(item)
            assert isinstance(item["type"], str) and isinstance(item["step"], str)
            assert datetime.fromisoformat(item["at"]).tzinfo is not None
        assert events[0]["type"] == "run.started"
        times = [datetime.fromisoformat(item["at"]) for item in events]
        assert times == sorted(times), name
        last = {"a_invoice.txt": "run.completed", "b_mismatch.txt": "review.requested", "c_broken.pdf": "run.failed"}
        assert last[name] in [item["type"] for item in events]


# exit code 2: usage errors ----------------------------------------------------------------------
@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["run"], id="run-without-paths"),
        pytest.param(["show", "feedfacefeedface"], id="show-unknown-run"),
        pytest.param(["show", "feedfacefeedface", "--json"], id="show-json-unknown-run"),
        pytest.param(["trace", "feedfacefeedface", "--json"], id="trace-unknown-run"),
        pytest.param(["explain", "feedfacefeedface"], id="explain-unknown-run"),
        pytest.param(["review", "show", "feedfacefeedface"], id="review-show-unknown-run"),
        pytest.param(["review", "decide", "feedfacefeedface", "--reviewer", "x", "--approve"], id="decide-unknown-run"),
        pytest.param(["runs", "--bogus-option"], id="unknown-option"),
    ],
)
def test_usage_errors_exit_2(cli: Invoke, args: list[str]) -> None:
    result = cli(*args)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""


def test_unknown_run_id_says_so(cli: Invoke) -> None:
    result = cli("show", "feedfacefeedface")
    assert "no run 'feedfacefeedface'" in flat(result.stderr)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        pytest.param([], "give exactly one of --approve, --reject", id="no-action"),
        pytest.param(["--approve", "--reject", "--reason", "x"], "give exactly one of", id="two-actions"),
        pytest.param(["--set", "total_amount"], "--set takes FIELD=VALUE, got 'total_amount'", id="set-without-equals"),
        pytest.param(["--set", "=180.00"], "--set takes FIELD=VALUE", id="set-without-name"),
        pytest.param(
            ["--reject"], "a rejection needs a reason: give it with --reason TEXT", id="reject-without-reason"
        ),
        pytest.param(
            ["--set", "total_amount=180.00", "--evidence", "total_amount"],
            "--evidence takes FIELD=QUOTE, got 'total_amount'",
            id="evidence-without-equals",
        ),
    ],
)
def test_malformed_decisions_exit_2_and_leave_the_run_paused(
    batch: dict[str, Any], cli: Invoke, extra: list[str], message: str
) -> None:
    run_id = batch["views"]["b_mismatch.txt"]["run_id"]
    result = cli("review", "decide", run_id, "--reviewer", "alice", *extra)
    assert result.exit_code == 2, result.output
    assert message in flat(result.stderr)
    assert json_lines(cli("show", run_id, "--json").stdout)[0]["status"] == "needs_review"


def test_a_document_type_that_is_not_active_is_refused_and_the_run_stays_paused(
    batch: dict[str, Any], cli: Invoke
) -> None:
    # The active types are known only once the engine is open, so this is a refused decision (1), not usage (2).
    run_id = batch["views"]["b_mismatch.txt"]["run_id"]
    result = cli("review", "decide", run_id, "--reviewer", "alice", "--set", "doc_type=memo")
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert "document type 'memo' is not one of invoice, receipt, contract" in flat(result.stderr)
    assert f"run {run_id} stays paused" in flat(result.stderr)
    assert json_lines(cli("show", run_id, "--json").stdout)[0]["status"] == "needs_review"


def test_an_amount_of_more_digits_than_an_amount_has_is_refused_in_one_line(batch: dict[str, Any], cli: Invoke) -> None:
    run_id = batch["views"]["b_mismatch.txt"]["run_id"]
    huge = "123456789012345678901234567"
    result = cli("review", "decide", run_id, "--reviewer", "alice", "--set", f"total_amount={huge}")
    assert result.exit_code == 1, result.output
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "an amount has at most 18 whole digits" in result.stderr
    assert json_lines(cli("show", run_id, "--json").stdout)[0]["status"] == "needs_review"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        pytest.param(["--reviewer", "", "--approve"], "--reviewer: String should have at least 1", id="empty"),
        pytest.param(["--reviewer", "   ", "--approve"], "--reviewer: is blank", id="blank"),
        pytest.param(["--reviewer", "bob", "--approve", "--comment", "a\x1bb"], "--comment: has the", id="comment"),
        pytest.param(["--reviewer", "bob", "--set", "total_amount=1\x07"], "--set: has the control", id="set"),
        pytest.param(
            ["--reviewer", "bob", "--reject", "--reason", "r" * 5001],
            "--reason: String should have at most 5000 characters",
            id="reason-over-its-cap",
        ),
    ],
)
def test_a_refused_decision_names_the_option_to_change(
    batch: dict[str, Any], cli: Invoke, options: list[str], message: str
) -> None:
    run_id = batch["views"]["b_mismatch.txt"]["run_id"]
    result = cli("review", "decide", run_id, *options)
    assert result.exit_code == 2, result.output
    assert message in flat(result.stderr)
    assert json_lines(cli("show", run_id, "--json").stdout)[0]["status"] == "needs_review"


def test_review_decide_requires_a_reviewer(batch: dict[str, Any], cli: Invoke) -> None:
    result = cli("review", "decide", batch["views"]["b_mismatch.txt"]["run_id"], "--approve")
    assert result.exit_code == 2 and "--reviewer" in flat(result.stderr)


def test_unknown_model_is_a_usage_error(tmp_path: Path) -> None:
    path = write(tmp_path / "docs", "invoice.txt", invoice_text())
    result = _invoke("run", path, "--model", "no-such-model", "--data-dir", tmp_path / "data")
    assert result.exit_code == 2 and "unknown model 'no-such-model'" in flat(result.stderr)


# where data lives -------------------------------------------------------------------------------
def test_claimflow_data_dir_is_honoured_without_data_dir(tmp_path: Path) -> None:
    path = write(tmp_path / "docs", "invoice.txt", invoice_text("NW-2024-0800"))
    from_env = tmp_path / "from-env"
    result = _invoke("run", path, "--json", env={"CLAIMFLOW_DATA_DIR": str(from_env)})
    assert result.exit_code == 0, result.output
    [view] = json_lines(result.stdout)
    assert (from_env / "claimflow.db").exists() and (from_env / "checkpoints.db").exists()
    assert not (tmp_path / ".claimflow").exists()

    listed = json_lines(_invoke("runs", "--json", env={"CLAIMFLOW_DATA_DIR": str(from_env)}).stdout)
    assert [item["run_id"] for item in listed] == [view["run_id"]]
    # --data-dir wins over the environment.
    other = tmp_path / "explicit"
    other.mkdir()  # `runs` only reads: it makes no data directory
    explicit = _invoke("runs", "--json", "--data-dir", other, env={"CLAIMFLOW_DATA_DIR": str(from_env)})
    assert explicit.exit_code == 0 and json_lines(explicit.stdout) == []
    assert (other / "claimflow.db").exists()


def test_default_data_dir_is_dot_claimflow_in_the_working_directory(tmp_path: Path) -> None:
    path = write(tmp_path / "docs", "invoice.txt", invoice_text("NW-2024-0900"))
    result = _invoke("run", path, "--json")
    assert result.exit_code == 0, result.output
    [view] = json_lines(result.stdout)
    assert (tmp_path / ".claimflow" / "claimflow.db").exists()
    assert json_lines(_invoke("show", view["run_id"], "--json").stdout) == [_as_shown(view)]


# explain ----------------------------------------------------------------------------------------
def _blocks(text: str) -> dict[str, list[str]]:
    """explain's field section: `  name = value [status] ...` (`  table: N row(s)`) headers and their indented lines."""
    lines = text.splitlines()
    start = lines.index("fields:")
    blocks: dict[str, list[str]] = {}
    current: list[str] = []
    for line in lines[start + 1 :]:
        header = re.match(r"^  (\w+)(?: = | : )|^  (\w+): (?:missing|\d+ row\(s\))", line)
        if header:
            current = blocks.setdefault(header.group(1) or header.group(2), [line])
        elif line.startswith("    "):
            current.append(line)
        else:
            break
    return blocks


def test_explain_prints_per_field_the_claim_its_verdict_and_the_rules(batch: dict[str, Any], cli: Invoke) -> None:
    view = batch["views"]["b_mismatch.txt"]
    result = cli("explain", view["run_id"])
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert text.startswith(f"run {view['run_id']}: b_mismatch.txt")
    assert "route_validation -> prepare_review" in text
    assert "sent to review because:" in text
    blocks = _blocks(text)
    assert set(blocks) == INVOICE_FIELDS
    assert blocks["line_items"] == ["  line_items: 0 row(s)"]
    for name in INVOICE_PRINTED:
        block, field = blocks[name], view["fields"][name]
        assert block[0].startswith(f"  {name} = {field['value']!r} [{field['status']}]"), block[0]
        claims = [line for line in block if line.startswith("    claim ")]
        assert len(claims) >= 1, name
        assert "by rules (extract_invoice@" in claims[0] and f"on page {field['evidence'][0]['page']}" in claims[0]
        assert any(line.startswith("      ACCEPTED: quote found on page") for line in block), name
        # Which check decided: the field's own label (named) or no label at all.
        checks = [line for line in block if line.startswith("      check: ")]
        assert checks, name
        assert all(re.fullmatch(r"      check: (own_label \(label '.+'\)|no_label)", c) for c in checks), checks
    assert "      check: own_label (label 'Total')" in blocks["total_amount"]
    for name in ("net_amount", "tax_amount", "total_amount"):
        assert any(
            line.startswith("    rule net_plus_tax_equals_total: FAILED - 150.00 + 30.00 = 180.00, total is 190.00")
            for line in blocks[name]
        ), name
    assert any("rule due_date_not_before_issue_date: passed" in line for line in blocks["due_date"])
    assert any("rule invoice_number_not_seen_for_vendor: passed" in line for line in blocks["invoice_number"])


def test_explain_of_a_failed_run_says_why(batch: dict[str, Any], cli: Invoke) -> None:
    view = batch["views"]["c_broken.pdf"]
    result = cli("explain", view["run_id"])
    assert result.exit_code == 0, result.output
    assert "outcome: failed" in result.stdout and "PDF could not be read: it is damaged" in result.stdout
    assert "route_parse -> fail (rule document_unreadable" in result.stdout


def test_a_real_process_ends_with_the_commands_exit_code_and_all_its_output(tmp_path: Path) -> None:
    # The console script leaves without tearing the interpreter down: nothing printed may be lost on the way.
    usage = run_cli("run", "--no-such-option")
    assert usage.returncode == 2
    assert "No such option" in usage.stderr
    helped = run_cli("--help")
    assert helped.returncode == 0
    assert all(command in helped.stdout for command in ("run", "runs", "review", "export", "types"))
    write(tmp_path / "docs", "invoice.txt", invoice_text("NW-2024-0800"))
    ran = run_cli("run", tmp_path / "docs", "--json", "--data-dir", tmp_path / "data", "--model", "rules")
    listed = run_cli("runs", "--json", "--data-dir", tmp_path / "data")
    assert (ran.returncode, listed.returncode) == (0, 0)
    assert [view["run_id"] for view in json_lines(listed.stdout)] == [view["run_id"] for view in json_lines(ran.stdout)]
