"""A bad CLAIMFLOW_* setting stops every command with one line, `error: CLAIMFLOW_...`, and exit code 2."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimflow.runtime.cli import app
from claimflow.runtime.gateway.errors import GatewaySetupError
from claimflow.runtime.settings import Settings

COMMANDS = [("run", "doc.txt", "--data-dir", "data"), ("runs", "--data-dir", "data"), ("types",), ("recover",)]


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for key in list(os.environ):
        if key.startswith("CLAIMFLOW_"):
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)  # type discovery reads claimflow.toml from here up; a default data dir lands here
    (tmp_path / "doc.txt").write_text("Invoice No. 1\nTotal: 10.00 EUR\n", encoding="utf-8")
    (tmp_path / "prices.json").write_text(json.dumps({"openai:m": {"input": -1}}), encoding="utf-8")


@pytest.mark.parametrize("command", COMMANDS, ids=lambda command: command[0])
@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("CLAIMFLOW_MODEL_MAX_ATTEMPTS", "-2"),  # was a GatewaySetupError traceback from `run`
        ("CLAIMFLOW_MAX_COST", "-1"),  # was pydantic's ValidationError traceback from every command
        ("CLAIMFLOW_PRICES", "prices.json"),  # was a GatewaySetupError traceback from `run`
        ("CLAIMFLOW_HIGH_RISK_TOTAL", "abc"),  # was decimal.InvalidOperation from every command
    ],
)
def test_a_bad_setting_is_one_line_and_exit_code_2(
    tmp_path: Path, command: tuple[str, ...], name: str, value: str
) -> None:
    result = CliRunner().invoke(app, list(command), env={name: value, "COLUMNS": "1000"})
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"error: {name}="), line
    assert not (tmp_path / "data").exists() and not (tmp_path / ".claimflow").exists(), "refused before opening"


def test_run_turns_any_setup_error_of_its_settings_into_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`run` caught SettingsError alone: a GatewaySetupError from loading its settings was a traceback."""

    def broken(*_: object, **__: object) -> Settings:
        raise GatewaySetupError("transport max_attempts must be at least 1, not -2")

    monkeypatch.setattr(Settings, "load", broken)
    result = CliRunner().invoke(app, ["run", "doc.txt", "--data-dir", "data"], env={"COLUMNS": "1000"})
    assert result.exit_code == 2, result.output
    assert result.stderr.strip() == "error: transport max_attempts must be at least 1, not -2"
