"""A failure whose message holds a URL with credentials fails the run with the credentials masked.

Whatever gateway raised it (an embedding program may bring its own), the text reaches the run's error, its
events and its state only through the redaction: as a model call that got no answer, and as any other error.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from claimflow.doctypes import BUILTIN_TYPES
from claimflow.nodes.ports import ModelUnavailableError
from claimflow.runtime.engine import open_engine
from claimflow.runtime.settings import Settings
from tests.integration._docs import invoice_text, write
from tests.integration._fake_models import FailingGateway

URL = "https://svc:hunter2@models.internal.test/v1?token=abc123"


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (
            ModelUnavailableError(f"classify on custom:model: could not reach {URL}"),
            "ModelUnavailableError: classify on custom:model: could not reach "
            "https://svc:***@models.internal.test/v1?token=***",
        ),
        (
            RuntimeError(f"client misconfigured for {URL}"),
            "RuntimeError: client misconfigured for https://svc:***@models.internal.test/v1?token=***",
        ),
    ],
)
async def test_the_run_fails_with_the_url_masked(tmp_path: Path, error: Exception, reason: str) -> None:
    document = write(tmp_path / "docs", "invoice.txt", invoice_text())
    settings = Settings(data_dir=tmp_path / "data")

    async with open_engine(settings, types=BUILTIN_TYPES, gateway=FailingGateway(error, "custom:model")) as engine:
        run = await engine.process(document)
        row = await engine.registry.get_run(run.run_id)
        events = await engine.registry.events(run.run_id)
        state = await engine.state(run.run_id)

    assert (run.status, run.error, row.error) == ("failed", reason, reason)
    assert state is not None and "hunter2" not in state.model_dump_json()
    stored = [event for event in events if reason in str(event["data"])]
    assert stored, "the reason is in the events"
    assert not [event for event in events if "hunter2" in str(event["data"]) or "abc123" in str(event["data"])]
