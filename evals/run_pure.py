"""Runners for the deterministic kinds: apply, router, rule and review cases call the pure functions directly.

Each takes the active document types (`types`): the built-ins, or those discovery finds for `claimflow eval`.
"""

from __future__ import annotations

from claimflow.evals.facts import StateFacts
from claimflow.evals.golden import TODAY, ApplyCase, ReviewCase, RouterCase, RuleCase
from claimflow.evals.result import CaseResult, differences, result
from claimflow.routing.routers import route_after_review, routers_for
from claimflow.state.apply import apply_review_decision, build_review_request, check_field_claim
from claimflow.state.documents import SourceText
from claimflow.state.errors import InvalidDecisionError
from claimflow.state.evidence import Evidence
from claimflow.state.outcomes import ReviewReason, TableRow
from claimflow.state.policy import Policy
from claimflow.state.rules import validate_document
from claimflow.state.schema import DocumentTypes

_NOWHERE = Evidence(page=1, start=0, end=0, quote="")
"""Rules read a table row's cells, never its evidence."""


def run_apply(case: ApplyCase, types: DocumentTypes) -> CaseResult:
    """Check each field claim against the source and compare the verdicts."""
    doc_type = types.get(case.doc_type)
    source = SourceText(pages=tuple(case.pages))
    outcomes = [
        check_field_claim(doc_type, claim, source, step=f"extract_{case.doc_type}", claim_id=f"{case.name}#{n}")
        for n, claim in enumerate(case.claims, start=1)
    ]
    got = [{"field": o.field, "accepted": o.accepted, "check": o.check} for o in outcomes]
    expected = [verdict.model_dump() for verdict in case.expected]
    pairs = enumerate(zip(expected, got, strict=False), start=1)
    problems = [
        f"claim {n} ({want['field']}): {problem}" for n, (want, have) in pairs for problem in differences(want, have)
    ]
    if len(expected) != len(got):
        problems.append(f"verdicts: expected {len(expected)}, got {len(got)}")
    quote = next((o.evidence.quote for o in outcomes if o.evidence), None)
    return result(case.id, case.kind, case.step, expected, got, problems, quote=quote)


def run_router(case: RouterCase, types: DocumentTypes) -> CaseResult:
    """Route the state the facts describe and compare the target and the rule that fired."""
    route = routers_for(types)[case.router](case.facts.state(case.id))
    got = {"target": route.target, "rule": route.rule}
    expected = case.expected.model_dump()
    return result(case.id, case.kind, case.step, expected, got, differences(expected, got))


def run_rule(case: RuleCase, types: DocumentTypes) -> CaseResult:
    """Run the type's business rules over the values and compare every result."""
    fields = StateFacts(fields=dict(case.values)).field_results()
    tables = {
        name: [TableRow(cells=row.cells, evidence=_NOWHERE) for row in rows] for name, rows in case.tables.items()
    }
    results = validate_document(
        types.get(case.doc_type),
        fields,
        tables,
        Policy(),
        today=TODAY,
        earlier_runs=tuple(case.earlier_runs),
    )
    got = [{"rule": r.rule, "passed": r.passed} for r in results]
    expected = [want.model_dump() for want in case.expected]
    problems = [] if got == expected else [f"rule results: expected {expected}, got {got}"]
    # Each result's message, in order: a rule run for each of several fields (date_plausible) says which failed.
    problems += [f"  {r.rule} {'passed' if r.passed else 'failed'}: {r.message}" for r in results if problems]
    return result(case.id, case.kind, case.step, expected, got, problems)


def run_review(case: ReviewCase, types: DocumentTypes) -> CaseResult:
    """Apply the decision to the paused run's request; compare acceptance, errors, values and the next route."""
    state = case.facts.state(case.id)
    reasons = [ReviewReason(code=code, message=code) for code in case.reasons]
    source = SourceText(pages=tuple(case.pages))
    state = state.model_copy(update={"review_request": build_review_request(state, types, reasons, source)})
    expected = case.expected
    try:
        patch = apply_review_decision(state, case.decision, types, source)
    except InvalidDecisionError as refused:
        got: dict[str, object] = {"accepted": False, "errors": str(refused)}
        problems = differences({"accepted": expected.accepted}, got)
        problems += [f"errors: expected a part {part!r}, got {str(refused)!r}" for part in expected.errors_contain
                     if part not in str(refused)]  # fmt: skip
        return result(case.id, case.kind, case.step, expected.model_dump(), got, problems)
    state = state.model_copy(update=patch.as_update())
    values = {name: state.fields[name].value if name in state.fields else None for name in expected.fields}
    classified = state.classification.doc_type if state.classification else None
    got = {"accepted": True, "fields": values, "doc_type": classified, "route": route_after_review(state).target}
    wanted = {"accepted": expected.accepted, "fields": expected.fields}
    wanted |= {key: value for key in ("doc_type", "route") if (value := getattr(expected, key)) is not None}
    return result(case.id, case.kind, case.step, expected.model_dump(), got, differences(wanted, got))
