"""Opening a data directory: registry, blobs, checkpoints, gateways, and the compiled workflow."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterable, Mapping
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from datetime import date
from pathlib import Path
from typing import Any

from langgraph.checkpoint.base import BaseCheckpointSaver

from claimflow.graphs import build_documents_workflow
from claimflow.nodes.ports import ModelGateway, Parser, RecordIndex, WorkflowContext
from claimflow.prompts import prompts_for
from claimflow.runtime.checkpoint import sqlite_checkpointer
from claimflow.runtime.data_dir import BLOB_DIR, CHECKPOINT_FILE, DOCUMENT_FILE, read_only_data_directory
from claimflow.runtime.delivery.deliverer import make_deliverer
from claimflow.runtime.discovery import ActiveTypes, discover_types, given_types
from claimflow.runtime.engine.core import Engine
from claimflow.runtime.engine.heartbeat import heartbeat
from claimflow.runtime.engine.journal import EventJournal
from claimflow.runtime.errors import SetupError
from claimflow.runtime.gateway import make_gateway
from claimflow.runtime.gateway.config import price_file_hint
from claimflow.runtime.gateway.recording import RecordingGateway
from claimflow.runtime.ingest import IngestLimits
from claimflow.runtime.ocr_readiness import refuse_unreadable_languages
from claimflow.runtime.offload import offload
from claimflow.runtime.registry import AsyncRegistry, close_owner
from claimflow.runtime.registry.opening import open_async_registry
from claimflow.runtime.settings import Settings
from claimflow.runtime.sqlitestore import SqliteDocumentStore
from claimflow.runtime.store import AsyncDocumentStore, DocumentFiles, FileDocumentStore
from claimflow.runtime.type_settings import check_type_settings, type_settings_problem
from claimflow.state.schema import DocumentType, DocumentTypes

_log = logging.getLogger("claimflow")


def _own(stack: AsyncExitStack, gateway: ModelGateway, settings: Settings) -> ModelGateway:
    """Wrap a gateway the engine made (recording, if asked) and close it with the engine."""
    if settings.record_dir is not None:
        gateway = RecordingGateway(gateway, settings.record_dir)
    close = getattr(gateway, "aclose", None)
    if close is not None:
        stack.push_async_callback(close)
    return gateway


class PromptChangedError(SetupError):
    """A prompt's text changed under a version this data directory already used."""


def active_types(settings: Settings, types: Iterable[DocumentType] | ActiveTypes | None) -> ActiveTypes:
    """The types given by the caller, else every type discovery finds (entry points, configuration, --types)."""
    if isinstance(types, ActiveTypes):
        return types
    return discover_types(settings.types) if types is None else given_types(types)


async def pin_prompts(registry: AsyncRegistry, active: ActiveTypes, *, read_only: bool = False) -> None:
    """Record each prompt version's hash on first use; refuse a prompt whose text changed under its version.

    `read_only`: a registry opened read only, where nothing is recorded; a changed text is refused all the same.
    """
    hashes = prompt_hashes(active)
    changed = changed_pins(hashes, await registry.pinned_prompts()) if read_only else await registry.pin_prompts(hashes)
    if changed:
        raise PromptChangedError(prompts_changed(changed))


def changed_pins(current: Mapping[str, str], pinned: Mapping[str, str]) -> dict[str, str]:
    """The prompt versions of `current` pinned to another hash (`ref -> pinned hash`); unpinned ones are not."""
    return {ref: pinned[ref] for ref, digest in current.items() if pinned.get(ref, digest) != digest}


def prompt_hashes(active: ActiveTypes) -> dict[str, str]:
    """Each prompt version the active types use (`extract_invoice@2`, ...), with its text's hash."""
    return {prompt.ref: prompt.content_hash for prompt in prompts_for(active.types)}


def prompts_changed(changed: Mapping[str, str]) -> str:
    """What to say of prompt versions whose text is not the one first used under them (`ref -> first hash`)."""
    refs = ", ".join(f"{ref} (first used as {digest[:12]})" for ref, digest in sorted(changed.items()))
    return (
        f"prompt text changed under a version this data directory already used: {refs}. A prompt may not "
        "change without a new version: bump the document type's `version` (its guidance or fields changed)."
    )


def _ingest_parser(limits: IngestLimits) -> Parser:
    # The parsers pull in PDF, OCR and HTML libraries: only an engine that advances runs needs them.
    from claimflow.runtime.parsing import IngestParser

    return IngestParser(limits)


def _document_files(settings: Settings, *, read_only: bool = False) -> DocumentFiles:
    """The document store: Postgres when a database URL is set (shared by every process), else the data directory.

    `read_only`: the data directory's store is only read (`open_data_directory`).
    """
    blobs, database = settings.data_dir / BLOB_DIR, settings.data_dir / DOCUMENT_FILE
    # Documents an earlier version stored as files in this data directory are read from there, if it has them.
    files = FileDocumentStore(blobs) if blobs.is_dir() else None

    def embedded() -> SqliteDocumentStore:
        return SqliteDocumentStore(
            database, fallback=files, synchronous=settings.sqlite_synchronous, read_only=read_only
        )

    if not settings.database_url:
        return embedded()
    from claimflow.runtime.pgstore import PgDocumentStore

    # Documents an installation stored before the database held them are read from its data directory, if here.
    fallback = embedded() if database.is_file() else files
    return PgDocumentStore(
        settings.database_url, size=settings.pool_size, wait_s=settings.postgres_wait_s, fallback=fallback
    )


def _checkpointer(
    settings: Settings, *, read_only: bool = False
) -> AbstractAsyncContextManager[BaseCheckpointSaver[Any]]:
    if settings.database_url:
        from claimflow.runtime.checkpoint_postgres import postgres_checkpointer  # noqa: PLC0415 - psycopg: Postgres only

        return postgres_checkpointer(
            settings.database_url,
            size=settings.pool_size,
            synchronous_commit=settings.postgres_synchronous_commit,
            wait_s=settings.postgres_wait_s,
        )
    return sqlite_checkpointer(
        settings.data_dir / CHECKPOINT_FILE, synchronous=settings.sqlite_synchronous, read_only=read_only
    )


@asynccontextmanager
async def open_engine(
    settings: Settings | None = None,
    *,
    data_dir: str | Path | None = None,
    model: str | None = None,
    gateway: ModelGateway | None = None,
    second_gateway: ModelGateway | None = None,
    parser: Parser | None = None,
    today: date | None = None,
    limits: IngestLimits | None = None,
    types: Iterable[DocumentType] | ActiveTypes | None = None,
    readonly: bool = False,
    override_model: bool | None = None,
    records: RecordIndex | None = None,
    reading: bool = False,
) -> AsyncIterator[Engine]:
    """Open the data directory (blobs) and the database (registry, checkpoints), and yield a ready engine.

    Without `settings`, they are loaded as the CLI loads them, with `data_dir` and `model` given explicitly.
    The database is SQLite files in the data directory, or Postgres when `settings.database_url` names one
    (registry tables and LangGraph checkpoints then share that database). The workflow is built from
    `types`, or from every discovered type; both are checked before anything else is opened.

    `readonly=True` opens an engine that looks at runs but does not advance them: no model backend and no
    parser are built (or imported), so commands such as `claimflow runs` start quickly. `reading` (with
    `readonly`): the caller only reads runs, so a data directory this process may not write is opened read only
    (a copy mounted read-only, another user's), where any other caller is refused it (`open_data_directory`).

    A run continues on the model it started with; `override_model=True` continues runs on this engine's
    model instead, recording each change as a `run.model_overridden` event. By default a `gateway` given
    here is such an explicit choice, and the settings' model is not (each run keeps its own).

    `records` is where duplicate rules look up earlier completed runs (default: this engine's registry); a
    replay passes the stored runs' registry as the run it replays saw it.

    Documents, texts and masking maps are kept in Postgres when a database URL is set (every process reads
    the same store; blobs still in the data directory are read from there and copied in), else in the data
    directory's `blobs/`.
    """
    # What reads files (settings, discovery, the data directory's modes, imports of the backends and parsers)
    # runs on a worker thread: an engine opened inside a server's event loop must not block it.
    if settings is None:
        settings = await asyncio.to_thread(Settings.load, data_dir=data_dir, model=model)
    limits = limits or settings.limits
    if override_model is None:
        override_model = gateway is not None
    active = await asyncio.to_thread(active_types, settings, types)
    _check_type_settings(settings, active.types, readonly=readonly)
    if not readonly and parser is None:  # an engine that reads documents, with claimflow's own parser
        await asyncio.to_thread(refuse_unreadable_languages, limits)
    async with AsyncExitStack() as stack:
        if gateway is None and not readonly:
            _refuse_unpriced_cost_budget(settings, settings.model)
            gateway = _own(stack, await asyncio.to_thread(make_gateway, settings.model, settings.gateway), settings)
        if second_gateway is None and settings.second_opinion and not readonly:
            _refuse_unpriced_cost_budget(settings, settings.second_opinion)
            made = await asyncio.to_thread(make_gateway, settings.second_opinion, settings.gateway)
            second_gateway = _own(stack, made, settings)
        registry = await asyncio.to_thread(open_async_registry, settings, reading=reading)
        stack.push_async_callback(asyncio.to_thread, registry.close)
        read_only = reading and not settings.database_url and read_only_data_directory(settings.data_dir)
        await pin_prompts(registry, active, read_only=read_only)
        store = AsyncDocumentStore(await asyncio.to_thread(_document_files, settings, read_only=read_only))
        stack.push_async_callback(store.close)
        saver = await stack.enter_async_context(_checkpointer(settings, read_only=read_only))
        graph = build_documents_workflow(active.types).compile(checkpointer=saver)
        journal = EventJournal(registry)  # the engine's, and the deliverer's, which writes a run's queued events first
        context = None
        if gateway is not None:
            if parser is None:
                parser = await asyncio.to_thread(_ingest_parser, limits)
            context = WorkflowContext(
                gateway=gateway,
                store=store,
                parser=parser,
                records=registry if records is None else records,
                today=(lambda: today) if today else date.today,
                second_gateway=second_gateway,
                mask_patterns=settings.mask_patterns,
                offload=offload,
                deliverer=make_deliverer(settings, registry, active.types, journal.take),
            )
        engine = Engine(
            settings, registry, store, graph, context, limits, active, override_model=override_model, journal=journal
        )
        stack.callback(close_owner, engine.owner)  # once its own closing is done
        stack.push_async_callback(engine.journal.close)
        stack.push_async_callback(engine.close_models)
        if not readonly:
            await stack.enter_async_context(heartbeat(registry, engine.owner))
        yield engine


def _refuse_unpriced_cost_budget(settings: Settings, model: str) -> None:
    """Refuse a cost budget for runs of a live model with no price: its calls would count 0 and never reach it.

    The offline backends (`rules`, `replay`) cost nothing by nature; a gateway handed in reports its own cost.
    """
    budget = settings.policy.budget.max_cost
    provider, _, name = model.partition(":")
    if budget is None or not name or settings.gateway.prices.price_of(provider, name) is not None:
        return
    raise SetupError(
        f"a cost budget of {budget:g} (--max-cost, CLAIMFLOW_MAX_COST or the policy's budget) cannot be kept: {model}"
        f" has no price, so its calls would count 0 against it; list it in {price_file_hint(model)}; or limit runs"
        " by --max-tokens or --max-calls"
    )


def _check_type_settings(settings: Settings, types: DocumentTypes, *, readonly: bool) -> None:
    """Refuse settings naming a type or field no active type has (the policy's, the output caps').

    An engine that only looks at runs warns instead: what such a setting governs (thresholds, review deadlines,
    caps) is never used in looking, and an operator who misspelt one must still be able to see the runs.
    """
    if not readonly:
        check_type_settings(settings, types)
    elif (problem := type_settings_problem(settings, types)) is not None:
        _log.warning("warning: %s (commands that run documents refuse this until it is fixed)", problem)
