"""A model-seconds budget bounds the call under way, not just the next one: `claimflow run` against a slow server.

With `--max-model-seconds 1` and a server that takes 3 s to answer, the call is ended when the second is spent,
and the run goes where a spent budget sends it (`--on-budget`), the ended call counted in its usage.
"""

from __future__ import annotations

import dataclasses
import re
import time
from pathlib import Path
from typing import Any

from tests.fakes.openai_server import FakeModelServer, Reply, chat_completion, error_reply
from tests.integration._docs import invoice_text, json_lines, run_cli, write

MODEL = "openai:fake-model"


def _slow_run(
    tmp_path: Path, server: FakeModelServer, reply: Reply, *options: str, seconds: str = "1"
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    server.script(dataclasses.replace(reply, delay_s=3.0))  # never read: the budget ends the call first
    document = write(tmp_path / "docs", "invoice.txt", invoice_text("NW-SECONDS-1"))
    done = run_cli(
        "run", document, "--json", "--data-dir", tmp_path / "data", "--model", MODEL, "--base-url", server.base_url,
        "--max-model-seconds", seconds, *options, OPENAI_API_KEY="test", CLAIMFLOW_MODEL_TIMEOUT_S="60",
    )  # fmt: skip
    [view] = json_lines(done.stdout)
    trace = run_cli("trace", str(view["run_id"]), "--json", "--data-dir", tmp_path / "data")
    return view, json_lines(trace.stdout)


def test_a_slow_call_ends_when_the_model_seconds_are_spent_and_the_run_goes_to_review(
    tmp_path: Path, server: FakeModelServer
) -> None:
    started = time.monotonic()
    view, events = _slow_run(tmp_path, server, Reply(body=chat_completion("{}")))

    assert view["status"] == "needs_review", view
    [reason] = view["review_reasons"]
    assert reason.startswith("budget_exceeded: model budget exhausted: ")
    assert reason.endswith("s of model time used, the budget allows 1 s")
    [called] = [event["data"] for event in events if event["type"] == "model.called"]
    assert "no answer within the 1 s of model time the run's budget had left after 1 attempt" in called["error"]
    assert 1000 <= called["latency_ms"] < 1500  # the budget's second, plus what ending the call takes
    [exceeded] = [event["data"] for event in events if event["type"] == "budget.exceeded"]
    assert exceeded["usage"]["calls"] == 1
    assert 1.0 <= exceeded["usage"]["model_seconds"] < 1.5
    assert len(server.requests) == 1  # not retried as a slow server would be
    assert time.monotonic() - started < 30


def test_with_on_budget_fail_the_run_fails_at_its_budget_not_as_an_unavailable_model(
    tmp_path: Path, server: FakeModelServer
) -> None:
    # A server slow to fail: had the call run to its end, its 503 would have failed the run as a model outage.
    view, events = _slow_run(tmp_path, server, error_reply(503, "overloaded"), "--on-budget", "fail")

    assert view["status"] == "failed", view
    routes = [event["data"] for event in events if event["type"] == "route.decided"]
    assert routes[-1]["rule"] == "budget_exceeded_fail"
    assert str(view["error"]).startswith("budget exceeded: "), view
    assert "ModelUnavailableError" not in str(view["error"])
    assert "model_unavailable" not in [route["rule"] for route in routes]


def test_a_budget_of_a_hundredth_of_a_second_reads_as_one(tmp_path: Path, server: FakeModelServer) -> None:
    view, _ = _slow_run(tmp_path, server, Reply(body=chat_completion("{}")), seconds="0.01")

    [reason] = view["review_reasons"]
    # `0.0 s of model time used, the budget allows 0.0 s` said neither what was spent nor what was allowed.
    spent = r"0\.0*[1-9]\d* s of model time used"
    assert re.fullmatch(rf"budget_exceeded: model budget exhausted: {spent}, the budget allows 0\.01 s", reason), reason
