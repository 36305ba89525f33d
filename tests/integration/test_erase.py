"""`claimflow erase` on SQLite: no byte of an erased run's values stays in the data directory; its audit shape does."""

from __future__ import annotations

from pathlib import Path

from tests.integration._erasing import erase_leaves_no_value_and_keeps_the_audit, refusals_change_nothing


def test_erase_leaves_no_value_in_any_file_and_keeps_the_audit(tmp_path: Path) -> None:
    erase_leaves_no_value_and_keeps_the_audit(tmp_path)


def test_refused_erasures_change_nothing(tmp_path: Path) -> None:
    refusals_change_nothing(tmp_path)
