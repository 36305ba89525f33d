"""Delivery scenarios run on SQLite and on Postgres: a crash after the send, a receiver that keeps failing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.integration._docs import flat, invoice_text, json_lines, run_cli, spawn_cli, write
from tests.integration._forked import ForkedProcess
from tests.integration._receiver import Receiver

SECRET = "shared-webhook-secret"


def delivery_env(data: Path, receiver: Receiver, database_url: str | None, **extra: str) -> dict[str, str]:
    """The environment of a CLI process delivering to `receiver` (and whatever `extra` adds)."""
    env = {
        "CLAIMFLOW_DATA_DIR": str(data),
        "CLAIMFLOW_DELIVER": f"webhook:{receiver.url}",
        "CLAIMFLOW_DELIVER_SECRET": SECRET,
        **extra,
    }
    if database_url:
        env["CLAIMFLOW_DATABASE_URL"] = database_url
    return env


def events(run_id: str, env: dict[str, str]) -> list[dict[str, Any]]:
    """The run's trace as `claimflow trace --json` prints it."""
    done = run_cli("trace", run_id, "--json", **env)
    assert done.returncode == 0, done.stderr
    return json_lines(done.stdout)


def exported(tmp_path: Path, env: dict[str, str]) -> dict[str, dict[str, Any]]:
    """Completed runs' records as `claimflow export` writes them, by run id."""
    target = tmp_path / "export.jsonl"
    done = run_cli("export", target, **env)
    assert done.returncode == 0, done.stderr
    return {record["run_id"]: record for record in json_lines(target.read_text(encoding="utf-8"))}


def crash_after_send(tmp_path: Path, receiver: Receiver, env: dict[str, str]) -> str:
    """Run one invoice, killing the process the moment its record reaches the receiver; recover it; its run id."""
    document = write(tmp_path / "docs", "invoice.txt", invoice_text())
    process: list[ForkedProcess] = []

    def kill_sender() -> None:
        # The record has arrived; the sender dies before it hears back, so its step is never checkpointed.
        process[0].kill()
        process[0].wait(timeout=30)

    receiver.on_first = kill_sender
    process.append(spawn_cli("run", document, "--json", **env))
    process[0].communicate(timeout=120)
    assert process[0].returncode == -9, "the process was to be killed during its delivery"
    assert len(receiver.received) == 1
    recovered = run_cli("recover", "--json", **env)
    assert recovered.returncode == 0, recovered.stderr
    (run,) = json_lines(run_cli("runs", "--json", **env).stdout)
    assert run["status"] == "completed"
    return str(run["run_id"])


def delivered_once_across_a_crash(tmp_path: Path, receiver: Receiver, database_url: str | None = None) -> None:
    """The record is sent again after the crash with the same key; the receiver keeps one, correctly signed."""
    env = delivery_env(tmp_path / "data", receiver, database_url)
    run_id = crash_after_send(tmp_path, receiver, env)

    assert len(receiver.received) == 2, "the step that died after sending runs again and sends again"
    first, second = receiver.received
    assert first.key == second.key and first.key.startswith(f"{run_id}:deliver:")
    assert first.signed and second.signed
    assert first.body == second.body
    assert list(receiver.delivered) == [first.key], "the receiver deduplicated the repeat on its key"
    assert json.loads(receiver.delivered[first.key]) == exported(tmp_path, env)[run_id]

    trace = events(run_id, env)
    kinds = [item["type"] for item in trace if item["type"].startswith("delivery.")]
    assert kinds == ["delivery.started", "delivery.started", "delivery.succeeded"]
    assert {item["data"]["key"] for item in trace if item["type"].startswith("delivery.")} == {first.key}


def parked_then_retried(tmp_path: Path, receiver: Receiver, database_url: str | None = None) -> None:
    """A receiver that keeps failing parks the run as delivery_failed; `deliver retry` delivers it once it is back."""
    env = delivery_env(
        tmp_path / "data",
        receiver,
        database_url,
        CLAIMFLOW_DELIVER_MAX_ATTEMPTS="3",
        CLAIMFLOW_DELIVER_BACKOFF_S="0.05",
    )
    document = write(tmp_path / "docs", "invoice.txt", invoice_text())
    receiver.failing = True
    done = run_cli("run", document, "--json", **env)
    assert done.returncode == 1, done.stderr
    (view,) = json_lines(done.stdout)
    assert view["status"] == "delivery_failed"
    assert "failed after 3 attempt(s)" in view["error"] and "503" in view["error"]
    assert len(receiver.received) == 3 and receiver.delivered == {}
    # The attempts' events are written at once, the steps' after their checkpoints: the steps before come first.
    trail = events(view["run_id"], env)
    first = next(at for at, item in enumerate(trail) if item["type"] == "delivery.started")
    assert [item["step"] for item in trail[:first] if item["type"] == "step.completed"][-1] == "finalize"
    assert "run.completed" in [item["type"] for item in trail[:first]]
    assert all(item["at"] <= trail[first]["at"] for item in trail[:first])
    # The deliver step raised, so it returned no events of its own: the engine says it failed, and why.
    after = [(item["type"], item["step"]) for item in trail[first:] if not item["type"].startswith("delivery.")]
    assert after == [("step.failed", "deliver"), ("run.delivery_failed", "engine")], after
    (failed,) = [item for item in trail if item["type"] == "step.failed"]
    assert failed["data"]["reason"] == view["error"]

    listed = json_lines(run_cli("runs", "--status", "delivery_failed", "--json", **env).stdout)
    assert [run["run_id"] for run in listed] == [view["run_id"]]
    # The batch's table says what to do with a record kept undelivered, not only that it was.
    again = run_cli("run", document, **env)
    assert f"claimflow deliver retry {view['run_id'][:12]}` once the target is back" in flat(again.stdout)

    # With no target set here, a retry would send nothing and mark the run completed: it is refused instead.
    nowhere = {name: value for name, value in env.items() if name != "CLAIMFLOW_DELIVER"}
    refused = run_cli("deliver", "retry", view["run_id"], **nowhere)
    assert refused.returncode == 2, refused.stderr
    assert "no delivery target is set" in refused.stderr and "set CLAIMFLOW_DELIVER" in refused.stderr
    assert [run["status"] for run in json_lines(run_cli("show", view["run_id"], "--json", **env).stdout)] == [
        "delivery_failed"
    ]
    assert len(receiver.received) == 3

    receiver.failing = False
    retried = run_cli("deliver", "retry", view["run_id"][:8], "--json", **env)
    assert retried.returncode == 0, retried.stderr
    assert json_lines(retried.stdout)[0]["status"] == "completed"
    assert len(receiver.received) == 4
    assert len({item.key for item in receiver.received}) == 1, "every attempt and the retry carry one key"
    assert list(receiver.delivered) == [receiver.received[0].key]
    assert all(item.signed for item in receiver.received)

    again = run_cli("deliver", "retry", view["run_id"], **env)
    assert again.returncode == 1 and "not delivery_failed" in again.stderr
    assert len(receiver.received) == 4, "a delivered run is not delivered again"
    assert run_cli("runs", "--status", "delivery_failed", "--json", **env).stdout.strip() == ""
    kinds = [item["type"] for item in events(view["run_id"], env) if item["type"].startswith(("delivery.", "run."))]
    assert kinds.count("delivery.failed") == 3 and kinds.count("delivery.succeeded") == 1
    assert kinds.count("run.delivery_failed") == 1
