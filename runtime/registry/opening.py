"""Opening the run registry a settings object names, without the engine (and without LangGraph)."""

from __future__ import annotations

from claimflow.runtime.registry import AsyncRegistry, Registry, RunRegistry
from claimflow.runtime.registry.postgres import PostgresRegistry
from claimflow.runtime.settings import Settings

REGISTRY_FILE = "claimflow.db"
"""The registry's SQLite file in a data directory (when no database URL is set)."""


def open_registry(settings: Settings) -> RunRegistry:
    """The run registry: Postgres when a database URL is set, else SQLite in the data directory."""
    if settings.database_url:
        return PostgresRegistry(settings.database_url, size=settings.pool_size)
    return Registry(settings.data_dir / REGISTRY_FILE, synchronous=settings.sqlite_synchronous)


def open_async_registry(settings: Settings) -> AsyncRegistry:
    """The registry behind its own threads: one for SQLite's one connection, one per Postgres session."""
    return AsyncRegistry(open_registry(settings), threads=settings.pool_size if settings.database_url else 1)
