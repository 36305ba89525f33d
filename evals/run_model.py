"""The model_step runner: a claim (recorded, or fresh from a backend) through apply and the step's router."""

from __future__ import annotations

from typing import Any, NamedTuple

from claimflow.evals.builtin import builtin_workflow_types
from claimflow.evals.golden import ExpectedField, ModelStepCase, TableRowValues
from claimflow.evals.result import CaseResult, differences, result
from claimflow.nodes.ports import ModelGateway, ModelInput, Usage
from claimflow.prompts import CLASSIFY, extract_prompt
from claimflow.routing.routers import route_after_classify, route_after_extract
from claimflow.state.apply import apply_classification, apply_extraction
from claimflow.state.claims import ClassificationClaim, ExtractionClaim
from claimflow.state.documents import NO_DOCUMENT, DocumentRef, SourceText
from claimflow.state.outcomes import Classification, FieldResult, TableRow
from claimflow.state.schema import DocumentTypes
from claimflow.state.workflow import WorkflowState


def _state(case: ModelStepCase) -> WorkflowState:
    document = DocumentRef(document_id=NO_DOCUMENT, filename=f"{case.name}.txt", media_type="text/plain", size=0)
    state = WorkflowState(run_id=f"eval-{case.name}", document=document)
    if case.doc_type:
        accepted = Classification(doc_type=case.doc_type, confidence=1.0, accepted=True)
        state = state.model_copy(update={"classification": accepted})
    return state


def _field_problems(name: str, want: ExpectedField, have: FieldResult | None) -> list[str]:
    if have is None:
        return [f"{name}: expected {want.status} {want.value!r}, got no result"]
    if (have.status, have.value) != (want.status, want.value):
        return [f"{name}: expected {want.status} {want.value!r}, got {have.status} {have.value!r}"]
    quote = have.evidence[0].quote if have.evidence else None
    if want.quote is not None and want.quote not in (quote or ""):
        return [f"{name}: expected a quote citing {want.quote!r}, got {quote!r}"]
    if want.reason_contains and not any(want.reason_contains in reason for reason in have.reasons):
        return [f"{name}: expected a reason containing {want.reason_contains!r}, got {have.reasons}"]
    return []


def _table_problems(name: str, want: list[TableRowValues], have: list[TableRow]) -> list[str]:
    """The differences between the rows a case expects of a table and those apply accepted, in order.

    A row is judged on the columns the case gives; a column it leaves out may hold anything.
    """
    if len(have) != len(want):
        return [f"{name}: expected {len(want)} accepted row(s), got {len(have)}"]
    return [
        f"{name} row {number}: expected {column} {cell!r}, got {row.cells.get(column)!r}"
        for number, (wanted, row) in enumerate(zip(want, have, strict=True), start=1)
        for column, cell in wanted.cells.items()
        if row.cells.get(column) != cell
    ]


def _got_field(have: FieldResult) -> dict[str, Any]:
    return {"status": have.status, "value": have.value, "quote": have.evidence[0].quote if have.evidence else None}


def evaluate(
    case: ModelStepCase, claim: dict[str, Any], prompt: str | None = None, *, types: DocumentTypes | None = None
) -> CaseResult:
    """Apply `claim` to the case's source, route, and compare with the expectation.

    `types` are the active document types the claim is judged against; the built-in ones by default.
    """
    types = builtin_workflow_types() if types is None else types
    source, state, expected = SourceText(pages=tuple(case.pages)), _state(case), case.expected
    problems: list[str] = []
    got: dict[str, Any] = {}
    if case.step == "classify":
        classified = ClassificationClaim.model_validate(claim)
        patch = apply_classification(classified, source, types=types, step="classify", claim_id="c")
        state = state.model_copy(update=patch.as_update())
        route = route_after_classify(state, types)
        found = state.classification
        got |= {"doc_type": found.doc_type if found else None, "accepted": found.accepted if found else None}
        wanted = {"doc_type": expected.doc_type, "accepted": expected.accepted}
        problems += differences({key: value for key, value in wanted.items() if value is not None}, got)
        quote = found.evidence[0].quote if found and found.evidence else None
    else:
        assert case.doc_type is not None, "extraction cases name their doc_type"
        extracted = ExtractionClaim.model_validate(claim)
        patch = apply_extraction(types.get(case.doc_type), extracted, source, step=case.step, attempt=1)
        state = state.model_copy(update=patch.as_update())
        route = route_after_extract(state)
        for name, want in expected.fields.items():
            problems += _field_problems(name, want, state.fields.get(name))
        for name, rows in expected.tables.items():
            problems += _table_problems(name, rows, state.tables.get(name, []))
        got["fields"] = {name: _got_field(have) for name, have in state.fields.items()}
        if expected.tables:  # the rows of the tables the case judges, as they are expected
            got["tables"] = {name: [{"cells": row.cells} for row in state.tables.get(name, [])]
                             for name in expected.tables}  # fmt: skip
        quote = next((have.evidence[0].quote for have in state.fields.values() if have.evidence), None)
    got |= {"route": route.target, "route_rule": route.rule}
    if route.target != expected.route:
        problems.append(f"route: expected {expected.route!r}, got {route.target!r} (rule {route.rule})")
    elif expected.route_rule and route.rule != expected.route_rule:
        problems.append(f"route rule: expected {expected.route_rule!r}, got {route.rule!r}")
    return result(
        case.id, case.kind, case.step, expected.model_dump(exclude_defaults=True), got, problems,
        quote=quote, prompt=prompt or case.prompt,
    )  # fmt: skip


class LiveClaim(NamedTuple):
    """What a live backend answered for one case."""

    claim: dict[str, Any] | None
    """The claim, as JSON data; None when the output was not one."""
    prompt: str
    """The ref of the prompt it answered."""
    usage: Usage
    errors: list[str]
    """Why the output was not a claim (the gateway's validation errors); empty when it was one."""


async def live_claim(case: ModelStepCase, gateway: ModelGateway, types: DocumentTypes) -> LiveClaim:
    """A fresh claim from `gateway` for the case's input, the prompt ref it answered and what the call cost.

    The classify prompt lists every one of `types`, as the workflow's does; extraction asks for the case's type.
    """
    pages = tuple(case.pages)
    if case.doc_type is None:
        classified = await gateway.complete(CLASSIFY, ModelInput(pages=pages, types=tuple(types)))
        claim = classified.claim.model_dump(mode="json") if classified.claim else None
        return LiveClaim(claim, CLASSIFY.ref, classified.usage, list(classified.errors))
    doc_type = types.get(case.doc_type)
    prompt = extract_prompt(doc_type)
    extracted = await gateway.complete(prompt, ModelInput(pages=pages, doc_type=doc_type))
    claim = extracted.claim.model_dump(mode="json") if extracted.claim else None
    return LiveClaim(claim, prompt.ref, extracted.usage, list(extracted.errors))
