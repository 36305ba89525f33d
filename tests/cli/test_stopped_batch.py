"""A batch that storage stops part-way (exit code 3) prints the table of the documents it finished, then the stop.

The full disk is real, as in tests/integration/test_intake_stops_cleanly.py: the process runs under a file-size
limit, so storing a document larger than it fails as a write to a full disk does.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from tests.integration._batches import file_size_limit, invoices, registered
from tests.integration._docs import claimflow_executable, cli_env, invoice_text, write

LIMIT = 4 << 20
"""No file of the data directory may grow past 4 MiB: the registry and checkpoints stay well under it."""

ROOMY = {"CLAIMFLOW_MAX_PAGE_CHARS": str(2 * LIMIT), "CLAIMFLOW_MAX_DOCUMENT_CHARS": str(2 * LIMIT)}
"""Character limits above the large document's size, so that it fails for the full disk alone."""


def test_a_batch_stopped_by_a_full_disk_prints_the_table_of_the_documents_it_finished(tmp_path: Path) -> None:
    docs, data = tmp_path / "docs", tmp_path / "data"
    invoices(docs, 5, prefix="a")
    write(docs, "b-large.txt", invoice_text("NW-LARGE-1") + "\n" * (LIMIT + 4096))
    invoices(docs, 5, prefix="c")

    # stderr into stdout: the table comes first, then the line saying the batch stopped.
    batch = subprocess.Popen(
        [claimflow_executable(), "run", str(docs), "--data-dir", str(data), "--concurrency", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=cli_env(**ROOMY),
        preexec_fn=file_size_limit(LIMIT),
    )
    output, _ = batch.communicate(timeout=300)

    assert batch.returncode == 3, output
    assert "Traceback" not in output
    table, _, said = output.partition("error: stopped: ")
    assert said.startswith("cannot write the SQLite database: disk I/O error"), output
    left = re.search(r"(\d+) of the batch's 11 document\(s\) not finished", said)
    assert left is not None, output
    rows = [line for line in table.splitlines() if re.match(r"│ [0-9a-f]{12} │", line)]
    assert rows, output  # the batch finished documents ahead of the large one
    assert len(rows) == 11 - int(left[1]), output  # every document finished has its row, and only those
    completed = {row.run_id[:12]: row.filename for row in registered(data) if row.status == "completed"}
    for line in rows:
        run_id, document, status = (cell.strip() for cell in line.strip("│").split("│")[:3])
        assert (completed.get(run_id), status) == (document, "completed"), line
