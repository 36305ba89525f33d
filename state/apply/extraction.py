"""apply for extraction claims: the only writer of `fields` and `tables`, and the arbiter between extractors.

Each field claim is checked on its own (a field of the type, quote in the source at the stated place,
the value written in the quote as a whole token, under its own label or none: see proof.py). Then the
claims for one field are combined by authority rules:
- a claim that fails its evidence check is out, so evidence settles disagreements;
- equal values merge, and when independent extractors agree the confidence rises;
- different surviving values conflict: the field is not accepted and the document goes to review
  with every candidate shown.
Table rows are checked cell by cell against the row's quote (rows.py), and a table is taken whole from the
first extractor that has rows for it. A row's quote is the row as printed, all its lines: a text cell may run
on around the row's figures ("... of the packaging 1 $1,450.00 $1,450.00" / "line, including spare parts"),
a field's value may not.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from claimflow.state.apply._outcome import claim_event
from claimflow.state.apply.rows import check_row_claim, unless_repeated
from claimflow.state.claims import ExtractionClaim, FieldClaim
from claimflow.state.documents import SourceText
from claimflow.state.evidence import Evidence, locate
from claimflow.state.normalize import fold
from claimflow.state.outcomes import ClaimOutcome, FieldResult, TableRow
from claimflow.state.proof import Check, prove
from claimflow.state.schema import DocumentType, Field
from claimflow.state.workflow import Candidate, Patch

AGREEMENT_CAP = 0.99
"""Agreement never makes a value certain: a human can still be asked."""


def check_field_claim(
    doc_type: DocumentType,
    claim: FieldClaim,
    source: SourceText,
    *,
    step: str,
    claim_id: str,
    origin: str | None = None,
) -> ClaimOutcome:
    """Verdict on one field claim, naming the check that decided."""

    def verdict(
        accepted: bool,
        reasons: list[str],
        check: Check,
        normalized: str | None = None,
        evidence: Evidence | None = None,
        label: str | None = None,
        doubt: str | None = None,
    ) -> ClaimOutcome:
        return ClaimOutcome(
            claim_id=claim_id, step=step, origin=origin, field=claim.field, value=claim.value,
            confidence=claim.confidence, accepted=accepted, reasons=reasons, normalized=normalized,
            evidence=evidence, check=check, label=label, doubt=doubt,
        )  # fmt: skip

    spec = doc_type.field(claim.field)
    if spec is None or spec.is_table:
        known = ", ".join(s.name for s in doc_type.value_fields)
        return verdict(False, [f"unknown field {claim.field!r} for a {doc_type.name}; known: {known}"], "unknown_field")
    located = locate(claim.evidence, source)
    if located.evidence is None:
        return verdict(False, [f"evidence rejected: {located.reason}"], "quote_not_found")
    proof = prove(doc_type, spec, claim.value, located.evidence, source)
    reasons = [located.reason, proof.reason] if proof.ok else [proof.reason]
    if proof.doubt:
        reasons.append(f"in doubt: {proof.doubt}")
    return verdict(proof.ok, reasons, proof.check, proof.normalized, located.evidence, proof.label, proof.doubt)


def _agreed_confidence(group: list[ClaimOutcome]) -> tuple[float, list[str]]:
    """Independent extractors that agree: 1 - prod(1 - c) over their best claims, capped."""
    best: dict[str | None, float] = {}
    for outcome in group:
        best[outcome.origin] = max(best.get(outcome.origin, 0.0), outcome.confidence or 0.0)
    if len(best) < 2:
        return max(best.values()), []
    doubt = 1.0
    for confidence in best.values():
        doubt *= 1.0 - confidence
    agreed = min(AGREEMENT_CAP, round(1.0 - doubt, 4))
    return agreed, [f"agreed by {' and '.join(str(o) for o in best)}: confidence {agreed:.2f}"]


def _describe(group: list[ClaimOutcome]) -> str:
    who = ", ".join(f"{o.claim_id}" + (f" ({o.origin})" if o.origin else "") for o in group)
    quote = group[0].evidence.quote if group[0].evidence else ""
    return f"{group[0].normalized!r} from {who} quoting {quote!r}"


def _doubt(groups: list[list[ClaimOutcome]]) -> str | None:
    """A value every claim for it proved only in doubt stays in doubt: extractors that agree read the same figure."""
    return next((group[0].doubt for group in groups if all(outcome.doubt for outcome in group)), None)


def _combine(spec: Field, outcomes: list[ClaimOutcome]) -> FieldResult:
    accepted = [o for o in outcomes if o.accepted]
    rejected_reasons = [f"{o.claim_id}: {r}" for o in outcomes if not o.accepted for r in o.reasons]
    if not outcomes:
        return FieldResult(name=spec.name, status="missing", decided_by="no claim", reasons=["no claim for this field"])
    if not accepted:
        return FieldResult(name=spec.name, status="rejected", decided_by=outcomes[0].claim_id, reasons=rejected_reasons)
    by_value: dict[str, list[ClaimOutcome]] = defaultdict(list)
    for outcome in accepted:
        key = fold(outcome.normalized or "") if spec.kind == "text" else (outcome.normalized or "")
        by_value[key].append(outcome)
    groups = list(by_value.values())
    evidence = [o.evidence for o in accepted if o.evidence is not None]
    decided_by = ", ".join(o.claim_id for o in accepted)
    if spec.multiple:
        values = [group[0].normalized or "" for group in groups]
        confidence = min(_agreed_confidence(group)[0] for group in groups)
        return FieldResult(
            name=spec.name, value=values, status="accepted", confidence=confidence, evidence=evidence,
            decided_by=decided_by, reasons=[f"{len(values)} value(s) accepted", *rejected_reasons],
            doubt=_doubt(groups),
        )  # fmt: skip
    if len(groups) > 1:
        conflict = " vs ".join(_describe(group) for group in groups)
        return FieldResult(
            name=spec.name, status="rejected", evidence=evidence, decided_by=decided_by,
            reasons=[f"conflicting values: {conflict}", *rejected_reasons],
        )  # fmt: skip
    best = max(groups[0], key=lambda o: o.confidence or 0.0)
    confidence, agreement = _agreed_confidence(groups[0])
    return FieldResult(
        name=spec.name, value=best.normalized, status="accepted", confidence=confidence,
        evidence=evidence, decided_by=decided_by, reasons=[*best.reasons, *agreement, *rejected_reasons],
        doubt=_doubt(groups),
    )  # fmt: skip


def _prefix(step: str, candidate: Candidate, several: bool) -> str:
    return f"{step}#{candidate.attempt}" + (f"/{candidate.source}" if several else "")


def arbitrate(doc_type: DocumentType, candidates: Sequence[Candidate], source: SourceText, *, step: str) -> Patch:
    """Check every candidate's claims, combine them per field by the authority rules, return fields and verdicts."""
    several = len({c.source for c in candidates}) > 1
    outcomes: list[ClaimOutcome] = []
    for candidate in candidates:
        prefix = _prefix(step, candidate, several)
        origin = f"{candidate.source}:{candidate.model}" if several else None
        outcomes += [
            check_field_claim(doc_type, claim, source, step=step, claim_id=f"{prefix}.{index}", origin=origin)
            for index, claim in enumerate(candidate.claim.fields, start=1)
        ]
    fields = {
        spec.name: _combine(spec, [o for o in outcomes if o.field == spec.name]) for spec in doc_type.value_fields
    }
    # Tables come whole from the first extractor that has rows for them: rows are not merged across extractors.
    tables: dict[str, list[TableRow]] = {}
    rejected: dict[str, list[str]] = {}
    for table in doc_type.table_fields:
        tables[table.name] = []
        with_rows = next((c for c in candidates if any(r.table == table.name for r in c.claim.rows)), None)
        if with_rows is None:
            continue
        prefix = _prefix(step, with_rows, several)
        claimed = [row for row in with_rows.claim.rows if row.table == table.name]
        for index, row_claim in enumerate(claimed, start=1):
            outcome, row = check_row_claim(
                doc_type, row_claim, source, step=step, claim_id=f"{prefix}.{table.name}{index}"
            )
            if row is not None:
                outcome, row = unless_repeated(outcome, row, tables[table.name])
            outcomes.append(outcome)
            if row is not None:
                tables[table.name].append(row)
            elif outcome.check != "row_repeated":  # a row claimed twice is still in the table once
                rejected.setdefault(table.name, []).append(f"row {index}: {'; '.join(outcome.reasons)}")
    strays = [
        check_row_claim(doc_type, row, source, step=step, claim_id=f"{_prefix(step, c, several)}.{row.table}?")[0]
        for c in candidates
        for row in c.claim.rows
        if row.table not in tables
    ]
    outcomes += strays
    return Patch(
        fields=fields,
        tables=tables,
        rejected_rows=rejected,
        claims=outcomes,
        events=[claim_event(o) for o in outcomes],
    )


def apply_extraction(
    doc_type: DocumentType, claim: ExtractionClaim, source: SourceText, *, step: str, attempt: int
) -> Patch:
    """Apply one extractor's claim (arbitration with a single candidate)."""
    candidate = Candidate(source="primary", model="", attempt=attempt, claim=claim)
    return arbitrate(doc_type, [candidate], source, step=step)
