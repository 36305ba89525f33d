"""Bounded storage: pruning the checkpoints and blobs of long-finished runs (`prune.prune_finished`).

Import from the modules: this package imports nothing itself, so reading a retention age (`ages`, from the
settings) never loads the pruner and LangGraph's checkpoint classes with it.
"""
