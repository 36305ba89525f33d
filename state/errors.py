"""Errors raised by the pure data layer."""


class StateError(Exception):
    """Base class for errors about claims, decisions and workflow state."""


class InvalidDecisionError(StateError):
    """A review decision cannot be applied to the request it answers.

    The run stays paused; the message says what to change.
    """


class UnknownDocumentTypeError(StateError):
    """A document type outside the closed vocabulary was named."""
