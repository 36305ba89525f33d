"""Opening the run registry a settings object names, without the engine (and without LangGraph)."""

from __future__ import annotations

from claimflow.runtime.data_dir import REGISTRY_FILE, close_data_directory
from claimflow.runtime.registry import AsyncRegistry, Registry, RunRegistry
from claimflow.runtime.settings import Settings


def open_registry(settings: Settings) -> RunRegistry:
    """The run registry: Postgres when a database URL is set, else SQLite in the data directory.

    Every command opens the registry first, so a data directory left open is closed again here, whatever the
    command (see `close_data_directory`).
    """
    if settings.database_url:
        # Imported here: psycopg is a tenth of a second to load, which a SQLite command never needs.
        from claimflow.runtime.registry.postgres import PostgresRegistry  # noqa: PLC0415

        return PostgresRegistry(settings.database_url, size=settings.pool_size)
    close_data_directory(settings.data_dir)
    return Registry(settings.data_dir / REGISTRY_FILE, synchronous=settings.sqlite_synchronous)


def open_async_registry(settings: Settings) -> AsyncRegistry:
    """The registry behind its own threads: one for SQLite's one connection, one per Postgres session."""
    return AsyncRegistry(open_registry(settings), threads=settings.pool_size if settings.database_url else 1)
