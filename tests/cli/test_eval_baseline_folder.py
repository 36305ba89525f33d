"""`--update-baseline` with a `--baseline` file in a folder that does not exist stops before any model call.

Found out after the run, as it was (`error: [Errno 2] No such file or directory: ...`), a live model's every
case or document had been paid for and its results were lost.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.fakes.openai_server import FakeModelServer
from tests.integration._docs import run_cli


def _said(stderr: str) -> str:
    return " ".join(stderr.split())


def test_eval_refuses_an_unwritable_baseline_before_asking_the_model(server: FakeModelServer, tmp_path: Path) -> None:
    nowhere = tmp_path / "nowhere" / "baseline.json"

    done = run_cli(
        "eval", "--model", "openai:fake-model", "--base-url", server.base_url, "--step", "classify",
        "--baseline", nowhere, "--update-baseline", OPENAI_API_KEY="test-key",
    )  # fmt: skip

    assert done.returncode == 2, done.stdout + done.stderr
    assert (
        f"error: cannot write the baseline {nowhere}: the folder {nowhere.parent} does not exist; create it, or "
        "name a file in an existing folder"
    ) in _said(done.stderr)
    assert server.requests == [] and done.stdout == ""


def test_eval_dataset_refuses_an_unwritable_baseline_before_asking_the_model(
    server: FakeModelServer, tmp_path: Path
) -> None:
    labelled, nowhere = tmp_path / "labelled", tmp_path / "nowhere" / "baseline.json"
    (labelled / "docs").mkdir(parents=True)
    (labelled / "docs" / "inv.txt").write_text("INVOICE\nInvoice No: INV-7\nTotal: 119.00\n", encoding="utf-8")
    line = {"id": "inv-7", "file": "docs/inv.txt", "doc_type": "invoice", "expected": {"invoice_number": "INV-7"}}
    (labelled / "manifest.jsonl").write_text(json.dumps(line) + "\n", encoding="utf-8")

    done = run_cli(
        "eval", "dataset", labelled, "--model", "openai:fake-model", "--base-url", server.base_url,
        "--baseline", nowhere, "--update-baseline", OPENAI_API_KEY="test-key",
    )  # fmt: skip

    assert done.returncode == 2, done.stdout + done.stderr
    assert f"error: cannot write the baseline {nowhere}: the folder {nowhere.parent} does not exist" in _said(
        done.stderr
    )
    assert server.requests == [] and done.stdout == ""
