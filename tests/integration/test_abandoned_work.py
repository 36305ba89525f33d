"""A document type's code that spins past its document's wall time is logged, counted, and logged again on return.

The document fails at its wall time and the batch goes on (test_user_type_code); the thread cannot be stopped, so
the process says which function it left running (`work.abandoned`), counts it (`still_running`), and says when
it returned at last (`work.abandoned_ended`). Each test releases its spinning code at the end.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from claimflow.doctypes import BUILTIN_TYPES
from claimflow.runtime.abandoned import still_running
from claimflow.runtime.batch import process_files
from claimflow.runtime.engine import open_engine
from claimflow.runtime.settings import Settings
from tests.integration._docs import invoice_text, write
from tests.integration._spinning import ORDER_TEXT, order_form, spinning_until, wait_until


@pytest.fixture
def release() -> Iterator[threading.Event]:
    """Set at the end, whatever happened: the spinning code returns, and nothing is left running after the test."""
    event = threading.Event()
    yield event
    event.set()
    wait_until(lambda: not still_running())


def lines(caplog: pytest.LogCaptureFixture, event: str) -> list[logging.LogRecord]:
    return [record for record in caplog.records if getattr(record, "event", None) == event]


@pytest.mark.parametrize(
    ("hook", "step", "function"), [("rule", "validate_order_form", "spins"), ("detector", "classify", "detect")]
)
async def test_code_spinning_past_the_wall_time_is_logged_counted_and_logged_again_when_it_returns(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, release: threading.Event, hook: str, step: str, function: str
) -> None:
    caplog.set_level(logging.WARNING, logger="claimflow")
    docs = tmp_path / "docs"
    files = [write(docs, "order.txt", ORDER_TEXT), write(docs, "invoice.txt", invoice_text())]
    settings = Settings(data_dir=tmp_path / "data", max_document_seconds=2.0)

    async with open_engine(settings, types=(*BUILTIN_TYPES, order_form(spinning_until(release), hook))) as engine:
        rows = {Path(row.filename).name: row for row in await process_files(engine, files, concurrency=2)}

    assert rows["order.txt"].status == "failed" and "took longer than 2 s" in (rows["order.txt"].error or "")
    assert rows["invoice.txt"].status == "completed"
    # The type's own function is named, not claimflow's code that called it on the thread.
    named = f"{order_form.__module__}:order_form.<locals>.{function}"
    [left] = lines(caplog, "work.abandoned")
    assert left.levelno == logging.WARNING
    assert (left.run, left.step, left.function, left.still_running) == (rows["order.txt"].run_id, step, named, 1)
    assert left.getMessage() == (
        f"work.abandoned run={rows['order.txt'].run_id} step={step} function={named} still_running=1"
        ' note="the thread keeps running until the code returns or the process restarts"'
    )
    assert [item.function for item in still_running()] == [named]
    assert not lines(caplog, "work.abandoned_ended")

    time.sleep(0.5)  # spinning on, after its document failed
    release.set()
    wait_until(lambda: not still_running())

    [ended] = lines(caplog, "work.abandoned_ended")
    assert (ended.run, ended.step, ended.function, ended.still_running) == (rows["order.txt"].run_id, step, named, 0)
    assert 0.5 < ended.seconds < 20  # from when it started, past the wall time, to its return


async def test_work_that_returns_before_its_waiter_gives_up_is_neither_logged_nor_counted(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="claimflow")
    docs = tmp_path / "docs"
    files = [write(docs, "order.txt", ORDER_TEXT), write(docs, "invoice.txt", invoice_text())]
    settings = Settings(data_dir=tmp_path / "data")

    async with open_engine(settings, types=(*BUILTIN_TYPES, order_form(lambda: None, "rule"))) as engine:
        rows = await process_files(engine, files, concurrency=2)

    assert {row.status for row in rows} == {"completed"}
    assert not lines(caplog, "work.abandoned") and not lines(caplog, "work.abandoned_ended")
    assert not still_running()
