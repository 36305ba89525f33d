"""The summary of a replay: how many runs, how many changed, and which items changed how often."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from claimflow.runtime.replay.runner import RunReplay

__all__ = ["summary"]


def summary(replays: Sequence[RunReplay]) -> dict[str, Any]:
    """`{"runs", "changed", "refused", "model_calls", "changes": {key: runs it changed in}}`."""
    counts: Counter[str] = Counter(change.key for replay in replays for change in replay.changes)
    return {
        "runs": len(replays),
        "changed": sum(1 for replay in replays if replay.changed),
        "refused": sum(1 for replay in replays if replay.refused),
        "model_calls": sum(replay.as_json()["model_calls"] for replay in replays),
        "changes": dict(sorted(counts.items(), key=lambda item: (-item[1], item[0]))),
    }
