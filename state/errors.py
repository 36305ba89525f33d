"""Errors raised by the pure data layer."""

from __future__ import annotations

from collections.abc import Sequence


class StateError(Exception):
    """Base class for errors about claims, decisions and workflow state."""


class DecisionProblem(str):
    """One thing wrong with a review decision, as text, and the decision's key it concerns (`field`).

    `field` is where in the decision the problem is (`reason`, `edits.total_amount`, `evidence.due_date`), so an
    interface can point at it (the REST API says `body.reason: ...`); the text reads the same without it.
    """

    field: str

    def __new__(cls, text: str, field: str) -> DecisionProblem:  # noqa: D102 - the class says it
        made = super().__new__(cls, text)
        made.field = field
        return made


class InvalidDecisionError(StateError, ValueError):
    """A review decision cannot be applied to the request it answers.

    The run stays paused; the message says what to change, and `problems` lists each thing wrong with it. A
    `ValueError`, so a server that shows clients only the messages of such errors (LangGraph's) shows this one.
    `sent` is the decision as it was sent, where it came as a raw value (a resume), so it can be kept as sent.
    """

    def __init__(self, message: str, problems: Sequence[str] = (), *, sent: object = None) -> None:
        super().__init__(message)
        self.problems: tuple[str, ...] = tuple(problems) or (message,)
        self.sent = sent


class UnknownDocumentTypeError(StateError):
    """A document type that is not active was named."""


class DeclarationError(StateError, ValueError):
    """A document type declaration is malformed: the message names the type, the field or rule, and the problem.

    Raised when the declaration is built, so a broken type is refused at start-up, before any document is read.
    """


class MaskingTimeoutError(StateError):
    """A user's mask pattern took longer than its time budget on a page.

    The run fails rather than send a page a model should not see unmasked; the message names the pattern.
    """


class RuleFailedError(StateError):
    """A document type's own rule raised, or returned something else than a result, instead of judging.

    A bug in that rule: the message names it and its document type, and only the document being read fails.
    """


class RuleFieldError(RuleFailedError):
    """A rule read a field (or column) its type does not declare, or one it does not list in `@rule(fields=[...])`.

    A misspelt name would otherwise read as "no value" and switch the rule off without a word. The message names
    the rule, its document type, the name asked for, where, and the names the rule may use.
    """


class OfflineHookError(StateError):
    """A document type's own offline extractor or detector raised, or returned something else than it must.

    A bug in that function: the message names it and its document type, and only the document being read fails.
    """
