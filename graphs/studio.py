"""The compiled graph `langgraph dev` loads (it brings its own checkpointer, so none is given here).

Runs started from LangGraph Studio need a WorkflowContext; the `claimflow` CLI supplies one.
"""

from claimflow.graphs.documents import build_documents_workflow

graph = build_documents_workflow().compile()
