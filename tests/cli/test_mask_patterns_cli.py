"""`claimflow run` with CLAIMFLOW_MASK_PATTERNS: a bad file stops it before any document is read; a good one masks."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from typer.testing import Result

from tests.integration._docs import flat, invoice_text, json_lines, write

Invoke = Callable[..., Result]


def _patterns(tmp_path: Path, patterns: dict[str, str]) -> str:
    path = tmp_path / "mask.json"
    path.write_text(json.dumps({"patterns": patterns}), encoding="utf-8")
    return str(path)


def test_a_bad_pattern_stops_the_command_with_its_name(claimflow: Invoke, tmp_path: Path) -> None:
    document = write(tmp_path, "invoice.txt", invoice_text())
    env = {"CLAIMFLOW_MASK_PATTERNS": _patterns(tmp_path, {"employee_id": r"EMP-(\d{6}"})}
    result = claimflow("run", document, "--data-dir", tmp_path / "data", env=env)
    assert result.exit_code == 2
    assert "CLAIMFLOW_MASK_PATTERNS=" in flat(result.stderr)
    assert "pattern 'employee_id' (`EMP-(\\d{6}`) is not a valid regular expression" in flat(result.stderr)
    assert not (tmp_path / "data").exists()


def test_a_configured_pattern_is_masked_in_a_run(claimflow: Invoke, tmp_path: Path) -> None:
    text = invoice_text().replace("Invoice No.", "Approved by EMP-004211\nInvoice No.")
    document = write(tmp_path, "invoice.txt", text)
    env = {"CLAIMFLOW_MASK_PATTERNS": _patterns(tmp_path, {"employee_id": r"\bEMP-\d{6}\b"})}
    data = tmp_path / "data"
    ran = claimflow("run", document, "--json", "--data-dir", data, env=env)
    assert ran.exit_code == 0, ran.stderr
    [view] = json_lines(ran.stdout)
    trace = claimflow("trace", view["run_id"], "--json", "--data-dir", data, env=env)
    [masked] = [event["data"] for event in json_lines(trace.stdout) if event["type"] == "pii.masked"]
    assert masked == {"count": 1, "kinds": {"EMPLOYEE_ID": 1}}
