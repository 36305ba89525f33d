"""Property-based fuzzing of every operation in the OpenAPI schema: whatever is sent, no 5xx comes back.

Requests go over real HTTP to the app served by uvicorn, with a valid admin token, so they pass
authentication and reach the routes; a bounded number of examples per operation keeps it to seconds.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from claimflow.doctypes import BUILTIN_TYPES
from claimflow.runtime.engine import open_engine
from claimflow.runtime.service import create_app
from claimflow.runtime.settings import Settings
from tests.service._live import live_server


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """The base URL of a running server, and an admin token for it."""
    config = Settings(data_dir=Path(tmp_path_factory.mktemp("fuzz")) / "data")

    async def make_token() -> str:
        async with open_engine(config, types=BUILTIN_TYPES, readonly=True) as engine:
            token, _ = await engine.create_token("fuzz", "admin")
            return token

    token = asyncio.run(make_token())
    with live_server(create_app(config, types=BUILTIN_TYPES)) as base_url:
        yield base_url, token


# schemathesis draws multipart boundaries from `random`, which hypothesis warns about; nothing of ours.
@pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisDeprecationWarning")
def test_no_request_makes_the_server_fail(served: tuple[str, str]) -> None:
    base_url, token = served
    schema = schemathesis.openapi.from_url(f"{base_url}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 21  # every route is fuzzed: a new one shows up here
    headers = {"Authorization": f"Bearer {token}"}

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def no_server_error(case: Any) -> None:
            case.call_and_validate(base_url=base_url, headers=headers, checks=[not_a_server_error], timeout=30)

        no_server_error()
