"""claimflow: a code-first runtime for AI document workflows on LangGraph."""
