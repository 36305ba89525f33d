"""The deliverer the `deliver` step calls: each target in turn, bounded attempts with backoff, every attempt audited."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Sequence

import httpx2

from claimflow.nodes.ports import DeliveryFailedError
from claimflow.runtime.delivery.config import DeliveryConfig, DeliveryTarget, delivery_problem
from claimflow.runtime.delivery.webhook import WebhookRefusedError, post_record
from claimflow.runtime.errors import SetupError
from claimflow.runtime.log_redaction import redact_http_logs
from claimflow.runtime.registry import AsyncRegistry
from claimflow.runtime.settings import Settings
from claimflow.state.events import Event, event
from claimflow.state.records import DocumentRecord, build_record
from claimflow.state.redaction import redact
from claimflow.state.schema import DocumentTypes
from claimflow.state.workflow import WorkflowState

NOT_RETRIED = "so it is not tried again: fix the target or the receiver, then run claimflow deliver retry"
"""Said of a failure that ends the attempts at once (`refusal`)."""

_REFUSING_SQLSTATES = frozenset({"22", "23", "42", "44"})
"""SQLSTATE classes of a row or a table the database refuses as such: data exceptions, integrity constraints,
syntax or access rules (a column or schema missing, no privilege), check options. Others (a connection lost, a
deadlock, a statement timeout, the server short of resources) may pass on another attempt."""

_FAILURES: tuple[type[BaseException], ...] = (httpx2.HTTPError, WebhookRefusedError, OSError, TimeoutError)
"""What a failed attempt raises: the receiver or the network, never a bug of ours (those fail the run)."""

QueuedEvents = Callable[[str], Awaitable[Sequence[Event]]]
"""Takes a run's events still queued for the events table (the engine's journal), for the caller to write."""


def _failures(config: DeliveryConfig) -> tuple[type[BaseException], ...]:
    """`_FAILURES`, and the database's errors when a target is a Postgres table.

    psycopg is loaded only then: a process without a table target (every SQLite one) never needs it.
    """
    if not any(target.kind == "postgres-table" for target in config.targets):
        return _FAILURES
    import psycopg  # noqa: PLC0415

    return (*_FAILURES, psycopg.Error)


def record_body(record: DocumentRecord) -> bytes:
    """The JSON a webhook receives: the typed record as `claimflow export` writes it, keys sorted."""
    return json.dumps(record.model_dump(mode="json"), ensure_ascii=False, sort_keys=True).encode()


class RecordDeliverer:
    """Sends a completed run's record to every configured target; see `claimflow.runtime.delivery`."""

    def __init__(
        self,
        config: DeliveryConfig,
        registry: AsyncRegistry,
        types: DocumentTypes,
        database_url: str | None,
        queued: QueuedEvents | None = None,
    ) -> None:
        self.config = config
        self.registry = registry
        self.types = types
        self.database_url = database_url
        self.queued = queued
        """The run's events queued for the table, written before the first attempt's so the trail keeps its order."""
        self._failures = _failures(config)
        if any(target.kind == "webhook" for target in config.targets):
            # The HTTP client logs each request's URL (at INFO, when a program turns logging on): a webhook's
            # credentials are masked there as in the run's events.
            redact_http_logs()

    async def deliver(self, state: WorkflowState, key: str) -> None:
        """Deliver the record to each target in turn, or raise DeliveryFailedError naming the one that failed."""
        record = build_record(state, self.types)
        if record is None:
            return  # no active type, no typed record: nothing to deliver
        # The attempts' events go to the table at once, the steps' through the journal after their checkpoints:
        # the earlier steps' events still queued, and the last step's (in the checkpoint this step runs from),
        # are written first, so the trail reads in the order things happened. Appends skip an event already
        # written, so the journal writing them again later adds nothing.
        earlier = [*(await self.queued(state.run_id) if self.queued is not None else ()), *state.events]
        for target in self.config.targets:
            await self._deliver_to(target, record, key, earlier)
            earlier = []

    async def _send(self, target: DeliveryTarget, record: DocumentRecord, key: str) -> None:
        timeout = self.config.timeout_s
        if target.kind == "webhook":
            assert self.config.secret is not None  # the settings refuse a webhook without a secret
            # The client's timeout bounds each read, not the attempt: a receiver that drips its answer a byte at a
            # time would hold the run forever.
            async with asyncio.timeout(timeout):
                await post_record(
                    target.address, record_body(record), key=key, secret=self.config.secret, timeout_s=timeout
                )
            return
        assert self.database_url is not None  # make_deliverer refuses a table without a database
        from claimflow.runtime.delivery.table import upsert_record  # noqa: PLC0415 - psycopg: table targets only

        await asyncio.wait_for(
            upsert_record(self.database_url, target.address, record, key=key, timeout_s=timeout), timeout
        )

    async def _deliver_to(
        self, target: DeliveryTarget, record: DocumentRecord, key: str, earlier: Sequence[Event] = ()
    ) -> None:
        """Attempts to deliver to `target`, each audited; `earlier` events are written with the first attempt's."""
        run_id, attempts = record.run_id, self.config.max_attempts
        reason = ""
        asked_to_wait: float | None = None  # the receiver's Retry-After, when its last answer had one
        for attempt in range(1, attempts + 1):
            if attempt > 1:
                await asyncio.sleep(self.config.wait_before(attempt, asked=asked_to_wait))
            # Written before the send, straight to the events table: a crash right after sending leaves it there.
            started = event("delivery.started", "deliver", target=target.name, key=key, attempt=attempt)
            await self.registry.append_events(run_id, [*earlier, started])
            earlier = ()
            try:
                await self._send(target, record, key)
            except self._failures as error:
                reason = self._reason(error)
                refused = refusal(error)
                if refused is not None:
                    reason += f" ({refused}, {NOT_RETRIED})"
                asked_to_wait = error.retry_after_s if isinstance(error, WebhookRefusedError) else None
                failed = event(
                    "delivery.failed",
                    "deliver",
                    target=target.name,
                    key=key,
                    attempt=attempt,
                    reason=reason,
                    final=refused is not None or attempt == attempts,
                )
                await self.registry.append_events(run_id, [failed])
                if refused is not None:
                    attempts = attempt
                    break
                continue
            succeeded = event("delivery.succeeded", "deliver", target=target.name, key=key, attempt=attempt)
            await self.registry.append_events(run_id, [succeeded])
            return
        raise DeliveryFailedError(f"delivery to {target.name} failed after {attempts} attempt(s): {reason}")

    def _reason(self, error: BaseException) -> str:
        """What went wrong with an attempt, in words: a timeout's own message is empty.

        A database error says its first line only: psycopg adds the statement and a caret on lines of their own.
        """
        if isinstance(error, TimeoutError | httpx2.TimeoutException):
            return f"no answer within {self.config.timeout_s:g} s (CLAIMFLOW_DELIVER_TIMEOUT_S)"
        said = str(error).strip().splitlines()
        return redact(f"{type(error).__name__}: {said[0] if said else ''}".rstrip(": "))


def refusal(error: BaseException) -> str | None:
    """Why trying a failed attempt again cannot succeed, in words; None when another attempt may.

    A webhook's 4xx (but 408, 425, 429: "not now") refuses the request itself, and a table's error of a refusing
    SQLSTATE class refuses the row; both stay so until someone changes the target. The database's errors are
    read by their `sqlstate` (psycopg's), so psycopg is not loaded for a process without a table target.
    """
    if isinstance(error, WebhookRefusedError):
        return f"a {error.status} refuses the request itself" if error.final else None
    sqlstate = getattr(error, "sqlstate", None)
    if isinstance(sqlstate, str) and sqlstate[:2] in _REFUSING_SQLSTATES:
        return f"the database refuses the row itself (SQLSTATE {sqlstate})"
    return None


def make_deliverer(
    settings: Settings, registry: AsyncRegistry, types: DocumentTypes, queued: QueuedEvents | None = None
) -> RecordDeliverer | None:
    """The deliverer for the configured targets, or None when CLAIMFLOW_DELIVER names none.

    `queued` takes a run's events still queued for the table (the engine's journal's `take`).
    """
    config = settings.delivery
    if not config.targets:
        return None
    problem = delivery_problem(config, settings.database_url)
    if problem is not None:
        raise SetupError(problem)
    return RecordDeliverer(config, registry, types, settings.database_url, queued)
