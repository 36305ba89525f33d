"""`claimflow replay`: stored runs run again under the current version, compared step by step."""

from claimflow.runtime.replay.outcome import Change, differences, outcome_items
from claimflow.runtime.replay.runner import RunReplay, replay_run
from claimflow.runtime.replay.summary import summary

__all__ = ["Change", "RunReplay", "differences", "outcome_items", "replay_run", "summary"]
