"""The rules backend reads a short text in place with claimflow's own rules; users' rules always get a thread."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Sequence
from typing import Any

import pytest

from claimflow.doctypes import BUILTIN_TYPES, RECEIPT
from claimflow.nodes.ports import ModelInput
from claimflow.prompts import CLASSIFY, extract_prompt
from claimflow.runtime.backends import rules
from claimflow.runtime.gateway.rules import READ_IN_PLACE_UP_TO, RulesGateway
from claimflow.state.claims import ExtractionClaim
from claimflow.state.schema import Detection, DocumentType
from tests.factories import PURCHASE_ORDER

RECEIPT_TEXT = (
    "Tailspin Coffee Ltd\nHauptstrasse 12\n10115 Berlin\nRECEIPT\nReceipt No: R-000042-117\n"
    "12.03.2024 09:41\nFlat white 3.20\nCroissant 2.80\nTOTAL EUR 6.00\nCash 10.00\nChange 4.00\n"
)


@pytest.fixture
def threads_of(monkeypatch: pytest.MonkeyPatch) -> dict[str, threading.Thread]:
    """The thread each of the rules backend's two entry points ran on, by name."""
    seen: dict[str, threading.Thread] = {}
    for name in ("classify", "extract"):
        original = getattr(rules, name)

        def recorded(*args: Any, _name: str = name, _original: Any = original) -> Any:
            seen[_name] = threading.current_thread()
            return _original(*args)

        monkeypatch.setattr(rules, name, recorded)
    return seen


def _own_detector(pages: Sequence[str]) -> rules.Detection:
    return Detection(score=0.0, quotes=[])


def _own_extractor(pages: Sequence[str], doc_type: DocumentType) -> ExtractionClaim:
    return ExtractionClaim(fields=[])


async def test_claimflows_rules_read_a_short_text_in_place(threads_of: dict[str, threading.Thread]) -> None:
    gateway = RulesGateway()
    classified = await gateway.complete(CLASSIFY, ModelInput(pages=(RECEIPT_TEXT,), types=BUILTIN_TYPES))
    extracted = await gateway.complete(extract_prompt(RECEIPT), ModelInput(pages=(RECEIPT_TEXT,), doc_type=RECEIPT))

    assert classified.claim is not None and classified.claim.doc_type == "receipt"
    assert extracted.claim is not None and extracted.claim.fields
    assert threads_of == {"classify": threading.current_thread(), "extract": threading.current_thread()}


async def test_a_declared_type_without_rules_of_its_own_is_read_in_place_too(
    threads_of: dict[str, threading.Thread],
) -> None:
    # No detector, no extractor: claimflow's generic rules read it, over its declared labels.
    await RulesGateway().complete(CLASSIFY, ModelInput(pages=(RECEIPT_TEXT,), types=(*BUILTIN_TYPES, PURCHASE_ORDER)))
    assert threads_of["classify"] is threading.current_thread()


async def test_a_long_text_goes_to_a_thread(threads_of: dict[str, threading.Thread]) -> None:
    long_text = RECEIPT_TEXT + "Thank you for your visit\n" * (READ_IN_PLACE_UP_TO // 20)
    assert len(long_text) > READ_IN_PLACE_UP_TO
    gateway = RulesGateway()
    await gateway.complete(CLASSIFY, ModelInput(pages=(long_text,), types=BUILTIN_TYPES))
    await gateway.complete(extract_prompt(RECEIPT), ModelInput(pages=(long_text,), doc_type=RECEIPT))
    assert threads_of["classify"] is not threading.current_thread()
    assert threads_of["extract"] is not threading.current_thread()


async def test_users_detectors_and_extractors_always_get_a_thread(threads_of: dict[str, threading.Thread]) -> None:
    # However short the text: no text size bounds the time of a user's code, and a stuck one must not hold the
    # event loop (the document's wall-time limit ends the wait for it).
    detected = dataclasses.replace(PURCHASE_ORDER, detector=_own_detector)
    extracted = dataclasses.replace(PURCHASE_ORDER, extractor=_own_extractor)
    gateway = RulesGateway()
    await gateway.complete(CLASSIFY, ModelInput(pages=(RECEIPT_TEXT,), types=(*BUILTIN_TYPES, detected)))
    await gateway.complete(extract_prompt(extracted), ModelInput(pages=(RECEIPT_TEXT,), doc_type=extracted))
    assert threads_of["classify"] is not threading.current_thread()
    assert threads_of["extract"] is not threading.current_thread()
