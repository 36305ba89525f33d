"""apply for extraction claims: the only writer of `fields` and `line_items`, and the arbiter between extractors.

Each field claim is checked on its own (known field, quote in the source at the stated place,
value follows from the quote). Then the claims for one field are combined by authority rules:
- a claim that fails its evidence check is out, so evidence settles disagreements;
- equal values merge, and when independent extractors agree the confidence rises;
- different surviving values conflict: the field is not accepted and the document goes to review
  with every candidate shown.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from claimflow.state.apply._outcome import claim_event
from claimflow.state.claims import ExtractionClaim, FieldClaim, LineItemClaim
from claimflow.state.documents import SourceText
from claimflow.state.evidence import Evidence, locate
from claimflow.state.fields import DocType, FieldSpec, field_spec, fields_of
from claimflow.state.normalize import check_value, fold, normalize_value
from claimflow.state.outcomes import ClaimOutcome, FieldResult, LineItem
from claimflow.state.workflow import Candidate, Patch

AGREEMENT_CAP = 0.99
"""Agreement never makes a value certain: a human can still be asked."""


def check_field_claim(
    doc_type: DocType, claim: FieldClaim, source: SourceText, *, step: str, claim_id: str, origin: str | None = None
) -> ClaimOutcome:
    """Verdict on one field claim."""

    def verdict(
        accepted: bool, reasons: list[str], normalized: str | None = None, evidence: Evidence | None = None
    ) -> ClaimOutcome:
        return ClaimOutcome(
            claim_id=claim_id,
            step=step,
            origin=origin,
            field=claim.field,
            value=claim.value,
            confidence=claim.confidence,
            accepted=accepted,
            reasons=reasons,
            normalized=normalized,
            evidence=evidence,
        )

    spec = field_spec(doc_type, claim.field)
    if spec is None:
        known = ", ".join(s.name for s in fields_of(doc_type))
        return verdict(False, [f"unknown field {claim.field!r} for a {doc_type}; known: {known}"])
    located = locate(claim.evidence, source)
    if located.evidence is None:
        return verdict(False, [f"evidence rejected: {located.reason}"])
    checked = check_value(spec.kind, claim.value, located.evidence.quote)
    if not checked.ok:
        return verdict(False, [checked.reason], normalized=checked.normalized, evidence=located.evidence)
    return verdict(True, [located.reason, checked.reason], normalized=checked.normalized, evidence=located.evidence)


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


def _combine(spec: FieldSpec, outcomes: list[ClaimOutcome]) -> FieldResult:
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
    )  # fmt: skip


def _line_item(
    claim: LineItemClaim, source: SourceText, claim_id: str, step: str
) -> tuple[ClaimOutcome, LineItem | None]:
    located = locate(claim.evidence, source)
    reasons: list[str] = []
    amount = normalize_value("amount", claim.amount)
    if located.evidence is None:
        reasons.append(f"evidence rejected: {located.reason}")
    elif amount is None or not check_value("amount", amount, located.evidence.quote).ok:
        reasons.append(f"line amount {claim.amount!r} does not follow from the quote")
    for name, raw in (("quantity", claim.quantity), ("unit_price", claim.unit_price)):
        if raw is not None and normalize_value("amount", raw) is None:
            reasons.append(f"{name} {raw!r} is not a number")
    accepted = not reasons and located.evidence is not None and amount is not None
    reasons = reasons or ["line found in the source, amount follows"]
    outcome = ClaimOutcome(
        claim_id=claim_id, step=step, field="line_items", reasons=reasons, value=claim.amount,
        normalized=amount, accepted=accepted, evidence=located.evidence,
    )  # fmt: skip
    if not accepted or located.evidence is None or amount is None:
        return outcome, None
    item = LineItem(
        description=claim.description.strip(),
        quantity=normalize_value("amount", claim.quantity) if claim.quantity else None,
        unit_price=normalize_value("amount", claim.unit_price) if claim.unit_price else None,
        amount=amount,
        evidence=located.evidence,
    )
    return outcome, item


def arbitrate(doc_type: DocType, candidates: Sequence[Candidate], source: SourceText, *, step: str) -> Patch:
    """Check every candidate's claims, combine them per field by the authority rules, return fields and verdicts."""
    several = len({c.source for c in candidates}) > 1
    outcomes: list[ClaimOutcome] = []
    for candidate in candidates:
        prefix = f"{step}#{candidate.attempt}" + (f"/{candidate.source}" if several else "")
        origin = f"{candidate.source}:{candidate.model}" if several else None
        outcomes += [
            check_field_claim(doc_type, claim, source, step=step, claim_id=f"{prefix}.{index}", origin=origin)
            for index, claim in enumerate(candidate.claim.fields, start=1)
        ]
    fields = {spec.name: _combine(spec, [o for o in outcomes if o.field == spec.name]) for spec in fields_of(doc_type)}
    # Line items come from the first extractor that has any: tables are taken whole, not merged line by line.
    items: list[LineItem] = []
    with_items = next((c for c in candidates if c.claim.line_items), None)
    if with_items is not None:
        prefix = f"{step}#{with_items.attempt}" + (f"/{with_items.source}" if several else "")
        for index, item_claim in enumerate(with_items.claim.line_items, start=1):
            outcome, item = _line_item(item_claim, source, f"{prefix}.L{index}", step)
            outcomes.append(outcome)
            if item is not None:
                items.append(item)
    return Patch(fields=fields, line_items=items, claims=outcomes, events=[claim_event(o) for o in outcomes])


def apply_extraction(
    doc_type: DocType, claim: ExtractionClaim, source: SourceText, *, step: str, attempt: int
) -> Patch:
    """Apply one extractor's claim (arbitration with a single candidate)."""
    candidate = Candidate(source="primary", model="", attempt=attempt, claim=claim)
    return arbitrate(doc_type, [candidate], source, step=step)
