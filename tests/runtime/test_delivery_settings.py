"""Delivery settings and signatures: targets parsed or refused by name, a signature a receiver can check."""

from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path

import pytest

import claimflow
from claimflow.runtime.delivery import DeliveryTarget, sign
from claimflow.runtime.settings import Settings, SettingsError


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in list(os.environ):
        if key.startswith("CLAIMFLOW_"):
            monkeypatch.delenv(key)


def test_targets_secret_and_retry_bounds_come_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLAIMFLOW_DELIVER", "webhook:https://user:pw@example.test/hook, postgres-table:audit.records")
    monkeypatch.setenv("CLAIMFLOW_DELIVER_SECRET", "k")
    monkeypatch.setenv("CLAIMFLOW_DELIVER_MAX_ATTEMPTS", "3")
    monkeypatch.setenv("CLAIMFLOW_DELIVER_BACKOFF_S", "0.5")
    delivery = Settings.load(data_dir=tmp_path).delivery
    assert delivery.targets == (
        DeliveryTarget("webhook", "https://user:pw@example.test/hook"),
        DeliveryTarget("postgres-table", "audit.records"),
    )
    assert delivery.targets[0].name == "webhook:https://user:***@example.test/hook", "no password in events"
    assert (delivery.max_attempts, [delivery.wait_before(n) for n in (2, 3, 4)]) == (3, [0.5, 1.0, 2.0])
    assert Settings.load(data_dir=tmp_path).delivery.secret == "k"


def test_the_longest_wait_is_a_setting_and_bounds_a_receivers_retry_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    default = Settings.load(data_dir=tmp_path).delivery
    assert (default.wait_before(2, asked=120.0), default.wait_before(9)) == (60.0, 60.0)
    monkeypatch.setenv("CLAIMFLOW_DELIVER_MAX_BACKOFF_S", "300")
    longer = Settings.load(data_dir=tmp_path).delivery
    # A receiver asking for two minutes is waited two minutes; the doubling goes on past 60 s, up to 300.
    assert (longer.wait_before(2, asked=120.0), longer.wait_before(9), longer.wait_before(10)) == (120.0, 128.0, 256.0)
    assert longer.wait_before(2, asked=900.0) == 300.0


def test_no_target_by_default(tmp_path: Path) -> None:
    assert Settings.load(data_dir=tmp_path).delivery.targets == ()


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("CLAIMFLOW_DELIVER", "ftp://host/x", "not webhook:http"),
        ("CLAIMFLOW_DELIVER", "postgres-table:records;drop", "postgres-table:NAME"),
        ("CLAIMFLOW_DELIVER", "webhook:https://example.test", "CLAIMFLOW_DELIVER_SECRET"),
        ("CLAIMFLOW_DELIVER_MAX_ATTEMPTS", "0", "at least 1"),
        ("CLAIMFLOW_DELIVER_BACKOFF_S", "-1", "at least 0"),
        ("CLAIMFLOW_DELIVER_MAX_BACKOFF_S", "0", "greater than 0"),
    ],
)
def test_a_bad_delivery_setting_names_itself(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, value: str, message: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=message):
        Settings.load(data_dir=tmp_path)


def test_a_signature_binds_the_body_the_secret_and_the_time() -> None:
    body = b'{"run_id": "r1"}'
    header = sign("k", body, timestamp=1_700_000_000)
    digest = hmac.new(b"k", b"1700000000." + body, hashlib.sha256).hexdigest()
    assert header == f"t=1700000000,v1={digest}"
    assert claimflow.verify_signature("k", body, header, now=1_700_000_100)
    assert not claimflow.verify_signature("other", body, header, now=1_700_000_100)
    assert not claimflow.verify_signature("k", body + b" ", header, now=1_700_000_100)
    assert not claimflow.verify_signature("k", body, header, now=1_700_001_000), "an old request is refused"
    assert not claimflow.verify_signature("k", body, "garbage", now=1_700_000_100)
