"""Per-document limits through the real CLI: a document over a limit fails with its reason, the batch goes on.

Each test runs `claimflow run DIR --json --concurrency 2` in its own process over a folder that holds a valid
invoice beside the documents over a limit, and reads the outcome from `--json`, `claimflow runs --json` and
`claimflow show`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.integration._batches import registered_or_empty, wait_until
from tests.integration._docs import invoice_text, json_lines, run_cli, spawn_cli, write

# A document type whose offline detector is stuck while a marker file exists: a pathological step, in a
# document of its own, that the test can hold for as long as it needs and then release.
SLOW_TYPE = """
import os
import time
from claimflow import Detection, DocumentType, Field

def _detect(pages):
    if "HOLD THIS DOCUMENT" in "".join(pages):
        while os.path.exists({hold!r}):
            time.sleep(0.02)
    return Detection(score=0.0)

SLOW = DocumentType(
    name="slow_notice",
    description="A notice read slowly",
    version="1",
    fields=[Field("notice_number", "identifier", labels=("Notice No.",))],
    detector=_detect,
)
"""


def _runs(data: Path) -> dict[str, dict[str, Any]]:
    listed = run_cli("runs", "--json", "--data-dir", data)
    assert listed.returncode == 0, listed.stderr
    return {row["document"]: row for row in json_lines(listed.stdout)}


def _run_folder(folder: Path, data: Path, timeout: float = 120.0, **env: str) -> dict[str, dict[str, Any]]:
    done = run_cli("run", folder, "--json", "--concurrency", "2", "--data-dir", data, timeout=timeout, **env)
    return {row["document"]: row for row in json_lines(done.stdout)}


def test_each_limit_fails_its_own_document_with_its_reason_and_the_valid_one_completes(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    write(folder, "a-valid.txt", invoice_text())
    write(folder, "big.txt", invoice_text() + "x" * 5000)  # over the bytes limit
    write(folder, "pages.txt", "\f".join(invoice_text() for _ in range(3)))  # three pages, two allowed
    write(folder, "wide.txt", invoice_text() + "y" * 1200)  # one page over the page's characters
    write(folder, "long.txt", "\f".join(invoice_text() + "z" * 600 for _ in range(2)))  # each page fits, not both
    limits = {
        "CLAIMFLOW_MAX_DOCUMENT_BYTES": "4000",
        "CLAIMFLOW_MAX_PAGES": "2",
        "CLAIMFLOW_MAX_PAGE_CHARS": "1000",
        "CLAIMFLOW_MAX_DOCUMENT_CHARS": "1500",
    }

    rows = _run_folder(folder, tmp_path / "data", **limits)

    assert rows["a-valid.txt"]["status"] == "completed"
    assert {name: rows[name]["status"] for name in ("big.txt", "pages.txt", "wide.txt", "long.txt")} == dict.fromkeys(
        ("big.txt", "pages.txt", "wide.txt", "long.txt"), "failed"
    )
    # Each reason names the limit and the setting that raises it.
    assert "over the 3.9 KiB limit (CLAIMFLOW_MAX_DOCUMENT_BYTES)" in rows["big.txt"]["error"]
    assert "has 3 pages; at most 2 are accepted (CLAIMFLOW_MAX_PAGES)" in rows["pages.txt"]["error"]
    assert "on page 1; at most 1,000 per page are accepted (CLAIMFLOW_MAX_PAGE_CHARS)" in rows["wide.txt"]["error"]
    assert (
        "has 1,580 characters; at most 1,500 are accepted (CLAIMFLOW_MAX_DOCUMENT_CHARS)" in rows["long.txt"]["error"]
    )
    listed = _runs(tmp_path / "data")
    assert listed["wide.txt"]["error"] == rows["wide.txt"]["error"]
    shown = run_cli("show", rows["long.txt"]["run_id"], "--json", "--data-dir", tmp_path / "data")
    assert json.loads(shown.stdout)["error"] == rows["long.txt"]["error"]
    # Refused at intake, the big file's run has no step to tell of: explain says it failed, and why.
    explained = run_cli("explain", rows["big.txt"]["run_id"], "--data-dir", tmp_path / "data").stdout
    assert f"outcome: failed ({rows['big.txt']['error']})" in explained, explained
    assert "no step ran" in explained and "has not started" not in explained, explained


def test_a_document_over_its_wall_time_fails_with_that_reason_and_the_batch_goes_on(tmp_path: Path) -> None:
    hold = tmp_path / "hold"
    hold.touch()  # never removed: the document stays stuck until its wall time ends the wait
    types = write(tmp_path, "slow_type.py", SLOW_TYPE.format(hold=str(hold)))
    folder = tmp_path / "in"
    write(folder, "a-stuck.txt", "HOLD THIS DOCUMENT\nNotice No.: 7\n")
    write(folder, "b-valid.txt", invoice_text())
    write(folder, "c-valid.txt", invoice_text("NW-2024-0999"))

    # The stuck step must not keep the process from ending: the batch has 60 s, far past the 4 s wall time.
    rows = _run_folder(
        folder, tmp_path / "data", timeout=60, CLAIMFLOW_MAX_DOCUMENT_SECONDS="4", CLAIMFLOW_TYPES=str(types)
    )

    assert rows["a-stuck.txt"]["status"] == "failed"
    assert "took longer than 4 s" in rows["a-stuck.txt"]["error"]
    assert rows["a-stuck.txt"]["error"].endswith("the run was stopped in step classify")  # its detector was stuck
    assert "CLAIMFLOW_MAX_DOCUMENT_SECONDS" in rows["a-stuck.txt"]["error"]
    assert rows["b-valid.txt"]["status"] == rows["c-valid.txt"]["status"] == "completed"


def test_other_documents_complete_while_one_is_stuck_in_a_step(tmp_path: Path) -> None:
    hold = tmp_path / "hold"
    hold.touch()
    types = write(tmp_path, "slow_type.py", SLOW_TYPE.format(hold=str(hold)))
    folder = tmp_path / "in"
    write(folder, "a-stuck.txt", "HOLD THIS DOCUMENT\nNotice No.: 7\n")
    for number in range(4):
        write(folder, f"valid-{number}.txt", invoice_text(f"NW-2024-{number:04}"))
    data = tmp_path / "data"

    batch = spawn_cli("run", folder, "--json", "--concurrency", "2", "--data-dir", data, CLAIMFLOW_TYPES=str(types))
    try:

        def statuses() -> dict[str, str]:
            return {row.filename: row.status for row in registered_or_empty(data)}

        wait_until(lambda: list(statuses().values()).count("completed") >= 4, timeout=90, what="four completed")
        rows = statuses()
        completed = [name for name, status in rows.items() if status == "completed"]
        # Every valid document completed while the stuck one was still in its step.
        assert sorted(completed) == [f"valid-{number}.txt" for number in range(4)]
        assert rows["a-stuck.txt"] == "running"
    finally:
        hold.unlink()
        out, err = batch.communicate(timeout=60)
    assert batch.returncode in (0, 1), err
    assert {row["document"]: row["status"] for row in json_lines(out)}["valid-0.txt"] == "completed"
