"""A prune on Postgres counts what it removed, as its dry run said it would: an empty document's blob included."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.runtime.test_retention_counts import prune_counts_an_empty_documents_blob

pytestmark = pytest.mark.postgres


async def test_an_empty_documents_blob_is_counted_when_it_goes_on_postgres(tmp_path: Path, postgres_url: str) -> None:
    await prune_counts_an_empty_documents_blob(tmp_path, postgres_url)
