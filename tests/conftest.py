"""Fixtures every test folder may use."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakes.openai_server import FakeModelServer, running_server


@pytest.fixture
def server() -> Iterator[FakeModelServer]:
    """A fake OpenAI-compatible model server over real HTTP, for the test's own use."""
    with running_server() as running:
        yield running
