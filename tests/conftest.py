"""Fixtures every test folder may use."""

from __future__ import annotations

import json
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


_FILE_SECONDS = Path(__file__).with_name("file_seconds.json")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """In pytest-xdist's workers, the slowest test files first (their seconds in file_seconds.json).

    `--dist loadfile` hands out whole files in the order the workers collected them (with
    `--no-loadscope-reorder`; xdist's own order puts files with the most tests first, which made files of one
    test taking a minute or more start last, and every other worker wait for them at the end of the run).
    Files not in the table are quick and follow, each in its place; tests keep their order within a file.
    """
    if not hasattr(config, "workerinput"):
        return
    seconds: dict[str, float] = json.loads(_FILE_SECONDS.read_text(encoding="utf-8"))
    rank = {item: -seconds.get(item.nodeid.split("::", 1)[0], 0.0) for item in items}
    items.sort(key=rank.__getitem__)  # stable: files and their tests stay in order among equals


@pytest.fixture
def server() -> Iterator[FakeModelServer]:
    """A fake OpenAI-compatible model server over real HTTP, for the test's own use."""
    with running_server() as running:
        yield running
