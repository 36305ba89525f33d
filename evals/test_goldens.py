"""Every golden case as a test, with the id `<step>-<name>`: `pytest evals/` (cases chosen in conftest.py)."""

from __future__ import annotations

from claimflow.evals.golden import GoldenCase
from claimflow.evals.runner import run_case
from claimflow.state.schema import DocumentTypes


def test_golden(golden_case: GoldenCase, golden_types: DocumentTypes) -> None:
    """The case passes on its recorded claims; a failure shows what differed, expected against got."""
    outcome = run_case(golden_case, types=golden_types)
    assert outcome.passed, outcome.report()
