"""langgraph.json points at a compiled graph `langgraph dev` can serve, with claimflow's serde allowlist."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

from langgraph.graph.state import CompiledStateGraph

from claimflow.runtime.checkpoint import CHECKPOINT_TYPES
from claimflow.runtime.server import build_server_graph

ROOT = Path(__file__).resolve().parents[2]
CONFIG = json.loads((ROOT / "langgraph.json").read_text())


def test_every_graph_in_langgraph_json_is_a_compiled_graph_without_its_own_checkpointer() -> None:
    assert CONFIG["dependencies"] == ["."]
    assert CONFIG["env"]["LANGSMITH_TRACING"] == "false"  # langgraph dev runs offline
    for target in CONFIG["graphs"].values():
        # A module path, not a file path: the server resolves file paths against its working directory.
        module, _, attribute = target.partition(":")
        graph = getattr(importlib.import_module(module), attribute)
        assert isinstance(graph, CompiledStateGraph)
        # langgraph dev refuses a graph compiled with its own checkpointer.
        assert graph.checkpointer is None
        assert graph.get_graph().draw_mermaid() == build_server_graph().compile().get_graph().draw_mermaid()


def test_the_serde_allowlist_is_claimflows_checkpoint_types_and_nothing_is_pickled() -> None:
    serde = CONFIG["checkpointer"]["serde"]
    assert serde["pickle_fallback"] is False
    listed = [tuple(entry) for entry in serde["allowed_msgpack_modules"]]
    assert listed == [(kind.__module__, kind.__qualname__) for kind in CHECKPOINT_TYPES]
