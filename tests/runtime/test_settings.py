"""Settings read the environment in one place: policy file, thresholds over it, budget, gateway."""

from __future__ import annotations

import json
import os
import re
import threading
from pathlib import Path

import pytest

from claimflow.runtime.reconnect import WAIT_S
from claimflow.runtime.settings import Settings, SettingsError


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in list(os.environ):
        if key.startswith("CLAIMFLOW_") or key in ("OPENAI_API_KEY", "ANTHROPIC_API_KEY"):
            monkeypatch.delenv(key)


def test_defaults(tmp_path: Path) -> None:
    settings = Settings.load(data_dir=tmp_path)
    assert settings.model == "rules"
    assert settings.policy.field_auto_accept == 0.8
    assert settings.policy.step("extract_invoice").on_invalid_output == "review"
    assert settings.policy.budget.max_calls is None
    assert (settings.postgres_synchronous_commit, settings.sqlite_synchronous) == ("off", "NORMAL")


def test_checkpoint_commits_on_postgres_wait_for_the_flush_when_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLAIMFLOW_POSTGRES_SYNCHRONOUS_COMMIT", "on")
    assert Settings.load(data_dir=tmp_path).postgres_synchronous_commit == "on"


def test_a_wait_for_postgres_is_psycopg_pools_own_unless_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings.load(data_dir=tmp_path).postgres_wait_s == WAIT_S == 30.0
    assert Settings(data_dir=tmp_path).postgres_wait_s == WAIT_S  # as a library builds them
    monkeypatch.setenv("CLAIMFLOW_POSTGRES_WAIT_S", "120")  # a failover that takes two minutes
    assert Settings.load(data_dir=tmp_path).postgres_wait_s == 120.0


@pytest.mark.parametrize(("value", "seconds"), [(None, 60.0), ("0", 0.0), ("2.5", 2.5)])
def test_the_sweep_of_serve_runs_every_sweep_seconds_or_never_at_0(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, value: str | None, seconds: float
) -> None:
    if value is not None:
        monkeypatch.setenv("CLAIMFLOW_SWEEP_SECONDS", value)
    assert Settings.load(data_dir=tmp_path).sweep_seconds == seconds


def test_extra_types_come_from_claimflow_types_then_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert Settings.load(data_dir=tmp_path).types == ()
    monkeypatch.setenv("CLAIMFLOW_TYPES", "orders:PURCHASE_ORDER, ,tickets.py")
    settings = Settings.load(data_dir=tmp_path, types=("notes:DELIVERY_NOTE",))
    assert settings.types == ("orders:PURCHASE_ORDER", "tickets.py", "notes:DELIVERY_NOTE")


def test_a_policy_file_sets_the_table_and_variables_override_single_thresholds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    policy = tmp_path / "policy.json"
    policy.write_text(
        json.dumps(
            {
                "field_auto_accept": 0.9,
                "steps": {"extract": {"max_attempts": 3, "on_invalid_output": "fail"}},
                "budget": {"max_calls": 5},
            }
        )
    )
    monkeypatch.setenv("CLAIMFLOW_POLICY", str(policy))
    monkeypatch.setenv("CLAIMFLOW_CLASSIFY_MIN_CONFIDENCE", "0.6")
    monkeypatch.setenv("CLAIMFLOW_MAX_COST", "0.5")
    settings = Settings.load(data_dir=tmp_path)
    assert settings.policy.field_auto_accept == 0.9
    assert settings.policy.classify_min_confidence == 0.6
    row = settings.policy.step("extract_receipt")
    assert (row.max_attempts, row.on_invalid_output) == (3, "fail")
    assert (settings.policy.budget.max_calls, settings.policy.budget.max_cost) == (5, 0.5)


def test_the_ocr_bar_comes_from_the_policy_file_and_the_variable_overrides_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert Settings.load(data_dir=tmp_path).policy.ocr_field_auto_accept is None  # scans judged as any text
    policy = tmp_path / "policy.json"
    policy.write_text(json.dumps({"ocr_field_auto_accept": 0.93}))
    monkeypatch.setenv("CLAIMFLOW_POLICY", str(policy))
    assert Settings.load(data_dir=tmp_path).policy.ocr_field_auto_accept == 0.93
    monkeypatch.setenv("CLAIMFLOW_OCR_FIELD_AUTO_ACCEPT", "always_review")
    assert Settings.load(data_dir=tmp_path).policy.ocr_field_auto_accept == "always_review"
    monkeypatch.setenv("CLAIMFLOW_OCR_FIELD_AUTO_ACCEPT", "0.99")
    assert Settings.load(data_dir=tmp_path).policy.ocr_field_auto_accept == 0.99


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("CLAIMFLOW_FIELD_AUTO_ACCEPT", "high", "is not a number"),
        ("CLAIMFLOW_FIELD_AUTO_ACCEPT", "1.5", "CLAIMFLOW_FIELD_AUTO_ACCEPT=1.5 must be a number from 0 to 1"),
        (
            "CLAIMFLOW_OCR_FIELD_AUTO_ACCEPT",
            "nan",
            "CLAIMFLOW_OCR_FIELD_AUTO_ACCEPT='nan' must be a number from 0 to 1",
        ),
        ("CLAIMFLOW_OCR_FIELD_AUTO_ACCEPT", "always", "a number from 0 to 1, or always_review"),
        ("CLAIMFLOW_ON_BUDGET", "shrug", "use review or fail"),
        ("CLAIMFLOW_POLICY", "/nonexistent/policy.json", "cannot be read"),
        ("CLAIMFLOW_OPENAI_MODE", "xml", "use one of json, json_schema, tools, md_json"),
        ("CLAIMFLOW_POSTGRES_SYNCHRONOUS_COMMIT", "local", "use one of off, on"),
        ("CLAIMFLOW_SWEEP_SECONDS", "-5", "must be a number of seconds, 0 or more"),
        ("CLAIMFLOW_SWEEP_SECONDS", "nan", "must be a number of seconds, 0 or more"),
    ],
)
def test_bad_settings_are_named(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: str, value: str, message: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=message):
        Settings.load(data_dir=tmp_path)


@pytest.mark.parametrize("name", ["CLAIMFLOW_POLICY", "CLAIMFLOW_MASK_PATTERNS"])
def test_a_settings_file_that_is_a_device_or_a_pipe_nobody_writes_is_refused_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    # read_text() waited on a FIFO for a writer, and read /dev/zero until memory ran out, before any command ran.
    fifo = tmp_path / "settings.json"
    os.mkfifo(fifo)
    for path, why in (
        (fifo, "it is a pipe that no process writes"),
        (Path("/dev/zero"), "it is a character device, not a file"),
        (tmp_path, "it is a folder, not a file"),
    ):
        monkeypatch.setenv(name, str(path))
        with pytest.raises(SettingsError) as refused:
            Settings.load(data_dir=tmp_path)
        assert str(refused.value) == f"{name}={str(path)!r} cannot be read: {why}"


def test_a_policy_given_through_a_pipe_is_read_as_a_file_is(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # `CLAIMFLOW_POLICY=<(make-policy)` and `make-policy | CLAIMFLOW_POLICY=/dev/stdin claimflow ...`: a pipe with a
    # writer, read to its end.
    reading, writing = os.pipe()
    writer = threading.Thread(target=lambda: (os.write(writing, b'{"field_auto_accept": 0.93}'), os.close(writing)))
    writer.start()
    monkeypatch.setenv("CLAIMFLOW_POLICY", f"/dev/fd/{reading}")
    try:
        assert Settings.load(data_dir=tmp_path).policy.field_auto_accept == 0.93
    finally:
        writer.join()
        os.close(reading)


def test_a_policy_file_that_is_not_utf8_is_refused_saying_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    policy = tmp_path / "policy.json"
    policy.write_bytes(b"\xff\xfe{}")
    monkeypatch.setenv("CLAIMFLOW_POLICY", str(policy))
    with pytest.raises(SettingsError, match=r"is not UTF-8 text: invalid start byte at byte 0"):
        Settings.load(data_dir=tmp_path)


def test_an_invalid_policy_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    policy = tmp_path / "policy.json"
    policy.write_text(json.dumps({"steps": {"extract": {"on_invalid_output": "ignore"}}}))
    monkeypatch.setenv("CLAIMFLOW_POLICY", str(policy))
    with pytest.raises(SettingsError, match="not a valid policy"):
        Settings.load(data_dir=tmp_path)


@pytest.mark.parametrize("threshold", [1.5, -0.1, "never"])
def test_a_field_threshold_outside_0_to_1_is_refused_naming_the_field(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, threshold: object
) -> None:
    policy = tmp_path / "policy.json"
    policy.write_text(json.dumps({"field_thresholds": {"invoice": {"total_amount": threshold}}}))
    monkeypatch.setenv("CLAIMFLOW_POLICY", str(policy))
    with pytest.raises(SettingsError, match=r"not a valid policy: field_thresholds\.invoice\.total_amount"):
        Settings.load(data_dir=tmp_path)


def test_gateway_settings_come_from_the_usual_variables(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    monkeypatch.setenv("CLAIMFLOW_OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("CLAIMFLOW_OPENAI_RPM", "120")
    settings = Settings.load(data_dir=tmp_path)
    assert settings.gateway.openai_api_key == "sk-test"
    assert settings.gateway.openai_base_url == "http://127.0.0.1:9/v1"
    assert settings.gateway.limits_for("openai").requests_per_minute == 120
    assert settings.gateway.openai_mode == "json"
    monkeypatch.setenv("CLAIMFLOW_OPENAI_MODE", "tools")
    assert Settings.load(data_dir=tmp_path).gateway.openai_mode == "tools"
    explicit = Settings.load(data_dir=tmp_path, base_url="http://127.0.0.1:8/v1")
    assert explicit.gateway.openai_base_url == "http://127.0.0.1:8/v1"


def test_base_url_goes_to_the_provider_of_the_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAIMFLOW_OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    claude = Settings.load(data_dir=tmp_path, model="anthropic:claude-x", base_url="http://127.0.0.1:7")
    assert claude.gateway.anthropic_base_url == "http://127.0.0.1:7"
    assert claude.gateway.openai_base_url == "http://127.0.0.1:9/v1"
    monkeypatch.setenv("CLAIMFLOW_ANTHROPIC_BASE_URL", "http://127.0.0.1:6")
    gpt = Settings.load(data_dir=tmp_path, model="openai:gpt-x", base_url="http://127.0.0.1:8/v1")
    assert (gpt.gateway.openai_base_url, gpt.gateway.anthropic_base_url) == (
        "http://127.0.0.1:8/v1",
        "http://127.0.0.1:6",
    )


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        # nan passed `value <= 0`, and inf is no duration.
        ("CLAIMFLOW_MAX_DOCUMENT_SECONDS", "nan", "a number greater than 0"),
        ("CLAIMFLOW_WORKER_STALLED_S", "nan", "a number greater than 0"),
        ("CLAIMFLOW_WORKER_HEARTBEAT_S", "inf", "a number greater than 0"),
        ("CLAIMFLOW_DELIVER_TIMEOUT_S", "nan", "a number greater than 0"),
        ("CLAIMFLOW_DELIVER_BACKOFF_S", "inf", "a number, at least 0"),
        ("CLAIMFLOW_SWEEP_SECONDS", "inf", "a number of seconds, 0 or more"),
        # int() of nan or inf raised ValueError / OverflowError; 2.7 was cut to 2.
        ("CLAIMFLOW_MAX_DOCUMENT_BYTES", "nan", "a whole number, at least 1"),
        ("CLAIMFLOW_MAX_PAGES", "inf", "a whole number, at least 1"),
        ("CLAIMFLOW_SERVE_CONCURRENCY", "1e400", "a whole number, at least 1"),
        ("CLAIMFLOW_REAPER_EVERY_S", "nan", "a whole number, at least 1"),
        ("CLAIMFLOW_DELIVER_MAX_ATTEMPTS", "2.7", "a whole number, at least 1"),
        ("CLAIMFLOW_MAX_CALLS", "nan", "a whole number, at least 0"),
        ("CLAIMFLOW_MAX_TOKENS", "1.5", "a whole number, at least 0"),
        ("CLAIMFLOW_MAX_OUTPUT_TOKENS", "inf", "a whole number of tokens, at least 1"),
        # Substituted before: 0 became the default, a negative number was kept or raised to 1.
        ("CLAIMFLOW_POOL_SIZE", "0", "CLAIMFLOW_POOL_SIZE=0 must be a whole number, at least 1"),
        ("CLAIMFLOW_POOL_SIZE", "-4", "CLAIMFLOW_POOL_SIZE=-4 must be a whole number, at least 1"),
        ("CLAIMFLOW_MODEL_TIMEOUT_S", "0", "CLAIMFLOW_MODEL_TIMEOUT_S=0 must be a number greater than 0"),
        ("CLAIMFLOW_POSTGRES_WAIT_S", "0", "CLAIMFLOW_POSTGRES_WAIT_S=0 must be a number greater than 0"),
        ("CLAIMFLOW_POSTGRES_WAIT_S", "soon", "CLAIMFLOW_POSTGRES_WAIT_S='soon' is not a number"),
        ("CLAIMFLOW_MODEL_TIMEOUT_S", "-5", "CLAIMFLOW_MODEL_TIMEOUT_S=-5 must be a number greater than 0"),
        ("CLAIMFLOW_MODEL_MAX_ATTEMPTS", "0", "CLAIMFLOW_MODEL_MAX_ATTEMPTS=0 must be a whole number, at least 1"),
        # A GatewaySetupError (from TransportPolicy) and pydantic's ValidationError (from Budget) escaped.
        ("CLAIMFLOW_MODEL_MAX_ATTEMPTS", "-2", "CLAIMFLOW_MODEL_MAX_ATTEMPTS=-2 must be a whole number, at least 1"),
        ("CLAIMFLOW_MAX_COST", "-1", "CLAIMFLOW_MAX_COST=-1 must be a number, at least 0"),
        ("CLAIMFLOW_MAX_MODEL_SECONDS", "nan", "a number, at least 0"),
        # Decimal('abc') raised InvalidOperation; nan reached the policy's validation, several lines long.
        ("CLAIMFLOW_HIGH_RISK_TOTAL", "abc", "is not a number: write an amount such as 10000"),
        ("CLAIMFLOW_HIGH_RISK_TOTAL", "nan", "must be an amount, 0 or more"),
        ("CLAIMFLOW_HIGH_RISK_TOTAL", "-1", "must be an amount, 0 or more"),
        ("CLAIMFLOW_CLASSIFY_MIN_CONFIDENCE", "nan", "a number from 0 to 1"),
        # Rate limits were not checked at all.
        ("CLAIMFLOW_OPENAI_RPM", "-60", "a number, at least 0"),
        ("CLAIMFLOW_ANTHROPIC_TPM", "nan", "a number, at least 0"),
    ],
)
def test_an_out_of_range_number_is_refused_naming_the_variable_and_its_range(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: str, value: str, message: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=re.escape(name)) as refused:
        Settings.load(data_dir=tmp_path)
    assert message in str(refused.value)
    assert "\n" not in str(refused.value), "the CLI prints it as one line"


def test_a_price_table_that_is_not_one_is_a_settings_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    prices = tmp_path / "prices.json"
    prices.write_text(json.dumps({"openai:m": {"input": -1}}))
    monkeypatch.setenv("CLAIMFLOW_PRICES", str(prices))
    with pytest.raises(SettingsError, match="CLAIMFLOW_PRICES=.* cannot be read: price table .*input"):
        Settings.load(data_dir=tmp_path)


def test_unset_numbers_keep_their_documented_defaults(tmp_path: Path) -> None:
    settings = Settings.load(data_dir=tmp_path)
    assert (settings.pool_size, settings.gateway.timeout_s, settings.gateway.transport.max_attempts) == (8, 60.0, 4)
    assert (settings.max_document_seconds, settings.serve_concurrency) == (600.0, 4)
    assert (settings.delivery.max_attempts, settings.delivery.timeout_s) == (5, 10.0)
    assert str(settings.policy.high_risk_total) == "10000"
    assert settings.gateway.limits_for("openai").requests_per_minute is None


def test_whole_numbers_may_be_written_as_floats_and_amounts_stay_exact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLAIMFLOW_POOL_SIZE", "3.0")
    monkeypatch.setenv("CLAIMFLOW_MAX_TOKENS", "1e4")
    monkeypatch.setenv("CLAIMFLOW_MAX_CALLS", "0")
    monkeypatch.setenv("CLAIMFLOW_MODEL_MAX_ATTEMPTS", "1")
    monkeypatch.setenv("CLAIMFLOW_MODEL_TIMEOUT_S", "2.5")
    monkeypatch.setenv("CLAIMFLOW_HIGH_RISK_TOTAL", "2500.10")
    settings = Settings.load(data_dir=tmp_path)
    assert (settings.pool_size, settings.gateway.transport.max_attempts, settings.gateway.timeout_s) == (3, 1, 2.5)
    assert (settings.policy.budget.max_tokens, settings.policy.budget.max_calls) == (10_000, 0)
    assert str(settings.policy.high_risk_total) == "2500.10"


def test_the_settings_repr_shows_no_secret(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CLAIMFLOW_DATABASE_URL", "postgresql://claim:dbpass99@db.internal:5432/claims")
    monkeypatch.setenv("CLAIMFLOW_DELIVER", "webhook:https://hookuser:hookpass@hooks.internal/records")
    monkeypatch.setenv("CLAIMFLOW_DELIVER_SECRET", "topsecretvalue")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-very-secret-key")

    shown = repr(Settings.load(data_dir=tmp_path))

    for secret in ("dbpass99", "hookpass", "topsecretvalue", "sk-very-secret-key"):
        assert secret not in shown
    assert "db.internal:5432/claims" in shown and "hooks.internal/records" in shown  # still says where
