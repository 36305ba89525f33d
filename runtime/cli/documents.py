"""`claimflow run`, `recover`, `rerun` and `export`: processing documents and writing their records."""

from __future__ import annotations

import logging
import os
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.progress import Progress

from claimflow.runtime.cli._common import (
    AsJson,
    BaseUrlOption,
    DataDir,
    ModelOption,
    TypesOption,
    app,
    emit,
    err,
    exit_codes,
    exit_on_setup_error,
    fitted_table,
    message,
    out,
    refuse_unless_unreachable,
    short_id,
    shown,
    status_option,
    with_engine,
)
from claimflow.runtime.queue.guard import (
    RUN_INSTEAD,
    refuse_beside_workers,
    require_queue_database,
    require_queue_tables,
    workers_alive,
)
from claimflow.runtime.registry.runs import FINISHED, STATUSES
from claimflow.runtime.settings import Settings
from claimflow.runtime.sources import Skipped, expand, path_text
from claimflow.runtime.unavailable import unavailable_reason
from claimflow.state.redaction import redact

if TYPE_CHECKING:
    from claimflow.runtime.engine import Engine, Export
    from claimflow.runtime.registry import RunRow

_log = logging.getLogger("claimflow")


@app.command()
def run(
    # Not checked here (typer would stop the whole batch for one): a path not there or not readable is skipped.
    paths: Annotated[list[Path], typer.Argument(readable=False, help="Files or folders; one run per file.")],
    as_json: AsJson = False,
    data_dir: DataDir = None,
    types: TypesOption = None,
    model: ModelOption = None,
    base_url: BaseUrlOption = None,
    second_opinion: Annotated[
        str | None, typer.Option("--second-opinion", help="A second model; both extract and code arbitrates.")
    ] = None,
    record: Annotated[Path | None, typer.Option("--record", help="Record every model exchange in this folder.")] = None,
    concurrency: Annotated[int, typer.Option("--concurrency", min=1, help="Documents processed at once.")] = 1,
    max_cost: Annotated[float | None, typer.Option("--max-cost", min=0, help="Per-run model cost budget.")] = None,
    max_tokens: Annotated[int | None, typer.Option("--max-tokens", min=0, help="Per-run token budget.")] = None,
    max_calls: Annotated[int | None, typer.Option("--max-calls", min=0, help="Per-run model call budget.")] = None,
    max_model_seconds: Annotated[
        float | None, typer.Option("--max-model-seconds", min=0, help="Per-run budget of time in model calls.")
    ] = None,
    on_budget: Annotated[
        str | None, typer.Option("--on-budget", help="When the budget is spent: review (default) or fail.")
    ] = None,
    queue: Annotated[
        bool,
        typer.Option(
            "--queue",
            help="Record the runs and their jobs for `claimflow worker` processes and return at once "
            "(the default with CLAIMFLOW_EXECUTION=queue).",
        ),
    ] = False,
) -> None:
    """Process documents: completed, waiting for review, or failed with a reason."""
    from claimflow.runtime.batch import process_files

    if on_budget not in (None, "review", "fail"):
        raise typer.BadParameter("--on-budget takes review or fail")
    with exit_on_setup_error():  # any setup error, not only the settings': one line and exit code 2
        settings = Settings.load(
            data_dir=data_dir,
            model=model,
            base_url=base_url,
            second_opinion=second_opinion,
            record_dir=record,
            types=tuple(types or ()),
        ).with_budget(
            max_cost=max_cost,
            max_tokens=max_tokens,
            max_calls=max_calls,
            max_model_seconds=max_model_seconds,
            on_exceeded=on_budget,
        )
        require_queue_database(settings, queue=queue)

    sources = expand(paths, data_dir=settings.data_dir)  # a data directory inside a folder run is left out
    files = sources.files
    earlier: set[str] = set()  # runs a previous command registered: this one continued or found them
    read_from: dict[str, str] = {}  # run id -> the path its document was read from
    elsewhere: set[str] = set()  # runs another live process (a second `run`, a `recover`) is advancing
    _show_skipped(sources.skipped, as_json=as_json, nothing_in=None if files else paths)
    lost = any(item.lost for item in sources.skipped)  # an input not read fails the batch, as a failed document
    if queue or settings.execution == "queue":
        _enqueue(files, settings, as_json=as_json, data_dir=data_dir, lost=lost)
    with exit_codes():
        # A document registered before whose run is unfinished would be continued here and by a worker at once.
        refuse_unless_unreachable(lambda: refuse_beside_workers(settings, "run", RUN_INSTEAD))

    views_so_far: list[dict[str, Any]] = []  # each document finished, for what a stop part-way says is left

    async def body(engine: Engine) -> list[dict[str, Any]]:
        views = views_so_far
        with Progress(console=err, transient=True, disable=as_json or not err.is_terminal) as progress:
            task = progress.add_task("documents", total=len(files))

            async def done_view(row: RunRow, new: bool) -> None:
                view = (await engine.view(row.run_id)).model_dump(mode="json")
                if row.source is not None:
                    read_from[row.run_id] = row.source
                if not new:
                    earlier.add(row.run_id)
                if _advanced_elsewhere(row):
                    elsewhere.add(row.run_id)
                views.append(view)
                if as_json:  # what the table's note says of where the run comes from, for a script to read
                    emit({**view, "new": new, "in_progress_elsewhere": row.run_id in elsewhere})
                progress.advance(task)

            await process_files(engine, files, done_view, concurrency=concurrency)
        return views

    views = with_engine(
        data_dir,
        body,
        settings,
        unfinished=lambda: _unfinished(len(files), len(views_so_far)),
        # `--json` printed each document's line as it finished; a table is printed at the end, or at a stop part-way.
        finished=None if as_json else lambda: _print_finished(views_so_far, read_from, earlier, elsewhere),
    )
    if not as_json and views:  # no documents: the line on stderr says so, and an empty table would say nothing more
        _print_runs(views, read_from, earlier=earlier, elsewhere=elsewhere)
        out.print(batch_summary(views, skipped=len(sources.skipped)), highlight=False)
    _warn_still_running()
    raise typer.Exit(1 if lost else _failed_exit(views))


def _no_worker_alive(settings: Settings) -> bool:
    """Whether no worker is alive on the queue's database; False when that cannot be read.

    A note after the runs were queued: a database that blinks now, or a role that may queue but not read the
    workers, must not turn a batch that was recorded into a failed command.
    """
    try:
        return workers_alive(settings) == 0
    except Exception as error:  # noqa: BLE001 - see above
        _log.debug("whether a worker is alive could not be read: %s", redact(str(error)))
        return False


def batch_summary(views: Sequence[dict[str, Any]], *, skipped: int) -> str:
    """The line under a batch's table: its documents by status (completed, in review, failed first), inputs skipped.

    A nightly job's log reads its outcome here without counting the table's rows.
    """
    counted = Counter(view["status"] for view in views)
    first = ("completed", "needs_review", "failed")  # what a batch is for, then what is left to do
    order = [status for status in (*first, *STATUSES) if status in counted]
    order = list(dict.fromkeys(order)) + sorted(set(counted) - set(STATUSES))
    parts = ", ".join(f"{counted[status]} {status}" for status in order)
    return f"{len(views)} document(s): {parts}" + (f"; {skipped} skipped" if skipped else "")


def _advanced_elsewhere(row: RunRow) -> bool:
    """Whether another live process (a second `run`, a `recover`, a worker) is advancing the run: it holds its lease."""
    from claimflow.runtime.registry.runs import IN_PROGRESS, lease_is_stale

    return row.status in IN_PROGRESS and not lease_is_stale(row.lease_owner, row.lease_until, time.time())


def _failed_exit(views: list[dict[str, Any]]) -> int:
    """1 when a run a command advanced ended failed or its delivery failed, else 0: what cron must notice."""
    return 1 if any(view["status"] in ("failed", "delivery_failed") for view in views) else 0


def _unfinished(total: int, finished: int) -> str | None:
    """How much of a batch a stop left unfinished, or None when it had finished every document."""
    return f"{total - finished} of the batch's {total} document(s) not finished" if finished < total else None


def _print_finished(
    views: Sequence[dict[str, Any]], read_from: dict[str, str], earlier: set[str], elsewhere: set[str]
) -> None:
    """A batch stopped part-way: the rows of the documents it finished, as its whole table would have shown them."""
    if views:  # an empty table would only push the line that says what was left unfinished up the screen
        _print_runs(views, read_from, earlier=earlier, elsewhere=elsewhere)


def _print_runs(
    views: Sequence[dict[str, Any]], read_from: dict[str, str], *, earlier: set[str], elsewhere: set[str]
) -> None:
    """The batch's table: a row per run, its note saying why it stands as it does."""
    table = fitted_table("run", "document", "status", "type", "note")
    # Files of one name in several folders (jan/invoice.pdf, feb/invoice.pdf) are told apart by their paths.
    named = Counter(view["document"] for view in views)
    for view in views:
        document = view["document"]
        if named[document] > 1 and view["run_id"] in read_from:
            document = _as_named(read_from[view["run_id"]])
        codes = dict.fromkeys(reason.split(":", 1)[0] for reason in view["review_reasons"])
        note = message(view["error"]) if view["error"] else shown(", ".join(codes))
        if view["status"] == "delivery_failed":  # the record is kept: what to do is deliver it again
            note = f"{note}; `claimflow deliver retry {short_id(view['run_id'])}` once the target is back"
        if view["run_id"] in elsewhere:  # not "registered before": it may have been registered a moment ago
            note = "in progress in another process"
        elif view["run_id"] in earlier:
            note = f"registered before; {note}" if note else "registered before"
        table.add_row(short_id(view["run_id"]), shown(document), view["status"], shown(view["doc_type"] or "-"), note)
    out.print(table)


def _warn_still_running() -> None:
    """One line when the batch ends with work its documents gave up on still running: the type's code, named."""
    from claimflow.runtime.abandoned import still_running

    left = still_running()
    if left:
        functions = ", ".join(dict.fromkeys(item.function for item in left))
        err.print(
            f"warning: {len(left)} piece(s) of work still running on threads, given up when their document failed"
            f" at its wall time: {shown(functions)}; they stop when this command exits",
            highlight=False,
        )


def _as_named(source: str) -> str:
    """A document's path as a user would name it: from the working folder when it lies under it, else whole."""
    relative = os.path.relpath(source)
    return source if relative.startswith(os.pardir) else relative


def _show_skipped(skipped: Sequence[Skipped], *, as_json: bool, nothing_in: Sequence[Path] | None) -> None:
    """The skipped entries, then on stderr, when the paths named held no document (`nothing_in`), that they did not.

    An empty table alone, exit code 0, would read as a batch done: a misspelt or emptied inbox goes unseen.
    """
    for item in skipped:
        if as_json:
            emit(item.as_json())
        else:
            out.print(f"skipped {shown(path_text(item.path))}: {shown(item.reason)}", highlight=False)
    if nothing_in is not None:
        named = ", ".join(shown(path_text(path)) for path in nothing_in)
        err.print(f"no documents in {named}: nothing to run", highlight=False)


def _enqueue(files: list[Path], settings: Settings, *, as_json: bool, data_dir: Path | None, lost: bool) -> None:
    """`run --queue`: each file's run recorded with its job in one transaction; workers do the rest.

    Exit code 1 if a run failed at once or an input named was `lost` (could not be read), else 0.
    """
    with exit_codes():
        # Refused before the engine opens: opening it would pin the prompt versions and store the document.
        refuse_unless_unreachable(lambda: require_queue_tables(settings))

    async def body(engine: Engine) -> list[tuple[RunRow, bool]]:
        queued = []
        for path in files:
            row, new = await engine.enqueue(path)
            if as_json:  # the object `run --json` prints, so a run refused at once (over a limit) says why
                view = (await engine.view_of(row, registered_now=new)).model_dump(mode="json")
                emit({**view, "new": new, "in_progress_elsewhere": _advanced_elsewhere(row)})
            queued.append((row, new))
        return queued

    queued = with_engine(data_dir, body, settings, queued=True)
    if not as_json and queued:  # no documents: the line on stderr says so, as `run` without the queue does
        table = fitted_table("run", "document", "status", "note")
        for row, new in queued:
            note = message(row.error) if row.error else "" if new else "registered before"
            table.add_row(short_id(row.run_id), shown(row.filename), row.status, note)
        out.print(table)
        err.print(f"queued {sum(new and row.status == 'queued' for row, new in queued)} run(s) for the workers")
    if any(new and row.status == "queued" for row, new in queued) and _no_worker_alive(settings):
        # Said as `claimflow check` says it: the command returned, and nothing will take the runs yet.
        err.print("no worker alive: the runs wait until `claimflow worker` runs (`claimflow status` shows workers)")
    raise typer.Exit(1 if lost or any(row.status == "failed" for row, _ in queued) else 0)


@app.command()
def recover(
    as_json: AsJson = False,
    data_dir: DataDir = None,
    types: TypesOption = None,
    concurrency: Annotated[int, typer.Option("--concurrency", min=1, help="Runs recovered at once.")] = 1,
    model: Annotated[
        str | None,
        typer.Option("--model", help="Continue the runs on this model (recorded); default: each run's own."),
    ] = None,
    base_url: BaseUrlOption = None,
) -> None:
    """Pick up runs a crashed or killed process left queued, running or resuming; live processes keep theirs.

    Each run continues on the model it started with, unless `--model` names another. Exit code 1 if a run it
    continued failed (or its delivery did), as `run` says of a batch, else 0.
    """

    async def body(engine: Engine) -> list[dict[str, Any]]:
        recovered = await engine.recover(concurrency=concurrency)
        return [(await engine.view(row.run_id)).model_dump(mode="json") for row in recovered]

    with exit_codes():
        settings = Settings.load(data_dir=data_dir, model=model, base_url=base_url, types=tuple(types or ()))
        refuse_beside_workers(settings, "recover")
    views = with_engine(data_dir, body, settings, override_model=model is not None)
    for view in views:
        if as_json:
            emit(view)
        else:
            out.print(f"{short_id(view['run_id'])}  {shown(view['document'])}  {view['status']}")
    if not as_json:
        err.print(f"recovered {len(views)} run(s)")
    raise typer.Exit(_failed_exit(views))


@app.command()
def rerun(
    run_ids: Annotated[list[str] | None, typer.Argument(help="Runs to run again (ids or unique prefixes).")] = None,
    version_mismatch: Annotated[
        bool, typer.Option("--version-mismatch", help="Every unfinished run started by another workflow version.")
    ] = False,
    failed: Annotated[
        bool,
        typer.Option(
            "--failed", help="Every failed run whose document is stored and was not run again (e.g. a model was down)."
        ),
    ] = False,
    error: Annotated[
        str | None,
        typer.Option(
            "--error", help="With --failed: only runs whose error holds this text (e.g. ModelUnavailableError)."
        ),
    ] = None,
    as_json: AsJson = False,
    data_dir: DataDir = None,
    types: TypesOption = None,
    model: Annotated[
        str | None, typer.Option("--model", help="Run them on this model (recorded); default: each run's own.")
    ] = None,
    base_url: BaseUrlOption = None,
) -> None:
    """Run unfinished or failed runs' documents again under this workflow version; the old runs close as superseded.

    Each new run uses the model its old run used, unless `--model` names another. With CLAIMFLOW_EXECUTION=queue
    the new runs are queued for the workers. Exit code 1 if a new run failed (or its delivery did), else 0.
    """
    if error is not None and not failed:
        raise typer.BadParameter("--error picks among failed runs: give --failed with it", param_hint="--error")
    if not run_ids and not version_mismatch and not failed:
        raise typer.BadParameter("name runs to re-run, or give --version-mismatch or --failed")

    async def body(engine: Engine) -> list[dict[str, Any]]:
        if failed:  # told, not passed over: a user counting their failures would find some never re-run
            for row in await engine.failures_without_document(error=error):
                err.print(
                    f"not re-run: {short_id(row.run_id)}  {shown(row.filename)}: its document is not stored "
                    f"({shown(row.error or 'pruned')}); send the file again"
                )
        chosen = [(await engine.registry.get_run(run_id)).run_id for run_id in run_ids or ()]
        found = (await engine.version_mismatches() if version_mismatch else []) + (
            await engine.rerunnable_failures(error=error) if failed else []
        )
        chosen += [row.run_id for row in found if row.run_id not in chosen]
        for run_id in chosen:  # each refusal before any run changes: a batch is not left half re-run
            engine.refuse_unloaded_type(await engine.registry.get_run(run_id))
        views = []
        for run_id in chosen:
            row = await engine.rerun(run_id)
            view = {**(await engine.view(row.run_id)).model_dump(mode="json"), "rerun_of": run_id}
            views.append(view)
            if as_json:
                emit(view)
            else:
                out.print(f"{short_id(run_id)} -> {short_id(row.run_id)}  {shown(view['document'])}  {view['status']}")
        return views

    with exit_codes():
        settings = Settings.load(data_dir=data_dir, model=model, base_url=base_url, types=tuple(types or ()))
    views = with_engine(data_dir, body, settings, override_model=model is not None)
    if not as_json:  # in production mode the new runs are the workers' to advance
        err.print(
            f"queued {len(views)} run(s) for the workers"
            if settings.execution == "queue"
            else f"re-ran {len(views)} run(s)"
        )
    raise typer.Exit(_failed_exit(views))


@app.command("export")
def export_command(
    output: Annotated[Path, typer.Argument(help="File to write: .jsonl (default), .json or .csv.")],
    status: Annotated[str, status_option("Export runs with this status.", default="completed")] = "completed",
    doc_type: Annotated[str | None, typer.Option("--type", help="Only records of this document type.")] = None,
    excel: Annotated[
        bool,
        typer.Option(
            "--excel",
            help="CSV for spreadsheets: start each file with the UTF-8 byte order mark, without which Excel "
            "garbles accents (ü as Ã¼). Programs read it as utf-8-sig.",
        ),
    ] = False,
    data_dir: DataDir = None,
    types: TypesOption = None,
) -> None:
    """Write the typed records of finished runs: per field its value, status, evidence and who decided.

    JSON and JSON Lines hold all of it, and nest each table field (line items). A CSV has a row per record and
    per field its value, status, confidence, decider, and its evidence's pages and quotes (total_amount,
    total_amount_status, ..., total_amount_quote); it writes each table to its own CSV beside it
    (records.line_items.csv); records of several types go to one CSV per type, and then the single OUTPUT an
    earlier export of one type wrote (with its tables) is removed, and said to be. A file of such a name that
    no export wrote (its header row is not an export's) is left as it is, and said to be.
    A CSV is plain UTF-8, as programs read it; with --excel, as spreadsheets read it.
    Exits with 1, once the rest is written, when runs were left out and named (of types not loaded here, or whose
    state this claimflow cannot read).
    """
    from claimflow.runtime.export import FORMATS, format_for  # the exporter's own, read when a command exports

    if output.suffix and output.suffix.lower().lstrip(".") not in FORMATS:  # out.xlsx would get JSON Lines
        raise typer.BadParameter(f"{output.name}: name a .jsonl, .json or .csv file", param_hint="OUTPUT")
    if output.name.startswith(".") and output.name.lower().lstrip(".") in FORMATS:
        # `.csv` has no suffix, only a stem: it would get JSON Lines under a name that says CSV.
        raise typer.BadParameter(f"{output.name}: name the file too, such as records{output.name}", param_hint="OUTPUT")
    if excel and format_for(output) != "csv":  # no spreadsheet opens JSON, and a BOM is no part of it
        raise typer.BadParameter(f"{output.name}: --excel writes CSV; name a .csv file", param_hint="OUTPUT")

    async def body(engine: Engine) -> Export:
        try:
            return await engine.export(output, status=status, doc_type=doc_type, excel=excel)
        except OSError as error:
            if unavailable_reason(error) is not None:
                raise  # a full or read-only disk: stopped, exit code 3, as for every command
            # A folder of that name, no permission, a path that cannot be made: a mistake in OUTPUT.
            where = shown(error.filename or output)
            reason = message(error.strerror or error)
            if isinstance(error, FileExistsError) and error.filename and not Path(error.filename).is_dir():
                where, reason = shown(output), f"{where} is a file, not a folder"  # not "File exists"
            err.print(f"[red]error:[/red] cannot write {where}: {reason}", highlight=False)
            raise typer.Exit(2) from None

    exported = with_engine(data_dir, body, types=types, readonly=True, reading=True)
    written = shown(", ".join(str(path) for path in exported.files))
    err.print(f"wrote {exported.records} record(s) to {written}", highlight=False)
    _notes(exported, status)
    if _left_out(exported):
        raise typer.Exit(1)


def _notes(exported: Export, status: str) -> None:
    """What else an export did or left, beside the records it wrote: files removed or left, runs with no record."""
    if exported.removed:
        removed = shown(", ".join(str(path) for path in exported.removed))
        err.print(f"removed (an earlier export's, not part of this one): {removed}", highlight=False)
    if exported.kept:
        kept = shown(", ".join(str(path) for path in exported.kept))
        err.print(f"left in place (no export wrote them, and they are not part of this one): {kept}", highlight=False)
    if exported.untyped:
        # A finished run ended without a type; one in review waits for its reviewer to set one.
        when = "they ended" if status in FINISHED else "they stand"
        err.print(
            f"{exported.untyped} {status} run(s) have no record to write: {when} before a document type was"
            f" accepted; `claimflow runs --status {status}` lists them with why",
            highlight=False,
        )
    if exported.undeclared:
        # Written as its type declares it now: a field renamed or removed since the runs were made is not in it.
        fields = shown(", ".join(f"{name}.{field} ({count})" for name, field, count in exported.undeclared))
        err.print(
            f"warning: left out values of fields their type no longer declares: {fields}; each stays in its run"
            " (`claimflow show RUN`)",
            highlight=False,
        )


def _left_out(exported: Export) -> bool:
    """Name the runs an export left out; whether it left any (an export with a gap must not pass for whole)."""
    if exported.inactive:
        # A record is written as its type declares it; a run whose type this command did not load is left out.
        left = shown(", ".join(f"{name} ({count})" for name, count in exported.inactive))
        err.print(
            f"[red]error:[/red] left out the runs of document types not loaded here: {left}; name their declarations"
            " with --types (or CLAIMFLOW_TYPES, claimflow.toml) and export again",
            highlight=False,
        )
    for run_id, why in exported.unreadable:  # a newer claimflow wrote its state
        err.print(f"[red]error:[/red] left out run {run_id}: {shown(why)}", highlight=False)
    return bool(exported.inactive or exported.unreadable)
