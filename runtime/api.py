"""The embedding API behind `import claimflow`: open an engine, submit documents, list runs, decide reviews.

The CLI is built on these same calls.
"""

from __future__ import annotations

from claimflow.runtime.discovery import ActiveType, TypeDiscoveryError, discover_types
from claimflow.runtime.engine import Engine, Export, PendingReview, PromptChangedError, Run, open_engine
from claimflow.runtime.errors import EngineClosedError, SetupError
from claimflow.runtime.settings import Settings
from claimflow.runtime.version import WorkflowVersionError

load_types = discover_types
"""Find the active document types as the CLI does (entry points, claimflow.toml / [tool.claimflow], specs)."""

__all__ = [
    "ActiveType",
    "Engine",
    "EngineClosedError",
    "Export",
    "PendingReview",
    "PromptChangedError",
    "Run",
    "Settings",
    "SetupError",
    "TypeDiscoveryError",
    "WorkflowVersionError",
    "load_types",
    "open_engine",
]
