"""Workflow wiring. Builders return uncompiled graphs; the caller compiles with its checkpointer."""

from claimflow.graphs.documents import ACTS_OUTSIDE, WORKFLOW_NAME, DocumentsGraph, build_documents_workflow

__all__ = ["ACTS_OUTSIDE", "WORKFLOW_NAME", "DocumentsGraph", "build_documents_workflow"]
