"""Every golden case as a test, with the id `<step>-<name>`: `pytest evals/` (cases chosen in conftest.py)."""

from __future__ import annotations

from claimflow.evals.golden import GoldenCase
from claimflow.evals.runner import run_case


def test_golden(golden_case: GoldenCase) -> None:
    """The case passes on its recorded claims; a failure shows what differed, expected against got."""
    outcome = run_case(golden_case)
    assert outcome.passed, outcome.report()
