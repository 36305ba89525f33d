"""`claimflow eval --report FILE.xml`: JUnit XML that shows the gate as the command decides it.

A case that fails the gate is a failure, one failing as the baseline recorded it a skipped known failure, and each
step's metrics a case of their own; the counts add up, and every text is written so that the file parses.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from claimflow.evals.baseline import Flip, GateVerdict
from claimflow.evals.evaluation import Evaluation
from claimflow.evals.junit import KNOWN_FAILURE, METRICS, junit_xml
from claimflow.evals.result import CaseResult
from tests.evals.test_eval_command import PACKAGE_BASELINE, _copy_step, _worsen
from tests.integration._docs import run_cli

WORSENED = "rules_invoice-clean-invoice-passes-every-rule"


def _expect_a_failing_total(case: dict[str, Any]) -> None:
    case["expected"][0]["passed"] = not case["expected"][0]["passed"]


def _cases(report: ElementTree.Element) -> dict[str, ElementTree.Element]:
    return {case.get("name", ""): case for case in report.iter("testcase")}


def _counts(element: ElementTree.Element) -> tuple[int, int, int, int]:
    tests, failures, errors, skipped = (
        int(element.get(key, "-1")) for key in ("tests", "failures", "errors", "skipped")
    )
    return tests, failures, errors, skipped


def test_a_regression_is_a_failure_and_then_a_known_failure_is_skipped(tmp_path: Path) -> None:
    root = _copy_step(tmp_path, "rules_invoice")
    _worsen(root / "rules_invoice" / "clean-invoice-passes-every-rule.json", _expect_a_failing_total)
    cases_in_folder = len(list((root / "rules_invoice").glob("*.json")))
    xml = tmp_path / "eval.xml"

    gated = run_cli(
        "eval", "--goldens", root, "--step", "rules_invoice", "--baseline", PACKAGE_BASELINE, "--report", xml
    )
    assert gated.returncode == 1, gated.stdout + gated.stderr
    report = ElementTree.parse(xml).getroot()
    assert report.tag == "testsuites" and [suite.get("name") for suite in report] == ["rules_invoice"]
    # Every case of the folder and the step's metrics; the worsened case and the metric it dropped fail.
    assert _counts(report) == _counts(report[0]) == (cases_in_folder + 1, 2, 0, 0)
    cases = _cases(report)
    failure = cases[WORSENED].find("failure")
    assert failure is not None and failure.get("type") == "regression (passed in the baseline)"
    assert "expected: " in (failure.text or "") and "got: " in (failure.text or "")
    metrics = cases[METRICS].find("failure")
    assert metrics is not None and (metrics.get("message") or "").startswith("pass_rate: 1.0 -> 0.875")
    assert all(case.find("failure") is None for name, case in cases.items() if name not in (WORSENED, METRICS))

    # Recorded as a known failure, the case no longer fails the gate: skipped, its details kept in sight.
    baseline = tmp_path / "baseline.json"
    shutil.copyfile(PACKAGE_BASELINE, baseline)
    updated = run_cli("eval", "--goldens", root, "--step", "rules_invoice", "--baseline", baseline, "--update-baseline")
    assert updated.returncode == 0, updated.stdout + updated.stderr
    again = run_cli("eval", "--goldens", root, "--step", "rules_invoice", "--baseline", baseline, "--report", xml)
    assert again.returncode == 0, again.stdout + again.stderr
    report = ElementTree.parse(xml).getroot()
    assert _counts(report) == (cases_in_folder + 1, 0, 0, 1)
    known = _cases(report)[WORSENED]
    skipped, out = known.find("skipped"), known.find("system-out")
    assert skipped is not None and skipped.get("message") == KNOWN_FAILURE
    assert out is not None and "expected: " in (out.text or "")


def test_a_new_failing_case_fails_and_any_text_is_written_so_that_the_file_parses() -> None:
    quote = "Total\x0c<b>&amp; 12.00\x00"  # a form feed between pages, markup, and a character XML cannot hold
    failing = CaseResult(
        id="extract_x-new", kind="model_step", step="extract_x", passed=False, quote=quote, message=f"got {quote}"
    )
    passing = CaseResult(id="extract_x-old", kind="model_step", step="extract_x", passed=True, latency_ms=1500)
    verdict = GateVerdict(changes=[Flip(failing.id, "new", "failed")])  # the baseline does not know it
    evaluation = Evaluation("m", [failing, passing], {"extract_x": {}}, Path("baseline.m.json"), verdict)

    report = ElementTree.fromstring(junit_xml(evaluation))
    assert _counts(report) == (3, 1, 0, 0)
    cases = _cases(report)
    failure = cases["extract_x-new"].find("failure")
    assert failure is not None and failure.get("type") == "new case failed"
    assert "quote: Total\\u000c<b>&amp; 12.00\\u0000" in (failure.text or "")
    assert cases["extract_x-old"].get("time") == "1.500" and cases["extract_x-old"].find("failure") is None
