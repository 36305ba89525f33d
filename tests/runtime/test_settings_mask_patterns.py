"""CLAIMFLOW_MASK_PATTERNS: a JSON file of named patterns, read and checked at start-up."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from claimflow.runtime.settings import Settings, SettingsError
from claimflow.state.masking import mask_pages


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in list(os.environ):
        if key.startswith("CLAIMFLOW_"):
            monkeypatch.delenv(key)


def _patterns_file(tmp_path: Path, content: object, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "mask.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    monkeypatch.setenv("CLAIMFLOW_MASK_PATTERNS", str(path))
    return path


def test_without_the_variable_only_the_built_in_kinds_are_masked(tmp_path: Path) -> None:
    assert Settings.load(data_dir=tmp_path).mask_patterns is None


def test_the_file_names_patterns_and_their_time_budget(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _patterns_file(tmp_path, {"patterns": {"employee_id": r"\bEMP-\d{6}\b"}, "seconds_per_page": 2}, monkeypatch)
    patterns = Settings.load(data_dir=tmp_path).mask_patterns
    assert patterns is not None and patterns.seconds_per_page == 2
    assert mask_pages(("by EMP-004211",), patterns).pages == ("by [EMPLOYEE_ID_1]",)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ({"patterns": {"employee_id": r"EMP-(\d{6}"}}, r"patterns: pattern 'employee_id' .* not a valid regular"),
        ({"patterns": {"words": r"(\w+\s)*x"}}, "patterns: pattern 'words' repeats a repeat without bound"),
        ({"patterns": {"phone": r"\d+"}}, "PHONE is a built-in kind"),
        ({"patterns": {"x": "x"}, "seconds_per_page": 0}, "seconds_per_page: Input should be greater than 0"),
        ({"pattern": {"x": "x"}}, "pattern: Extra inputs are not permitted"),
        ("{not json", "Invalid JSON"),
    ],
)
def test_a_bad_file_stops_start_up_naming_the_variable_and_the_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: object, message: str
) -> None:
    path = _patterns_file(tmp_path, content, monkeypatch)
    with pytest.raises(
        SettingsError, match=re.escape(f"CLAIMFLOW_MASK_PATTERNS={str(path)!r} is not a valid mask-patterns file: ")
    ) as raised:
        Settings.load(data_dir=tmp_path)
    assert re.search(message, str(raised.value)), str(raised.value)


def test_a_missing_file_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAIMFLOW_MASK_PATTERNS", str(tmp_path / "nowhere.json"))
    with pytest.raises(SettingsError, match="CLAIMFLOW_MASK_PATTERNS=.*nowhere.json' cannot be read"):
        Settings.load(data_dir=tmp_path)
