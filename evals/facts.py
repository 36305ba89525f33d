"""A compact description of a run's state, as golden cases write it, and the WorkflowState it stands for.

Router and review cases name only the facts that matter (the accepted type, a few field values, a failed
rule, a reviewer's decision); everything else takes the value a fresh run would have.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from claimflow.state.documents import NO_DOCUMENT, DocumentRef, TextRef
from claimflow.state.outcomes import Classification, FieldResult, FieldStatus, RuleResult
from claimflow.state.policy import Policy
from claimflow.state.review import ReviewDecision
from claimflow.state.workflow import StepErrors, WorkflowState

Value = str | list[str]
"""A field's value: one string, or several for a multi-valued field such as a contract's parties."""


class FieldFact(BaseModel):
    """One field's result when more than its accepted value matters."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    value: Value | None = None
    status: FieldStatus = "accepted"
    confidence: float = Field(default=0.95, ge=0, le=1)
    reasons: list[str] = Field(default_factory=list)
    """Why apply decided so (a "conflicting values ..." reason makes the field a conflict)."""


class StateFacts(BaseModel):
    """The facts of a run's state a case depends on; unnamed facts are those of a fresh run."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    parsed: bool = True
    """Whether the document's text was extracted."""
    error: str | None = None
    """A failure recorded by the last step (an unreadable document, a model that never answered)."""
    doc_type: str | None = None
    """The classified type ("unknown" for none); no classification when left out."""
    type_confidence: float = Field(default=0.95, ge=0, le=1)
    type_accepted: bool = True
    fields: dict[str, Value | FieldFact] = Field(default_factory=dict)
    """Field name -> accepted value at confidence 0.95, or a full FieldFact."""
    failed_rules: list[str] = Field(default_factory=list)
    """Names of business rules that failed (as a validation step records them)."""
    invalid_output: dict[str, int] = Field(default_factory=dict)
    """Step -> attempts made, for steps whose last output was invalid."""
    budget_stop: str | None = None
    """Why the model budget stopped the run, when it did."""
    policy: Policy = Field(default_factory=Policy)
    decision: ReviewDecision | None = None
    """The reviewer's decision, for the router after review."""

    def field_results(self) -> dict[str, FieldResult]:
        """The fields as apply would have recorded them."""
        results: dict[str, FieldResult] = {}
        for name, fact in self.fields.items():
            full = fact if isinstance(fact, FieldFact) else FieldFact(value=fact)
            results[name] = FieldResult(
                name=name, value=full.value, status=full.status, confidence=full.confidence,
                decided_by="claim golden#1", reasons=full.reasons,
            )  # fmt: skip
        return results

    def state(self, run_id: str) -> WorkflowState:
        """The WorkflowState these facts describe."""
        document = DocumentRef(document_id=NO_DOCUMENT, filename=f"{run_id}.txt", media_type="text/plain", size=0)
        text = TextRef(text_id=NO_DOCUMENT, page_count=1, char_count=1, method="plain") if self.parsed else None
        classification = None
        if self.doc_type is not None:
            classification = Classification(
                doc_type=self.doc_type, confidence=self.type_confidence, accepted=self.type_accepted
            )
        failed = [RuleResult(rule=name, passed=False, message=f"{name} failed") for name in self.failed_rules]
        errors = {
            step: StepErrors(attempt=made, errors=["output invalid"]) for step, made in self.invalid_output.items()
        }
        return WorkflowState(
            run_id=run_id, document=document, policy=self.policy, text=text, classification=classification,
            fields=self.field_results(), rule_results=failed, attempts=dict(self.invalid_output), step_errors=errors,
            error=self.error, budget_stop=self.budget_stop, review_decision=self.decision,
        )  # fmt: skip
