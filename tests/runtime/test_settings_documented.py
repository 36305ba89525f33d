"""Model settings from the environment (output caps), and every CLAIMFLOW_* setting documented in the README."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from claimflow.runtime.settings import Settings, SettingsError

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in list(os.environ):
        if key.startswith("CLAIMFLOW_") or key in ("OPENAI_API_KEY", "ANTHROPIC_API_KEY"):
            monkeypatch.delenv(key)


def test_output_caps_come_from_a_default_and_per_step_variables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert Settings.load(data_dir=tmp_path).gateway.output_caps.for_step("classify") == 1024
    monkeypatch.setenv("CLAIMFLOW_MAX_OUTPUT_TOKENS", "3000")
    monkeypatch.setenv("CLAIMFLOW_MAX_OUTPUT_TOKENS_CLASSIFY", "256")
    monkeypatch.setenv("CLAIMFLOW_MAX_OUTPUT_TOKENS_EXTRACT", "2000")
    monkeypatch.setenv("CLAIMFLOW_MAX_OUTPUT_TOKENS_EXTRACT_PURCHASE_ORDER", "4000")
    caps = Settings.load(data_dir=tmp_path).gateway.output_caps
    assert caps.default == 3000
    assert dict(caps.steps) == {"classify": 256, "extract": 2000, "extract_purchase_order": 4000}
    assert caps.for_step("extract_purchase_order") == 4000
    assert caps.for_step("extract_invoice") == 2000


@pytest.mark.parametrize("name", ["CLAIMFLOW_MAX_OUTPUT_TOKENS", "CLAIMFLOW_MAX_OUTPUT_TOKENS_EXTRACT"])
@pytest.mark.parametrize("value", ["0", "many"])
def test_a_bad_cap_names_its_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=name):
        Settings.load(data_dir=tmp_path)


def test_a_cap_for_no_step_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAIMFLOW_MAX_OUTPUT_TOKENS_CLASIFY", "500")
    with pytest.raises(SettingsError, match="CLAIMFLOW_MAX_OUTPUT_TOKENS_CLASIFY: no step 'clasify'"):
        Settings.load(data_dir=tmp_path)


def _read_settings() -> set[str]:
    source = (ROOT / "runtime" / "settings.py").read_text(encoding="utf-8")
    names = set(re.findall(r'"((?:CLAIMFLOW|OPENAI|ANTHROPIC)_[A-Z_]+)"', source))
    names.discard("CLAIMFLOW_")
    # Composed names: per-provider rate limits and per-step output caps.
    assert 'f"CLAIMFLOW_{provider.upper()}"' in source and "_RPM" in source and "_TPM" in source
    names |= {f"CLAIMFLOW_{provider}_{limit}" for provider in ("OPENAI", "ANTHROPIC") for limit in ("RPM", "TPM")}
    names.add("CLAIMFLOW_MAX_OUTPUT_TOKENS_<STEP>")
    return names


def test_every_setting_is_in_the_readme_table() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("\n## Settings\n", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"^\| `([^`]+)`(?:, `([^`]+)`)? \|", table, re.MULTILINE))
    rows = {name for pair in documented for name in pair if name}
    read = _read_settings()
    assert read >= {"CLAIMFLOW_MODEL_TIMEOUT_S", "CLAIMFLOW_MODEL_MAX_ATTEMPTS", "CLAIMFLOW_ON_BUDGET"}
    assert sorted(read - rows) == []
