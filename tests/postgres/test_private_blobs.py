"""On Postgres the data directory holds nothing: documents, texts and masking maps are rows of the database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from claimflow.doctypes import BUILTIN_TYPES
from claimflow.runtime.engine import open_engine
from claimflow.runtime.settings import Settings
from tests.integration._docs import mismatch_invoice_text, write
from tests.modes import usual_umask

pytestmark = pytest.mark.postgres


@pytest.fixture(autouse=True)
def _usual_umask() -> Iterator[None]:
    with usual_umask():
        yield


async def test_on_postgres_no_document_is_written_to_the_data_directory(postgres_url: str, tmp_path: Path) -> None:
    document = write(tmp_path / "docs", "mismatch.txt", mismatch_invoice_text())
    data = tmp_path / "unused"

    async with open_engine(Settings(data_dir=data, database_url=postgres_url), types=BUILTIN_TYPES) as engine:
        view = await engine.process(document)
        state = await engine.state(view.run_id)

    assert view.status == "needs_review"
    assert state is not None and state.text is not None and state.masked is not None
    assert not data.exists()
    with psycopg.connect(postgres_url) as conn:
        stored = {row[0] for row in conn.execute("SELECT blob_id FROM claimflow_blobs")}
    assert {state.document.document_id, state.text.text_id, state.masked.mapping_id} <= stored
