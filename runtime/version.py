"""The workflow version: a hash of the graph's topology, its prompts and its schemas.

Every run records the version it started with. Resuming a run whose version this installation
does not have would resume into a different graph (renamed nodes resume silently to nothing, new
required fields break), so it is refused with a clear message instead.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from langgraph.graph.state import CompiledStateGraph

from claimflow.prompts import ALL_PROMPTS
from claimflow.state.claims import ClassificationClaim, ExtractionClaim
from claimflow.state.review import ReviewDecision, ReviewRequest
from claimflow.state.workflow import WorkflowState


class WorkflowVersionError(Exception):
    """A run was started by a workflow version this installation does not have."""


def workflow_version(compiled: CompiledStateGraph[Any, Any, Any, Any]) -> str:
    """Short hex digest identifying topology + prompt versions + schemas."""
    drawn = compiled.get_graph()
    topology = {
        "nodes": sorted(drawn.nodes),
        "edges": sorted((e.source, e.target, bool(e.conditional)) for e in drawn.edges),
    }
    schemas = {
        model.__name__: model.model_json_schema()
        for model in (WorkflowState, ClassificationClaim, ExtractionClaim, ReviewRequest, ReviewDecision)
    }
    prompts = {prompt.ref: prompt.content_hash for prompt in ALL_PROMPTS}
    payload = json.dumps({"topology": topology, "schemas": schemas, "prompts": prompts}, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def check_version(run_id: str, recorded: str, current: str) -> None:
    """Raise WorkflowVersionError unless the run's recorded version is the current one."""
    if recorded != current:
        raise WorkflowVersionError(
            f"run {run_id} was started by workflow version {recorded}, but this installation runs version "
            f"{current}; that version is gone, so resuming would run a different graph. Finish the run with the "
            "claimflow release that started it, or run the document again."
        )
