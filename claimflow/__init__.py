"""claimflow: a code-first runtime for AI document workflows on LangGraph. Models make claims; code decides.

This module is the one documented import surface; everything not listed in `__all__` is internal.

Declaring a document type (cheap to import: no LangGraph, no model clients)::

    from claimflow import Column, DocumentType, Field, RuleInput, RuleResult, rule

Embedding the runtime (imported on first use)::

    import claimflow

    async with claimflow.open_engine(data_dir=".claimflow", types=[PURCHASE_ORDER]) as engine:
        run = await engine.process(Path("po-1042.pdf"))
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from claimflow.runtime.lazy_exports import lazy_exports
from claimflow.state.claims import ClassificationClaim, ExtractionClaim, FieldClaim, RowClaim
from claimflow.state.errors import DeclarationError, InvalidDecisionError
from claimflow.state.evidence import ClaimedEvidence, Evidence
from claimflow.state.normalize import FieldKind, ValueKind
from claimflow.state.outcomes import RuleResult
from claimflow.state.review import ReviewDecision, ReviewRequest
from claimflow.state.schema import (
    Column,
    Detection,
    DocumentType,
    DocumentTypes,
    Field,
    OfflineDetector,
    OfflineExtractor,
    Row,
    Rule,
    RuleInput,
    rule,
)

if TYPE_CHECKING:
    from claimflow.runtime.api import (
        ActiveType,
        Engine,
        EngineClosedError,
        Export,
        PendingReview,
        Run,
        Settings,
        SetupError,
        TypeDiscoveryError,
        WorkflowVersionError,
        load_types,
        open_engine,
    )
    from claimflow.runtime.delivery.signing import verify_signature
    from claimflow.runtime.retention.prune import PruneReport

__version__ = "0.2.0"

# The embedding API pulls in LangGraph, the checkpointers and the model clients: load it when first used, so
# a module that only declares a document type imports in milliseconds.
_LAZY = {
    "ActiveType": "claimflow.runtime.api",
    "Engine": "claimflow.runtime.api",
    "EngineClosedError": "claimflow.runtime.api",
    "Export": "claimflow.runtime.api",
    "PendingReview": "claimflow.runtime.api",
    "Run": "claimflow.runtime.api",
    "Settings": "claimflow.runtime.api",
    "SetupError": "claimflow.runtime.api",
    "TypeDiscoveryError": "claimflow.runtime.api",
    "WorkflowVersionError": "claimflow.runtime.api",
    "load_types": "claimflow.runtime.api",
    "open_engine": "claimflow.runtime.api",
    "verify_signature": "claimflow.runtime.delivery.signing",
    "PruneReport": "claimflow.runtime.retention.prune",
}


__getattr__ = lazy_exports(__name__, _LAZY)


__all__ = [
    "ActiveType",
    "ClaimedEvidence",
    "ClassificationClaim",
    "Column",
    "DeclarationError",
    "Detection",
    "DocumentType",
    "DocumentTypes",
    "Engine",
    "EngineClosedError",
    "Evidence",
    "Export",
    "ExtractionClaim",
    "Field",
    "FieldClaim",
    "FieldKind",
    "InvalidDecisionError",
    "OfflineDetector",
    "OfflineExtractor",
    "PendingReview",
    "PruneReport",
    "ReviewDecision",
    "ReviewRequest",
    "Row",
    "RowClaim",
    "Rule",
    "RuleInput",
    "RuleResult",
    "Run",
    "Settings",
    "SetupError",
    "TypeDiscoveryError",
    "ValueKind",
    "WorkflowVersionError",
    "__version__",
    "load_types",
    "open_engine",
    "rule",
    "verify_signature",
]
