"""Opening the run registry a settings object names, without the engine (and without LangGraph)."""

from __future__ import annotations

from claimflow.runtime.data_dir import REGISTRY_FILE, DataDirectoryError, open_data_directory
from claimflow.runtime.registry import AsyncRegistry, Registry, RunRegistry
from claimflow.runtime.registry.asynchronous import CLOSE_WAIT_S
from claimflow.runtime.settings import Settings


def open_registry(settings: Settings, *, reading: bool = False) -> RunRegistry:
    """The run registry: Postgres when a database URL is set, else SQLite in the data directory.

    Every command opens the registry first, so a data directory left open is closed again here, whatever the
    command (see `close_data_directory`), and one that cannot be created or used is told here, naming it.
    `reading`: the command only reads runs, and a data directory it may not write is opened read only.

    Raises:
        DataDirectoryError: The data directory, or the registry's file in it, cannot be created or opened, or
            (unless `reading`) written.
    """
    if settings.database_url:
        # Imported here: psycopg is a tenth of a second to load, which a SQLite command never needs.
        from claimflow.runtime.registry.postgres import PostgresRegistry  # noqa: PLC0415

        return PostgresRegistry(settings.database_url, size=settings.pool_size, wait_s=settings.postgres_wait_s)
    read_only = open_data_directory(settings.data_dir, reading=reading)
    try:
        return Registry(settings.data_dir / REGISTRY_FILE, synchronous=settings.sqlite_synchronous, read_only=read_only)
    except OSError as error:  # the registry's file: a folder in its place, a data directory others own
        raise DataDirectoryError(settings.data_dir, error) from error


def open_async_registry(settings: Settings, *, reading: bool = False) -> AsyncRegistry:
    """The registry behind its own threads: one for SQLite's one connection, one per Postgres session.

    `reading`: as for `open_registry`.
    """
    if settings.database_url:
        return AsyncRegistry(open_registry(settings), threads=settings.pool_size, close_wait_s=CLOSE_WAIT_S)
    return AsyncRegistry(open_registry(settings, reading=reading), threads=1)
