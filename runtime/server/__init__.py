"""Serving claimflow through LangGraph's own server: the graph `langgraph.json` names, its input and context."""

from claimflow.runtime.server.context import ENGINES, Engines, ServerContext
from claimflow.runtime.server.graph import RunRefusedError, ServerState, build_server_graph
from claimflow.runtime.server.inputs import DocumentInput

__all__ = [
    "ENGINES",
    "DocumentInput",
    "Engines",
    "RunRefusedError",
    "ServerContext",
    "ServerState",
    "build_server_graph",
]
