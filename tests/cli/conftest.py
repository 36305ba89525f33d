"""Fixtures for CLI tests: no CLAIMFLOW_* variable from the developer's shell, a working directory of the test's own.

Type discovery reads `claimflow.toml` / `[tool.claimflow]` from the working directory upwards, so every test
runs in its temporary folder and sees exactly the installed types (the three built-ins).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from claimflow.runtime.cli import app
from tests._table_invoice import INVOICE
from tests.integration._docs import json_lines, write

Invoke = Callable[..., Result]


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for key in list(os.environ):
        if key.startswith("CLAIMFLOW_"):
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)  # a stray default ./.claimflow lands in the test's own directory


def invoke_cli(*args: str | Path, env: dict[str, str] | None = None) -> Result:
    """The CLI in this process, with no CLAIMFLOW_* variable unless `env` sets it, wide enough not to wrap."""
    unset: dict[str, Any] = {key: None for key in os.environ if key.startswith("CLAIMFLOW_")}
    return CliRunner().invoke(app, [str(arg) for arg in args], env={**unset, "COLUMNS": "1000", **(env or {})})


@pytest.fixture
def claimflow() -> Invoke:
    """`claimflow(*args)` runs the CLI in-process and returns typer's Result (stdout and stderr apart)."""
    return invoke_cli


@pytest.fixture
def paused_lines(claimflow: Invoke, tmp_path: Path) -> tuple[Invoke, str]:
    """The two-line invoice (`tests._table_invoice`) waiting for review: (cli bound to its data directory, run id)."""
    path = write(tmp_path / "docs", "lines.txt", INVOICE)
    data = tmp_path / "data"
    [view] = json_lines(claimflow("run", path, "--json", "--data-dir", data).stdout)
    assert view["status"] == "needs_review", view

    def cli(*args: str) -> Result:
        return claimflow(*args, "--data-dir", data)

    return cli, view["run_id"]
