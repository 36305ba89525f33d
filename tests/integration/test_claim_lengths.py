"""A model answer with megabyte values is invalid output: the values never reach state, checkpoints stay small."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from claimflow.doctypes import INVOICE
from claimflow.runtime.backends import rules
from tests.fakes.openai_server import FakeModelServer, ReceivedRequest, Reply, claim_reply, shown_pages
from tests.integration._docs import invoice_text, json_lines, run_cli, write

MEGABYTE = 1024 * 1024


def classify(request: ReceivedRequest) -> Reply:
    return claim_reply(rules.classify(shown_pages(request), [INVOICE]))


def huge_values(request: ReceivedRequest) -> Reply:
    """The rules' claims on the shown pages, with a megabyte in one value and in one quote."""
    claim = rules.extract(INVOICE, shown_pages(request)).model_dump()
    claim["fields"][0]["value"] = "9" * MEGABYTE
    claim["fields"][1]["evidence"]["quote"] = "Q" * MEGABYTE
    return claim_reply(claim)


def test_megabyte_values_are_rejected_with_their_reason_and_checkpoints_stay_small(
    tmp_path: Path, server: FakeModelServer
) -> None:
    document = write(tmp_path / "in", "invoice.txt", invoice_text())
    server.script(classify, huge_values, huge_values)
    data = tmp_path / "data"

    done = run_cli(
        "run", document, "--json", "--model", "openai:fake-model", "--base-url", server.base_url,
        "--data-dir", data, OPENAI_API_KEY="", CLAIMFLOW_MODEL_MAX_ATTEMPTS="1",
    )  # fmt: skip

    [row] = json_lines(done.stdout)
    assert row["status"] in ("needs_review", "failed"), row
    said = " ".join(row["review_reasons"]) + (row["error"] or "")
    assert "a claimed value has 1,048,576 characters; at most 2,000 are accepted" in said
    assert "a quote has 1,048,576 characters; at most 5,000 are accepted" in said
    with sqlite3.connect(data / "checkpoints.db") as db:
        stored = sum(
            len(blob or b"")
            for table in ("checkpoints", "writes")
            for (blob,) in db.execute(f"SELECT {'checkpoint' if table == 'checkpoints' else 'value'} FROM {table}")
        )
    assert stored < MEGABYTE, stored  # not one copy of either megabyte
