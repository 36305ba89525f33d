"""`check` fails, and `run` refuses with exit 2, a setting that names a policy key, type or field that does not exist.

Before, `claimflow check` said ok to each of these, and a run went on as if they were not set.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.conftest import Invoke
from tests.integration._docs import json_lines, run_cli, write

BILL_TYPE = """
from claimflow import DocumentType, Field

BILL = DocumentType(
    name="utility_bill",
    description="A bill from an electricity supplier.",
    fields=[Field("supplier", "text", labels=["Supplier"]), Field("total_amount", "amount", labels=["Amount Due"])],
)
"""
TYPO = {"field_thresholds": {"utility_bil": {"supplier": 0.9}, "utility_bill": {"totl_amount": 0.99}}}


def _policy(tmp_path: Path, policy: dict[str, object]) -> dict[str, str]:
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(policy))
    return {"CLAIMFLOW_POLICY": str(path)}


def test_check_fails_the_settings_of_a_policy_naming_no_active_type_or_field(claimflow: Invoke, tmp_path: Path) -> None:
    types = write(tmp_path, "bill_types.py", BILL_TYPE)
    env = _policy(tmp_path, TYPO)

    result = claimflow("check", "--json", "--types", types, "--data-dir", tmp_path / "data", env=env)

    found = {item.pop("check"): item for item in json_lines(result.stdout)}
    assert result.exit_code == 1
    assert found["settings"]["outcome"] == "failed"
    detail = found["settings"]["detail"]
    assert detail.startswith(f"CLAIMFLOW_POLICY={env['CLAIMFLOW_POLICY']!r}: field_thresholds.utility_bil: no active")
    assert "(active: invoice, receipt, contract, utility_bill)" in detail
    assert "field_thresholds.utility_bill.totl_amount: utility_bill has no field 'totl_amount'" in detail
    assert found["types"]["outcome"] == "ok" and found["storage"]["outcome"] == "ok"  # the other checks ran


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"CLAIMFLOW_MAX_OUTPUT_TOKENS_EXTRACT_FOO": "10"}, "CLAIMFLOW_MAX_OUTPUT_TOKENS_EXTRACT_FOO: no active"),
        ({"POLICY": '{"field_auto_accpt": 0.9}'}, "is not a valid policy: field_auto_accpt: no such setting"),
    ],
)
def test_check_fails_and_run_refuses_a_setting_for_no_type_or_no_key(
    claimflow: Invoke, tmp_path: Path, env: dict[str, str], message: str
) -> None:
    if "POLICY" in env:
        env = _policy(tmp_path, json.loads(env.pop("POLICY")))
    data = tmp_path / "data"
    invoice = write(tmp_path, "a.txt", "INVOICE\nInvoice No.: 1\nTotal: 10.00\n")

    checked = claimflow("check", "--json", "--data-dir", data, env=env)
    ran = claimflow("run", invoice, "--data-dir", data, env=env)

    (settings,) = [item for item in json_lines(checked.stdout) if item["check"] == "settings"]
    assert checked.exit_code == 1 and settings["outcome"] == "failed" and message in settings["detail"]
    assert ran.exit_code == 2, ran.output
    assert ran.stderr.startswith("error: ") and message in " ".join(ran.stderr.split())
    assert not (data / "claimflow.db").exists()  # refused before anything was opened


def test_run_refuses_a_policy_naming_a_misspelt_field_of_the_users_type(claimflow: Invoke, tmp_path: Path) -> None:
    types = write(tmp_path, "bill_types.py", BILL_TYPE)
    bill = write(tmp_path, "bill.txt", "UTILITY BILL\nSupplier: Northgrid\nAmount Due: 80.00\n")
    env = _policy(tmp_path, {"field_thresholds": {"utility_bill": {"totl_amount": 0.99}}})

    ran = claimflow("run", bill, "--types", types, "--data-dir", tmp_path / "data", env=env)

    assert ran.exit_code == 2
    assert (
        "utility_bill has no field 'totl_amount' (did you mean 'total_amount'?) (fields: supplier, total_amount)"
        in " ".join(ran.stderr.split())
    )


def test_commands_that_only_look_at_runs_warn_of_a_misspelt_policy_name_and_go_on(
    claimflow: Invoke, tmp_path: Path
) -> None:
    types = write(tmp_path, "bill_types.py", BILL_TYPE)
    bill = write(tmp_path, "bill.txt", "UTILITY BILL\nSupplier: Northgrid\nAmount Due: 80.00\n")
    data = tmp_path / "data"
    ran = claimflow("run", bill, "--json", "--types", types, "--data-dir", data)
    assert ran.exit_code in (0, 1), ran.output
    (view,) = json_lines(ran.stdout)
    env = _policy(tmp_path, TYPO)  # set after the run: an operator's edit with a typo in it

    records = tmp_path / "records.jsonl"
    for command in (["show", view["run_id"], "--json"], ["review", "list", "--json"], ["export", str(records)]):
        # In a process of its own: the warning is the engine's log record, which the CLI's stderr shows.
        looked = run_cli(*command, "--types", types, "--data-dir", data, **env)
        assert looked.returncode == 0, (command, looked.stderr)
        warned = " ".join(looked.stderr.split())
        assert warned.startswith("warning: CLAIMFLOW_POLICY=") and "utility_bil" in warned, (command, warned)
        assert "commands that run documents refuse this" in warned
    listed = json_lines(claimflow("runs", "--json", "--types", types, "--data-dir", data, env=env).stdout)
    assert [row["run_id"] for row in listed] == [view["run_id"]]

    again = claimflow("run", bill, "--types", types, "--data-dir", data, env=env)
    assert again.exit_code == 2 and "field_thresholds.utility_bil" in " ".join(again.stderr.split())
