"""`claimflow eval --model openai:...` when the model times out on one case: that case fails, the others count.

The fake server answers every classify case with its recorded claim, except one, whose answer it holds back
longer than `CLAIMFLOW_MODEL_TIMEOUT_S`. A server that answers nothing at all stays a setup error (exit 2).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.evals.test_eval_live import _answers, _live_cases
from tests.fakes.openai_server import FakeModelServer, ReceivedRequest, Reply, Responder
from tests.integration._docs import run_cli

MODEL = "openai:fake-model"
SLOW = "classify-invoice-english"
"""The case whose answer never comes in time."""
TIMEOUT = {"CLAIMFLOW_MODEL_TIMEOUT_S": "3", "CLAIMFLOW_MODEL_MAX_ATTEMPTS": "1"}


def _one_hangs(server: FakeModelServer) -> list[Responder]:
    """The recorded claims, but the answer to SLOW's prompt comes after 30 s (the server's stop cuts it short)."""
    cases = _live_cases("classify")
    slow = next(case for case in cases if case.id == SLOW)
    quick = _answers(MODEL, [case for case in cases if case is not slow])[0]
    held = _answers(MODEL, [slow])[0]

    def answer(request: ReceivedRequest) -> Reply:
        reply = held(request)
        return quick(request) if reply.status != 200 else Reply(body=reply.body, delay_s=30.0)

    return [answer] * len(cases)


def _run(server: FakeModelServer, *args: str | Path) -> Any:
    return run_cli(
        "eval", "--model", MODEL, "--base-url", server.base_url, "--step", "classify", *args, timeout=120,
        OPENAI_API_KEY="", **TIMEOUT,
    )  # fmt: skip


def _record_baseline(server: FakeModelServer, tmp_path: Path) -> Path:
    baseline = tmp_path / "baseline.json"
    server.script(*_answers(MODEL, _live_cases("classify")))
    recorded = _run(server, "--baseline", baseline, "--update-baseline")
    assert recorded.returncode == 0, recorded.stdout + recorded.stderr
    return baseline


def test_a_case_that_times_out_fails_with_its_reason_and_the_other_cases_are_scored(
    server: FakeModelServer, tmp_path: Path
) -> None:
    cases = _live_cases("classify")
    baseline = _record_baseline(server, tmp_path)
    server.script(*_one_hangs(server))

    done = _run(server, "--baseline", baseline, "--json")

    assert done.returncode == 1, done.stdout + done.stderr
    report = json.loads(done.stdout)
    results = {r["id"]: r for r in report["cases"]}
    assert set(results) == {case.id for case in cases}
    slow = results[SLOW]
    assert slow["passed"] is False
    assert slow["message"].startswith("the model did not answer: "), slow["message"]
    assert "no answer within 3 s" in slow["message"] and slow["unanswered"] in slow["message"]
    assert all(r["passed"] and r["unanswered"] is None for r in results.values() if r["id"] != SLOW)
    # Scored as a miss: the step's figures count it, and the gate names it as what failed.
    metrics = report["metrics"]["classify"]
    assert (metrics["cases"], metrics["failed"]) == (len(cases), 1)
    assert report["gate"]["unanswered"] == [SLOW]
    assert [flip["id"] for flip in report["gate"]["flipped"]] == [SLOW]
    assert "1 case(s) the model did not answer" in done.stderr

    server.script(*_one_hangs(server))
    shown = _run(server, "--baseline", baseline)
    assert shown.returncode == 1, shown.stdout + shown.stderr
    assert f"not answered {SLOW}: " in shown.stdout


def test_a_case_failing_in_the_baseline_that_times_out_does_not_pass_the_gate(
    server: FakeModelServer, tmp_path: Path
) -> None:
    baseline = _record_baseline(server, tmp_path)
    data = json.loads(baseline.read_text())
    data["cases"][SLOW] = False
    baseline.write_text(json.dumps(data))
    server.script(*_one_hangs(server))

    done = _run(server, "--baseline", baseline, "--json")

    assert done.returncode == 1, done.stdout + done.stderr
    gate = json.loads(done.stdout)["gate"]
    assert (gate["flipped"], gate["unanswered"], gate["failed"]) == ([], [SLOW], True)


def test_a_timeout_is_not_written_into_the_baseline(server: FakeModelServer, tmp_path: Path) -> None:
    baseline = _record_baseline(server, tmp_path)
    before = baseline.read_text()
    server.script(*_one_hangs(server))

    done = _run(server, "--baseline", baseline, "--update-baseline")

    assert done.returncode == 2, done.stdout + done.stderr
    assert f"{baseline} not written: 1 case(s) the model did not answer ({SLOW})" in " ".join(done.stderr.split())
    assert baseline.read_text() == before


def test_a_model_that_answers_no_case_is_still_a_setup_error(server: FakeModelServer, tmp_path: Path) -> None:
    baseline = _record_baseline(server, tmp_path)
    cases = len(_live_cases("classify"))
    server.script(*[Reply(body={}, delay_s=30.0)] * cases)

    done = _run(server, "--baseline", baseline, "--concurrency", str(cases))

    assert done.returncode == 2, done.stdout + done.stderr
    assert "regression" not in done.stdout + done.stderr
    [line] = done.stderr.strip().splitlines()
    assert line.startswith(f"error: the model {MODEL} did not answer:"), line
    assert "no answer within 3 s" in line
