"""Fixtures every test folder may use."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.fakes.openai_server import FakeModelServer, running_server

# pytest-xdist starts its workers with COLUMNS=80, and a rich Console takes a COLUMNS it finds when it is made
# (the CLI's are made on import) as its fixed width: in-process CLI tests, which set COLUMNS for their own call,
# would see their output wrapped at 80 columns in a worker and not in a plain `pytest` run.
os.environ.pop("COLUMNS", None)


@pytest.fixture
def server() -> Iterator[FakeModelServer]:
    """A fake OpenAI-compatible model server over real HTTP, for the test's own use."""
    with running_server() as running:
        yield running
