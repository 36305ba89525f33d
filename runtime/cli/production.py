"""`claimflow worker`, `claimflow status` and `claimflow db migrate`: production mode on one Postgres database."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

import typer

from claimflow.runtime.cli._common import (
    STOPPED,
    AsJson,
    DataDir,
    TypesOption,
    app,
    emit,
    err,
    exit_codes,
    exit_on_setup_error,
    fitted_table,
    message,
    out,
    require_runs_read,
    short_id,
    shown,
)
from claimflow.runtime.errors import SetupError
from claimflow.runtime.queue.errors import MIGRATE_HINT, not_migrated
from claimflow.runtime.queue.names import MAINTENANCE_QUEUE
from claimflow.runtime.settings import Settings
from claimflow.runtime.unavailable import unavailable_reason
from claimflow.state.review_policy import span

db_app = typer.Typer(help="Set up the production database.", no_args_is_help=True)
app.add_typer(db_app, name="db")


def _settings(data_dir: DataDir, types: list[str] | None = None) -> Settings:
    with exit_on_setup_error():
        settings = Settings.load(data_dir=data_dir, types=tuple(types or ()))
        if not settings.database_url:
            raise SetupError("production mode needs a Postgres database: set CLAIMFLOW_DATABASE_URL")
    return settings


@contextmanager
def _database_errors() -> Iterator[None]:
    """A database out of reach is one line and exit code 3; a setup error (or no schema) one line and exit code 2."""
    try:
        with exit_on_setup_error():
            yield
    except typer.Exit:
        raise
    except Exception as error:
        if not_migrated(error):
            err.print(f"[red]error:[/red] {MIGRATE_HINT}")
            raise typer.Exit(2) from None
        reason = unavailable_reason(error)
        if reason is None:
            raise
        err.print(f"[red]error:[/red] stopped: {message(reason)}")
        raise typer.Exit(STOPPED) from None


@app.command()
def worker(
    queues: Annotated[
        list[str] | None,
        typer.Option("--queues", help="Queues to work on (repeat); default: this model's queue and maintenance."),
    ] = None,
    concurrency: Annotated[int, typer.Option("--concurrency", min=1, help="Jobs worked on at once.")] = 1,
    data_dir: DataDir = None,
    types: TypesOption = None,
    beat_fd: Annotated[int | None, typer.Option("--beat-fd", hidden=True)] = None,
) -> None:
    """Take run jobs from the queue and advance them, until stopped (Ctrl-C or SIGTERM).

    The worker runs in a child process this one watches: one frozen for CLAIMFLOW_WORKER_FREEZE_S (its event
    loop silent, held by code that keeps the interpreter lock) is killed and another started; 0 runs it here.
    """
    from claimflow.runtime.queue import worker_queues
    from claimflow.runtime.queue.logs import log_to_stderr
    from claimflow.runtime.queue.names import QUEUES

    settings = _settings(data_dir, types)
    names = [name.strip() for item in queues or [] for name in item.split(",") if name.strip()]
    unknown = [name for name in names if name not in QUEUES]
    if unknown:  # a worker on a queue nobody puts jobs on would wait for good, saying nothing
        err.print(
            f"[red]error:[/red] --queues: no queue {', '.join(map(repr, unknown))}; the queues are {', '.join(QUEUES)}"
        )
        raise typer.Exit(2)
    log_to_stderr()  # each job, failed run, retry, reaping and the stop: one line each, never a document's text
    if beat_fd is None:  # a child says nothing its supervising process said
        from claimflow.runtime.queue.guard import require_queue_tables

        # Before the banner and before an engine opens there (its tables, its prompt pins): a database without the
        # queue's tables, or out of reach, stops the worker as `run_worker` would, with nothing said started.
        with _database_errors():
            require_queue_tables(settings)
        err.print(
            f"worker on {', '.join(names or worker_queues(settings.model))}, {concurrency} job(s) at once, model "
            f"{shown(settings.model)}; Ctrl-C stops it after the jobs in hand, twice at once"
        )
    if beat_fd is None and settings.worker.freeze_s > 0:
        from claimflow.runtime.queue.supervisor import Supervisor, child_command

        # The child reads the same environment (CLAIMFLOW_*) and working directory: only the options are passed.
        arguments = ["worker", *(f"--queues={name}" for name in names), f"--concurrency={concurrency}"]
        arguments += [f"--data-dir={data_dir}"] if data_dir is not None else []
        arguments += [f"--types={spec}" for spec in types or []]
        raise typer.Exit(Supervisor(child_command(arguments), settings.worker.freeze_s).run())
    from claimflow.runtime.queue.worker import run_worker

    with _database_errors(), _worker_errors():
        asyncio.run(run_worker(settings, queues=names or None, concurrency=concurrency, beat_fd=beat_fd))


@contextmanager
def _worker_errors() -> Iterator[None]:
    """A worker that stops for an error it does not outlive says why in one line, exit code 1, for its supervisor.

    A database out of reach is not one of these (it is outlived, see `run_worker`); a schema missing and a setup
    error are told by `_database_errors`.
    """
    try:
        yield
    except (typer.Exit, SetupError):
        raise
    except Exception as error:
        if not_migrated(error) or unavailable_reason(error) is not None:
            raise
        from claimflow.runtime.queue.logs import error_line  # as the worker's log lines say an exception

        err.print(f"[red]error:[/red] the worker stopped: {message(error_line(error))}")
        raise typer.Exit(1) from None


def unhealthy(found: dict[str, Any]) -> list[str]:
    """What in a production status keeps work from getting done (jobs stalled, jobs waiting with no worker alive)."""
    if found["mode"] != "production":
        return []
    problems = [f"{found['jobs_stalled']} job(s) stalled"] if found["jobs_stalled"] else []
    # Run jobs only, as the guard counts them: a leftover maintenance tick is no work waiting.
    waiting = sum(counts["waiting"] for name, counts in found["queues"].items() if name != MAINTENANCE_QUEUE)
    if waiting and not found["workers_alive"]:
        problems.append(f"{waiting} job(s) waiting and no worker alive")
    return problems


@app.command()
def status(
    as_json: AsJson = False,
    data_dir: DataDir = None,
    check: Annotated[
        bool,
        typer.Option(
            "--check",
            help="Exit 1 when jobs are stalled, or wait with no worker alive, saying which (for monitoring and cron).",
        ),
    ] = False,
) -> None:
    """Runs by status and the oldest open review; in production mode also the queues, jobs and workers."""
    with exit_on_setup_error():
        settings = Settings.load(data_dir=data_dir)
    found = _production_status(settings) if settings.database_url else _embedded_status(settings)
    if as_json:
        emit(found)
    else:
        _print_status(found, settings)
    problems = unhealthy(found) if check else []
    if problems:
        err.print(f"unhealthy: {'; '.join(problems)}")
        raise typer.Exit(1)


def _print_status(found: dict[str, Any], settings: Settings) -> None:
    """What `status` prints without --json."""
    if found["mode"] == "production":
        if found["queues"]:
            table = fitted_table("queue", "waiting", "running")
            for name, counts in found["queues"].items():
                table.add_row(name, str(counts["waiting"]), str(counts["running"]))
            out.print(table)
        else:  # a table of headers alone reads as a display that failed
            out.print("queues: no job waiting or running")
        out.print(
            f"jobs running {found['jobs_running']}, stalled {found['jobs_stalled']}; "
            f"workers alive {found['workers_alive']}"
        )
        _print_workers(found["workers"], found.get("workers_gone", []))
    else:
        out.print(
            f"embedded mode, data directory {shown(str(settings.data_dir))}: no queue or workers (production mode "
            "runs them on Postgres, CLAIMFLOW_DATABASE_URL)",
            markup=False,
        )
    # `failed` covers the runs a reviewer rejected, as `runs` shows them; say how many those are. A failed run that
    # was run again is done with: its new run carries on, so say how many failed runs those are too.
    among = [f"{found['rejected']} of them rejected in review"] if found["rejected"] else []
    among += [f"{found['run_again']} of them run again"] if found["run_again"] else []
    failed = f" ({'; '.join(among)})" if among else ""
    runs = ", ".join(f"{name} {count}{failed if name == 'failed' else ''}" for name, count in found["runs"].items())
    out.print(f"runs: {runs or 'none'}")
    if found.get("left_behind"):
        out.print(
            f"{found['left_behind']} run(s) in progress were left by a process that stopped: `claimflow recover` "
            "continues them (or run the same command again)"
        )
    oldest = found["oldest_review"]
    if oldest:
        # As `review list` shows a review's age (`2d 3h`): a review waiting a week is not 604800 s to a reader.
        out.print(f"oldest waiting review: {short_id(oldest['run_id'])}, waiting {span(oldest['waiting_s'])}")


def _print_workers(workers: list[dict[str, Any]], gone: list[dict[str, Any]]) -> None:
    """The live workers, one row each: which queues each serves and which workflow version it runs.

    Then those whose process has exited on this host, with what `status` says of them (`roster.gone_workers`).
    """
    if not workers and not gone:
        return
    table = fitted_table("worker", "queues", "version", "host:pid", "last beat")
    for found in workers:
        # A worker of an older claimflow records neither: shown with dashes, not left out.
        queues = ", ".join(found["queues"]) if found["queues"] is not None else "-"
        where = f"{found['host']}:{found['pid']}" if found["host"] is not None else "-"
        table.add_row(str(found["id"]), queues, found["version"] or "-", where, f"{found['silent_s']:g} s ago")
    for found in gone:
        table.add_row(str(found["id"]), "-", "-", f"{found['host']}:{found['pid']}", found["said"])
    out.print(table)


def _production_status(settings: Settings) -> dict[str, Any]:
    """The queue and the runs, read in one snapshot of the database (`queue_status`)."""
    from claimflow.runtime.queue.status import queue_status
    from claimflow.runtime.registry._pg_schema import connect

    assert settings.database_url is not None  # production mode only
    with _database_errors(), connect(settings.database_url) as conn:
        return queue_status(conn, stalled_s=settings.worker.stalled_s)


def _embedded_status(settings: Settings) -> dict[str, Any]:
    """The data directory's runs by status and its oldest open review, read from its registry alone."""
    from claimflow.runtime.queue.status import embedded_status
    from claimflow.runtime.registry.opening import open_registry

    with exit_codes():
        require_runs_read(settings)  # a misspelt --data-dir is told, not made and reported as "runs: none"
        registry = open_registry(settings, reading=True)
        try:
            return embedded_status(
                registry.count_runs(),
                registry.list_runs("needs_review"),
                run_again=registry.count_superseded(),
                left_behind=len(registry.stale_runs()),
            )
        finally:
            registry.close()


@db_app.command("migrate")
def db_migrate(data_dir: DataDir = None) -> None:
    """Create or bring up to date the registry, checkpoint and queue schemas; harmless when run again."""
    from claimflow.runtime.queue.migrate import migrate

    settings = _settings(data_dir)
    with _database_errors():
        done = asyncio.run(migrate(settings))
    out.print(f"registry {done.registry}, checkpoints {done.checkpoints}, queue {done.queue}")
