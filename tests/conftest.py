"""Fixtures every test folder may use."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakes.openai_server import FakeModelServer, running_server

# pytest-xdist starts its workers with COLUMNS=80, and a rich Console takes a COLUMNS it finds when it is made
# (the CLI's are made on import) as its fixed width: in-process CLI tests, which set COLUMNS for their own call,
# would see their output wrapped at 80 columns in a worker and not in a plain `pytest` run.
os.environ.pop("COLUMNS", None)

# The workflow version's code digests (runtime/code_digests.py) go to one folder for every test and the processes
# they start, not to the cache folder in the home of whoever runs the tests. Keyed by the source they hash, they
# are never stale, whatever run of the tests left them.
os.environ.setdefault("CLAIMFLOW_CACHE_DIR", str(Path(tempfile.gettempdir()) / f"claimflow-tests-cache-{os.getuid()}"))


@pytest.fixture
def server() -> Iterator[FakeModelServer]:
    """A fake OpenAI-compatible model server over real HTTP, for the test's own use."""
    with running_server() as running:
        yield running
