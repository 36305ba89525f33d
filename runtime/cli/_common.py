"""Shared pieces of the CLI: the Typer apps, consoles, option types, and error handling."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from rich.console import Console

from claimflow.runtime.errors import SetupError, WorkflowVersionError
from claimflow.runtime.registry.runs import RegistryError, RunNotFoundError
from claimflow.runtime.settings import Settings
from claimflow.state.errors import InvalidDecisionError, UnknownDocumentTypeError

if TYPE_CHECKING:
    # The engine pulls in LangGraph and the savers: imported when a command opens one, so `--help` is instant.
    from claimflow.runtime.engine import Engine

app = typer.Typer(help="claimflow: document workflows where models make claims and code decides.", no_args_is_help=True)
review_app = typer.Typer(help="Answer review requests of paused runs.", no_args_is_help=True)
app.add_typer(review_app, name="review")
out = Console(soft_wrap=True)
err = Console(stderr=True)
T = TypeVar("T")

DataDir = Annotated[
    Path | None,
    typer.Option("--data-dir", help="Data directory (else $CLAIMFLOW_DATA_DIR, else ./.claimflow)."),
]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON (one object per line).")]
TypesOption = Annotated[
    list[str] | None,
    typer.Option(
        "--types",
        help="More document types: module[:attr] or file.py[:attr] (repeat or comma-separate); "
        "installed types and those in claimflow.toml / [tool.claimflow] are always found.",
    ),
]


def emit(obj: Any) -> None:
    """Print one JSON object on its own line of stdout (nothing else goes to stdout in --json mode)."""
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, default=str) + "\n")


@contextmanager
def exit_on_setup_error() -> Iterator[None]:
    """Turn a setup error (settings, types, models, prompt versions) into its message and exit code 2."""
    try:
        yield
    except SetupError as error:
        err.print(f"[red]error:[/red] {error}")
        raise typer.Exit(2) from None


def with_engine(
    data_dir: Path | None,
    body: Callable[[Engine], Awaitable[T]],
    settings: Settings | None = None,
    *,
    types: list[str] | None = None,
    readonly: bool = False,
) -> T:
    """Open the engine and run `body`; known errors become a message and exit code, never a traceback.

    `readonly` opens an engine that only looks at runs: no model backend or parser is built.
    """
    from claimflow.runtime.engine import open_engine

    try:
        settings = settings or Settings.load(data_dir=data_dir, types=tuple(types or ()))

        async def main() -> T:
            async with open_engine(settings, readonly=readonly) as engine:
                return await body(engine)

        return asyncio.run(main())
    except (SetupError, RunNotFoundError) as error:
        err.print(f"[red]error:[/red] {error}")
        raise typer.Exit(2) from None
    except (InvalidDecisionError, RegistryError, WorkflowVersionError, UnknownDocumentTypeError) as error:
        err.print(f"[red]error:[/red] {error}")
        raise typer.Exit(1) from None
