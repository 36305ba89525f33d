"""`claimflow explain`: why each field has its value, told from the run's events, its rules and its review.

Claim verdicts and route decisions are read from the events table (state keeps only the last step's);
fields, rules and the review request from the run's final state; refused review decisions from the review
decisions table (a refused decision never reached the workflow, so no event tells of it).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from claimflow.runtime.registry.reviews import iso_time
from claimflow.runtime.registry.runs import RunRow
from claimflow.runtime.retention.scrub import ERASED
from claimflow.runtime.visible import visible
from claimflow.state.evidence import Evidence
from claimflow.state.outcomes import ClaimOutcome, RouteDecision
from claimflow.state.schema import DocumentType, DocumentTypes
from claimflow.state.workflow import WorkflowState

if TYPE_CHECKING:
    from claimflow.runtime.engine import Engine


def claims_of(events: list[dict[str, Any]]) -> list[ClaimOutcome]:
    """Every claim verdict a model step's claims got, in order (a reviewer's edits are told apart)."""
    claims: list[ClaimOutcome] = []
    for item in events:
        data = item["data"]
        if item["type"] not in ("claim.accepted", "claim.rejected") or str(data.get("claim_id", "")).startswith(
            "review:"
        ):
            continue
        evidence = data.get("evidence")
        claims.append(
            ClaimOutcome(
                claim_id=str(data.get("claim_id", item["step"])),
                step=item["step"],
                origin=data.get("origin"),
                field=data.get("field"),
                value=data.get("value"),
                normalized=data.get("normalized"),
                confidence=data.get("confidence"),
                accepted=item["type"] == "claim.accepted",
                reasons=list(data.get("reasons") or []),
                evidence=Evidence.model_validate(evidence) if isinstance(evidence, dict) else None,
                check=data.get("check"),
                label=data.get("label"),
            )
        )
    return claims


def routes_of(events: list[dict[str, Any]]) -> list[RouteDecision]:
    """Every router's decision, in order."""
    return [
        RouteDecision(router=item["step"], target=d["target"], rule=d["rule"], detail=d.get("detail", ""))
        for item in events
        if item["type"] == "route.decided"
        for d in [item["data"]]
    ]


def _claim_lines(claim: ClaimOutcome, models: dict[str, str]) -> list[str]:
    verdict = "ACCEPTED" if claim.accepted else "REJECTED"
    where = ""
    if claim.evidence:
        e = claim.evidence
        where = f" quote {e.quote!r} on page {e.page} [{e.start}:{e.end}]"
    confidence = f", confidence {claim.confidence:.2f}" if claim.confidence is not None else ""
    lines = [f"    claim {claim.claim_id} by {models.get(claim.step, claim.step)}{confidence}: {claim.value!r}{where}"]
    if claim.check:
        # Which check decided, and the label that decided it, when one did.
        label = f" (label {claim.label!r})" if claim.label else ""
        lines.append(f"      check: {claim.check}{label}")
    return lines + [f"      {verdict}: {reason}" for reason in claim.reasons]


def _table_lines(
    state: WorkflowState, doc_type: DocumentType, claims: list[ClaimOutcome], models: dict[str, str]
) -> list[str]:
    out: list[str] = []
    for table in doc_type.table_fields:
        rows = state.tables.get(table.name, [])
        out.append(f"  {table.name}: {len(rows)} row(s)")
        for row in rows:
            e = row.evidence
            cells = ", ".join(f"{name}={value}" for name, value in row.cells.items() if value is not None)
            out.append(f"    row {cells} (quote {e.quote!r} on page {e.page} [{e.start}:{e.end}])")
            out += [f"      in doubt: {doubt}" for doubt in row.doubts]
            out += [f"      REVIEW: {column}: {why}" for column, why in row.edited.items()]
        out += [line for claim in claims if claim.field == table.name and not claim.accepted
                for line in _claim_lines(claim, models)]  # fmt: skip
    return out


def _field_lines(
    state: WorkflowState, types: DocumentTypes, claims: list[ClaimOutcome], models: dict[str, str]
) -> list[str]:
    doc_type = types.find(state.doc_type)
    if doc_type is None:
        return []
    out = ["fields:"]
    for spec in doc_type.value_fields:
        result = state.fields.get(spec.name)
        if result is None:
            out.append(f"  {spec.name}: missing (never extracted)")
            continue
        out.append(f"  {spec.name} = {result.value!r} [{result.status}] decided by {result.decided_by}")
        for claim in claims:
            if claim.field == spec.name:
                out += _claim_lines(claim, models)
        if result.status == "edited":
            out += [f"    REVIEW: {reason}" for reason in result.reasons]
        out += [
            f"    rule {rule.rule}: {'passed' if rule.passed else 'FAILED'} - {rule.message}"
            for rule in state.rule_results
            if spec.name in rule.fields
        ]
    return out + _table_lines(state, doc_type, claims, models)


def _review_lines(state: WorkflowState, events: list[dict[str, Any]]) -> list[str]:
    out: list[str] = []
    if state.review_reasons:
        out.append("sent to review because:")
        out += [f"  {r.code}: {r.message}" for r in state.review_reasons]
    for item in events:
        data = item["data"]
        if item["type"] == "review.decided":
            detail = data.get("reason") or data.get("comment") or ""
            line = f"review: {data.get('reviewer')} chose {data.get('action')} at {item['at']}"
            out.append(line + (f" - {detail}" if detail else ""))
        elif item["type"] == "table.edited":
            out.append(f"review: {_table_edit(_Given(data))} at {item['at']}")
        elif item["type"] in _QUEUE_LINES:
            out.append(f"review: {_QUEUE_LINES[item['type']].format_map(_Given(data))} at {item['at']}")
    return out


_QUEUE_LINES = {
    "review.assigned": "assigned to {assignee}",
    "review.claimed": "claimed by {reviewer}",
    "review.overdue": "overdue (due {due_at}), then {then}",
    "review.escalated": "escalated to group {group}, priority high",
}
"""How explain tells the review queue's events: who had the review, and what its deadline did."""


def _table_edit(data: dict[str, Any]) -> str:
    """A reviewer's correction of a table row (a `table.edited` event) in words: the row dropped, or the cell set."""
    where = f"{data['table']} row {data['row']}"
    if data.get("dropped"):
        cells = data["previous"] if isinstance(data["previous"], dict) else {}
        held = ", ".join(f"{name}={value}" for name, value in cells.items() if value is not None)
        return f"{data['reviewer']} dropped {where} ({held}; quote {data['quote']!r})"
    return f"{data['reviewer']} set {where} {data['column']} to {data['value']!r}: {data['reason']}"


class _Given(dict[str, Any]):
    """Event data where a missing key reads as "?" (an event written by an older version)."""

    def __missing__(self, key: str) -> str:
        return "?"


class RefusedDecision(BaseModel):
    """A review decision the run did not take: late, stale, on a run no longer paused, or failing its checks."""

    reviewer: str
    action: str
    """approve, edit or reject, as the reviewer chose."""
    at: str | None
    """When it was submitted, ISO 8601 in UTC."""
    interrupt_id: str | None
    """The interrupt it answered: the review its sender named (or, naming none, the one the run waited on then);
    null when it named none and the run waited on none."""
    reason: str
    """Why it was refused."""


def refused_decisions(decisions: list[dict[str, Any]]) -> list[RefusedDecision]:
    """The refused ones among a run's review decisions (`registry.decisions`), in the order they came."""
    return [
        RefusedDecision(
            reviewer=d["reviewer"],
            action=str(_stored(d["decision"]).get("action", "?")),
            at=iso_time(d["at"]),
            interrupt_id=d["interrupt_id"],
            reason=d["message"] or "",
        )
        for d in decisions
        if d["outcome"] == "refused"
    ]


def _stored(decision: str) -> dict[str, Any]:
    # A decision is stored as the JSON it was submitted as; one that does not read back tells only who and why.
    try:
        data = json.loads(decision)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


NO_INTERRUPT = "no interrupt named"
"""What explain says of a refused decision that answered no interrupt: it named none, and the run waited on none."""


def refused_lines(refused: list[RefusedDecision]) -> list[str]:
    """How explain tells refused decisions, after the review that was decided (nothing when there were none)."""
    return [
        f"review: {d.reviewer} chose {d.action} at {d.at}"
        + (f" for interrupt {d.interrupt_id}" if d.interrupt_id else f" ({NO_INTERRUPT})")
        + ", refused"
        + (f" - {d.reason}" if d.reason else "")
        for d in refused
    ]


def explain_unstarted(row: RunRow) -> str:
    """What `explain` says of a run no step has run for: refused at intake, or not yet taken up."""
    if row.status != "failed":
        return f"run {row.run_id} has not started: {row.error or row.status}"
    # Intake refuses a file it cannot read or that is over the size limit before any step: the run has a
    # registry row and a `run.failed` event, but no state to tell more from.
    return "\n".join(
        [
            f"run {row.run_id}: {visible(row.filename)} (no document stored)",
            f"outcome: failed ({row.error})",
            "no step ran: intake refused the file before the workflow started",
        ]
    )


def explain(
    state: WorkflowState,
    events: list[dict[str, Any]],
    types: DocumentTypes,
    refused: list[RefusedDecision] | None = None,
) -> str:
    """A plain-text account of the run: type, route, every field's claims and checks, review and refused decisions."""
    models = {
        item["step"]: f"{item['data'].get('model')} ({item['data'].get('prompt')})"
        for item in events
        if item["type"] == "model.called"
    }
    # The name as the CLI's tables show it, on the first line: a line break in it would start a line of its own.
    name = visible(state.document.filename)
    out = [f"run {state.run_id}: {name} (document {state.document.document_id[:12]})"]
    out.append(f"outcome: {state.outcome}" + (f" ({state.error})" if state.error else ""))
    out += _erased_lines(events)
    u = state.usage
    estimated = sum(1 for item in events if item["type"] == "model.called" and item["data"].get("tokens_estimated"))
    out.append(
        f"model use: {u.calls} call(s), {u.input_tokens} tokens in, {u.output_tokens} out, cost {u.cost:.4f},"
        f" {u.model_seconds:.2f} s in model calls"
        + (f" (tokens estimated for {estimated} call(s): the server reported no usage)" if estimated else "")
        + (f"; budget stopped calls: {state.budget_stop}" if state.budget_stop else "")
    )
    if state.classification:
        c = state.classification
        out.append(f"type: {c.doc_type} at confidence {c.confidence:.2f}, {'accepted' if c.accepted else 'rejected'}")
        out += [f"  {reason}" for reason in c.reasons]
    out.append("route:")
    out += [
        f"  {d.router} -> {d.target} (rule {d.rule}{': ' + d.detail if d.detail else ''})" for d in routes_of(events)
    ]
    return "\n".join(
        out
        + _field_lines(state, types, claims_of(events), models)
        + _review_lines(state, events)
        + refused_lines(refused or [])
        + _requeued_lines(events)
    )


def _erased_lines(events: list[dict[str, Any]]) -> list[str]:
    """That the run was erased (`claimflow erase`): when and why; `[erased]` stands where its values were."""
    return [
        f"erased at {item['at']} ({item['data'].get('reason', '?')}): its document, values, quotes and comments "
        "are gone; [erased] stands where they were"
        for item in events
        if item["type"] == "run.erased"
    ]


def _requeued_lines(events: list[dict[str, Any]]) -> list[str]:
    """Each time a worker exited or went silent while advancing the run and the reaper gave its job to another one."""
    out = []
    for item in events:
        if item["type"] != "run.requeued":
            continue
        data = _Given(item["data"])
        silent = data.get("silent_s")
        worker = "a worker no longer on record" if data.get("worker_id") is None else f"worker {data['worker_id']}"
        since = f", silent {silent:.1f} s" if isinstance(silent, (int, float)) else ""
        how = "exited (its process gone from its host)" if data.get("exited") is True else "went silent"
        out.append(f"job {data['job_id']} put back at {item['at']}: {worker} {how} advancing it{since}")
    return out


async def explained(engine: Engine, row: RunRow) -> tuple[str, list[RefusedDecision]]:
    """What `claimflow explain` prints of the run in `row` (`GET /v1/runs/{id}/explain`'s `text`), and its refusals.

    One account for the CLI and the service: a run failed from outside its workflow (a worker's error, a LangGraph
    thread deleted) ends with `then failed: ERROR`, which its state does not say; a run run again, with `then
    superseded: run again as NEW ...`, whatever its state ended as (a failed run's own failure included).
    """
    refused = refused_decisions(await engine.registry.decisions(row.run_id))
    state = await engine.state(row.run_id, row=row)
    if state is None:
        erased = _erased_lines(await engine.registry.events(row.run_id)) if row.filename == ERASED else []
        return "\n".join([explain_unstarted(row), *erased]), refused
    text = explain(state, await engine.registry.events(row.run_id), engine.types, refused)
    if row.superseded:  # its state ends where it was when run again, failed or not: the new run is named
        text += f"\nthen {row.error}"
    elif row.status == "failed" and state.outcome != "failed":
        text += f"\nthen failed: {row.error}"
    return text, refused
