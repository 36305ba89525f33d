"""Queue and task names: one queue per model provider's rate-limit domain, and one for maintenance.

A run goes to the queue of the model it runs with, so workers for a provider can be sized to its rate limit
(`claimflow worker --queues llm.openai --concurrency 4`) without slowing runs of another provider.
"""

from __future__ import annotations

OFFLINE_QUEUE = "offline"
"""Runs whose model makes no network call (rules, replay): limited by CPU only."""

MAINTENANCE_QUEUE = "maintenance"
"""The reaper, the removal of old finished jobs, and the pruning of old finished runs."""

MAINTENANCE_PRIORITY = 100
"""Maintenance jobs go before every run job (priority 0) a worker could take: procrastinate takes the waiting job
of highest priority first, else the oldest. The reaper must not wait behind a backlog of runs to put back the
jobs of a dead worker."""

START_TASK = "claimflow.start_run"
RESUME_TASK = "claimflow.resume_run"
REAP_TASK = "claimflow.reap_stalled"
CLEAN_TASK = "claimflow.remove_old_jobs"
PRUNE_TASK = "claimflow.prune_finished"

_NETWORK_PROVIDERS = ("openai", "anthropic")

QUEUES = (OFFLINE_QUEUE, *(f"llm.{provider}" for provider in _NETWORK_PROVIDERS), MAINTENANCE_QUEUE)
"""Every queue claimflow puts jobs on: `/metrics` shows each, with 0 when it is empty."""


def queue_for(model: str) -> str:
    """The queue of a run with this model: `llm.<provider>` for a provider over the network, else `offline`."""
    provider = model.split(":", 1)[0]
    return f"llm.{provider}" if provider in _NETWORK_PROVIDERS else OFFLINE_QUEUE


def worker_queues(model: str) -> list[str]:
    """What a worker listens to unless told: its model's queue, and maintenance."""
    return [queue_for(model), MAINTENANCE_QUEUE]
