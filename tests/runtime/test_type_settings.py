"""A setting that names what does not exist is refused, naming the setting and the names it may use.

Before, a policy key pydantic did not know (`field_auto_accpt`), a type or field in `field_thresholds` that no
active type has, and `CLAIMFLOW_MAX_OUTPUT_TOKENS_EXTRACT_<TYPE>` for no type set nothing and said nothing.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from claimflow import DocumentType, Field
from claimflow.doctypes import BUILTIN_TYPES
from claimflow.runtime.settings import Settings, SettingsError
from claimflow.runtime.type_settings import check_type_settings
from claimflow.state.schema import DocumentTypes

BILL = DocumentType(
    name="utility_bill",
    description="A bill from an electricity supplier.",
    fields=[Field("supplier", "text"), Field("total_amount", "amount")],
)
ACTIVE = DocumentTypes([*BUILTIN_TYPES, BILL])


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in list(os.environ):
        if key.startswith("CLAIMFLOW_"):
            monkeypatch.delenv(key)


def _load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, policy: dict[str, Any]) -> Settings:
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(policy))
    monkeypatch.setenv("CLAIMFLOW_POLICY", str(path))
    return Settings.load(data_dir=tmp_path)


@pytest.mark.parametrize(
    ("policy", "message"),
    [
        ({"field_auto_accpt": 0.9}, r"field_auto_accpt: no such setting \(known: classify_min_confidence, field_auto_"),
        ({"budget": {"max_cst": 1}}, r"budget\.max_cst: no such setting \(known: max_cost, max_tokens, "),
        ({"review": {"dew": {}}}, r"review\.dew: no such setting \(known: due, on_overdue, escalate_to, groups\)"),
        ({"steps": {"extract": {"max_atempts": 3}}}, r"steps\.extract\.max_atempts: no such setting \(known: max_"),
        ({"steps": {"extract_invoice": {}}}, r"steps\.extract_invoice: no such step \(known: classify, extract;"),
    ],
)
def test_a_policy_key_with_no_setting_is_refused_naming_the_file_the_key_and_the_known_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, policy: dict[str, Any], message: str
) -> None:
    with pytest.raises(SettingsError, match=rf"^CLAIMFLOW_POLICY='.*policy\.json' is not a valid policy: {message}"):
        _load(tmp_path, monkeypatch, policy)


def test_a_valid_policy_file_still_loads_and_bad_values_are_still_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = _load(tmp_path, monkeypatch, {"field_auto_accept": 0.9, "steps": {"extract": {"max_attempts": 3}}})
    assert settings.policy.field_auto_accept == 0.9 and settings.policy.step("extract_invoice").max_attempts == 3
    assert settings.policy_file == str(tmp_path / "policy.json")
    with pytest.raises(SettingsError, match=r"not a valid policy: field_auto_accept: Input should be less than"):
        _load(tmp_path, monkeypatch, {"field_auto_accept": 1.5})


def test_field_thresholds_for_no_active_type_or_field_are_refused_naming_both(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    policy = {"field_thresholds": {"utility_bil": {"supplier": 0.9}, "utility_bill": {"totl_amount": 0.99}}}
    settings = _load(tmp_path, monkeypatch, policy)

    with pytest.raises(SettingsError) as raised:
        check_type_settings(settings, ACTIVE)

    assert str(raised.value) == (
        f"CLAIMFLOW_POLICY={str(tmp_path / 'policy.json')!r}: field_thresholds.utility_bil: no active document type"
        " 'utility_bil' (active: invoice, receipt, contract, utility_bill); field_thresholds.utility_bill.totl_amount:"
        " utility_bill has no field 'totl_amount' (did you mean 'total_amount'?) (fields: supplier, total_amount)"
    )
    fine = {"field_thresholds": {"utility_bill": {"total_amount": 0.99}, "invoice": {"vendor_name": "always_review"}}}
    check_type_settings(_load(tmp_path, monkeypatch, fine), ACTIVE)


def test_a_threshold_for_a_table_says_a_table_takes_none_rather_than_that_the_field_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = _load(tmp_path, monkeypatch, {"field_thresholds": {"invoice": {"line_items": 0.9}}})

    with pytest.raises(SettingsError) as raised:
        check_type_settings(settings, ACTIVE)

    problem = str(raised.value).split(": ", 1)[1]
    assert problem.startswith(
        "field_thresholds.invoice.line_items: line_items is a table, which has no confidence threshold (its rows are"
        " accepted with their evidence); fields with one: vendor_name, "
    ), problem
    assert "has no field" not in problem


def test_a_threshold_for_a_type_that_is_not_active_here_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = _load(tmp_path, monkeypatch, {"field_thresholds": {"utility_bill": {"total_amount": 0.99}}})
    with pytest.raises(SettingsError, match=r"no active document type 'utility_bill' \(active: invoice, receipt, "):
        check_type_settings(settings, DocumentTypes(BUILTIN_TYPES))


def test_review_settings_for_no_active_type_are_refused_while_unknown_and_star_are_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fine = {"review": {"due": {"invoice": "24h", "*": "3d", "unknown": "1h"}, "on_overdue": {"utility_bill": "none"}}}
    check_type_settings(_load(tmp_path, monkeypatch, fine), ACTIVE)

    typo = {"review": {"due": {"invoce": "24h"}}}
    with pytest.raises(SettingsError, match=r"review\.due\.invoce: no active document type 'invoce' \(active: invoice"):
        check_type_settings(_load(tmp_path, monkeypatch, typo), ACTIVE)


def test_a_policy_given_in_code_is_named_as_the_policy(tmp_path: Path) -> None:
    from claimflow.state.policy import Policy

    settings = Settings(data_dir=tmp_path, policy=Policy(field_thresholds={"memo": {"x": 0.5}}))
    with pytest.raises(SettingsError, match=r"^the policy: field_thresholds\.memo: no active document type 'memo'"):
        check_type_settings(settings, ACTIVE)


def test_an_output_cap_for_no_active_type_is_refused_naming_the_variable_and_the_types(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLAIMFLOW_MAX_OUTPUT_TOKENS_EXTRACT_FOO", "10")
    monkeypatch.setenv("CLAIMFLOW_MAX_OUTPUT_TOKENS_EXTRACT_UTILITY_BILL", "10")
    settings = Settings.load(data_dir=tmp_path)

    with pytest.raises(SettingsError) as raised:
        check_type_settings(settings, ACTIVE)

    assert str(raised.value) == (
        "CLAIMFLOW_MAX_OUTPUT_TOKENS_EXTRACT_FOO: no active document type 'foo'; use"
        " CLAIMFLOW_MAX_OUTPUT_TOKENS_EXTRACT_<TYPE> with TYPE one of INVOICE, RECEIPT, CONTRACT, UTILITY_BILL"
    )
    monkeypatch.delenv("CLAIMFLOW_MAX_OUTPUT_TOKENS_EXTRACT_FOO")
    check_type_settings(Settings.load(data_dir=tmp_path), ACTIVE)
