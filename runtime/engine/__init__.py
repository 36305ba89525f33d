"""The engine: intake, and `advance`, the only code that invokes the graph.

A run's LangGraph thread id is its run id. Around every invoke the engine holds the run's lease
in the registry (one process at a time), checks the workflow version, streams the steps' events
into the events table, and records where the run stands.
"""

from claimflow.runtime.data_dir import BLOB_DIR, CHECKPOINT_FILE, DOCUMENT_FILE, REGISTRY_FILE
from claimflow.runtime.engine.core import Engine, PendingReview
from claimflow.runtime.engine.operations import Export, FieldView, Run
from claimflow.runtime.engine.reviews import SweepOutcome
from claimflow.runtime.engine.setup import (
    PromptChangedError,
    active_types,
    open_engine,
)
from claimflow.runtime.registry.opening import open_registry

__all__ = [
    "BLOB_DIR",
    "CHECKPOINT_FILE",
    "DOCUMENT_FILE",
    "REGISTRY_FILE",
    "Engine",
    "Export",
    "FieldView",
    "PendingReview",
    "PromptChangedError",
    "Run",
    "SweepOutcome",
    "active_types",
    "open_engine",
    "open_registry",
]
