"""The compiled graph `langgraph dev` (and LangGraph Platform) loads: claimflow's engine behind a server thread.

The server brings its own checkpointer for its threads, so none is given here; the documents workflow runs
inside claimflow's engine, on the data directory or database the CLAIMFLOW_* settings name (see
`claimflow.runtime.server`). Nothing is opened at import: the engine opens on the first run.
"""

from claimflow.runtime.server import build_server_graph

graph = build_server_graph().compile(name="documents")
