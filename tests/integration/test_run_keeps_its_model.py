"""On SQLite, a run continues on the model it started with; another model only when named, as an event."""

from __future__ import annotations

from pathlib import Path

from tests.fakes.openai_server import FakeModelServer
from tests.integration._run_models import (
    decision_waits_for_its_models_key,
    recover_keeps_the_runs_model,
    recover_leaves_a_run_whose_model_needs_a_key,
    recover_on_another_model_is_recorded,
)


def test_recover_continues_a_run_on_the_model_and_server_it_started_with(
    tmp_path: Path, server: FakeModelServer
) -> None:
    recover_keeps_the_runs_model(tmp_path, None, server)


def test_recover_on_another_model_is_explicit_and_recorded(tmp_path: Path, server: FakeModelServer) -> None:
    recover_on_another_model_is_recorded(tmp_path, None, server)


def test_a_decision_whose_model_cannot_be_built_here_leaves_the_run_waiting(tmp_path: Path) -> None:
    decision_waits_for_its_models_key(tmp_path, None)


def test_recover_leaves_a_run_whose_model_cannot_be_built_here_as_it_was(
    tmp_path: Path, server: FakeModelServer
) -> None:
    recover_leaves_a_run_whose_model_needs_a_key(tmp_path, None, server)
