"""A monitor token (SQLite): `/metrics` and the probes over real HTTP, a 403 naming the roles that may elsewhere."""

from __future__ import annotations

import pytest

from claimflow.runtime.settings import Settings
from tests.service._monitor import check_monitor_role

pytestmark = pytest.mark.slow


def test_a_monitor_token_reads_metrics_and_nothing_else(settings: Settings) -> None:
    check_monitor_role(settings)
