"""`pytest evals/` runs every golden case as a test; `--goldens DIR` runs the cases of another folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from claimflow.evals.golden import GOLDENS, load_goldens


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add `--goldens`."""
    parser.addoption("--goldens", default=str(GOLDENS), help="folder of golden cases to run (default: evals/goldens)")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """One test per case of the chosen folder, with the id `<step>-<name>`."""
    if "golden_case" in metafunc.fixturenames:
        cases = load_goldens(Path(metafunc.config.getoption("--goldens")))
        metafunc.parametrize("golden_case", cases, ids=[case.id for case in cases])
