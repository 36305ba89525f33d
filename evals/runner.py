"""Replay golden cases through apply and the routers, or re-run them on a live backend, and gate regressions.

Replay checks the deterministic half (apply + routing) against recorded claims. Live mode asks a
model backend for a fresh claim on the same input, which is what catches a prompt or model change.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from claimflow.evals.case import GoldenCase
from claimflow.nodes.ports import ModelGateway, ModelInput
from claimflow.prompts import CLASSIFY, extract_prompt
from claimflow.routing.routers import route_after_classify, route_after_extract
from claimflow.state.apply import apply_classification, apply_extraction
from claimflow.state.claims import ClassificationClaim, ExtractionClaim
from claimflow.state.documents import DocumentRef, SourceText
from claimflow.state.outcomes import Classification
from claimflow.state.schema import DocumentTypes
from claimflow.state.workflow import WorkflowState


@dataclass
class CaseResult:
    """Whether a case passed, and every difference when it did not."""

    name: str
    step: str
    prompt: str
    failures: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        """True when nothing differed."""
        return not self.failures


def _state(case: GoldenCase) -> WorkflowState:
    document = DocumentRef(document_id="0" * 64, filename=f"{case.name}.txt", media_type="text/plain", size=0)
    state = WorkflowState(run_id=f"eval-{case.name}", document=document)
    if case.doc_type:
        accepted = Classification(doc_type=case.doc_type, confidence=1.0, accepted=True)
        state = state.model_copy(update={"classification": accepted})
    return state


def evaluate(case: GoldenCase, claim: dict[str, Any], types: DocumentTypes) -> CaseResult:
    """Apply `claim` to the case's source, route, and compare with the expectation."""
    result = CaseResult(case.name, case.step, case.prompt)
    source = SourceText(pages=tuple(case.pages))
    state = _state(case)
    if case.step == "classify":
        classified = ClassificationClaim.model_validate(claim)
        patch = apply_classification(classified, source, types=types, step="classify", claim_id="c")
        state = state.model_copy(update=patch.as_update())
        decided = route_after_classify(state, types).decision("route_type")
        if case.expected.doc_type is not None and state.classification:
            if state.classification.doc_type != case.expected.doc_type:
                result.failures.append(f"type {state.classification.doc_type!r} != {case.expected.doc_type!r}")
        accepted = case.expected.classification_accepted
        if accepted is not None and state.classification and state.classification.accepted != accepted:
            result.failures.append(f"classification accepted={state.classification.accepted}, expected {accepted}")
    else:
        assert case.doc_type is not None, "extraction cases name their doc_type"
        patch = apply_extraction(
            types.get(case.doc_type), ExtractionClaim.model_validate(claim), source, step=case.step, attempt=1
        )
        state = state.model_copy(update=patch.as_update())
        decided = route_after_extract(state).decision("route_extraction")
    for name, expected in case.expected.fields.items():
        actual = state.fields.get(name)
        if actual is None or actual.status != expected.status or actual.value != expected.value:
            got = (actual.status, actual.value) if actual else None
            result.failures.append(f"{name}: got {got}, expected ({expected.status!r}, {expected.value!r})")
        elif expected.reason_contains and not any(expected.reason_contains in r for r in actual.reasons):
            result.failures.append(f"{name}: no reason contains {expected.reason_contains!r}: {actual.reasons}")
    if decided.target != case.expected.route:
        result.failures.append(f"route {decided.target!r} (rule {decided.rule}), expected {case.expected.route!r}")
    elif case.expected.route_rule and decided.rule != case.expected.route_rule:
        result.failures.append(f"route rule {decided.rule!r}, expected {case.expected.route_rule!r}")
    return result


async def live_claim(
    case: GoldenCase, gateway: ModelGateway, types: DocumentTypes
) -> tuple[dict[str, Any] | None, str]:
    """A fresh claim from `gateway` for the case's input, and the prompt ref it answered."""
    doc_type = types.get(case.doc_type) if case.doc_type else None
    if doc_type is None:
        classified = await gateway.complete(CLASSIFY, ModelInput(pages=tuple(case.pages), types=tuple(types)))
        return (classified.claim.model_dump(mode="json") if classified.claim else None), CLASSIFY.ref
    prompt = extract_prompt(doc_type)
    extracted = await gateway.complete(prompt, ModelInput(pages=tuple(case.pages), doc_type=doc_type))
    return (extracted.claim.model_dump(mode="json") if extracted.claim else None), prompt.ref


def run_cases(cases: list[GoldenCase], types: DocumentTypes, gateway: ModelGateway | None = None) -> list[CaseResult]:
    """Evaluate every case: on its recorded claim, or on a live claim when a gateway is given."""
    results: list[CaseResult] = []
    for case in cases:
        if gateway is not None and case.replay_only:
            continue
        if gateway is None:
            results.append(evaluate(case, case.recorded_claim, types))
            continue
        claim, ref = asyncio.run(live_claim(case, gateway, types))
        if claim is None:
            results.append(CaseResult(case.name, case.step, ref, ["the backend returned invalid output"]))
        else:
            result = evaluate(case, claim, types)
            result.prompt = ref
            results.append(result)
    return results


def regressions(results: list[CaseResult], baseline_path: Path) -> list[str]:
    """Cases that passed in the committed baseline and fail now."""
    baseline = json.loads(baseline_path.read_text()) if baseline_path.exists() else {}
    return [r.name for r in results if baseline.get(r.name) is True and not r.passed]


def baseline_of(results: list[CaseResult]) -> dict[str, bool]:
    """The baseline file's content for these results."""
    return {r.name: r.passed for r in sorted(results, key=lambda r: r.name)}
