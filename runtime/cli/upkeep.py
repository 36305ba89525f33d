"""`claimflow prune`, `erase` and `deliver retry`: bounded storage, erasure on request, failed deliveries."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Annotated

import typer

from claimflow.runtime.cli._common import AsJson, DataDir, TypesOption, app, emit, err, message, out, with_engine
from claimflow.runtime.views import public_status

if TYPE_CHECKING:
    from claimflow.runtime.engine import Engine

deliver_app = typer.Typer(help="Deliver finished records again (CLAIMFLOW_DELIVER).", no_args_is_help=True)
app.add_typer(deliver_app, name="deliver")


@app.command()
def prune(
    finished_older_than: Annotated[
        str,
        typer.Option("--finished-older-than", help="Age of finished runs to prune: 30d, 12h, 90m, 2w; 1s at least."),
    ],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Say what would be removed; change nothing.")] = False,
    as_json: AsJson = False,
    data_dir: DataDir = None,
    types: TypesOption = None,
) -> None:
    """Remove checkpoints and unshared blobs of runs finished long ago; records and audit events stay."""
    from claimflow.runtime.retention.ages import parse_prune_age

    try:
        age = parse_prune_age(finished_older_than)
    except ValueError as error:
        err.print(f"[red]error:[/red] --finished-older-than: {message(error)}")
        raise typer.Exit(2) from None

    async def body(engine: Engine) -> None:
        report = await engine.prune(age, dry_run=dry_run)
        if as_json:
            emit(
                {
                    "dry_run": report.dry_run,
                    "runs": list(report.runs),
                    "checkpoint_bytes": report.checkpoint_bytes,
                    "blobs": report.blobs,
                    "blob_bytes": report.blob_bytes,
                }
            )
            return
        verb = "would remove" if dry_run else "removed"
        out.print(
            f"{verb}: {len(report.runs)} run(s), {report.checkpoint_bytes} checkpoint bytes, "
            f"{report.blobs} blob(s) of {report.blob_bytes} bytes",
            markup=False,
        )

    with_engine(data_dir, body, types=types, readonly=True)


@app.command()
def erase(
    run_ids: Annotated[list[str], typer.Argument(metavar="RUN...", help="Finished runs to erase (ids or prefixes).")],
    reason: Annotated[str, typer.Option("--reason", help="Why (e.g. the request's reference); kept in the audit.")],
    as_json: AsJson = False,
    data_dir: DataDir = None,
    types: TypesOption = None,
) -> None:
    """Erase finished runs' personal data: documents, values, quotes, comments, file names; the audit shape stays."""
    if not reason.strip():
        err.print("[red]error:[/red] --reason: say why the runs are erased (it is kept in their audit trail)")
        raise typer.Exit(2)

    async def body(engine: Engine) -> None:
        report = await engine.erase(run_ids, reason=reason)
        for run in report.runs:
            if as_json:
                emit(dataclasses.asdict(run))
            elif run.already:
                out.print(f"{run.run_id}  already erased: nothing changed", markup=False)
            else:
                out.print(
                    f"{run.run_id}  erased: {run.events} event(s), {run.decisions} decision(s), "
                    f"{'the final state' if run.final_state else 'no final state'}, {run.record_keys} key(s), "
                    f"{run.checkpoint_bytes} checkpoint bytes, {run.blobs} blob(s) of {run.blob_bytes} bytes",
                    markup=False,
                )

    with_engine(data_dir, body, types=types, readonly=True)


@deliver_app.command("retry")
def retry(run_id: str, as_json: AsJson = False, data_dir: DataDir = None, types: TypesOption = None) -> None:
    """Deliver a delivery_failed run's record again, with the idempotency key of its first attempt."""

    async def body(engine: Engine) -> None:
        row = await engine.retry_delivery(run_id)
        if as_json:
            emit((await engine.view(row.run_id)).model_dump(mode="json"))
        else:
            out.print(f"{row.run_id}  {public_status(row)}  {message(row.error or '')}", markup=False)
        if row.status != "completed":
            raise typer.Exit(1)

    with_engine(data_dir, body, types=types)
