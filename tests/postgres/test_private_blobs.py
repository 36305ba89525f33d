"""On Postgres the data directory holds the document blobs only, and they are as private as on SQLite."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from claimflow.doctypes import BUILTIN_TYPES
from claimflow.runtime.engine import open_engine
from claimflow.runtime.settings import Settings
from tests.integration._docs import mismatch_invoice_text, write
from tests.modes import usual_umask, wide_paths

pytestmark = pytest.mark.postgres


@pytest.fixture(autouse=True)
def _usual_umask() -> Iterator[None]:
    with usual_umask():
        yield


async def test_on_postgres_the_data_directory_of_blobs_is_private(postgres_url: str, tmp_path: Path) -> None:
    document = write(tmp_path / "docs", "mismatch.txt", mismatch_invoice_text())
    data = tmp_path / "blobs-only"

    async with open_engine(Settings(data_dir=data, database_url=postgres_url), types=BUILTIN_TYPES) as engine:
        assert (await engine.process(document)).status == "needs_review"

    assert wide_paths(data, ".", "blobs") == {}
    assert not (data / "claimflow.db").exists()
