"""Reviewed runs become golden cases: what a reviewer decided is what the step must produce.

Cases are written from the masked pages the model saw (placeholders such as `[EMAIL_1]`), never from the
document's own text. An approved or edited run becomes a `model_step` case for its extraction step; a
rejected run becomes a `review` case whose decision must end the run.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from claimflow.evals._remask import remasked
from claimflow.evals.facts import StateFacts
from claimflow.evals.golden import (
    ExpectedField,
    ExpectedReview,
    ModelStepCase,
    ModelStepExpected,
    ReviewCase,
    TableRowValues,
)
from claimflow.routing.routers import route_after_extract
from claimflow.runtime.gateway._exchange import RecordingCorruptError, load_exchange
from claimflow.state.apply import apply_extraction
from claimflow.state.apply.row_edits import REVIEWERS_WORD
from claimflow.state.claims import ExtractionClaim
from claimflow.state.documents import SourceText
from claimflow.state.masking import Replacement
from claimflow.state.review import ReviewDecision

if TYPE_CHECKING:
    from claimflow.runtime.engine import Engine
    from claimflow.state.schema import DocumentType
    from claimflow.state.workflow import WorkflowState

__all__ = ["CaptureError", "Captured", "capture_run"]


class CaptureError(Exception):
    """A run that cannot become a golden case (never reviewed, still waiting, no extraction to check)."""


@dataclass(frozen=True)
class Captured:
    """The case files written for one run."""

    run_id: str
    files: list[Path] = field(default_factory=list)
    unquoted: list[str] = field(default_factory=list)
    """Fields a reviewer edited that the case does not judge: no quote on the pages the model saw proves their
    value (the reviewer's word), and a model's claim, which the case records, needs one."""


def slug(text: str) -> str:
    """`text` as a case name: lower-case letters, digits and single dashes."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "document"


def _free_path(folder: Path, name: str) -> Path:
    """`folder/name.json`, or `name-2.json`, `name-3.json`... when it exists: a case is never overwritten."""
    path, number = folder / f"{name}.json", 1
    while path.exists():
        number += 1
        path = folder / f"{name}-{number}.json"
    return path


def _write(case: ModelStepCase | ReviewCase, out: Path) -> Path:
    folder = out / case.step
    folder.mkdir(parents=True, exist_ok=True)
    path = _free_path(folder, case.name)
    case = case.model_copy(update={"name": path.stem})
    # "x" mode: a file that appeared meanwhile is refused, not overwritten.
    with path.open("x", encoding="utf-8") as file:
        file.write(case.model_dump_json(indent=2, exclude_none=True) + "\n")
    return path


def _model_answer(
    events: list[dict[str, Any]], step: str, pages: list[str], state: WorkflowState
) -> tuple[dict[str, Any], str, str | None]:
    """The model's last answer for `step`, its prompt ref and hash: from its recording, else rebuilt from the run."""
    calls = [e["data"] for e in events if e.get("type") == "model.called" and e.get("step") == step]
    if not calls:
        raise CaptureError(f"no model answer for step {step} in the run's events")
    last = calls[-1]
    digest = last.get("prompt_hash")
    digest = digest if isinstance(digest, str) and len(digest) == 64 else None  # events before it was kept
    recording = last.get("recording")
    if recording and Path(recording).is_file():
        try:
            claim = load_exchange(Path(recording), verify=False).claim
        except RecordingCorruptError as error:
            raise CaptureError(str(error)) from error
        if claim is not None:
            return claim, str(last["prompt"]), digest
    rows = _rows_from_state(state, pages, events)
    return {"fields": _claims_from_events(events, step, pages), "rows": rows}, str(last["prompt"]), digest


def _on_pages(evidence: dict[str, Any], pages: list[str]) -> dict[str, Any]:
    """`evidence` with its offsets on the masked pages the case holds, where its quote is on its page."""
    # Events and state keep offsets in the document's own text; the case's pages are the masked text the model saw.
    page = pages[evidence["page"] - 1] if 0 < evidence["page"] <= len(pages) else ""
    if page[evidence.get("start", -1) : evidence.get("end", -1)] == evidence["quote"]:
        return evidence  # already where the pages hold it (a recorded answer's own offsets)
    start = page.find(evidence["quote"])
    return evidence | {"start": start, "end": start + len(evidence["quote"])} if start >= 0 else evidence


def _rows_from_state(state: WorkflowState, pages: list[str], events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The run's table rows as the extraction claimed them: the run's tables with the reviewers' corrections undone.

    Their claim events give each row's cells as one text, which a cell holding `; ` would split wrongly, so the
    rows are taken from the run's tables, cell by cell, and each decision's `table.edited` events put back the
    rows it dropped and the cells it set, the last decision first.
    """
    tables = {name: [(dict(row.cells), row.evidence.model_dump(mode="json")) for row in rows]
              for name, rows in state.tables.items()}  # fmt: skip
    decisions: list[list[dict[str, Any]]] = []
    for item in events:
        if item.get("type") == "review.decided":
            decisions.append([])
        elif item.get("type") == "table.edited" and decisions:
            decisions[-1].append(item["data"])
    for edits in reversed(decisions):
        # Row numbers are those of the table the decision saw: dropped rows go back lowest first.
        for data in sorted((data for data in edits if data.get("dropped")), key=lambda data: int(data["row"])):
            tables.setdefault(data["table"], []).insert(
                int(data["row"]) - 1, (dict(data["previous"]), data["evidence"])
            )
        for data in edits:
            if not data.get("dropped"):
                tables[data["table"]][int(data["row"]) - 1][0][data["column"]] = data["previous"]
    return [_row_claim(table, cells, evidence, pages) for table, rows in tables.items() for cells, evidence in rows]


def _row_claim(table: str, cells: Mapping[str, Any], evidence: Mapping[str, Any], pages: list[str]) -> dict[str, Any]:
    """One table row as a row claim, its quote placed on `pages`."""
    quoted = {key: evidence[key] for key in ("page", "start", "end", "quote")}
    return {"table": table, "cells": {name: value for name, value in cells.items() if value is not None},
            "evidence": _on_pages(quoted, pages)}  # fmt: skip


def corrected_rows(
    claim: dict[str, Any], state: WorkflowState, events: list[dict[str, Any]], pages: list[str]
) -> tuple[dict[str, Any], list[str]]:
    """The answer with each table a reviewer corrected as they left it, and the tables it cannot claim so.

    A corrected table's rows are claimed with their quotes. A cell the row's quote does not write (the reviewer's
    word) cannot be in a model's row claim: the model's rows for that table stay as it answered, and the table is
    named, for the case to judge it not at all.
    """
    touched = sorted({e["data"]["table"] for e in events if e.get("type") == "table.edited"})
    rows, unquoted = [row for row in claim.get("rows", []) if row.get("table") not in touched], []
    for table in touched:
        final = state.tables.get(table, [])
        if any(note.endswith(REVIEWERS_WORD) for row in final for note in row.edited.values()):
            unquoted.append(table)
            rows += [row for row in claim.get("rows", []) if row.get("table") == table]
            continue
        rows += [_row_claim(table, row.cells, row.evidence.model_dump(mode="json"), pages) for row in final]
    return {**claim, "rows": rows}, unquoted


def _claims_from_events(events: list[dict[str, Any]], step: str, pages: list[str]) -> list[dict[str, Any]]:
    """The field claims of the step's last attempt, as its claim events tell them."""
    kinds = ("claim.accepted", "claim.rejected")
    found = [e["data"] for e in events if e.get("step") == step and e.get("type") in kinds
             and isinstance((e.get("data") or {}).get("evidence"), dict) and e["data"].get("confidence") is not None
             and "." in str(e["data"].get("claim_id", ""))]  # fmt: skip
    return [{"field": data["field"], "value": data["value"], "confidence": data["confidence"],
             "evidence": _on_pages(dict(data["evidence"]), pages)} for data in found]  # fmt: skip


def corrected(
    claim: dict[str, Any], decision: ReviewDecision, found: Mapping[str, dict[str, Any]] | None = None
) -> tuple[dict[str, Any], list[str]]:
    """The model's answer with the reviewer's edits in place of its own values, and the edits it leaves out.

    An edited value cites the quote the reviewer gave for it, else the one the decision found proving it in the
    document (`found`, field -> evidence on the pages the model saw). An edit with neither (the reviewer's word)
    cannot be a claim (the model's quote for the field does not prove the reviewer's value: a case built on it
    would expect the value rejected). The model's claim for such a field stays as it answered, and the field is
    named, for the case to judge it not at all.
    """
    fields, unquoted = list(claim.get("fields", [])), []
    for name, values in decision.edits.items():
        cited = decision.evidence.get(name)
        evidence = cited.model_dump(mode="json") if cited else (found or {}).get(name)
        if evidence is None:
            unquoted.append(name)
            continue
        fields = [item for item in fields if item.get("field") != name]
        fields += [{"field": name, "value": value, "confidence": 1.0, "evidence": evidence} for value in values]
    return {**claim, "fields": fields}, unquoted


def _found_evidence(
    state: WorkflowState, pages: list[str], replacements: tuple[Replacement, ...]
) -> dict[str, dict[str, Any]]:
    """The evidence the decision found for each edited field, where its quote is on the pages the model saw.

    The state's offsets and quotes are in the document's own text: a quote is looked for masked again.
    """
    found = {}
    for name, result in state.fields.items():
        if result.status != "edited" or not result.evidence:
            continue
        evidence = result.evidence[0]
        quote = remasked(evidence.quote, replacements)
        page = pages[evidence.page - 1] if 0 < evidence.page <= len(pages) else ""
        start = page.find(quote)
        if start >= 0:
            found[name] = {"page": evidence.page, "quote": quote, "start": start, "end": start + len(quote)}
    return found


def _masked_claim(claim: dict[str, Any], pages: list[str], replacements: tuple[Replacement, ...]) -> dict[str, Any]:
    """`claim` with the originals its run unmasked behind their placeholders, its quotes placed on `pages`."""
    claim = remasked(claim, replacements)
    for kind in ("fields", "rows"):
        for item in claim.get(kind, []):
            evidence = item.get("evidence")
            if isinstance(evidence, dict) and isinstance(evidence.get("page"), int):  # a reviewer may cite no page
                item["evidence"] = _on_pages(evidence, pages)
    return claim


def _expected(kind: DocumentType, claim: dict[str, Any], state: WorkflowState, pages: list[str]) -> ModelStepExpected:
    """What apply and the extraction router make of `claim` on `pages`: what the step must produce."""
    patch = apply_extraction(kind, ExtractionClaim.model_validate(claim), SourceText(pages=tuple(pages)),
                             step=f"extract_{kind.name}", attempt=1)  # fmt: skip
    fresh = state.model_copy(update={"fields": {}, "tables": {}, "step_errors": {}, "candidates": []})
    fresh = fresh.model_copy(update=patch.as_update())
    route = route_after_extract(fresh)
    fields = {name: ExpectedField(status=have.status, value=have.value,
                                  quote=have.evidence[0].quote if have.evidence else None)
              for name, have in fresh.fields.items()}  # fmt: skip
    tables = {name: [TableRowValues(cells=row.cells) for row in rows] for name, rows in fresh.tables.items()}
    return ModelStepExpected(fields=fields, tables=tables, route=route.target, route_rule=route.rule)


def _with_earlier_edits(state: WorkflowState) -> ReviewDecision:
    """The last decision, with the edits of the run's earlier ones that still stand.

    A run asks again when an edit leaves a rule failing; the decision that ends it (an approve) holds no edit,
    but the values the reviewer set before are the run's final ones: fields still `edited`, valued as they are.
    """
    decision = state.review_decision
    assert decision is not None
    earlier = {
        name: result.value if isinstance(result.value, list) else [result.value]
        for name, result in state.fields.items()
        if result.status == "edited" and result.value is not None and name not in decision.edits
    }
    return decision.model_copy(update={"edits": {**earlier, **decision.edits}}) if earlier else decision


def _extraction_case(
    name: str,
    state: WorkflowState,
    pages: list[str],
    events: list[dict[str, Any]],
    kind: DocumentType,
    replacements: tuple[Replacement, ...],
) -> tuple[ModelStepCase, list[str]]:
    decision = _with_earlier_edits(state)
    doc_type = kind.name
    step = f"extract_{doc_type}"
    answer, prompt, prompt_hash = _model_answer(events, step, pages, state)
    answer = _masked_claim(answer, pages, replacements)
    fixed, unquoted = corrected(answer, decision, _found_evidence(state, pages, replacements))
    fixed, untold = corrected_rows(fixed, state, events, pages)
    unquoted += untold
    fixed = _masked_claim(fixed, pages, replacements)
    changed = sorted(decision.edits) + sorted({e["data"]["table"] for e in events if e.get("type") == "table.edited"})
    action = f"edited ({', '.join(changed)})" if changed else "approved"
    left_out = f" Not judged, no quote proves the reviewer's value: {', '.join(unquoted)}." if unquoted else ""
    expected = _expected(kind, fixed, state, pages)
    judged = {name: want for name, want in expected.fields.items() if name not in unquoted}
    tables = {name: want for name, want in expected.tables.items() if name not in unquoted}
    case = ModelStepCase(
        name=name, step=step, prompt=prompt, prompt_sha256=prompt_hash, pages=pages, doc_type=doc_type,
        recorded_claim=fixed,
        original_claim=answer, expected=expected.model_copy(update={"fields": judged, "tables": tables}),
        description=f"Captured from run {state.run_id}: {action} by the reviewer.{left_out}",
    )  # fmt: skip
    return case, unquoted


def _reject_case(
    name: str,
    state: WorkflowState,
    pages: list[str],
    events: list[dict[str, Any]],
    replacements: tuple[Replacement, ...],
) -> ReviewCase:
    assert state.review_decision is not None
    decision = ReviewDecision.model_validate(remasked(state.review_decision.model_dump(mode="json"), replacements))
    requested = [e["data"] for e in events if e.get("type") == "review.requested"]
    reasons = [reason["code"] for reason in requested[-1]["reasons"]] if requested else []
    found = state.classification
    facts = StateFacts(
        doc_type=found.doc_type if found else None,
        type_confidence=found.confidence if found else 0.95,
        type_accepted=found.accepted if found else True,
        fields={key: remasked(result.value, replacements) for key, result in state.fields.items()
                if result.value is not None},
        failed_rules=[result.rule for result in state.rule_results if not result.passed],
    )  # fmt: skip
    return ReviewCase(
        name=name, step="review", pages=pages, facts=facts, reasons=reasons, decision=decision,
        expected=ExpectedReview(accepted=True, route="reject"),
        description=f"Captured from run {state.run_id}: rejected by the reviewer ({decision.reason}).",
    )  # fmt: skip


async def capture_run(engine: Engine, run_id: str, out: Path) -> Captured:
    """Write the golden case(s) of one reviewed run under `out`; CaptureError when it was not decided."""
    row = await engine.registry.get_run(run_id)
    state = await engine.state(row.run_id)
    if state is None or state.review_decision is None:
        if state is not None and state.review_request is not None:
            raise CaptureError(f"run {row.run_id} is still waiting for review: decide it first")
        raise CaptureError(f"run {row.run_id} was never reviewed: only decided reviews become golden cases")
    if state.masked is None:
        raise CaptureError(f"run {row.run_id} has no masked text to write a case from")
    pages = list((await engine.store.load_text(state.masked.text)).pages)
    mapping = json.loads(await engine.store.load_blob(state.masked.mapping_id))
    replacements = tuple(Replacement.model_validate(item) for item in mapping)
    events = await engine.registry.events(row.run_id)
    name = f"{slug(Path(row.filename).stem)}-{row.run_id[:8]}"
    unquoted: list[str] = []
    if state.review_decision.action == "reject":
        case: ModelStepCase | ReviewCase = _reject_case(name, state, pages, events, replacements)
    else:
        kind = engine.types.get(state.doc_type) if state.doc_type else None
        if kind is None:
            raise CaptureError(f"run {row.run_id} has no accepted document type: there is no extraction to check")
        case, unquoted = _extraction_case(name, state, pages, events, kind, replacements)
    return Captured(row.run_id, [_write(case, out)], unquoted)
