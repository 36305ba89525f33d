"""`eval dataset --data-dir D` while another command runs the same documents there: exit 2, nothing scored.

The second command found the first one's runs still going and scored them as they stood, as "runs from an
earlier command": every label missed, the gate failed on regressions (exit 1) that no change had made.
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

from tests.fakes.openai_server import FakeModelServer, ReceivedRequest, Reply, document_run_replies
from tests.integration._docs import run_cli, spawn_cli

TEXT = "INVOICE\nInvoice No: INV-7\nInvoice Date: 2024-03-05\nVendor: Acme Supplies Ltd\nTotal: 119.00 GBP\n"


def test_documents_another_command_is_running_are_not_scored(server: FakeModelServer, tmp_path: Path) -> None:
    labelled, data = tmp_path / "labelled", tmp_path / "data"
    (labelled / "docs").mkdir(parents=True)
    (labelled / "docs" / "inv.txt").write_text(TEXT, encoding="utf-8")
    line = {"id": "inv-7", "file": "docs/inv.txt", "doc_type": "invoice", "expected": {"invoice_number": "INV-7"}}
    (labelled / "manifest.jsonl").write_text(json.dumps(line) + "\n", encoding="utf-8")
    classify, extract = document_run_replies()
    second_done = threading.Event()

    def held(request: ReceivedRequest) -> Reply:
        # The first command's run stays in progress until the second command has finished, however slowly the
        # machine starts it (a fixed delay raced a busy machine's start-up); a minute at most, should it hang.
        second_done.wait(60)
        return classify(request)

    server.script(held, extract)
    args: list[str | Path] = ["eval", "dataset", labelled, "--data-dir", data, "--json"]
    first = spawn_cli(*args, "--model", "openai:fake-model", "--base-url", server.base_url, OPENAI_API_KEY="test-key")
    try:
        deadline = time.monotonic() + 30
        while not server.requests and time.monotonic() < deadline:
            time.sleep(0.05)
        assert server.requests, "the first command did not start its run"

        try:
            second = run_cli(*args, "--model", "rules")
        finally:
            second_done.set()

        assert second.returncode == 2, second.stdout + second.stderr
        assert (
            f"error: 1 of 1 document(s) (inv-7) are being run by another command in {data}, or were left unfinished "
            "by one that stopped: nothing was measured or gated"
        ) in " ".join(second.stderr.split())
        assert second.stdout == ""
    finally:
        out, err = first.communicate(timeout=60)
    assert first.returncode == 0, out + err
    assert json.loads(out)["documents"] == 1
