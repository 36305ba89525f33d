"""The base of every setup error: raised while opening claimflow, before any document is touched."""


class SetupError(Exception):
    """claimflow cannot start as configured: a setting, a model, a document type or a prompt version is wrong.

    The message says what was wrong and what to set or fix.
    """


class WorkflowVersionError(Exception):
    """A run was started by a workflow version this installation does not have."""
