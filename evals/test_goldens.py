"""Every golden case as a test, with the id `<step>-<name>`: `pytest evals/`."""

from __future__ import annotations

import pytest

from claimflow.evals.golden import GoldenCase, load_goldens
from claimflow.evals.runner import run_case

CASES = load_goldens()


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_golden(case: GoldenCase) -> None:
    """The case passes on its recorded claims; a failure shows what differed, expected against got."""
    outcome = run_case(case)
    assert outcome.passed, outcome.report()
