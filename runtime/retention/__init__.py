"""Bounded storage: pruning the checkpoints and blobs of long-finished runs (see `prune_finished`)."""

from claimflow.runtime.retention.prune import PruneReport, parse_age, prune_finished
from claimflow.runtime.retention.sizes import checkpoint_bytes

__all__ = ["PruneReport", "checkpoint_bytes", "parse_age", "prune_finished"]
