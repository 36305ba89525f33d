"""The compiled graph `langgraph dev` loads, built from the active document types.

`langgraph dev` brings its own checkpointer, so none is given here. The types are discovered as the CLI
discovers them (installed entry points, claimflow.toml / [tool.claimflow], CLAIMFLOW_TYPES).
"""

from claimflow.graphs import build_documents_workflow
from claimflow.runtime.discovery import discover_types
from claimflow.runtime.settings import Settings

graph = build_documents_workflow(discover_types(Settings.load().types).types).compile()
