"""`claimflow export` of runs whose document type this command did not load says so and exits 1.

A record is written as its type declares it. Run with `--types`, then exported without it (a cron job, another
folder without the claimflow.toml), the records were left out with `wrote 0 record(s)` and exit 0.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli._order_form import ORDER_WITH_TOTAL
from tests.integration._docs import run_cli, write


def test_runs_of_a_type_not_loaded_are_named_and_the_export_fails(tmp_path: Path) -> None:
    types = write(tmp_path, "order_types.py", ORDER_WITH_TOTAL)
    docs = tmp_path / "docs"
    docs.mkdir()
    write(docs, "po-1.txt", "PURCHASE ORDER\nPO Number: 4500012345\nTotal: EUR 120.00\n")
    write(docs, "po-2.txt", "PURCHASE ORDER\nPO Number: 4500012346\nTotal: EUR 80.00\n")
    data = tmp_path / "data"
    ran = run_cli("run", docs, "--json", "--types", types, "--data-dir", data)
    assert ran.returncode == 0, ran.stderr
    assert [json.loads(line)["status"] for line in ran.stdout.splitlines()] == ["completed", "completed"]

    out = tmp_path / "orders.jsonl"
    blind = run_cli("export", out, "--data-dir", data)
    assert blind.returncode == 1, blind.stderr
    assert "wrote 0 record(s)" in blind.stderr
    assert "left out the runs of document types not loaded here: order_form (2)" in blind.stderr
    assert "--types" in blind.stderr

    seen = run_cli("export", out, "--types", types, "--data-dir", data)
    assert seen.returncode == 0, seen.stderr
    assert "left out" not in seen.stderr
    assert sorted(json.loads(line)["po_number"]["value"] for line in out.read_text().splitlines()) == [
        "4500012345",
        "4500012346",
    ]


def test_an_export_of_one_loaded_type_does_not_count_the_others(tmp_path: Path) -> None:
    types = write(tmp_path, "order_types.py", ORDER_WITH_TOTAL)
    write(tmp_path, "po.txt", "PURCHASE ORDER\nPO Number: 4500012345\nTotal: EUR 120.00\n")
    data = tmp_path / "data"
    assert run_cli("run", tmp_path / "po.txt", "--types", types, "--data-dir", data).returncode == 0

    invoices = run_cli("export", tmp_path / "invoices.csv", "--type", "invoice", "--data-dir", data)
    assert invoices.returncode == 0, invoices.stderr
    assert "left out" not in invoices.stderr
