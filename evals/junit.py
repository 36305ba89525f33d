"""The evaluation as JUnit XML, the report CI systems show as test results (`claimflow eval --report eval.xml`).

One test suite per step, one test case per golden case, and one per step for its metrics, so that a CI page
shows the gate as `claimflow eval` decides it (its exit code):

- a case that fails the gate (it passed in the baseline, is new and fails, or a live model gave no answer) is a
  `failure`, with what it expected, what it got, its quote and every difference;
- a case that fails as the baseline records it is `skipped` as a known failure (it does not fail the gate), with
  the same details in its output, so it stays in sight without turning every build red;
- a case replay cannot measure (its claim answered another prompt than the one in force) is an `error`;
- a case `--changed` did not run is `skipped`, saying so;
- a step's `metrics` case fails when one of its metrics fell by more than its tolerance.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any
from xml.etree import ElementTree

from claimflow.evals.evaluation import Evaluation
from claimflow.evals.result import CaseResult

__all__ = ["junit_xml"]

KNOWN_FAILURE = "known failure: it fails in the baseline too, which does not fail the gate"
"""The message of a case that fails as the baseline recorded it."""
NOT_RUN = "not run (--changed): its result is the baseline's"
"""The message of a case `--changed` took from the baseline."""
METRICS = "metrics"
"""The name of each step's test case for its metrics against the baseline's tolerances."""

# XML 1.0 has no way to write these characters, escaped or not; a case's text may hold them (a form feed).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value: str) -> str:
    return _NOT_XML.sub(lambda m: f"\\u{ord(m.group()):04x}", value)


def _details(result: CaseResult) -> str:
    """What a failing case expected and got, its quote and its differences, one per line."""
    lines = [
        f"expected: {json.dumps(result.expected, sort_keys=True, default=str)}",
        f"got: {json.dumps(result.got, sort_keys=True, default=str)}",
    ]
    lines += [f"quote: {result.quote}"] if result.quote else []
    lines += [result.message] if result.message else []
    return "\n".join(lines)


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else ""


def _case(result: CaseResult, failing: dict[str, str], unmeasured: dict[str, str]) -> ElementTree.Element:
    """The test case of one golden case; `failing` maps the cases that fail the gate to why."""
    case = ElementTree.Element(
        "testcase",
        {"classname": f"claimflow.eval.{result.step}", "name": result.id, "time": f"{result.latency_ms / 1000:.3f}"},
    )
    if result.id in unmeasured:
        error = ElementTree.SubElement(case, "error", {"type": "unmeasured", "message": _text(unmeasured[result.id])})
        error.text = _text(unmeasured[result.id])
    elif result.from_baseline:
        ElementTree.SubElement(case, "skipped", {"message": NOT_RUN})
    elif result.passed:
        pass
    elif result.id in failing:
        why = failing[result.id]
        message = f"{why}: {_first_line(result.message)}" if result.message else why
        failure = ElementTree.SubElement(case, "failure", {"type": why, "message": _text(message)})
        failure.text = _text(_details(result))
    else:
        ElementTree.SubElement(case, "skipped", {"message": KNOWN_FAILURE})
        ElementTree.SubElement(case, "system-out").text = _text(_details(result))
    return case


def _gate_failures(evaluation: Evaluation) -> dict[str, str]:
    """The cases that fail the gate, each with why, as the gate names it."""
    verdict = evaluation.verdict
    failing = {flip.id: "regression (passed in the baseline)" for flip in verdict.flips}
    failing |= {new.id: "new case failed" for new in verdict.new_failures}
    failing |= {case: "the model gave no answer" for case in verdict.unanswered}
    return failing


def _metrics_case(evaluation: Evaluation, step: str) -> ElementTree.Element:
    """A step's metrics against the baseline: a failure naming every metric that fell beyond its tolerance."""
    case = ElementTree.Element("testcase", {"classname": f"claimflow.eval.{step}", "name": METRICS, "time": "0"})
    drops = [drop for drop in evaluation.verdict.drops if drop.step == step]
    if drops:
        said = [f"{d.metric}: {d.before} -> {d.after} (tolerance {d.tolerance})" for d in drops]
        failure = ElementTree.SubElement(case, "failure", {"type": "metric dropped", "message": _text(said[0])})
        failure.text = "\n".join(said)
    return case


def _suite(name: str, cases: Iterable[ElementTree.Element]) -> ElementTree.Element:
    suite = ElementTree.Element("testsuite", {"name": name})
    suite.extend(cases)
    counts = _counts(suite)
    suite.attrib.update({key: str(value) for key, value in counts.items()})
    return suite


def _counts(element: ElementTree.Element) -> dict[str, Any]:
    cases = element.findall(".//testcase")
    return {
        "tests": len(cases),
        "failures": sum(case.find("failure") is not None for case in cases),
        "errors": sum(case.find("error") is not None for case in cases),
        "skipped": sum(case.find("skipped") is not None for case in cases),
    }


def junit_xml(evaluation: Evaluation) -> str:
    """The evaluation as one JUnit XML document (`testsuites`, a `testsuite` per step)."""
    failing = _gate_failures(evaluation)
    unmeasured = {case.id: case.reason for case in evaluation.verdict.unmeasured}
    root = ElementTree.Element("testsuites", {"name": f"claimflow eval: {evaluation.model}"})
    for step in evaluation.metrics:
        results = [result for result in evaluation.results if result.step == step]
        root.append(
            _suite(step, [*(_case(result, failing, unmeasured) for result in results), _metrics_case(evaluation, step)])
        )
    root.attrib.update({key: str(value) for key, value in _counts(root).items()})
    ElementTree.indent(root)
    return ElementTree.tostring(root, encoding="unicode", xml_declaration=True) + "\n"
