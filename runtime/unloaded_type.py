"""A run of a document type not loaded here: one message, whichever command meets it.

A run made with `--types` (a type of one's own) and then resumed, decided or re-run by a command not told of
that type cannot go on as its type declares: the command refuses it, naming the type, the active ones, and how
to load it. `Engine.rerun` (`refuse_unloaded_type`) and resuming or deciding (`check_version`) say it alike.
"""

from __future__ import annotations

from claimflow.state.schema import UNKNOWN_TYPE, DocumentTypes

LOAD_IT = "name the module that declares it with --types (or CLAIMFLOW_TYPES, claimflow.toml) and try again"
"""What to do about a run whose type is not loaded: load its declaration, as the command that made it did."""


def unloaded_type_refusal(run_id: str, doc_type: str | None, types: DocumentTypes, *, because: str = "") -> str | None:
    """Why a run cannot go on here when its document type is not active; None when it is (or the run has none).

    `because`: what going on without the type would do, said before what to do about it.
    """
    if doc_type in (None, UNKNOWN_TYPE) or types.find(doc_type) is not None:
        return None
    why = f"{because}; " if because else ""
    return (
        f"run {run_id} is of document type {doc_type!r}, which is not loaded here (active: {', '.join(types.names)}):"
        f" {why}{LOAD_IT}"
    )
