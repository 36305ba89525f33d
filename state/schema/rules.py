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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from claimflow.state.errors import DeclarationError
from claimflow.state.normalize import parse_amount, parse_iso_date
from claimflow.state.outcomes import FieldResult, ReviewReasonCode, RuleResult, RuleSeverity, TableRow
from claimflow.state.schema.fields import check_name

_USABLE = ("accepted", "edited")
MAX_MESSAGE_CHARS = 2_000
"""A rule's message is kept in every checkpoint, event and review request after it: longer ones are cut."""


def shortened(message: str) -> str:
    """`message`, cut at MAX_MESSAGE_CHARS with a note of how much was left out (users' code says it)."""
    if len(message) <= MAX_MESSAGE_CHARS:
        return message
    return f"{message[:MAX_MESSAGE_CHARS]}... ({len(message) - MAX_MESSAGE_CHARS:,} more characters not kept)"


def _decimal(value: str | None) -> Decimal | None:
    return parse_amount(value) if value is not None else None


@dataclass(frozen=True)
class Row:
    """One accepted table row as a rule sees it: canonical cell values, typed on request."""

    cells: Mapping[str, str | None]

    def text(self, column: str) -> str | None:
        """The cell as text."""
        return self.cells.get(column)

    def amount(self, column: str) -> Decimal | None:
        """The cell as a Decimal (amount, percentage and numeric cells)."""
        return _decimal(self.cells.get(column))

    def date(self, column: str) -> date | None:
        """The cell as a date."""
        value = self.cells.get(column)
        return parse_iso_date(value) if value is not None else None


@dataclass(frozen=True)
class RuleInput:
    """What one rule is given: the document's accepted values, today's date, and earlier duplicates."""

    rule: str
    """The name of the rule being run (results are recorded under it)."""
    fields: tuple[str, ...]
    """The fields the rule declared it judges."""
    values: Mapping[str, FieldResult]
    tables: Mapping[str, Sequence[TableRow]] = field(default_factory=dict)
    today: date = field(default_factory=date.today)
    tolerance: Decimal = Decimal("0.01")
    """How far sums may differ (rounding) and still agree: the policy's amount tolerance."""
    earlier_runs: tuple[str, ...] = ()
    """Earlier completed runs of this type with the same `duplicate_key` values (empty without a key)."""

    def has(self, name: str) -> bool:
        """True when the field has an accepted or edited value."""
        result = self.values.get(name)
        return result is not None and result.status in _USABLE and result.value not in (None, "", [])

    def text(self, name: str) -> str | None:
        """A single-valued field's value as text (None when it has no accepted value)."""
        result = self.values.get(name)
        if not self.has(name) or result is None or not isinstance(result.value, str):
            return None
        return result.value

    def all(self, name: str) -> list[str]:
        """Every value of a field (one element for single-valued fields, none when missing)."""
        result = self.values.get(name)
        if not self.has(name) or result is None or result.value is None:
            return []
        return list(result.value) if isinstance(result.value, list) else [result.value]

    def amount(self, name: str) -> Decimal | None:
        """An amount or percentage field as a Decimal."""
        return _decimal(self.text(name))

    def date(self, name: str) -> date | None:
        """A date field as a date."""
        value = self.text(name)
        return parse_iso_date(value) if value is not None else None

    def boolean(self, name: str) -> bool | None:
        """A boolean field as True/False."""
        value = self.text(name)
        return None if value is None else value == "true"

    def rows(self, table: str) -> list[Row]:
        """The accepted rows of a table field."""
        return [Row(row.cells) for row in self.tables.get(table, ())]

    def check(self, passed: bool, message: str) -> RuleResult:
        """A result under this rule's name and fields: passed when `passed` is true."""
        return RuleResult(rule=self.rule, passed=passed, message=message, fields=list(self.fields))

    def passed(self, message: str) -> RuleResult:
        """A passing result."""
        return self.check(True, message)

    def failed(self, message: str) -> RuleResult:
        """A failing result."""
        return self.check(False, message)


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
        """Run the rule; its result carries the rule's name, fields, severity and review reason."""
        result = self.function(doc)
        if result is None:
            return None
        if not isinstance(result, RuleResult):
            raise TypeError(f"rule {self.name!r} returned {result!r}; return doc.check(...), a RuleResult, or None")
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
        fields: The fields the rule judges; each must be a field of the type the rule is declared on.
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
