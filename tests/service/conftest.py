"""Fixtures for the service tests: a fresh data directory, and the app serving it."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from claimflow.runtime.settings import Settings
from tests.service._api import Api, serving


@pytest.fixture(autouse=True)
def _no_claimflow_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Settings read CLAIMFLOW_* variables; a developer's shell must not change what these tests see."""
    for key in list(os.environ):
        if key.startswith("CLAIMFLOW_"):
            monkeypatch.delenv(key)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings over a data directory nobody else uses."""
    return Settings(data_dir=tmp_path / "data")


@pytest.fixture
async def api(settings: Settings) -> AsyncIterator[Api]:
    """The app, started, with `admin`, `submitter` and `reviewer` tokens."""
    async with serving(settings) as running:
        yield running
