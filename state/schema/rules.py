"""Business rules as plain Python functions over a document's accepted values.

    @rule("delivery_not_before_order", fields=["order_date", "delivery_date"])
    def delivery_after_order(doc: RuleInput) -> RuleResult | None:
        ordered, delivered = doc.date("order_date"), doc.date("delivery_date")
        if ordered is None or delivered is None:
            return None  # the rule does not apply
        return doc.check(delivered >= ordered, f"delivery {delivered} vs order {ordered}")

A rule sees only values that were accepted or edited, typed by their kind; it returns a `RuleResult`
(built with `doc.check`, `doc.passed` or `doc.failed`, which fill in its name and fields) or None when
it does not apply. Rules are pure: the same values give the same result, so they are tested without a graph.
"""

from __future__ import annotations

import inspect
import reprlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from claimflow.state.errors import DeclarationError, RuleFailedError
from claimflow.state.outcomes import ReviewReasonCode, RuleResult, RuleSeverity
from claimflow.state.schema.fields import check_name
from claimflow.state.schema.rule_input import Row, RuleInput

__all__ = [
    "COMMON_RULES",
    "MAX_MESSAGE_CHARS",
    "Row",
    "Rule",
    "RuleFunction",
    "RuleInput",
    "rule",
    "shortened",
    "what_raised",
]

COMMON_RULES = ("required_fields_present", "date_plausible", "not_seen_before")
"""The names of the rules a type gets before its own (`state.rules`): no rule of a type may take the name of one
that runs for it."""
MAX_MESSAGE_CHARS = 2_000
"""A rule's message is kept in every checkpoint, event and review request after it: longer ones are cut."""


def shortened(message: str) -> str:
    """`message`, cut at MAX_MESSAGE_CHARS with a note of how much was left out (users' code says it)."""
    if len(message) <= MAX_MESSAGE_CHARS:
        return message
    return f"{message[:MAX_MESSAGE_CHARS]}... ({len(message) - MAX_MESSAGE_CHARS:,} more characters not kept)"


def what_raised(error: BaseException) -> str:
    """`ValueError: its message` (cut as `shortened` cuts it), or the error's name alone when it says nothing.

    A bare `assert`, `raise ValueError()` or `sys.exit()` has no message: `raised AssertionError: ` read as if one
    had been cut off.
    """
    message = shortened(str(error))
    return f"{type(error).__name__}: {message}" if message.strip() else type(error).__name__


RuleFunction = Callable[[RuleInput], RuleResult | None]
"""A rule's body: the document's values in, a result (or None: does not apply) out."""


@dataclass(frozen=True, eq=False)
class Rule:
    """A named business rule of a document type. Build it with the `rule` decorator."""

    name: str
    fields: tuple[str, ...]
    function: RuleFunction
    severity: RuleSeverity = "review"
    reason: ReviewReasonCode = "validation_failed"
    description: str = ""

    def __post_init__(self) -> None:
        check_name("rule", self.name)
        if isinstance(self.fields, str) or not self.fields:
            raise DeclarationError(f"rule {self.name!r} names no field: say which fields it judges, fields=[...]")
        odd = [name for name in self.fields if not isinstance(name, str)]
        if odd:
            raise DeclarationError(f"rule {self.name!r}: fields must be field names, got {odd[0]!r}")
        if self.severity not in ("review", "info"):
            raise DeclarationError(f"rule {self.name!r}: severity {self.severity!r} is not review or info")
        if self.reason not in ("validation_failed", "duplicate", "missing_required"):
            raise DeclarationError(
                f"rule {self.name!r}: reason {self.reason!r} is not validation_failed, duplicate or missing_required"
            )
        if not callable(self.function):
            raise DeclarationError(f"rule {self.name!r}: {self.function!r} is not a function")
        if inspect.iscoroutinefunction(self.function):
            # Called without an event loop's await, it would return a coroutine that never runs.
            raise DeclarationError(f"rule {self.name!r} is an async function; a rule is a plain function (def)")

    def __call__(self, doc: RuleInput) -> RuleResult | None:
        """Run the rule; its result carries the rule's name, fields, severity and review reason.

        Raises:
            RuleFailedError: The rule returned something else than a RuleResult or None.
        """
        result = self.function(doc)
        if result is None:
            return None
        if not isinstance(result, RuleResult):
            # Not raised by the rule: a "raised TypeError" would send its author looking for a line that raised.
            of_type = f" of document type {doc.doc_type!r}" if doc.doc_type else ""
            raise RuleFailedError(
                f"rule {self.name!r}{of_type} returned {reprlib.repr(result)}; a rule returns doc.check(...),"
                " doc.passed(...) or doc.failed(...) (a RuleResult), or None when it does not apply"
            )
        return result.model_copy(
            update={
                "rule": self.name,
                "message": shortened(result.message),
                "fields": result.fields or list(self.fields),
                "severity": self.severity,
                "code": self.reason,
            }
        )

    def describe(self) -> dict[str, object]:
        """The rule as plain data (for `claimflow types`)."""
        return {"name": self.name, "fields": list(self.fields), "severity": self.severity, "reason": self.reason}


def rule(
    name: str,
    *,
    fields: Sequence[str],
    severity: RuleSeverity = "review",
    reason: ReviewReasonCode = "validation_failed",
) -> Callable[[RuleFunction], Rule]:
    """Declare a business rule: a stable name, the fields it judges, and what a failure means.

    Args:
        name: Stable name, recorded with every result (and in the workflow version).
        fields: The fields the rule judges, each a field of the type the rule is declared on. The rule may read
            these and no other (a name it does not list raises `RuleFieldError` when read); its results name them.
        severity: "review" (a failure sends the document to review) or "info" (only recorded).
        reason: The review reason a failure becomes: validation_failed, duplicate or missing_required.
    """
    if isinstance(fields, str):
        names: tuple[str, ...] = (fields,)
    elif isinstance(fields, Sequence):
        names = tuple(fields)
    else:
        raise DeclarationError(f"rule {name!r}: fields must be a list of field names, got {fields!r}")

    def declare(function: RuleFunction) -> Rule:
        return Rule(name, names, function, severity, reason, inspect.getdoc(function) or "")

    return declare
