"""`claimflow check`: whether claimflow can run as configured, before the first document finds out."""

from __future__ import annotations

from typing import Annotated

import typer

from claimflow.runtime.checks import run_checks
from claimflow.runtime.cli._common import (
    AsJson,
    BaseUrlOption,
    DataDir,
    TypesOption,
    app,
    emit,
    err,
    fitted_table,
    out,
    shown,
)
from claimflow.runtime.settings import Settings

_SHOWN = {"ok": "[green]ok[/green]", "warning": "[yellow]warning[/yellow]", "failed": "[red]failed[/red]"}


@app.command("check")
def check(
    as_json: AsJson = False,
    data_dir: DataDir = None,
    types: TypesOption = None,
    model: Annotated[str | None, typer.Option("--model", help="The model to check (as `run --model`).")] = None,
    base_url: BaseUrlOption = None,
) -> None:
    """Check the settings, document types, storage, prompt versions, model backend, OCR and delivery.

    Calls no model and writes no run. Exit code 1 if any check failed; warnings (e.g. no OCR, which only
    scans and photos need) leave it 0.
    """
    results = run_checks(
        lambda: Settings.load(data_dir=data_dir, model=model, base_url=base_url, types=tuple(types or ()))
    )
    if as_json:
        for result in results:
            emit({"check": result.check, "outcome": result.outcome, "detail": result.detail})
    else:
        table = fitted_table("check", "outcome", "detail")
        for result in results:
            table.add_row(result.check, _SHOWN[result.outcome], shown(result.detail, lines=True))
        out.print(table)
    failed = [result.check for result in results if result.outcome == "failed"]
    if failed:
        if not as_json:
            err.print(f"[red]failed:[/red] {', '.join(failed)}")
        raise typer.Exit(1)
