"""Operators' upkeep of runs: delivering a record again after its delivery failed, pruning old runs, erasing runs."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from claimflow.nodes.ports import DeliveryFailedError
from claimflow.runtime.delivery.config import DeliveryConfigError
from claimflow.runtime.registry import AsyncRegistry, RunBusyError, RunRow
from claimflow.runtime.retention.erase import EraseReport, erase_runs
from claimflow.runtime.retention.prune import PruneReport, prune_finished
from claimflow.runtime.version import check_version
from claimflow.state.events import event
from claimflow.state.redaction import redact

if TYPE_CHECKING:
    from langgraph.types import Command

    from claimflow.nodes.ports import WorkflowContext
    from claimflow.state.workflow import WorkflowState


class Upkeep:
    """`deliver retry`, `prune` and `erase`, for the CLI and for a worker's periodic tasks."""

    registry: AsyncRegistry
    owner: str

    if TYPE_CHECKING:
        # Provided by the engine this mixes into.
        @property
        def version(self) -> str:  # noqa: D102
            ...

        @property
        def context(self) -> WorkflowContext:  # noqa: D102
            ...

        async def restore_events(self, run_id: str) -> int:  # noqa: D102
            ...

        async def state(self, run_id: str, *, row: RunRow | None = None) -> WorkflowState | None:  # noqa: D102
            ...

        async def _advance(  # noqa: D102
            self, run_id: str, payload: WorkflowState | Command[Any] | None, *, answering: str | None = None
        ) -> RunRow: ...

    async def park_undelivered(self, run_id: str, error: DeliveryFailedError, *, answered: bool) -> RunRow:
        """Record that a completed run's delivery failed for good: it waits as `delivery_failed`, its error says why.

        The record is final and the run's last checkpoint is the one before `deliver`, so `deliver retry` runs the
        step again from it. `answered`: the run was resumed by a review decision, which took effect.
        """
        reason = redact(str(error))
        await self.registry.append_events(run_id, [event("run.delivery_failed", "engine", reason=reason)])
        state = await self.state(run_id)
        doc_type = state.doc_type if state else None
        await self.registry.release(
            run_id,
            owner=self.owner,
            status="delivery_failed",
            doc_type=doc_type,
            error=reason,
            decisions="applied" if answered else None,
        )
        return await self.registry.get_run(run_id)

    async def retry_delivery(self, run_id: str) -> RunRow:
        """Run the `deliver` step of a `delivery_failed` run again, with the same idempotency key as before.

        Raises RunBusyError when the run is not waiting as delivery_failed (or another process holds it), and
        DeliveryConfigError when no delivery target is set here: the step would send nothing and complete the run.
        """
        row = await self.registry.get_run(run_id)
        if row.status != "delivery_failed":  # said first: asking for a target would send the user the wrong way
            raise RunBusyError(f"run {row.run_id} is {row.status}, not delivery_failed")
        check_version(row.run_id, row.workflow_version, self.version)
        if self.context.deliverer is None:
            raise DeliveryConfigError(
                f"no delivery target is set, so run {row.run_id} cannot be delivered again (it stays "
                f"{row.status}): set CLAIMFLOW_DELIVER (e.g. webhook:https://... or postgres-table:NAME) and retry"
            )
        await self.registry.claim(row.run_id, owner=self.owner, allowed=("delivery_failed",), status="running")
        await self.restore_events(row.run_id)
        return await self._advance(row.run_id, None)

    async def erase(self, run_ids: list[str], *, reason: str) -> EraseReport:
        """Erase finished runs' personal data, keeping the shape of their audit trail (see `erase_runs`)."""
        return await erase_runs(self, run_ids, reason=reason)  # type: ignore[arg-type]

    async def prune(self, older_than: timedelta, *, dry_run: bool = False) -> PruneReport:
        """Remove checkpoints and unshared blobs of runs finished more than `older_than` ago (see `prune_finished`)."""
        return await prune_finished(self, older_than, dry_run=dry_run)  # type: ignore[arg-type]
