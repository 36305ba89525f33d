"""A document type whose rule or detector spins in Python until told to stop: code a thread cannot be stopped in."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence

from claimflow import Detection, DocumentType, Field, RuleInput, RuleResult, rule

ORDER_TEXT = "Order Form\n\nPO Number: 4500017\nOrder Date: 2024-03-11\nOrder Total: 121.50\n"


def order_form(spin: Callable[[], None], hook: str) -> DocumentType:
    """An order form whose rule or detector calls `spin`."""

    @rule("spins", fields=["po_number"])
    def spins(doc: RuleInput) -> RuleResult | None:
        spin()
        return None

    def detect(pages: Sequence[str]) -> Detection:
        if "Order Form" in pages[0]:  # every type's detector reads every document: only the order's spins
            spin()
        return Detection(score=5.0 if "Order Form" in pages[0] else 0.0)

    return DocumentType(
        name="order_form",
        description="An order form a buyer fills in.",
        titles=("Order Form",),
        fields=[Field("po_number", "identifier", required=True, labels=("PO Number",))],
        rules=[spins] if hook == "rule" else [],
        detector=detect if hook == "detector" else None,
    )


def wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Poll `condition` until it holds; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "still not so after the wait"
        time.sleep(0.02)


def spinning_until(release: threading.Event) -> Callable[[], None]:
    """A pure-Python loop (it gives the interpreter lock up between switches) ending once `release` is set."""

    def spin() -> None:
        turns = 0
        while not release.is_set():
            turns += 1

    return spin
