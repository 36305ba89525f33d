"""`claimflow eval --model openai:... | anthropic:...`: the model steps' cases asked of a real HTTP server.

The fake server answers each request with the recorded claim of the golden case whose rendered prompt it
was sent (a request matching no case's prompt gets an error), so the cases pass exactly when the prompt
reached the server as the step renders it and the answer came back through the provider's API shape.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

from claimflow.evals.builtin import builtin_workflow_types
from claimflow.evals.golden import ModelStepCase, load_goldens
from claimflow.evals.select import select_cases
from claimflow.nodes.ports import ModelInput
from claimflow.prompts import CLASSIFY, extract_prompt
from claimflow.runtime.gateway.render import render_messages
from tests.fakes.openai_server import (
    FakeModelServer,
    ReceivedRequest,
    Reply,
    Responder,
    anthropic_message,
    chat_completion,
    error_reply,
    overlapping,
)
from tests.fakes.tcp_proxy import closed_port
from tests.integration._docs import run_cli

PRICES = {"openai:fake-model": {"input": 2.0, "output": 8.0}, "anthropic:fake-claude": {"input": 3.0, "output": 15.0}}
"""Per million tokens; the costs below are computed from these and the server's usage numbers."""
PROMPT_TOKENS, COMPLETION_TOKENS = 321, 45
DELAY_S = 0.15
PROVIDERS = ["openai:fake-model", "anthropic:fake-claude"]


def _live_cases(step: str) -> list[ModelStepCase]:
    return [
        case
        for case in select_cases(load_goldens(), [step])
        if isinstance(case, ModelStepCase) and not case.replay_only
    ]


def _rendered(case: ModelStepCase) -> tuple[str, str]:
    types = builtin_workflow_types()
    if case.doc_type is None:
        return render_messages(CLASSIFY, ModelInput(pages=tuple(case.pages), types=tuple(types)))
    doc_type = types.get(case.doc_type)
    return render_messages(extract_prompt(doc_type), ModelInput(pages=tuple(case.pages), doc_type=doc_type))


def _reply(model: str, request: ReceivedRequest, claim: Mapping[str, Any]) -> Reply:
    usage = {"prompt_tokens": PROMPT_TOKENS, "completion_tokens": COMPLETION_TOKENS}
    if model.startswith("anthropic:"):
        tool = request.body["tool_choice"]["name"]
        body = anthropic_message(claim, tool_name=tool, input_tokens=PROMPT_TOKENS, output_tokens=COMPLETION_TOKENS)
        return Reply(body=body, delay_s=DELAY_S)
    return Reply(body=chat_completion(json.dumps(claim), **usage), delay_s=DELAY_S)


def _answers(
    model: str, cases: list[ModelStepCase], change: Mapping[str, Callable[[dict[str, Any]], None]] | None = None
) -> list[Responder]:
    """One responder per case: the recorded claim of the case whose prompt was sent (edited by `change`)."""
    by_prompt = {_rendered(case): case for case in cases}

    def answer(request: ReceivedRequest) -> Reply:
        system, user = request.text_of("system"), request.text_of("user")
        case = next((c for (sys_, u), c in by_prompt.items() if u == user and sys_ in system), None)
        if case is None:
            return error_reply(418, "the request matches no golden case's rendered prompt")
        claim = json.loads(json.dumps(case.recorded_claim))
        if change and case.id in change:
            change[case.id](claim)
        return _reply(model, request, claim)

    return [answer] * len(cases)


def _no_results(tmp_path: Path, model: str) -> Path:
    """A baseline of `model` with no case results: every case is new, as with no baseline, but named one."""
    baseline = tmp_path / "baseline.json"
    baseline.write_text(json.dumps({"model": model}))
    return baseline


def _eval(server: FakeModelServer, tmp_path: Path, model: str, *args: str | Path) -> Any:
    prices = tmp_path / "prices.json"
    prices.write_text(json.dumps(PRICES))
    # The Anthropic client adds `/v1/messages` to the root it is given; OpenAI's adds `/chat/completions`.
    base_url = server.root_url if model.startswith("anthropic:") else server.base_url
    return run_cli(
        "eval", "--model", model, "--base-url", base_url, *args, timeout=120,
        ANTHROPIC_API_KEY="test-key", OPENAI_API_KEY="", CLAIMFLOW_PRICES=str(prices),
    )  # fmt: skip


@pytest.mark.parametrize("model", PROVIDERS)
@pytest.mark.parametrize("step", ["classify", "extract_invoice"])
def test_right_answers_pass_with_the_rendered_prompt_sent_and_the_servers_usage_reported(
    server: FakeModelServer, tmp_path: Path, model: str, step: str
) -> None:
    cases = _live_cases(step)
    server.script(*_answers(model, cases))

    done = _eval(server, tmp_path, model, "--step", step, "--json", "--baseline", _no_results(tmp_path, model))

    assert done.returncode == 0, done.stdout + done.stderr
    assert server.unscripted == 0 and len(server.requests) == len(cases)
    wanted = sorted(_rendered(case) for case in cases)
    sent = sorted((r.text_of("system"), r.text_of("user")) for r in server.requests)
    assert [user for _, user in sent] == [user for _, user in wanted]
    assert all(system in got for (system, _), (got, _) in zip(wanted, sent, strict=True))
    assert all(r.model == model.split(":", 1)[1] for r in server.requests)
    report = json.loads(done.stdout)
    results = report["cases"]
    assert {r["id"] for r in results} == {case.id for case in cases}
    assert all(r["passed"] for r in results), [r["message"] for r in results if not r["passed"]]
    price = PRICES[model]
    each = (PROMPT_TOKENS * price["input"] + COMPLETION_TOKENS * price["output"]) / 1_000_000
    metrics = report["metrics"][step]
    assert (metrics["input_tokens"], metrics["output_tokens"]) == (
        PROMPT_TOKENS * len(cases),
        COMPLETION_TOKENS * len(cases),
    )
    assert metrics["cost"] == pytest.approx(each * len(cases))
    assert all(r["cost"] == pytest.approx(each) for r in results)
    # Latency is measured around the call: it cannot be shorter than the server took to answer.
    assert all(r["latency_ms"] >= DELAY_S * 1000 for r in results)


def _wrong_total(claim: dict[str, Any]) -> None:
    for field in claim["fields"]:
        if field["field"] == "total_amount":
            field["value"] = "999.99"


def _a_receipt(claim: dict[str, Any]) -> None:
    claim["doc_type"] = "receipt"


WRONG_ANSWERS = [
    ("extract_invoice", "extract_invoice-clean-english-invoice", _wrong_total, "total_amount: expected accepted '"),
    ("classify", "classify-invoice-english", _a_receipt, '"doc_type": "receipt"'),
]
"""(step, the case answered wrongly, how its answer is changed, what the gate prints about it)."""


@pytest.mark.parametrize("model", PROVIDERS)
@pytest.mark.parametrize(("step", "wrong", "change", "shown"), WRONG_ANSWERS)
def test_a_wrong_value_fails_its_case_and_the_gate_names_it(
    server: FakeModelServer,
    tmp_path: Path,
    model: str,
    step: str,
    wrong: str,
    change: Callable[[dict[str, Any]], None],
    shown: str,
) -> None:
    cases = _live_cases(step)
    assert wrong in {case.id for case in cases}
    baseline = tmp_path / "baseline.json"
    server.script(*_answers(model, cases))
    recorded = _eval(server, tmp_path, model, "--step", step, "--baseline", baseline, "--update-baseline")
    assert recorded.returncode == 0, recorded.stdout + recorded.stderr
    assert all(json.loads(baseline.read_text())["cases"].values())

    server.script(*_answers(model, cases, {wrong: change}))
    done = _eval(server, tmp_path, model, "--step", step, "--baseline", baseline)

    assert done.returncode == 1, done.stdout + done.stderr
    assert f"flipped {wrong}: passed -> failed" in done.stdout
    assert done.stdout.count("flipped ") == 1
    assert shown in done.stdout
    assert f"regression against {baseline.name}" in done.stderr


@pytest.mark.parametrize("model", PROVIDERS)
def test_concurrency_overlaps_the_calls_and_keeps_the_results(
    server: FakeModelServer, tmp_path: Path, model: str
) -> None:
    cases = _live_cases("classify")
    assert len(cases) >= 3
    server.script(*_answers(model, cases))
    one = _eval(server, tmp_path, model, "--step", "classify", "--json", "--baseline", _no_results(tmp_path, model))
    assert one.returncode == 0, one.stdout + one.stderr
    assert server.max_in_flight == 1

    # Answered once as many calls arrived as the concurrency allows: sent at once, they overlap.
    server.script(
        *(overlapping(server, answer, requests=len(server.requests) + len(cases)) for answer in _answers(model, cases))
    )
    server.max_in_flight = 0
    many = _eval(
        server, tmp_path, model, "--step", "classify", "--json", "--baseline", _no_results(tmp_path, model),
        "--concurrency", str(len(cases)),
    )  # fmt: skip
    assert many.returncode == 0, many.stdout + many.stderr
    assert server.max_in_flight == len(cases)

    def outcome(stdout: str) -> list[tuple[str, bool, Any]]:
        return [(r["id"], r["passed"], r["got"]) for r in json.loads(stdout)["cases"]]

    assert outcome(many.stdout) == outcome(one.stdout)


@pytest.mark.parametrize("model", PROVIDERS)
def test_an_unreachable_server_is_one_clear_error(tmp_path: Path, model: str) -> None:
    nowhere = f"http://127.0.0.1:{closed_port()}"
    done = run_cli(
        "eval", "--model", model, "--step", "classify", "--base-url", nowhere, timeout=120,
        ANTHROPIC_API_KEY="test-key", OPENAI_API_KEY="", CLAIMFLOW_MODEL_MAX_ATTEMPTS="1",
    )  # fmt: skip

    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    [line] = done.stderr.strip().splitlines()
    assert line.startswith(f"error: the model {model} did not answer:"), line
    assert "classify" in line


@pytest.mark.parametrize("model", ["openai:fake-model"])
def test_an_invalid_answer_fails_its_case_showing_what_was_expected_and_why_it_was_invalid(
    server: FakeModelServer, tmp_path: Path, model: str
) -> None:
    cases = _live_cases("extract_invoice")
    baseline = tmp_path / "baseline.json"
    server.script(*_answers(model, cases))
    recorded = _eval(server, tmp_path, model, "--step", "extract_invoice", "--baseline", baseline, "--update-baseline")
    assert recorded.returncode == 0, recorded.stdout + recorded.stderr
    truncated = Reply(body=chat_completion('{"fields": [{"field": "total_amount", "val'))
    server.script(*[truncated] * 10)

    done = _eval(server, tmp_path, model, "--step", "extract_invoice", "--baseline", baseline, "--json")

    assert done.returncode == 1, done.stdout + done.stderr
    [result] = [r for r in json.loads(done.stdout)["cases"] if not r["passed"]]
    # The case's expectation is shown against what came back, and the message says what was wrong with it.
    assert result["expected"] == cases[0].expected.model_dump(exclude_defaults=True)
    assert result["message"].startswith("the backend returned invalid output: ")
    assert len(result["message"]) > len("the backend returned invalid output: ")
    [why] = result["got"]["invalid_output"]
    assert "not valid JSON" in why and why in result["message"]
    # The case counts in the step's measures as a miss, not as a case that was never there.
    metrics = json.loads(done.stdout)["metrics"]["extract_invoice"]
    assert (metrics["recall"], metrics["exact_match"]) == (0.0, 0.0)
    assert "expected: null" not in done.stderr


def test_a_model_without_a_price_is_said_to_cost_an_unknown_amount_not_nothing(
    server: FakeModelServer, tmp_path: Path
) -> None:
    model, cases = "openai:fake-model", _live_cases("classify")
    server.script(*_answers(model, cases))
    args = ("eval", "--model", model, "--base-url", server.base_url, "--step", "classify")
    unpriced = run_cli(*args, "--baseline", _no_results(tmp_path, model), timeout=120, OPENAI_API_KEY="")
    assert unpriced.returncode == 0, unpriced.stdout + unpriced.stderr
    assert f"note: {model} has no price (CLAIMFLOW_PRICES" in unpriced.stdout
    assert "its cost is unknown (null in --json), not free" in unpriced.stdout
    [row] = [line for line in unpriced.stdout.splitlines() if line.startswith("│ classify")]
    assert f"{PROMPT_TOKENS * len(cases)}/{COMPLETION_TOKENS * len(cases)}, unknown, " in row
    # In JSON, the step's and each case's cost are null: unknown, where they read 0.0.
    server.script(*_answers(model, cases))
    as_json = run_cli(*args, "--json", "--baseline", _no_results(tmp_path, model), timeout=120, OPENAI_API_KEY="")
    assert as_json.returncode == 0, as_json.stdout + as_json.stderr
    report = json.loads(as_json.stdout)
    assert report["metrics"]["classify"]["cost"] is None
    assert [case["cost"] for case in report["cases"]] == [None] * len(cases)

    server.script(*_answers(model, cases))
    priced = _eval(server, tmp_path, model, "--step", "classify", "--json", "--baseline", _no_results(tmp_path, model))
    assert priced.returncode == 0, priced.stdout + priced.stderr
    assert "has no price" not in priced.stdout + priced.stderr
    assert json.loads(priced.stdout)["metrics"]["classify"]["cost"] > 0
