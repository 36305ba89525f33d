"""Ctrl-C while a type's code runs on a thread: the command stops with its one line, not a log line per thread.

The work it gives up ends with the process a moment later; `work.abandoned` ("the thread keeps running until the
code returns or the process restarts") is for a process that goes on: a worker, the server, a batch whose document
failed at its wall time.
"""

from __future__ import annotations

import signal
from pathlib import Path

from tests.cli.test_interrupted import _batch, _sigint_here
from tests.integration._batches import wait_until
from tests.integration._docs import write

WAITING_TYPE = """
import time
from pathlib import Path

from claimflow import DocumentType, Field, rule

MARK = {mark!r}

@rule("waits", fields=["po_number"])
def waits(doc):
    Path(MARK).touch()  # the rule is running: the test may interrupt now
    time.sleep(60)
    return None


ORDER = DocumentType(
    name="order_form",
    description="An order form a buyer fills in.",
    titles=["Order Form"],
    fields=[Field("po_number", "identifier", required=True, labels=["PO Number"])],
    rules=[waits],
)
"""


def test_ctrl_c_while_a_rule_runs_on_a_thread_says_interrupted_and_no_thread_is_logged(tmp_path: Path) -> None:
    docs, mark = tmp_path / "docs", tmp_path / "rule-started"
    types = write(tmp_path, "waiting_types.py", WAITING_TYPE.replace("{mark!r}", repr(str(mark))))
    write(docs, "order.txt", "Order Form\n\nPO Number: 4500017\n")
    batch = _batch("run", docs, "--types", f"{types}:ORDER", "--data-dir", tmp_path / "data")
    wait_until(mark.exists, timeout=60, what="the rule started", alive=batch)

    batch.send_signal(signal.SIGINT)
    out, err = batch.communicate(timeout=30)

    assert batch.returncode == 130, (out, err, _sigint_here())
    assert "interrupted; " in err, err
    assert "work.abandoned" not in err, err
    assert "Traceback" not in err, err
