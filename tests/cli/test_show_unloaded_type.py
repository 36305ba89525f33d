"""`claimflow show` of a run whose type is not loaded in this command: its stored fields, and why it says so."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from claimflow.runtime.cli import app
from tests.cli._order_form import ORDER_WITH_TOTAL
from tests.integration._docs import write

runner = CliRunner(env={"COLUMNS": "1000"})


def test_a_run_of_a_type_not_loaded_shows_its_stored_fields_and_says_how_to_load_it(tmp_path: Path) -> None:
    types = write(tmp_path, "order_types.py", ORDER_WITH_TOTAL)
    order = write(tmp_path, "po.txt", "PURCHASE ORDER\nPO Number: 4500012345\nTotal: EUR 120.00\n")
    data = str(tmp_path / "data")
    ran = runner.invoke(app, ["run", str(order), "--json", "--types", str(types), "--data-dir", data])
    assert ran.exit_code == 0, ran.output
    run_id = json.loads(ran.stdout.splitlines()[0])["run_id"]

    as_json = runner.invoke(app, ["show", run_id, "--json", "--data-dir", data])
    shown = runner.invoke(app, ["show", run_id, "--data-dir", data])

    fields = json.loads(as_json.stdout)["fields"]
    assert {name: field["value"] for name, field in fields.items()} == {"po_number": "4500012345", "total": "120.00"}
    assert "type order_form is not loaded here" in shown.stdout and "--types" in shown.stdout
    assert "4500012345" in shown.stdout
