"""Why a document needs review, derived from the facts in state (one source of truth)."""

from __future__ import annotations

import math

from claimflow.state.normalize import parse_amount
from claimflow.state.ocr_bar import below, ocr_bar, ocr_row_reasons, quoted_from_ocr
from claimflow.state.outcomes import ReviewReason
from claimflow.state.policy import ALWAYS_REVIEW, Policy
from claimflow.state.schema import UNKNOWN_TYPE, DocumentType, DocumentTypes, Field
from claimflow.state.workflow import WorkflowState


def is_high_risk(state: WorkflowState, doc_type: DocumentType | None) -> bool:
    """A document whose type declares a risk field, and whose value reaches the policy's high-risk amount."""
    if doc_type is None or doc_type.risk_field is None:
        return False
    value = state.fields.get(doc_type.risk_field)
    if value is None or not isinstance(value.value, str):
        return False
    amount = parse_amount(value.value)
    return amount is not None and abs(amount) >= state.policy.high_risk_total


def field_threshold(
    spec: Field, policy: Policy, *, high_risk: bool, doc_type: str | None = None, read_by_ocr: bool = False
) -> float:
    """The confidence at which a field is accepted without review; stricter if risky; infinite if always reviewed.

    The policy's per-field threshold for `doc_type` wins (it is measured on the user's own documents), then the
    field's declared bar, then the policy's default. The high-risk bar, and for text OCR read the policy's OCR bar,
    raise it where they are stricter.
    """
    chosen = policy.field_thresholds.get(doc_type or "", {}).get(spec.name)
    if chosen == ALWAYS_REVIEW:
        return math.inf
    if chosen is not None:
        base = float(chosen)
    else:
        base = spec.auto_accept if spec.auto_accept is not None else policy.field_auto_accept
    if high_risk:
        base = max(base, policy.high_risk_field_auto_accept)
    return max(base, ocr_bar(policy)) if read_by_ocr else base


def classification_reasons(state: WorkflowState, types: DocumentTypes) -> list[ReviewReason]:
    """Reasons the document type cannot be used as it is."""
    found = state.classification
    if state.budget_stop and (found is None or not found.accepted):
        return [ReviewReason(code="budget_exceeded", message=f"model budget exhausted: {state.budget_stop}")]
    errors = state.step_errors.get("classify")
    if errors is not None:
        return [
            ReviewReason(code="invalid_output", message=f"classification output invalid: {'; '.join(errors.errors)}")
        ]
    if found is None:
        return [ReviewReason(code="unknown_type", message="the document was not classified")]
    if not found.accepted:
        return [ReviewReason(code="unsupported_evidence", message="; ".join(found.reasons))]
    if found.doc_type == UNKNOWN_TYPE or found.doc_type not in types:
        # A type that is not active (the run started under other types) can be neither checked nor recorded.
        return [ReviewReason(code="unknown_type", message=f"the document is none of: {', '.join(types.names)}")]
    if found.confidence < state.policy.classify_min_confidence:
        return [
            ReviewReason(
                code="low_confidence_type",
                message=f"type {found.doc_type!r} at confidence {found.confidence:.2f}, "
                f"below {state.policy.classify_min_confidence:.2f}",
            )
        ]
    return []


def reviewed_fields(state: WorkflowState) -> set[str]:
    """Fields a reviewer has already seen with their current values, for the current document type.

    After a decision, doubts about these fields (confidence, conflicts) were settled by a human and
    are not raised again; rule failures still are, since an edit can break a rule.
    """
    request, decision = state.review_request, state.review_decision
    if request is None or decision is None or request.doc_type != state.doc_type:
        return set()
    current = state.fields
    return {f.name for f in request.fields if f.name in current and current[f.name].value == f.value}


def _table_reasons(state: WorkflowState) -> list[ReviewReason]:
    """Tables a reviewer looks at, once: with a claimed row refused, with cells in doubt, or read by OCR.

    A refused row may be missing from the table; a cell in doubt (a number that reads two ways) may hold the
    wrong one of its values; rows quoted from a scan wait where the policy reviews every value of one.
    """
    request, decision = state.review_request, state.review_decision
    if request is not None and decision is not None and request.doc_type == state.doc_type:
        return []  # a reviewer has seen the document with this doubt and decided
    refused = [
        ReviewReason(
            code="unsupported_evidence",
            message=f"{table}: {len(problems)} claimed row(s) refused, so the table may miss them: {problems[0]}",
            field=table,
        )
        for table, problems in state.rejected_rows.items()
        if problems
    ]
    doubted: list[ReviewReason] = []
    for table, rows in state.tables.items():
        doubts = [f"row {number}: {doubt}" for number, row in enumerate(rows, start=1) for doubt in row.doubts]
        if doubts:
            message = f"{table}: {len(doubts)} cell(s) in doubt: {doubts[0]}"
            doubted.append(ReviewReason(code="ambiguous_value", message=message, field=table))
    return refused + doubted + ocr_row_reasons(state)


def _field_reasons(
    doc_type: DocumentType, state: WorkflowState, settled: set[str], *, high_risk: bool, every_unsupported: bool
) -> list[ReviewReason]:
    reasons: list[ReviewReason] = []
    for spec in doc_type.value_fields:
        result = state.fields.get(spec.name)
        if result is None or result.status == "edited" or spec.name in settled:
            continue
        plain = field_threshold(spec, state.policy, high_risk=high_risk, doc_type=doc_type.name)
        threshold = (
            field_threshold(spec, state.policy, high_risk=high_risk, doc_type=doc_type.name, read_by_ocr=True)
            if quoted_from_ocr(state, result.evidence)
            else plain
        )
        by_ocr = threshold > plain  # named in the message only where the OCR bar is what raised it
        conflict = next((r for r in result.reasons if r.startswith("conflicting values")), None)
        if conflict:
            reasons.append(ReviewReason(code="conflicting_values", message=f"{spec.name}: {conflict}", field=spec.name))
        elif result.status == "accepted" and result.doubt:
            # Its evidence holds whatever the confidence: which value the page means is the doubt, not how sure
            # the extractor was, so its own code (a queue of low confidences is worked apart from one of readings).
            message = f"{spec.name} = {result.value!r} is in doubt: {result.doubt}"
            reasons.append(ReviewReason(code="ambiguous_value", message=message, field=spec.name))
        elif result.status == "accepted" and (result.confidence or 0.0) < threshold:
            reasons.append(
                ReviewReason(
                    code="low_confidence_field",
                    message=f"{spec.name} = {result.value!r} at confidence {result.confidence or 0.0:.2f}, "
                    + below(threshold, by_ocr=by_ocr),
                    field=spec.name,
                )
            )
        elif result.status == "rejected" and (spec.required or every_unsupported):
            reasons.append(
                ReviewReason(
                    code="unsupported_evidence",
                    message=f"{spec.name}: claim rejected: {'; '.join(result.reasons[:2])}",
                    field=spec.name,
                )
            )
    return reasons


def review_reasons(state: WorkflowState, types: DocumentTypes) -> list[ReviewReason]:
    """Every reason this run's document needs a human, in order of the pipeline."""
    reasons = classification_reasons(state, types)
    doc_type = types.find(state.doc_type)
    if reasons or doc_type is None:
        return reasons
    if state.budget_stop and not state.fields:
        reasons.append(ReviewReason(code="budget_exceeded", message=f"model budget exhausted: {state.budget_stop}"))
    extract_errors = state.step_errors.get(f"extract_{doc_type.name}")
    if extract_errors is not None:
        reasons.append(
            ReviewReason(
                code="invalid_output",
                message=f"extraction output invalid: {'; '.join(extract_errors.errors)}",
            )
        )
    settled = reviewed_fields(state)
    high_risk = is_high_risk(state, doc_type)
    # Broken rules first: they are what a reviewer must resolve; doubts about single fields follow.
    for rule in state.rule_results:
        if not rule.passed and rule.severity == "review":
            reasons.append(ReviewReason(code=rule.code, message=f"{rule.rule}: {rule.message}"))
    every_unsupported = state.policy.step(f"extract_{doc_type.name}").on_missing_evidence == "review"
    reasons += _field_reasons(doc_type, state, settled, high_risk=high_risk, every_unsupported=every_unsupported)
    reasons += _table_reasons(state)
    risk_field = doc_type.risk_field
    if high_risk and risk_field and state.policy.high_risk_review and risk_field not in settled:
        reasons.append(
            ReviewReason(
                code="high_risk",
                message=f"{risk_field} reaches the high-risk amount {state.policy.high_risk_total}:"
                " review is mandatory",
                field=risk_field,
            )
        )
    return reasons
