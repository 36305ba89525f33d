"""Checkpointer factory: SQLite by default, with an explicit serde allowlist of our state types."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiosqlite
from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver
from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver
from psycopg import AsyncConnection
from psycopg.rows import dict_row

from state.budget import Budget, UsageTotals
from state.claims import ExtractionClaim, FieldClaim, LineItemClaim
from state.documents import DocumentRef, TextRef
from state.events import Event
from state.evidence import ClaimedEvidence, Evidence
from state.outcomes import (
    ClaimOutcome,
    Classification,
    FieldResult,
    LineItem,
    ReviewReason,
    RouteDecision,
    RuleResult,
)
from state.policy import Policy, StepPolicy
from state.review import ReviewDecision, ReviewField, ReviewRequest
from state.workflow import Candidate, MaskRef, StepErrors, WorkflowState

CHECKPOINT_TYPES: tuple[type, ...] = (
    WorkflowState,
    DocumentRef,
    TextRef,
    MaskRef,
    Policy,
    StepPolicy,
    Classification,
    FieldResult,
    LineItem,
    RuleResult,
    ReviewReason,
    ReviewRequest,
    ReviewField,
    ReviewDecision,
    StepErrors,
    ClaimOutcome,
    RouteDecision,
    Event,
    Evidence,
    UsageTotals,
    Budget,
    Candidate,
    ExtractionClaim,
    FieldClaim,
    LineItemClaim,
    ClaimedEvidence,
)
"""Every type that may appear in a checkpoint. Anything else is refused when loading."""


def serializer() -> JsonPlusSerializer:
    """The checkpoint serializer with claimflow's allowlist (no pickle, no arbitrary classes)."""
    return JsonPlusSerializer(allowed_msgpack_modules=list(CHECKPOINT_TYPES))


@asynccontextmanager
async def postgres_checkpointer(url: str) -> AsyncIterator[AsyncPostgresSaver]:
    """An AsyncPostgresSaver on `url`, set up and closed with the context.

    The connection must autocommit (otherwise checkpoints are silently never committed), must not use
    server-side prepared statements (poolers), and must return dict rows: the saver relies on all three.
    """
    # TCP keepalives: a dead host's session (and anything it holds) goes away within about a minute.
    async with await AsyncConnection.connect(
        url,
        autocommit=True,
        prepare_threshold=0,
        row_factory=dict_row,
        keepalives=1,
        keepalives_idle=30,
        keepalives_interval=10,
        keepalives_count=3,
    ) as connection:
        saver = AsyncPostgresSaver(connection, serde=serializer())
        await saver.setup()
        yield saver


@asynccontextmanager
async def sqlite_checkpointer(path: Path) -> AsyncIterator[AsyncSqliteSaver]:
    """An AsyncSqliteSaver on `path`, set up and closed with the context."""
    path.parent.mkdir(parents=True, exist_ok=True)
    async with aiosqlite.connect(path, timeout=30.0) as connection:
        await connection.execute("PRAGMA journal_mode=WAL")
        await connection.execute("PRAGMA busy_timeout=30000")
        saver = AsyncSqliteSaver(connection, serde=serializer())
        await saver.setup()
        yield saver
