"""The README's pytest command for golden cases of one's own type works where claimflow is installed, not checked out.

A project outside the repository has no `evals/` folder; the command points pytest at the installed package's.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.integration._docs import cli_env, write

ORDER_TYPE = """
from claimflow import DocumentType, Field, RuleInput, RuleResult, rule


@rule("delivery_after_order", fields=["order_date", "delivery_date"])
def delivery_after_order(doc: RuleInput) -> RuleResult | None:
    ordered, delivered = doc.date("order_date"), doc.date("delivery_date")
    if ordered is None or delivered is None:
        return None
    return doc.check(delivered >= ordered, f"delivery {delivered} vs order {ordered}")


ORDER = DocumentType(
    name="purchase_order",
    description="An order.",
    fields=[
        Field("order_date", "date", required=True, labels=["Order Date"]),
        Field("delivery_date", "date", labels=["Delivery Date"]),
    ],
    rules=[delivery_after_order],
)
"""
CASE = {
    "kind": "rule",
    "name": "late",
    "step": "rules_purchase_order",
    "doc_type": "purchase_order",
    "values": {"order_date": "2024-03-20", "delivery_date": "2024-03-15"},
    "expected": [
        {"rule": "required_fields_present", "passed": True},
        {"rule": "date_plausible", "passed": True},
        {"rule": "date_plausible", "passed": True},
        {"rule": "delivery_after_order", "passed": False},
    ],
}


def test_the_documented_pytest_command_runs_a_projects_own_cases(tmp_path: Path) -> None:
    write(tmp_path, "my_types.py", ORDER_TYPE)
    write(tmp_path / "goldens" / "rules_purchase_order", "late.json", json.dumps(CASE))
    installed = subprocess.run(
        [sys.executable, "-c", "import claimflow.evals as e, os; print(os.path.dirname(e.__file__))"],
        capture_output=True, text=True, check=True, cwd=tmp_path,
    ).stdout.strip()  # fmt: skip
    command = [sys.executable, "-m", "pytest", installed, "--rootdir", ".", "--goldens", "goldens"]
    ran = subprocess.run(
        [*command, "--types", "my_types.py", "-q", "-p", "no:xdist"],
        capture_output=True, text=True, cwd=tmp_path, env=cli_env(), timeout=120, check=False,
    )  # fmt: skip
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "1 passed" in ran.stdout
    assert not os.path.exists(os.path.join(installed, ".pytest_cache"))
