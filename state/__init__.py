"""claimflow's data model: workflow state, claims, evidence, review contracts and apply functions.

Nothing here performs I/O or imports LangGraph: every function is pure and deterministic.
"""
