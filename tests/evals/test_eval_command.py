"""`claimflow eval`: the golden cases with per-step metrics, a report file, and the gate against the baseline."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from claimflow.evals.baseline import baseline_path
from claimflow.evals.golden import GOLDENS
from tests.integration._docs import run_cli

PACKAGE_BASELINE = baseline_path("replay")
"""A copied folder's cases gate against their own folder's baseline unless one is named: these name the package's."""


def _copy_step(tmp_path: Path, *steps: str) -> Path:
    root = tmp_path / "goldens"
    for step in steps:
        shutil.copytree(GOLDENS / step, root / step)
    return root


def _worsen(path: Path, change: Any) -> None:
    case = json.loads(path.read_text())
    change(case)
    path.write_text(json.dumps(case))


def test_the_gate_fails_on_a_worsened_golden_and_names_the_flipped_case(tmp_path: Path) -> None:
    root = _copy_step(tmp_path, "rules_invoice")

    def expect_a_failing_total(case: dict[str, Any]) -> None:
        case["expected"][0]["passed"] = not case["expected"][0]["passed"]

    _worsen(root / "rules_invoice" / "clean-invoice-passes-every-rule.json", expect_a_failing_total)
    done = run_cli("eval", "--goldens", root, "--step", "rules_invoice", "--baseline", PACKAGE_BASELINE)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "flipped rules_invoice-clean-invoice-passes-every-rule: passed -> failed" in done.stdout
    assert "expected:" in done.stdout
    assert "after:" in done.stdout
    # Only the worsened case flipped.
    assert done.stdout.count("flipped ") == 1
    assert "metric rules_invoice.pass_rate dropped: 1.000 -> 0.875" in done.stdout


def test_the_gate_passes_on_the_untouched_tree() -> None:
    done = run_cli("eval")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "route_accuracy" in done.stdout
    assert "replay makes no model calls" in done.stdout
    assert "flipped" not in done.stdout
    assert "the gate passes against baseline.replay.json: no case flipped to failing" in done.stderr
    assert "no metric dropped beyond its tolerance" in done.stderr


def test_a_metric_drop_within_its_configured_tolerance_passes(tmp_path: Path) -> None:
    root = _copy_step(tmp_path, "extract_invoice")

    def expect_another_number(case: dict[str, Any]) -> None:
        case["expected"]["fields"]["invoice_number"]["value"] = "NOT-THE-NUMBER"

    _worsen(root / "extract_invoice" / "clean-english-invoice.json", expect_another_number)
    baseline = json.loads((GOLDENS.parent / "baseline.replay.json").read_text())
    baseline["cases"]["extract_invoice-clean-english-invoice"] = False  # a known failure: only the metrics
    baseline["tolerances"] = {"pass_rate": 0.5, "exact_match": 0.5, "precision": 0.5, "recall": 0.5}
    lenient = tmp_path / "baseline.json"
    lenient.write_text(json.dumps(baseline))
    passes = run_cli("eval", "--goldens", root, "--step", "extract_invoice", "--baseline", lenient)
    assert passes.returncode == 0, passes.stdout + passes.stderr
    baseline["tolerances"] = {}
    lenient.write_text(json.dumps(baseline))
    fails = run_cli("eval", "--goldens", root, "--step", "extract_invoice", "--baseline", lenient)
    assert fails.returncode == 1
    assert "metric extract_invoice.exact_match dropped: 1.000 -> 0.800 (tolerance 0.0)" in fails.stdout


def _share(hits: int, total: int) -> float | None:
    return hits / total if total else None


def test_a_new_case_that_fails_fails_the_gate_until_a_baseline_records_it(tmp_path: Path) -> None:
    root = _copy_step(tmp_path, "rules_invoice")

    def expect_a_failing_total(case: dict[str, Any]) -> None:
        case["expected"][0]["passed"] = not case["expected"][0]["passed"]

    _worsen(root / "rules_invoice" / "clean-invoice-passes-every-rule.json", expect_a_failing_total)
    broken = "rules_invoice-clean-invoice-passes-every-rule"
    # No baseline in the folder: every case is new, and the one that fails is named and fails the gate.
    fails = run_cli("eval", "--goldens", root)
    assert fails.returncode == 1, fails.stdout + fails.stderr
    assert f"new case failed {broken} (the baseline does not know it)" in fails.stdout
    assert fails.stdout.count("new case failed ") == 1
    assert f"no baseline at {root / 'baseline.replay.json'}" in fails.stderr
    assert "the gate does not pass (no baseline yet at baseline.replay.json): 1 new case(s) failing" in fails.stderr
    # A change that was meant is accepted by writing the baseline: the line says so.
    assert "; if the change is intended, run again with --update-baseline to accept it" in fails.stderr
    assert "the gate passes" not in fails.stderr
    as_json = run_cli("eval", "--goldens", root, "--json")
    assert as_json.returncode == 1
    assert [case["id"] for case in json.loads(as_json.stdout)["gate"]["new_failures"]] == [broken]
    # Once a baseline records it as failing, it is a known failure: named, and the gate passes.
    assert run_cli("eval", "--goldens", root, "--update-baseline").returncode == 0
    known = run_cli("eval", "--goldens", root)
    assert known.returncode == 0, known.stdout + known.stderr
    assert f"failing as in the baseline: {broken}" in known.stdout
    assert "new case failed" not in known.stdout and "no baseline" not in known.stderr


def test_json_metrics_are_the_numbers_the_case_results_give() -> None:
    steps = ["classify", "extract_invoice", "apply", "route_type", "document"]
    done = run_cli("eval", "--json", *(arg for step in steps for arg in ("--step", step)))
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    cases, metrics = report["cases"], report["metrics"]
    assert sorted(metrics) == sorted(steps)
    for step in steps:
        mine = [c for c in cases if c["step"] == step]
        assert metrics[step]["cases"] == len(mine) > 0
        assert metrics[step]["passed"] == sum(c["passed"] for c in mine)
        assert metrics[step]["failed"] == sum(not c["passed"] for c in mine)
        assert metrics[step]["cost"] == 0 and metrics[step]["input_tokens"] == 0
    classify = [c for c in cases if c["step"] == "classify" and c["expected"].get("doc_type")]
    right = sum(c["got"]["doc_type"] == c["expected"]["doc_type"] for c in classify)
    assert metrics["classify"]["type_accuracy"] == _share(right, len(classify))
    verdicts = [(w, g) for c in cases if c["step"] == "apply" for w, g in zip(c["expected"], c["got"], strict=True)]
    agree = sum(w["accepted"] == g["accepted"] for w, g in verdicts)
    assert metrics["apply"]["accept_reject_agreement"] == _share(agree, len(verdicts))
    assert metrics["apply"]["evidence_validity"] == _share(sum(g["accepted"] for _, g in verdicts), len(verdicts))
    routed = [c for c in cases if c["step"] == "route_type"]
    assert metrics["route_type"]["route_accuracy"] == _share(
        sum(c["got"]["target"] == c["expected"]["target"] for c in routed), len(routed)
    )
    documents = [c for c in cases if c["step"] == "document"]
    review = sum(c["got"]["status"] == "needs_review" for c in documents)
    assert 0 < review < len(documents)
    assert metrics["document"]["review_rate"] == _share(review, len(documents))
    expected = claimed = right_values = 0
    for c in (c for c in cases if c["step"] == "extract_invoice"):
        for name, want in c["expected"]["fields"].items():
            have = c["got"]["fields"].get(name, {})
            wants = want.get("status", "accepted") == "accepted" and want.get("value") is not None
            has = have.get("status") == "accepted" and have.get("value") is not None
            expected, claimed = expected + wants, claimed + has
            right_values += wants and has and have["value"] == want["value"]
    assert metrics["extract_invoice"]["precision"] == _share(right_values, claimed)
    assert metrics["extract_invoice"]["recall"] == _share(right_values, expected)


def test_the_html_report_is_one_page_with_the_step_table_and_a_failing_case_escaped(tmp_path: Path) -> None:
    root = _copy_step(tmp_path, "extract_invoice")

    def expect_markup(case: dict[str, Any]) -> None:
        case["expected"]["fields"]["invoice_number"]["value"] = "<script>alert(1)</script>"

    _worsen(root / "extract_invoice" / "clean-english-invoice.json", expect_markup)
    page = tmp_path / "report.html"
    done = run_cli(
        "eval", "--goldens", root, "--step", "extract_invoice", "--report", page, "--baseline", PACKAGE_BASELINE
    )
    assert done.returncode == 1
    text = page.read_text()
    assert text.startswith("<!doctype html>")
    assert "<script" not in text and "src=" not in text and "<link" not in text
    assert "<th>step</th>" in text and "<td>extract_invoice</td>" in text and "<th>precision</th>" in text
    assert "<h3>extract_invoice-clean-english-invoice</h3>" in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text  # expected
    assert "BPS-2024-0311" in text  # got
    assert "<td>extract_invoice-clean-english-invoice</td><td>passed</td><td>failed</td>" in text
    markdown = tmp_path / "report.md"
    run_cli(
        "eval", "--goldens", root, "--step", "extract_invoice", "--report", markdown, "--baseline", PACKAGE_BASELINE
    )
    assert "| extract_invoice |" in markdown.read_text()
    assert "### extract_invoice-clean-english-invoice" in markdown.read_text()


def _files_about(step: str, doc_type: str) -> set[str]:
    found = set()
    for path in (GOLDENS / step).glob("*.json"):
        case = json.loads(path.read_text())
        if doc_type in (case.get("doc_type"), case["expected"].get("doc_type")):
            found.add(f"{step}-{path.stem}")
    return found


def test_step_and_type_select_the_cases() -> None:
    done = run_cli("eval", "--json", "--step", "classify", "--step", "extract_receipt", "--type", "receipt")
    assert done.returncode == 0, done.stderr
    ids = {c["id"] for c in json.loads(done.stdout)["cases"]}
    assert ids == _files_about("classify", "receipt") | _files_about("extract_receipt", "receipt")
    assert {"classify-receipt-till-slip", "extract_receipt-second-receipt"} <= ids
    only_steps = run_cli("eval", "--json", "--step", "route_parse")
    assert {c["step"] for c in json.loads(only_steps.stdout)["cases"]} == {"route_parse"}
    assert len(json.loads(only_steps.stdout)["cases"]) == len(list((GOLDENS / "route_parse").glob("*.json")))


def test_cases_run_at_once_give_the_same_results_in_the_same_order() -> None:
    steps = ("--step", "document", "--step", "apply")
    one = json.loads(run_cli("eval", "--json", *steps).stdout)
    four = json.loads(run_cli("eval", "--json", "--concurrency", "4", *steps).stdout)
    assert [c["id"] for c in four["cases"]] == [c["id"] for c in one["cases"]]
    assert four["metrics"] == one["metrics"]


def test_the_rules_note_does_not_call_its_measured_latency_zero() -> None:
    done = run_cli("eval", "--model", "rules", "--step", "classify")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "rules makes no model calls: tokens and cost are zero; ms is the time its rules took" in done.stdout
    assert "latency are zero" not in done.stdout
