"""A document type's own code that misbehaves fails its own document, named, and the batch goes on.

Each test runs a batch of one order form of a user's type, whose rule, extractor or detector is broken, and one
valid invoice, through the engine and the offline rules backend.
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from claimflow import Detection, DocumentType, ExtractionClaim, Field, Rule, RuleInput, RuleResult, rule
from claimflow.doctypes import BUILTIN_TYPES
from claimflow.runtime.batch import process_files
from claimflow.runtime.engine import open_engine
from claimflow.runtime.registry import RunRow
from claimflow.runtime.settings import Settings
from claimflow.state.schema import OfflineDetector, OfflineExtractor
from tests.integration._docs import invoice_text, write

ORDER_TEXT = "Order Form\n\nPO Number: 4500017\nOrder Date: 2024-03-11\nOrder Total: 121.50\n"


def order_form(
    rules: Sequence[Rule] = (), extractor: OfflineExtractor | None = None, detector: OfflineDetector | None = None
) -> DocumentType:
    """A small user type with the given rules, extractor and detector."""
    return DocumentType(
        name="order_form",
        description="An order form a buyer fills in.",
        titles=("Order Form",),
        fields=[
            Field("po_number", "identifier", required=True, labels=("PO Number",)),
            Field("order_date", "date", labels=("Order Date",)),
            Field("total_amount", "amount", labels=("Order Total",)),
        ],
        rules=rules,
        extractor=extractor,
        detector=detector,
    )


async def _batch(tmp_path: Path, doc_type: DocumentType, max_document_seconds: float = 600.0) -> dict[str, RunRow]:
    docs = tmp_path / "docs"
    files = [write(docs, "order.txt", ORDER_TEXT), write(docs, "invoice.txt", invoice_text())]
    settings = Settings(data_dir=tmp_path / "data", max_document_seconds=max_document_seconds)
    async with open_engine(settings, types=(*BUILTIN_TYPES, doc_type)) as engine:
        rows = await process_files(engine, files, concurrency=2)
        for row in rows:
            if row.status == "failed":
                _assert_the_failed_step_is_named(await engine.registry.events(row.run_id), row.error or "")
    return {Path(row.filename).name: row for row in rows}


def _assert_the_failed_step_is_named(events: list[dict[str, Any]], error: str) -> None:
    """A step that raised returned no events: the trail still names it, with the run's error, before `run.failed`."""
    kinds = [(item["type"], item["step"]) for item in events]
    assert kinds[-1] == ("run.failed", "engine"), kinds
    assert kinds[-2][0] == "step.failed" and kinds[-2][1] not in ("engine", ""), kinds
    assert events[-2]["data"]["reason"] == error


def _exits(doc: RuleInput) -> RuleResult | None:
    raise SystemExit(3)


async def test_a_rule_that_calls_sys_exit_fails_its_document_and_the_batch_goes_on(tmp_path: Path) -> None:
    rows = await _batch(tmp_path, order_form(rules=[rule("exits", fields=["po_number"])(_exits)]))

    assert rows["order.txt"].status == "failed"
    assert rows["order.txt"].error == (
        "RuleFailedError: rule 'exits' of document type 'order_form' raised SystemExit: 3"
        f" (raised at {__file__}:{_exits.__code__.co_firstlineno + 1})"
    )
    assert rows["invoice.txt"].status == "completed"


def _interrupts(doc: RuleInput) -> RuleResult | None:
    raise KeyboardInterrupt


async def test_a_rule_that_raises_keyboard_interrupt_fails_its_document_and_the_batch_goes_on(tmp_path: Path) -> None:
    # The rule runs on a worker thread, which Ctrl-C never reaches: the interrupt is the rule's own. Let through,
    # it stopped the whole batch as Ctrl-C does (`interrupted; ... not finished`, exit 130).
    rows = await _batch(tmp_path, order_form(rules=[rule("interrupts", fields=["po_number"])(_interrupts)]))

    assert rows["order.txt"].status == "failed"
    assert rows["order.txt"].error == (
        "RuleFailedError: rule 'interrupts' of document type 'order_form' raised KeyboardInterrupt"
        f" (raised at {__file__}:{_interrupts.__code__.co_firstlineno + 1})"
    )
    assert rows["invoice.txt"].status == "completed"


async def test_a_stuck_rule_fails_its_document_at_its_wall_time_while_the_others_complete(tmp_path: Path) -> None:
    release = threading.Event()

    @rule("waits", fields=["po_number"])
    def waits(doc: RuleInput) -> RuleResult | None:
        release.wait(timeout=30)  # stuck, as far as the document's two seconds go
        return None

    started = time.monotonic()
    try:
        rows = await _batch(tmp_path, order_form(rules=[waits]), max_document_seconds=2.0)
        elapsed = time.monotonic() - started
        # The batch ended while the rule was still stuck: it never held the other runs, or the wall time, up.
        assert not release.is_set()
    finally:
        release.set()

    assert rows["order.txt"].status == "failed"
    assert "took longer than 2 s" in (rows["order.txt"].error or "")
    assert (rows["order.txt"].error or "").endswith("in step validate_order_form")  # where the time went
    assert rows["invoice.txt"].status == "completed"
    assert elapsed < 20


async def test_a_rule_spinning_in_python_fails_its_document_at_its_wall_time_while_the_others_complete(
    tmp_path: Path,
) -> None:
    # A pure-Python loop holds the interpreter lock only between switches (every 5 ms), unlike a C call such as a
    # backtracking regular expression: the event loop, the wall time's timer and the other run still get turns.
    release = threading.Event()

    @rule("spins", fields=["po_number"])
    def spins(doc: RuleInput) -> RuleResult | None:
        turns = 0
        while not release.is_set():
            turns += 1
        return None

    started = time.monotonic()
    try:
        rows = await _batch(tmp_path, order_form(rules=[spins]), max_document_seconds=2.0)
        elapsed = time.monotonic() - started
        assert not release.is_set()  # the batch ended while the rule still spun
    finally:
        release.set()

    assert rows["order.txt"].status == "failed"
    assert "took longer than 2 s" in (rows["order.txt"].error or "")
    assert (rows["order.txt"].error or "").endswith("in step validate_order_form")
    assert rows["invoice.txt"].status == "completed"
    assert elapsed < 20


def _detector(answer: Callable[[], object]) -> Callable[[Sequence[str]], Detection]:
    def detect(pages: Sequence[str]) -> Detection:
        return answer()  # type: ignore[return-value]

    return detect


def _extractor(answer: Callable[[], object]) -> Callable[[Sequence[str], DocumentType], ExtractionClaim]:
    def extract(pages: Sequence[str], doc_type: DocumentType) -> ExtractionClaim:
        return answer()  # type: ignore[return-value]

    return extract


def _words_as_quotes() -> object:
    return Detection(score=5.0, quotes=["Order Form"])  # type: ignore[list-item]


def _nothing_as_a_quote() -> object:
    return Detection(score=5.0, quotes=[None])  # type: ignore[list-item]


def _raise() -> object:
    raise RuntimeError("cannot read this")


def _exit() -> object:
    raise SystemExit(4)


def _interrupt() -> object:
    raise KeyboardInterrupt


@pytest.mark.parametrize(
    ("hook", "answer", "message"),
    [
        ("extractor", _raise, r"extractor .*extract \(.*test_user_type_code\.py:\d+\) of document type 'order_form'"
         r" raised RuntimeError: cannot read this"),
        ("extractor", _exit, r"extractor .*extract .* of document type 'order_form' raised SystemExit: 4"),
        ("extractor", _interrupt, r"extractor .*extract .* of document type 'order_form' raised KeyboardInterrupt"),
        ("extractor", lambda: None, r"extractor .*extract .* returned None; return an ExtractionClaim"),
        ("extractor", lambda: {"fields": []}, r"returned \{'fields': \[\]\}; return an ExtractionClaim"),
        ("detector", _raise, r"detector .*detect .* of document type 'order_form' raised RuntimeError: cannot read"),
        ("detector", _exit, r"detector .*detect .* of document type 'order_form' raised SystemExit: 4"),
        ("detector", _interrupt, r"detector .*detect .* of document type 'order_form' raised KeyboardInterrupt"),
        ("detector", lambda: 5.0, r"detector .*detect .* returned 5\.0; return a Detection"),
        ("detector", lambda: Detection(score=float("nan")), r"a Detection whose score nan is not a finite number"),
        ("detector", lambda: Detection(score=5.0, max_confidence=-1.0), r"max_confidence -1\.0 is not between 0"),
        ("detector", _words_as_quotes, r"quoting 'Order Form'; quotes must be"),
        ("detector", _nothing_as_a_quote, r"quoting None; quotes must be"),
    ],
)  # fmt: skip
async def test_a_broken_extractor_or_detector_fails_its_document_naming_it(
    tmp_path: Path, hook: str, answer: Callable[[], object], message: str
) -> None:
    if hook == "extractor":
        doc_type = order_form(extractor=_extractor(answer))
    else:
        doc_type = order_form(detector=_detector(answer))
    rows = await _batch(tmp_path, doc_type)

    order = rows["order.txt"]
    assert order.status == "failed"
    assert order.error is not None
    assert order.error.startswith("OfflineHookError: ")
    assert re.search(message, order.error), order.error
    # An extractor is called for its own type's documents only; a detector reads every document.
    assert rows["invoice.txt"].status == ("completed" if hook == "extractor" else "failed")


async def test_a_rule_that_meets_a_damaged_database_of_its_own_fails_its_document_not_the_batch(
    tmp_path: Path,
) -> None:
    # A damaged SQLite file is a condition of storage when it is claimflow's: the batch stops. A type's own lookup
    # table is no storage of claimflow's, and its error was taken for one: the batch stopped, advising a restore.
    lookup = tmp_path / "vendors.db"
    lookup.write_bytes(b"\x17not a database at all\x00" * 400)

    def _looks_up(doc: RuleInput) -> RuleResult | None:
        with contextlib.closing(sqlite3.connect(lookup)) as connection:
            connection.execute("SELECT 1 FROM sqlite_master")
        return doc.passed("known")

    rows = await _batch(tmp_path, order_form(rules=[rule("looks_up", fields=["po_number"])(_looks_up)]))

    assert rows["order.txt"].status == "failed"
    assert (rows["order.txt"].error or "").startswith(
        "RuleFailedError: rule 'looks_up' of document type 'order_form' raised DatabaseError: file is not a database"
    )
    assert rows["invoice.txt"].status == "completed"
