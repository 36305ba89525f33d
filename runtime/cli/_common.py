"""Shared pieces of the CLI: the Typer apps, consoles, option types, error handling, and what may be printed.

Text that comes from outside (file names, field values, quotes, reasons, reviewer names, error messages) goes
through `shown` before it reaches the terminal: rich would otherwise read `[bold red]` or `[link=...]` in a file
name as markup, and a terminal runs the escape sequences a document or a file name may carry.
"""

from __future__ import annotations

import asyncio
import errno
import gc
import json
import logging
import os
import sys
from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from rich.console import Console, ConsoleDimensions
from rich.markup import escape
from rich.table import Column, Table

from claimflow.runtime.cli._closed_pipe import INTERRUPTED, SAID_AT_INTERRUPT, QuietOnClosedPipe
from claimflow.runtime.cli._terminated import TERMINATED, terminate_as_interrupt
from claimflow.runtime.data_dir import DataDirectoryError, existing_data_directory
from claimflow.runtime.errors import SetupError, UnknownDictionaryError, WorkflowVersionError
from claimflow.runtime.registry.runs import (
    SHORTEST_PREFIX,
    RegistryError,
    RunNotFoundError,
    RunRow,
    status_refusal,
)
from claimflow.runtime.settings import Settings
from claimflow.runtime.unavailable import unavailable_reason
from claimflow.runtime.views import with_status
from claimflow.runtime.visible import visible
from claimflow.state.errors import InvalidDecisionError, UnknownDocumentTypeError
from claimflow.state.redaction import redact

if TYPE_CHECKING:
    # The engine pulls in LangGraph and the savers: imported when a command opens one, so `--help` is instant.
    from claimflow.runtime.engine import Engine
    from claimflow.runtime.registry.protocol import RunRegistry

app = typer.Typer(
    help="claimflow: document workflows where models make claims and code decides.",
    no_args_is_help=True,
    cls=QuietOnClosedPipe,
)
review_app = typer.Typer(help="Answer review requests of paused runs.", no_args_is_help=True)
app.add_typer(review_app, name="review")
LOAD_YOUR_TYPES = "name the module that declares a type of your own with --types (or CLAIMFLOW_TYPES, claimflow.toml)"
"""What to do when a command names a document type that is not active here."""
UNWRAPPED_WIDTH = 100_000
"""The width output piped to a file or a program is laid out for: wide enough that nothing wraps."""


class _Console(Console):
    """A console that wraps for a terminal only.

    rich lays output that goes to no terminal (a file, a pipe, a CI log) at 80 columns: every table's long cells
    folded onto several lines, and messages broken mid-sentence, in the very places people `grep` and scroll.
    There it is unwrapped, tables as wide as their cells, unless COLUMNS sets a width; a terminal keeps its own.
    """

    @property
    def size(self) -> ConsoleDimensions:
        """The terminal's size; unwrapped where the output goes to no terminal and COLUMNS is unset."""
        measured = super().size
        if self.is_terminal or "COLUMNS" in os.environ or self._size_set:
            return measured
        return ConsoleDimensions(UNWRAPPED_WIDTH, measured.height)

    @size.setter
    def size(self, new_size: tuple[int, int]) -> None:
        """A size set is fixed, as rich's own setter makes it."""
        self._size_set = True
        self.width, self.height = new_size

    _size_set = False

    def on_broken_pipe(self) -> None:
        """Print no more, and let the error reach the command line's root group, which ends the command quietly.

        rich's own answer, exit 1, would tell a script that the command failed.
        """
        self.quiet = True
        raise BrokenPipeError(errno.EPIPE, "the reader closed the output")


# No emoji codes: `:m:` in `openai:m:` or a file name would turn into a picture.
out = _Console(soft_wrap=True, emoji=False)
err = _Console(stderr=True, emoji=False)
T = TypeVar("T")


RUN_ID_SHOWN = 12
"""How many characters of a run id the CLI shows: enough to be unique, and any prefix of six or more is accepted."""


def short_id(run_id: str) -> str:
    """A run id as the CLI shows it (`RUN_ID_SHOWN` characters)."""
    return run_id[:RUN_ID_SHOWN]


def some_ids(ids: Sequence[str]) -> str:
    """The first five ids, then `...` when there are more: enough to find them, on one line however many."""
    return ", ".join(ids[:5]) + (", ..." if len(ids) > 5 else "")


def percent(value: float | None) -> str:
    """A rate as a percentage with one decimal, `-` where there is none."""
    return "-" if value is None else f"{100 * value:.1f}%"


def fitted_table(*headers: str, title: str | None = None) -> Table:
    """A table for a terminal of any width that never hides what identifies a row.

    A `run` column keeps its ids whole, on one line, to be copied into the next command. Any other cell wraps, and
    a word too long for its column (a file name, a reason code) folds onto the next line: rich's default, an
    ellipsis, cut an 80-column terminal's run ids, document names and reasons short.
    """
    columns = [
        Column(header, no_wrap=True, min_width=RUN_ID_SHOWN) if header == "run" else Column(header, overflow="fold")
        for header in headers
    ]
    return Table(*columns, title=title)


DataDir = Annotated[
    Path | None,
    typer.Option("--data-dir", help="Data directory (else $CLAIMFLOW_DATA_DIR, else ./.claimflow)."),
]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON (one object per line).")]
TypesOption = Annotated[
    list[str] | None,
    typer.Option(
        "--types",
        # Typer reads help as rich markup: a bracket that starts a word is escaped, or the words vanish.
        help="More document types: module[:attr] or file.py[:attr] (repeat or comma-separate); "
        "installed types and those in claimflow.toml / \\[tool.claimflow] are always found.",
    ),
]
ModelOption = Annotated[
    str | None,
    typer.Option(
        "--model",
        help="rules (offline, default), openai:<model>, anthropic:<model>, replay:<dir> or replay:<dir>@<model>.",
    ),
]
BaseUrlOption = Annotated[
    str | None,
    typer.Option(
        "--base-url",
        help="The model's server: OpenAI-compatible for openai:<model> (e.g. http://127.0.0.1:8000/v1), Anthropic's "
        "Messages API for anthropic:<model> (else $CLAIMFLOW_OPENAI_BASE_URL or $CLAIMFLOW_ANTHROPIC_BASE_URL).",
    ),
]


def _known_status(status: str | None) -> str | None:
    """`status` if a run can have it; a typo (`complete`) would list or export nothing and look like success."""
    refusal = status_refusal(status)
    if refusal is not None:
        raise typer.BadParameter(refusal)
    return status


def status_option(help_text: str, *, default: str | None = None) -> Any:
    """The `--status` option, refusing a status no run can have (a usage error, exit 2)."""
    return typer.Option("--status", help=help_text, callback=_known_status, show_default=default is not None)


def shown(text: object, *, lines: bool = False) -> str:
    r"""`text` as the terminal may print it: rich markup escaped, control characters written out (`\x1b`).

    Args:
        text: A file name, value, quote, reason, name or message from outside claimflow's own code.
        lines: Keep line breaks and tabs (a message of several lines); otherwise they are written out too.
    """
    return escape(visible(str(text), lines=lines))


def message(text: object) -> str:
    """An error or a run's error (or `explain`) for the terminal: secrets of URLs masked, then `shown`, lines kept."""
    return shown(redact(str(text)), lines=True)


def emit(obj: Any) -> None:
    """Print one JSON object on its own line of stdout (nothing else goes to stdout in --json mode)."""
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, default=str) + "\n")


@contextmanager
def exit_on_setup_error() -> Iterator[None]:
    """Turn a setup error (settings, types, models, prompt versions) into its message and exit code 2."""
    try:
        yield
    except SetupError as error:
        err.print(f"[red]error:[/red] {message(error)}")
        raise typer.Exit(2) from None


def with_engine(
    data_dir: Path | None,
    body: Callable[[Engine], Awaitable[T]],
    settings: Settings | None = None,
    *,
    types: list[str] | None = None,
    readonly: bool = False,
    override_model: bool = False,
    queued: bool = False,
    reading: bool = False,
    unfinished: Callable[[], str | None] | None = None,
    finished: Callable[[], None] | None = None,
) -> T:
    """Open the engine and run `body`; known errors become a message and exit code, never a traceback.

    `readonly` opens an engine that only looks at runs: no model backend or parser is built. `reading`: the command
    only reads runs, so a data directory that does not exist stops it (exit code 3) rather than being made empty,
    and one this process may not write is read as it is (`open_engine`'s `reading`).
    `override_model`
    continues runs on the settings' model rather than each run's own (`--model` named on the command line).
    A stop for storage advises how to continue what was registered (`resume_advice`), in production mode too
    when `queued` (`run --queue`), or, stopped before the engine opened, says nothing was recorded and what to
    check; a `readonly` command registers nothing and advises nothing. `unfinished` (a batch's) says, when the
    stop comes, how much of the batch it did not finish, or None when it finished every document: only running
    it again reaches the documents it had not registered yet, which `recover` knows nothing of. `finished` prints,
    when Ctrl-C or storage stops the command, what it had finished, ahead of the line saying it was interrupted or
    stopped.
    """
    from claimflow.runtime.engine import open_engine

    with exit_codes():
        settings = settings or Settings.load(data_dir=data_dir, types=tuple(types or ()))
        if reading:
            require_runs_read(settings)

    opened = False  # until the engine opens (its database reached), this command has recorded nothing
    terminated: list[int] = []  # SIGTERM taken: the stop below says `terminated`, exit code 143

    async def main() -> T:
        nonlocal opened
        with terminate_as_interrupt(terminated):
            async with open_engine(
                settings, readonly=readonly, override_model=override_model, reading=reading
            ) as engine:
                opened = True
                # What start-up built (modules, the graph, a provider's SDK and its client) lives as long as
                # the process: take it out of the collector's sight, or every full collection walks it again.
                # On a model-backed batch that was ~0.1 s of collector pauses per 40 documents.
                gc.freeze()
                try:
                    return await body(engine)
                except RunNotFoundError as error:
                    raise not_found(error, (row.run_id for row in await engine.registry.list_runs())) from None

    def advice(interrupted: bool = False) -> str | None:
        if readonly:
            return None
        left = unfinished() if unfinished is not None and opened and not queued else None
        return resume_advice(settings, queued=queued, opened=opened, unfinished=left, interrupted=interrupted)

    try:
        with exit_codes(advice=advice, finished=finished):
            return asyncio.run(main())
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM: typer would end with 130 and not a word of what became of the work
        if finished is not None:
            finished()
        said, stop = advice(interrupted=True), "terminated" if terminated else SAID_AT_INTERRUPT
        err.print(f"{stop}; {said}" if said else stop)
        raise typer.Exit(TERMINATED if terminated else INTERRUPTED) from None


def list_runs(data_dir: Path | None, status: str | None, types: list[str] | None = None) -> list[RunRow]:
    """Runs, oldest first, read from the registry alone (the engine's `runs` without opening the engine).

    `status` matches the registry status or the public one (failed covers rejected), as `Engine.runs` does.
    """
    rows = with_registry(data_dir, lambda registry: registry.list_runs(), types=types, reading=True)
    return with_status(rows, status)


def with_registry(
    data_dir: Path | None, act: Callable[[RunRegistry], T], *, types: list[str] | None = None, reading: bool = False
) -> T:
    """`act` on the run registry alone: no document type is imported, no engine opened (`runs`, `trace`, `token list`).

    A command that needs no declaration works while a type's module is broken or slow to import: an operator
    revokes a token without first mending a plugin. `reading`: as `with_engine`'s.
    """
    from claimflow.runtime.registry.opening import open_registry

    with exit_codes():
        settings = Settings.load(data_dir=data_dir, types=tuple(types or ()))
        if reading:
            require_runs_read(settings)
        registry = open_registry(settings, reading=reading)
        try:
            return act(registry)
        except RunNotFoundError as error:
            raise not_found(error, (row.run_id for row in registry.list_runs())) from None
        finally:
            registry.close()


def require_runs_read(settings: Settings) -> None:
    """Before a command that only reads runs: its data directory must exist (a database is checked by opening it)."""
    if not settings.database_url:
        existing_data_directory(settings.data_dir)


def not_found(error: RunNotFoundError, run_ids: Iterable[str]) -> RunNotFoundError:
    """`error`, saying why when the id asked for is a prefix too short, or one several of `run_ids` start with.

    The registry answers a missing run, an ambiguous prefix and (in the service) a hidden run alike, and must go
    on doing so; the CLI's user may list every run anyway, so the CLI tells them apart.
    """
    run_id = error.run_id
    if run_id is None:
        return error
    known = list(run_ids)
    # As the registries compare a prefix: SQLite's LIKE and Postgres's ILIKE ignore the case.
    starting = [known_id for known_id in known if known_id.lower().startswith(run_id.lower())]
    if run_id in known or not starting:
        return error
    if len(run_id) < SHORTEST_PREFIX:
        return RunNotFoundError(f"{run_id!r} is too short to name a run: use at least {SHORTEST_PREFIX} characters")
    if len(starting) > 1:
        listed = ", ".join(starting[:3]) + (", ..." if len(starting) > 3 else "")
        return RunNotFoundError(f"{run_id!r} is the start of {len(starting)} runs ({listed}): give more characters")
    return error


@contextmanager
def exit_codes(
    *, advice: str | Callable[[], str | None] | None = None, finished: Callable[[], None] | None = None
) -> Iterator[None]:
    """Known errors become a message and an exit code, never a traceback.

    2 for setup errors, unknown runs and unknown document types, 1 for a refused operation, 3 when storage or the
    database is gone: `error: stopped: REASON`, then `advice` (what becomes of the work done so far, see
    `resume_advice`; a callable is asked when the stop comes, as it depends on how far the command got) unless the
    command wrote nothing (none given) or could not open its data directory at all. `finished`, given, prints what
    the command had finished ahead of that line, as it does at Ctrl-C.
    """
    # psycopg and its pools log each failed reconnect or cancellation to stderr; a lost database is told once, below.
    logging.getLogger("psycopg").setLevel(logging.ERROR)
    try:
        yield
    except (SetupError, RunNotFoundError) as error:
        err.print(f"[red]error:[/red] {message(error)}")
        raise typer.Exit(2) from None
    except UnknownDocumentTypeError as error:
        # Most often a type of one's own this command was not told of (the run named it with --types): a setup
        # error, as `types prompt` and `eval` say of the same mistake, not a refused operation.
        err.print(f"[red]error:[/red] {message(error)}; {LOAD_YOUR_TYPES}")
        raise typer.Exit(2) from None
    except (InvalidDecisionError, RegistryError, WorkflowVersionError, UnknownDictionaryError) as error:
        err.print(f"[red]error:[/red] {message(error)}")
        raise typer.Exit(1) from None
    except Exception as error:
        reason = unavailable_reason(error)
        if reason is None:
            raise
        if finished is not None:  # a batch stopped part-way shows the documents it did finish, not only the stop
            finished()
        said = advice() if callable(advice) else advice
        then = f"; {said}" if said and not isinstance(error, DataDirectoryError) else ""
        err.print(f"[red]error:[/red] stopped: {message(reason)}{then}")
        raise typer.Exit(STOPPED) from None


STOPPED = 3
"""The exit code when the data directory or the database could not be written or reached."""

RESUME_HINT = (
    "every document registered so far is kept: run the same command again, or `claimflow recover`, to continue"
)
"""What a stop advises where runs advance in this process: each registered run is continued by either."""

BATCH_RESUME_HINT = (
    "{unfinished}; every document registered so far is kept: run the same command again to continue the batch "
    "(`claimflow recover` continues only the runs already registered, not the documents the batch had not reached)"
)
"""What a stop advises a batch (`run`) that had not finished every document: it registers its files one by one,
just ahead of its workers, so the files it had not reached are known to no run that `recover` could continue."""

QUEUED_HINT = "every run recorded so far is kept with its job for the workers: run the same command again for the rest"
"""What a stop advises in production mode, where workers advance the runs: `recover` must not run beside them."""


UNREACHED_HINT = (
    "nothing was {done}: check that the database CLAIMFLOW_DATABASE_URL names is up and takes connections from "
    "here (`claimflow check` tells), then run the same command again"
)
"""What a stop advises when the database could not be reached as the command started: there is nothing to keep."""

UNOPENED_HINT = "nothing was {done}: run the same command again once the data directory can be written"
"""The same, for a data directory's storage (SQLite) that could not be opened for writing."""


def resume_advice(
    settings: Settings,
    *,
    queued: bool = False,
    opened: bool = True,
    unfinished: str | None = None,
    interrupted: bool = False,
) -> str:
    """What a command that registers or advances runs advises when storage stops it, for its mode.

    `queued`: the command records runs for workers whatever `CLAIMFLOW_EXECUTION` says (`run --queue`).
    `opened`: false when the stop came before the engine opened, so before anything was registered or queued.
    `unfinished`: how much of a batch was not finished (`12 of 40 document(s) not finished`), for a batch
    stopped part-way in this process: only the same command again continues it.
    `interrupted`: the stop is Ctrl-C or SIGTERM, not storage; before the engine opened, storage is not to blame.
    """
    to_workers = queued or settings.execution == "queue"
    if not opened and interrupted:
        return f"nothing was {'queued' if to_workers else 'recorded'} yet: run the same command again"
    if not opened:
        hint = UNREACHED_HINT if settings.database_url else UNOPENED_HINT
        return hint.format(done="queued" if to_workers else "recorded")
    if to_workers:
        return QUEUED_HINT
    return BATCH_RESUME_HINT.format(unfinished=unfinished) if unfinished else RESUME_HINT


def refuse_unless_unreachable(check: Callable[[], None]) -> None:
    """Run `check`, which refuses the command before its engine opens, unless the database is out of reach.

    That is left to opening the engine, which stops the command with it and says what became of its documents.
    """
    try:
        check()
    except Exception as error:
        if unavailable_reason(error) is None:
            raise
