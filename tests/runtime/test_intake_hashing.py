"""Intake hashes a document to compare it with an earlier run only when there is one, and a large one off the loop.

A new upload under a key, or a new file, is hashed once, by the store that saves it. Bytes sent again under a used
key (or a file read again) are hashed to compare them with the run the key names: a document of megabytes takes
milliseconds to hash, which on the event loop would stall every other run of the batch.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from claimflow.doctypes import BUILTIN_TYPES
from claimflow.runtime.engine import intake, open_engine
from claimflow.runtime.engine.intake import SourceConflictError
from claimflow.runtime.settings import Settings
from claimflow.runtime.store import blob_id_of
from tests.integration._docs import invoice_text, write

LARGE = (invoice_text() + "\n" + "Line item, stationery 10.00\n" * 4_000).encode()


@pytest.fixture
def hashed(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """For each hash intake takes to compare bytes with an earlier run: whether it ran on the event loop's thread."""
    on_loop: list[bool] = []
    loop_thread = threading.get_ident()

    def recorded(data: bytes) -> str:
        on_loop.append(threading.get_ident() == loop_thread)
        return blob_id_of(data)

    monkeypatch.setattr(intake, "blob_id_of", recorded)
    return on_loop


async def test_an_upload_is_hashed_for_its_key_only_when_the_key_was_used_and_off_the_loop(
    tmp_path: Path, hashed: list[bool]
) -> None:
    async with open_engine(Settings(data_dir=tmp_path / "data"), types=BUILTIN_TYPES) as engine:
        first, new = await engine.receive(LARGE, "big.txt", source="key-1")
        assert new and hashed == []  # a new key: nothing to compare with

        again, new_again = await engine.receive(LARGE, "big.txt", source="key-1")
        assert (again.run_id, new_again) == (first.run_id, False)
        with pytest.raises(SourceConflictError):
            await engine.receive(LARGE + b"x", "big.txt", source="key-1")

    assert hashed == [False, False]


async def test_a_file_read_again_is_hashed_off_the_loop(tmp_path: Path, hashed: list[bool]) -> None:
    document = write(tmp_path, "big.txt", LARGE)
    async with open_engine(Settings(data_dir=tmp_path / "data"), types=BUILTIN_TYPES) as engine:
        first = await engine.submit(document)
        assert hashed == []
        assert (await engine.submit(document)).run_id == first.run_id

    assert hashed == [False]
