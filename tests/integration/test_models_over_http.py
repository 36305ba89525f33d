"""The CLI against a real HTTP model server (a scripted OpenAI-compatible fake), recording, and replay."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from claimflow.doctypes import BUILTIN_TYPES, INVOICE
from claimflow.prompts import CLASSIFY, extract_prompt
from claimflow.runtime.backends import rules
from claimflow.state.schema import DocumentTypes
from tests.fakes.openai_server import (
    FakeModelServer,
    ReceivedRequest,
    Reply,
    claim_reply,
    error_reply,
    shown_pages,
)
from tests.integration._docs import invoice_text, json_lines, run_cli, write

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "documents"
MODEL = "openai:fake-model"
TYPES = DocumentTypes(BUILTIN_TYPES)


def rules_answer(request: ReceivedRequest) -> Reply:
    """Answer any call as the rules backend would, on the pages the request showed."""
    pages = shown_pages(request)
    system = request.text_of("system")
    if "You classify" in system:
        return claim_reply(rules.classify(pages, BUILTIN_TYPES), prompt_tokens=400, completion_tokens=60)
    [doc_type] = [t for t in TYPES if f"fields from a document of type {t.name}." in system]
    return claim_reply(rules.extract(doc_type, pages), prompt_tokens=900, completion_tokens=300)


@pytest.fixture
def prices(tmp_path: Path) -> Path:
    path = tmp_path / "prices.json"
    path.write_text(json.dumps({MODEL: {"input": 2.0, "output": 8.0}}))
    return path


def _env(prices: Path) -> dict[str, str]:
    return {"CLAIMFLOW_PRICES": str(prices), "CLAIMFLOW_MODEL_MAX_ATTEMPTS": "2", "OPENAI_API_KEY": ""}


def _docs(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    for name in ("invoice-clean.pdf", "contract-nda.txt", "memo-unknown.html", "corrupt.pdf"):
        (folder / name).write_bytes((EXAMPLES / name).read_bytes())
    return folder


def _comparable(view: dict[str, Any]) -> tuple[Any, ...]:
    return (view["document"], view["status"], view["doc_type"], view["fields"], view["review_reasons"], view["error"])


def test_run_against_an_openai_compatible_server_records_and_replays(
    tmp_path: Path, server: FakeModelServer, prices: Path
) -> None:
    docs = _docs(tmp_path)
    server.script(*([rules_answer] * 20))
    record = tmp_path / "recorded"
    live = run_cli(
        "run", docs, "--json", "--model", MODEL, "--base-url", server.base_url, "--record", record,
        "--data-dir", tmp_path / "live", **_env(prices),
    )  # fmt: skip
    assert live.returncode == 1, live.stderr  # the corrupt PDF fails, by contract
    views = json_lines(live.stdout)
    statuses = {v["document"]: v["status"] for v in views}
    assert statuses == {
        "contract-nda.txt": "needs_review",
        "corrupt.pdf": "failed",
        "invoice-clean.pdf": "completed",
        "memo-unknown.html": "needs_review",
    }
    assert {r.model for r in server.requests} == {"fake-model"}
    assert len(server.requests) == 5  # classify x3, extract x2
    assert sorted(p.parent.name for p in record.glob("*/*.json")) == [
        "classify", "classify", "classify", "extract_contract", "extract_invoice",
    ]  # fmt: skip
    for path in record.glob("*/*.json"):  # the answer as the server sent it, next to the claim read from it
        recorded = json.loads(path.read_text(encoding="utf-8"))
        assert isinstance(recorded["raw"], str) and json.loads(recorded["raw"]) == recorded["claim"]
    assert all(r.body["max_tokens"] >= 1024 for r in server.requests)

    invoice = next(v for v in views if v["document"] == "invoice-clean.pdf")
    trace = json_lines(run_cli("trace", invoice["run_id"], "--json", "--data-dir", tmp_path / "live").stdout)
    calls = [e["data"] for e in trace if e["type"] == "model.called"]
    assert [(c["model"], c["prompt"]) for c in calls] == [(MODEL, "classify@3"), (MODEL, "extract_invoice@4")]
    assert [c["prompt_hash"] for c in calls] == [CLASSIFY.content_hash, extract_prompt(INVOICE).content_hash]
    assert [(c["input_tokens"], c["output_tokens"]) for c in calls] == [(400, 60), (900, 300)]
    assert calls[0]["cost"] == pytest.approx((400 * 2.0 + 60 * 8.0) / 1e6)
    assert all(len(c["prompt_hash"]) == 64 for c in calls)

    replayed = run_cli(
        "run", docs, "--json", "--model", f"replay:{record}", "--data-dir", tmp_path / "replayed", **_env(prices)
    )
    assert replayed.returncode == 1, replayed.stderr
    assert len(server.requests) == 5  # nothing new reached the server
    assert sorted(map(_comparable, json_lines(replayed.stdout))) == sorted(map(_comparable, views))


def test_invalid_output_is_retried_once_with_the_errors_then_reviewed(
    tmp_path: Path, server: FakeModelServer, prices: Path
) -> None:
    path = write(tmp_path, "invoice.txt", invoice_text())
    bad = claim_reply({"doc_type": "invoice", "confidence": 7, "evidence": []})
    server.script(bad, claim_reply("{not json"))
    result = run_cli(
        "run", path, "--json", "--model", MODEL, "--base-url", server.base_url, "--data-dir", tmp_path / "d",
        **_env(prices),
    )  # fmt: skip
    [view] = json_lines(result.stdout)
    assert view["status"] == "needs_review"
    assert view["review_reasons"][0].startswith("invalid_output: classification output invalid")
    first, second = server.requests
    assert "invalid" not in first.text_of("user").lower().split("</document>")[1]
    assert "Your previous answer was invalid" in second.text_of("user")
    assert "confidence" in second.text_of("user")


def test_evidence_that_is_not_in_the_document_is_rejected_end_to_end(
    tmp_path: Path, server: FakeModelServer, prices: Path
) -> None:
    path = write(tmp_path, "invoice.txt", invoice_text())

    def fabricated_total(request: ReceivedRequest) -> Reply:
        claim = rules.extract(INVOICE, shown_pages(request))
        fields = [
            f.model_copy(
                update={
                    "value": "999.00",
                    "evidence": f.evidence.model_copy(update={"quote": "Total 999.00 GBP", "start": None, "end": None}),
                }
            )
            if f.field == "total_amount"
            else f
            for f in claim.fields
        ]
        return claim_reply(claim.model_copy(update={"fields": fields}))

    server.script(rules_answer, fabricated_total)
    result = run_cli(
        "run", path, "--json", "--model", MODEL, "--base-url", server.base_url, "--data-dir", tmp_path / "d",
        **_env(prices),
    )  # fmt: skip
    [view] = json_lines(result.stdout)
    assert view["status"] == "needs_review"
    assert view["fields"]["total_amount"] == {"value": None, "status": "rejected", "confidence": None, "evidence": []}
    assert any(r.startswith("unsupported_evidence: total_amount") for r in view["review_reasons"])


def test_server_errors_back_off_then_fail_that_document_with_a_reason(
    tmp_path: Path, server: FakeModelServer, prices: Path
) -> None:
    path = write(tmp_path, "invoice.txt", invoice_text())
    server.script(error_reply(503, "overloaded"), error_reply(503, "overloaded"))
    result = run_cli(
        "run", path, "--json", "--model", MODEL, "--base-url", server.base_url, "--data-dir", tmp_path / "d",
        **_env(prices),
    )  # fmt: skip
    assert result.returncode == 1
    [view] = json_lines(result.stdout)
    assert view["status"] == "failed"
    assert "classify@3 on openai:fake-model" in view["error"] and "503" in view["error"]
    assert "after 2 attempts" in view["error"]
    assert len(server.requests) == 2


def test_a_failed_call_is_an_event_counted_in_usage_and_the_run_fails_through_its_router(
    tmp_path: Path, server: FakeModelServer, prices: Path
) -> None:
    path = write(tmp_path, "invoice.txt", invoice_text())
    server.script(rules_answer, error_reply(503, "overloaded"), error_reply(503, "overloaded"))
    data = tmp_path / "d"
    result = run_cli(
        "run", path, "--json", "--model", MODEL, "--base-url", server.base_url, "--data-dir", data, **_env(prices)
    )  # fmt: skip
    assert result.returncode == 1
    [view] = json_lines(result.stdout)
    assert view["status"] == "failed"
    expected = "ModelUnavailableError: extract_invoice@4 on openai:fake-model: HTTP 503 (overloaded) after 2 attempts"
    assert view["error"] == expected  # the message the run failed with when the error escaped the node

    trace = json_lines(run_cli("trace", view["run_id"], "--json", "--data-dir", data).stdout)
    calls = [e["data"] for e in trace if e["type"] == "model.called"]
    assert [c["prompt"] for c in calls] == ["classify@3", "extract_invoice@4"]
    assert "error" not in calls[0] and calls[0]["valid"]
    failed = calls[1]
    assert (failed["error"], failed["valid"], failed["transport_attempts"]) == (expected, False, 2)
    assert failed["model"] == MODEL and failed["latency_ms"] > 0 and failed["cost"] == 0.0
    [route] = [e["data"] for e in trace if e["type"] == "route.decided" and e["step"] == "route_extraction"]
    assert (route["target"], route["rule"], route["detail"]) == ("fail", "model_unavailable", expected)
    assert [e["data"]["reason"] for e in trace if e["type"] == "run.failed"] == [expected]

    explained = run_cli("explain", view["run_id"], "--data-dir", data).stdout
    assert "model use: 2 call(s), 400 tokens in, 60 out" in explained
    assert "route_extraction -> fail (rule model_unavailable: ModelUnavailableError: extract_invoice@4" in explained


def test_a_refused_response_format_fails_the_run_at_once_naming_the_setting(
    tmp_path: Path, server: FakeModelServer, prices: Path
) -> None:
    path = write(tmp_path, "invoice.txt", invoice_text())
    server.script(*[error_reply(500, "response_format type json_schema is not supported")] * 4)
    result = run_cli(
        "run", path, "--json", "--model", MODEL, "--base-url", server.base_url, "--data-dir", tmp_path / "d",
        CLAIMFLOW_OPENAI_MODE="json_schema", **{**_env(prices), "CLAIMFLOW_MODEL_MAX_ATTEMPTS": "4"},
    )  # fmt: skip
    [view] = json_lines(result.stdout)
    assert view["status"] == "failed"
    assert "after 1 attempt; " in view["error"] and "CLAIMFLOW_OPENAI_MODE=json_schema" in view["error"]
    assert len(server.requests) == 1


def test_a_web_page_where_the_api_should_be_fails_the_document_naming_the_base_url(
    tmp_path: Path, server: FakeModelServer, prices: Path
) -> None:
    path = write(tmp_path, "invoice.txt", invoice_text())
    page = Reply(text="<!doctype html><html><title>Open WebUI</title></html>")
    server.script(page, page)
    data = tmp_path / "d"
    result = run_cli(
        "run", path, "--json", "--model", MODEL, "--base-url", server.root_url, "--data-dir", data, **_env(prices)
    )  # fmt: skip
    [view] = json_lines(result.stdout)
    assert view["status"] == "failed"  # not invalid output sent to review: the model never saw the request
    assert "the server answered HTTP 200 with text/plain '<!doctype html>" in view["error"]
    assert "after 1 attempt; check that --base-url (CLAIMFLOW_OPENAI_BASE_URL)" in view["error"]
    trace = json_lines(run_cli("trace", view["run_id"], "--json", "--data-dir", data).stdout)
    [call] = [e["data"] for e in trace if e["type"] == "model.called"]
    assert (call["error"], call["transport_attempts"], call["valid"]) == (view["error"], 1, False)
    assert len(server.requests) == 1


def test_output_caps_come_from_the_settings(tmp_path: Path, server: FakeModelServer, prices: Path) -> None:
    path = write(tmp_path, "invoice.txt", invoice_text())
    server.script(rules_answer, rules_answer)
    result = run_cli(
        "run", path, "--json", "--model", MODEL, "--base-url", server.base_url, "--data-dir", tmp_path / "d",
        CLAIMFLOW_MAX_OUTPUT_TOKENS="700", CLAIMFLOW_MAX_OUTPUT_TOKENS_EXTRACT_INVOICE="900", **_env(prices),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert [r.body["max_tokens"] for r in server.requests] == [700, 900]


def test_a_missing_key_is_a_setup_error_before_any_document_is_touched(tmp_path: Path) -> None:
    path = write(tmp_path, "invoice.txt", invoice_text())
    result = run_cli(
        "run", path, "--json", "--model", "anthropic:claude-x", "--data-dir", tmp_path / "d", ANTHROPIC_API_KEY=""
    )
    assert result.returncode == 2
    assert "ANTHROPIC_API_KEY" in result.stderr
    assert result.stdout == ""
    assert not (tmp_path / "d").exists()


def test_a_token_budget_holds_against_a_server_that_reports_no_usage(
    tmp_path: Path, server: FakeModelServer, prices: Path
) -> None:
    def without_usage(request: ReceivedRequest) -> Reply:
        reply = rules_answer(request)
        del reply.body["usage"]
        return reply

    path = write(tmp_path, "invoice.txt", invoice_text())
    server.script(without_usage, without_usage)
    data = tmp_path / "d"
    result = run_cli(
        "run", path, "--json", "--model", MODEL, "--base-url", server.base_url, "--max-tokens", "100",
        "--data-dir", data, **_env(prices),
    )  # fmt: skip
    [view] = json_lines(result.stdout)
    assert view["status"] == "needs_review"
    assert any(reason.startswith("budget_exceeded") for reason in view["review_reasons"]), view["review_reasons"]
    assert len(server.requests) == 1  # the estimated tokens of classify spent the budget: no extract call

    trace = json_lines(run_cli("trace", view["run_id"], "--json", "--data-dir", data).stdout)
    [call] = [e["data"] for e in trace if e["type"] == "model.called"]
    assert call["tokens_estimated"] is True and call["input_tokens"] > 100 and call["cost"] > 0
    explained = run_cli("explain", view["run_id"], "--data-dir", data).stdout
    assert "(tokens estimated for 1 call(s): the server reported no usage)" in explained
