"""Fixtures for integration tests: a fresh data directory and a folder for documents per test."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A data directory nobody else uses."""
    return tmp_path / "data"


@pytest.fixture
def docs_dir(tmp_path: Path) -> Path:
    """Where a test writes its documents."""
    path = tmp_path / "docs"
    path.mkdir()
    return path


@pytest.fixture(autouse=True)
def _no_claimflow_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Settings read CLAIMFLOW_* variables; a developer's shell must not change what these tests see."""
    for key in list(os.environ):
        if key.startswith("CLAIMFLOW_"):
            monkeypatch.delenv(key)
