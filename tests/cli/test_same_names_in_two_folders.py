"""`run`'s table tells apart files of one name in several folders (`jan/invoice.txt`, `feb/invoice.txt`).

Each run's document is its file's name, and a monthly inbox holds one `invoice.txt` a month: the table showed
rows no one could tell apart. Where names repeat, it shows each file's path, from the working folder.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.conftest import Invoke
from tests.integration._docs import invoice_text, write


def test_files_of_one_name_in_two_folders_are_shown_by_their_paths(
    claimflow: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "inbox" / "jan", "invoice.txt", invoice_text("NW-2024-0101"))
    write(tmp_path / "inbox" / "feb", "invoice.txt", invoice_text("NW-2024-0201"))
    write(tmp_path / "inbox", "receipt-only-once.txt", invoice_text("NW-2024-0301"))
    monkeypatch.chdir(tmp_path)

    ran = claimflow("run", "inbox", "--data-dir", tmp_path / "data")

    assert ran.exit_code == 0, ran.output
    table = ran.stdout
    assert "inbox/jan/invoice.txt" in table and "inbox/feb/invoice.txt" in table
    assert "receipt-only-once.txt" in table and "inbox/receipt-only-once.txt" not in table  # a name once: as it is
