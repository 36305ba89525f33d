"""langgraph.json points at a compiled graph that `langgraph dev` can serve."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

from langgraph.graph.state import CompiledStateGraph

from claimflow.doctypes import BUILTIN_TYPES
from claimflow.graphs import build_documents_workflow

ROOT = Path(__file__).resolve().parents[2]


def test_every_graph_in_langgraph_json_is_a_compiled_graph_without_its_own_checkpointer() -> None:
    config = json.loads((ROOT / "langgraph.json").read_text())
    assert config["dependencies"] == ["."]
    assert config["env"]["LANGSMITH_TRACING"] == "false"  # langgraph dev runs offline
    for name, target in config["graphs"].items():
        path, _, attribute = target.partition(":")
        spec = importlib.util.spec_from_file_location(f"studio_{name}", ROOT / path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        graph = getattr(module, attribute)
        assert isinstance(graph, CompiledStateGraph)
        # langgraph dev refuses a graph compiled with its own checkpointer.
        assert graph.checkpointer is None
        # Built from the discovered types: in this environment, the built-ins registered by claimflow itself.
        expected = build_documents_workflow(BUILTIN_TYPES).compile().get_graph().draw_mermaid()
        assert graph.get_graph().draw_mermaid() == expected
