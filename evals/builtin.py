"""The built-in document types every golden case is judged against, loaded the way `--types` loads a target."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from claimflow.runtime.discovery import load_target
from claimflow.state.schema import DocumentType, DocumentTypes

BUILTIN_TARGET = "claimflow.doctypes:BUILTIN_TYPES"
"""The entry point target of the built-in types."""


@cache
def builtin_types() -> tuple[DocumentType, ...]:
    """The built-in types (invoice, receipt, contract), found through discovery rather than imported.

    Found when first asked, not on import: `eval dataset` and `eval capture` use the engine's types instead.
    """
    return tuple(entry.doc_type for entry in load_target(BUILTIN_TARGET, "golden cases", Path(__file__).parent))


@cache
def builtin_workflow_types() -> DocumentTypes:
    """The built-in types as the workflow takes them."""
    return DocumentTypes(builtin_types())
