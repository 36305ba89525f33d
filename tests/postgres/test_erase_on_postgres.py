"""`claimflow erase` on Postgres: no erased value in any table; usage totals, audit shape and refusals hold."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration._erasing import erase_leaves_no_value_and_keeps_the_audit, refusals_change_nothing

pytestmark = pytest.mark.postgres


def test_erase_leaves_no_value_in_any_table_and_keeps_the_audit_on_postgres(tmp_path: Path, postgres_url: str) -> None:
    erase_leaves_no_value_and_keeps_the_audit(tmp_path, postgres_url)


def test_refused_erasures_change_nothing_on_postgres(tmp_path: Path, postgres_url: str) -> None:
    refusals_change_nothing(tmp_path, postgres_url)
