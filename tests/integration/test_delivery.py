"""Delivery of completed records exactly once, on SQLite: across a crash, and after a receiver that kept failing."""

from __future__ import annotations

import time
from pathlib import Path

from claimflow.runtime.delivery.deliverer import NOT_RETRIED
from tests.integration._delivery import (
    SECRET,
    delivered_once_across_a_crash,
    delivery_env,
    events,
    parked_then_retried,
)
from tests.integration._docs import invoice_text, json_lines, run_cli, write
from tests.integration._receiver import webhook_receiver


def test_a_record_sent_before_a_crash_is_sent_again_with_its_key_and_kept_once(tmp_path: Path) -> None:
    with webhook_receiver(SECRET) as receiver:
        delivered_once_across_a_crash(tmp_path, receiver)


def test_a_failing_receiver_parks_the_run_until_deliver_retry(tmp_path: Path) -> None:
    with webhook_receiver(SECRET) as receiver:
        parked_then_retried(tmp_path, receiver)


def test_without_a_target_nothing_is_delivered_and_runs_complete(tmp_path: Path) -> None:
    document = write(tmp_path / "docs", "invoice.txt", invoice_text())
    done = run_cli("run", document, "--json", CLAIMFLOW_DATA_DIR=str(tmp_path / "data"))
    assert done.returncode == 0, done.stderr
    assert json_lines(done.stdout)[0]["status"] == "completed"


def test_a_webhook_without_a_secret_or_a_table_without_postgres_is_refused(tmp_path: Path) -> None:
    document = write(tmp_path / "docs", "invoice.txt", invoice_text())
    with webhook_receiver(SECRET) as receiver:
        env = delivery_env(tmp_path / "data", receiver, None)
        del env["CLAIMFLOW_DELIVER_SECRET"]
        unsigned = run_cli("run", document, **env)
        table = run_cli("run", document, **{**env, "CLAIMFLOW_DELIVER": "postgres-table:records"})
        assert receiver.received == []
    assert unsigned.returncode == 2 and "CLAIMFLOW_DELIVER_SECRET" in unsigned.stderr
    assert table.returncode == 2 and "CLAIMFLOW_DATABASE_URL" in table.stderr
    malformed = run_cli("run", document, **{**env, "CLAIMFLOW_DELIVER": "postgres-table:x; drop table y"})
    assert malformed.returncode == 2 and "is not webhook:http(s)://... or postgres-table:NAME" in malformed.stderr


def test_a_receiver_that_drips_its_answer_is_cut_off_at_the_attempts_timeout(tmp_path: Path) -> None:
    document = write(tmp_path / "docs", "invoice.txt", invoice_text())
    with webhook_receiver(SECRET) as receiver:
        receiver.trickle_s = 0.1  # a byte every 0.1 s: no single read waits a second, the answer never ends
        env = delivery_env(
            tmp_path / "data", receiver, None,
            CLAIMFLOW_DELIVER_TIMEOUT_S="1", CLAIMFLOW_DELIVER_MAX_ATTEMPTS="2", CLAIMFLOW_DELIVER_BACKOFF_S="0.05",
        )  # fmt: skip
        started = time.monotonic()
        done = run_cli("run", document, "--json", timeout=60, **env)
        took = time.monotonic() - started
    (view,) = json_lines(done.stdout)
    assert view["status"] == "delivery_failed"
    reason = "no answer within 1 s (CLAIMFLOW_DELIVER_TIMEOUT_S)"
    assert view["error"].endswith(f"failed after 2 attempt(s): {reason}")
    assert len(receiver.received) == 2 and took < 30
    failed = [item["data"] for item in events(view["run_id"], env) if item["type"] == "delivery.failed"]
    assert [item["reason"] for item in failed] == [reason, reason]


def _parked(tmp_path: Path, receiver: object, **extra: str) -> tuple[dict[str, object], dict[str, str]]:
    env = delivery_env(
        tmp_path / "data", receiver, None,  # type: ignore[arg-type]
        CLAIMFLOW_DELIVER_MAX_ATTEMPTS="3", CLAIMFLOW_DELIVER_BACKOFF_S="0.05", **extra,
    )  # fmt: skip
    done = run_cli("run", write(tmp_path / "docs", "invoice.txt", invoice_text()), "--json", **env)
    (view,) = json_lines(done.stdout)
    return view, env


def test_a_receiver_refusing_the_request_with_a_4xx_is_not_tried_again(tmp_path: Path) -> None:
    with webhook_receiver(SECRET) as receiver:
        receiver.failing, receiver.failing_status = True, 404
        view, env = _parked(tmp_path, receiver)
    assert view["status"] == "delivery_failed"
    assert len(receiver.received) == 1  # a wrong URL stays wrong: no second attempt, no backoff
    assert "failed after 1 attempt(s): WebhookRefusedError: the receiver answered 404 Not Found" in view["error"]
    assert view["error"].endswith(f"(a 404 refuses the request itself, {NOT_RETRIED})")
    failed = [item["data"] for item in events(str(view["run_id"]), env) if item["type"] == "delivery.failed"]
    assert [item["final"] for item in failed] == [True]


def test_a_rate_limited_receiver_is_tried_again_after_the_wait_it_asks_for(tmp_path: Path) -> None:
    with webhook_receiver(SECRET) as receiver:
        receiver.failing, receiver.failing_status, receiver.retry_after = True, 429, "1"

        def recover() -> None:
            receiver.failing = False  # the first request is still answered 429: its answer was decided

        receiver.on_first = recover
        view, _ = _parked(tmp_path, receiver)
    assert view["status"] == "completed", view
    first, second = receiver.received
    # The backoff alone would have waited 0.05 s; the receiver asked for a second.
    assert second.at - first.at >= 0.95
    assert len(receiver.delivered) == 1
