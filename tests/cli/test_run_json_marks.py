"""`run --json` says what the table's note says of where each run comes from: `new`, `in_progress_elsewhere`.

A script reading the JSON must tell a document processed by this command from one an earlier command registered
(`registered before`), and both from one another live process is advancing (`in progress in another process`).
The other process is real: a `claimflow run` whose model (a local fake server) has not answered yet.
"""

from __future__ import annotations

import time
from pathlib import Path

from tests.fakes.openai_server import Reply, running_server
from tests.integration._docs import flat, invoice_text, json_lines, run_cli, spawn_cli, write


def test_run_json_marks_runs_registered_before_and_runs_another_process_is_advancing(tmp_path: Path) -> None:
    inbox, data = tmp_path / "inbox", tmp_path / "data"
    write(inbox, "a_earlier.txt", invoice_text("NW-MARK-1"))
    earlier = run_cli("run", inbox / "a_earlier.txt", "--data-dir", data)
    assert earlier.returncode == 0, earlier.stderr
    held = write(inbox, "b_held.txt", invoice_text("NW-MARK-2"))
    write(inbox, "c_new.txt", invoice_text("NW-MARK-3"))

    with running_server() as server:
        server.script(Reply(delay_s=120.0))  # the other process's first model call waits for its answer
        other = spawn_cli(
            "run", held, "--data-dir", data, "--model", "openai:fake-model", "--base-url", server.base_url,
            OPENAI_API_KEY="test",
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 60
            while not server.requests and other.poll() is None and time.monotonic() < deadline:
                time.sleep(0.05)
            assert server.requests, other.communicate(timeout=5) if other.poll() is not None else "no model call"

            batch = run_cli("run", inbox, "--json", "--data-dir", data)
            table = run_cli("run", inbox, "--data-dir", data)
        finally:
            other.terminate()
            other.communicate(timeout=30)

    assert batch.returncode == 0, batch.stderr
    marks = {view["document"]: (view["new"], view["in_progress_elsewhere"]) for view in json_lines(batch.stdout)}
    assert marks == {
        "a_earlier.txt": (False, False),  # registered before
        "b_held.txt": (False, True),  # in progress in another process
        "c_new.txt": (True, False),  # registered and processed by this command
    }
    # The table the same command prints without --json says the same of each (the new run is now one from before).
    notes = {line.split()[1]: line for line in map(flat, table.stdout.splitlines()) if ".txt" in line}
    assert notes["a_earlier.txt"].endswith(" registered before")
    assert notes["b_held.txt"].endswith(" in progress in another process")
    assert notes["c_new.txt"].endswith(" registered before")
