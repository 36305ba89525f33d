"""Shared pieces of the CLI: the Typer apps, consoles, option types, and error handling."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console

from claimflow.runtime.engine import Engine, open_engine
from claimflow.runtime.gateway import GatewaySetupError
from claimflow.runtime.registry import RegistryError, RunNotFoundError
from claimflow.runtime.settings import Settings, SettingsError
from claimflow.runtime.version import WorkflowVersionError
from claimflow.state.errors import InvalidDecisionError

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


def emit(obj: Any) -> None:
    """Print one JSON object on its own line of stdout (nothing else goes to stdout in --json mode)."""
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, default=str) + "\n")


def with_engine(data_dir: Path | None, body: Callable[[Engine], Awaitable[T]], settings: Settings | None = None) -> T:
    """Open the engine and run `body`; known errors become a message and exit code, never a traceback."""
    try:
        settings = settings or Settings.load(data_dir=data_dir)

        async def main() -> T:
            async with open_engine(settings) as engine:
                return await body(engine)

        return asyncio.run(main())
    except (SettingsError, GatewaySetupError, RunNotFoundError) as error:
        err.print(f"[red]error:[/red] {error}")
        raise typer.Exit(2) from None
    except (InvalidDecisionError, RegistryError, WorkflowVersionError) as error:
        err.print(f"[red]error:[/red] {error}")
        raise typer.Exit(1) from None
