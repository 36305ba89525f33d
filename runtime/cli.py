"""The claimflow command line. The JSON shapes and exit codes here are a contract other tools build on."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from runtime.batch import expand_paths, process_files
from runtime.engine import REGISTRY_FILE, Engine, open_engine
from runtime.explain import explain
from runtime.export import write_records
from runtime.gateway import GatewaySetupError
from runtime.registry import Registry, RegistryError, RunNotFoundError, RunRow
from runtime.settings import Settings, SettingsError
from runtime.version import WorkflowVersionError
from runtime.views import public_status, run_view
from state.errors import InvalidDecisionError
from state.records import build_record
from state.review import ReviewDecision

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


def _emit(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, default=str) + "\n")


def _with_engine(data_dir: Path | None, body: Callable[[Engine], Awaitable[T]], settings: Settings | None = None) -> T:
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


@app.command()
def run(
    paths: Annotated[list[Path], typer.Argument(exists=True, help="Files or folders; one run per file.")],
    as_json: AsJson = False,
    data_dir: DataDir = None,
    model: Annotated[
        str | None,
        typer.Option("--model", help="rules (offline, default), openai:<model>, anthropic:<model> or replay:<dir>."),
    ] = None,
    base_url: Annotated[
        str | None, typer.Option("--base-url", help="OpenAI-compatible server, e.g. http://127.0.0.1:8000/v1.")
    ] = None,
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
) -> None:
    """Process documents: completed, waiting for review, or failed with a reason."""
    files = expand_paths(paths)
    if on_budget not in (None, "review", "fail"):
        raise typer.BadParameter("--on-budget takes review or fail")
    try:
        settings = Settings.load(
            data_dir=data_dir, model=model, base_url=base_url, second_opinion=second_opinion, record_dir=record
        ).with_budget(
            max_cost=max_cost,
            max_tokens=max_tokens,
            max_calls=max_calls,
            max_model_seconds=max_model_seconds,
            on_exceeded=on_budget,
        )
    except SettingsError as error:
        err.print(f"[red]error:[/red] {error}")
        raise typer.Exit(2) from None

    async def body(engine: Engine) -> list[dict[str, Any]]:
        views: list[dict[str, Any]] = []
        with Progress(console=err, transient=True, disable=as_json or not err.is_terminal) as progress:
            task = progress.add_task("documents", total=len(files))

            async def done_view(row: RunRow) -> None:
                view = run_view(row, await engine.state(row.run_id))
                views.append(view)
                if as_json:
                    _emit(view)
                progress.advance(task)

            await process_files(engine, files, done_view, concurrency=concurrency)
        return views

    views = _with_engine(data_dir, body, settings)
    if not as_json:
        table = Table("run", "document", "status", "type", "note")
        for view in views:
            codes = dict.fromkeys(reason.split(":", 1)[0] for reason in view["review_reasons"])
            note = view["error"] or ", ".join(codes)
            table.add_row(view["run_id"][:12], view["document"], view["status"], view["doc_type"] or "-", note)
        out.print(table)
    raise typer.Exit(1 if any(view["status"] == "failed" and not _rejected(view) for view in views) else 0)


def _rejected(view: dict[str, Any]) -> bool:
    return bool(view["error"] and str(view["error"]).startswith("rejected in review"))


@app.command()
def recover(as_json: AsJson = False, data_dir: DataDir = None) -> None:
    """Pick up runs a crashed or killed process left queued, running or resuming."""

    async def body(engine: Engine) -> list[dict[str, Any]]:
        return [run_view(row, await engine.state(row.run_id)) for row in await engine.recover()]

    views = _with_engine(data_dir, body)
    for view in views:
        if as_json:
            _emit(view)
        else:
            out.print(f"{view['run_id'][:12]}  {view['document']}  {view['status']}", markup=False)
    if not as_json:
        err.print(f"recovered {len(views)} run(s)")


@app.command("export")
def export_command(
    output: Annotated[Path, typer.Argument(help="File to write: .jsonl (default), .json or .csv.")],
    status: Annotated[str, typer.Option("--status", help="Export runs with this status.")] = "completed",
    data_dir: DataDir = None,
) -> None:
    """Write the typed records (value, status, evidence and who decided, per field) of finished runs."""

    async def body(engine: Engine) -> int:
        records = []
        for row in engine.registry.list_runs():
            if status not in (row.status, public_status(row)):
                continue
            state = await engine.state(row.run_id)
            record = build_record(state) if state else None
            if record is not None:
                records.append(record)
        return write_records(records, output)

    count = _with_engine(data_dir, body)
    err.print(f"wrote {count} record(s) to {output}")


@app.command()
def runs(
    status: Annotated[str | None, typer.Option("--status", help="Only runs with this status.")] = None,
    as_json: AsJson = False,
    data_dir: DataDir = None,
) -> None:
    """List runs."""

    async def body(engine: Engine) -> None:
        rows = engine.registry.list_runs()
        rows = [r for r in rows if status in (None, r.status, public_status(r))]
        if as_json:
            for row in rows:
                _emit(run_view(row, await engine.state(row.run_id)))
            return
        table = Table("run", "document", "status", "type", "model", "error")
        for row in rows:
            table.add_row(
                row.run_id[:12],
                row.filename,
                public_status(row),
                row.doc_type or "-",
                row.model,
                row.error or "",
            )
        out.print(table)

    _with_engine(data_dir, body)


@app.command()
def show(run_id: str, as_json: AsJson = False, data_dir: DataDir = None) -> None:
    """Show one run: its status, type, fields with evidence, and why it waits for review."""

    async def body(engine: Engine) -> None:
        row = engine.registry.get_run(run_id)
        view = run_view(row, await engine.state(row.run_id))
        if as_json:
            _emit(view)
            return
        out.print(f"[bold]{view['run_id']}[/bold]  {view['document']}  {view['status']}  {view['doc_type'] or '-'}")
        if view["error"]:
            out.print(f"error: {view['error']}")
        for reason in view["review_reasons"]:
            out.print(f"review: {reason}")
        table = Table("field", "value", "status", "evidence")
        for name, field in view["fields"].items():
            quotes = "; ".join(f"p{e['page']}:{e['start']} {e['quote']!r}" for e in field["evidence"])
            table.add_row(name, json.dumps(field["value"], ensure_ascii=False), field["status"], quotes)
        out.print(table)

    _with_engine(data_dir, body)


@app.command()
def trace(run_id: str, as_json: AsJson = False, data_dir: DataDir = None) -> None:
    """The run's events, in order."""

    async def body(engine: Engine) -> None:
        row = engine.registry.get_run(run_id)
        for item in engine.registry.events(row.run_id):
            if as_json:
                _emit(
                    {
                        "type": item["type"],
                        "step": item["step"],
                        "at": item["at"],
                        "event_id": item["event_id"],
                        **{"data": item["data"]},
                    }
                )
            else:
                summary = ", ".join(f"{k}={v}" for k, v in item["data"].items() if v not in (None, [], {}))
                out.print(
                    f"{item['at']}  {item['type']:<18} {item['step']:<18} {summary}",
                    markup=False,
                    highlight=False,
                )

    _with_engine(data_dir, body)


@app.command("explain")
def explain_command(run_id: str, data_dir: DataDir = None) -> None:
    """Why each field has its value: claims, the checks that accepted or rejected them, reviewer changes."""

    async def body(engine: Engine) -> None:
        row = engine.registry.get_run(run_id)
        state = await engine.state(row.run_id)
        if state is None:
            out.print(f"run {row.run_id} has not started: {row.error or row.status}")
            return
        out.print(explain(state, engine.registry.events(row.run_id)), markup=False, highlight=False)

    _with_engine(data_dir, body)


@review_app.command("list")
def review_list(as_json: AsJson = False, data_dir: DataDir = None) -> None:
    """Runs waiting for a reviewer."""

    async def body(engine: Engine) -> None:
        rows = engine.registry.list_runs("needs_review")
        if as_json:
            for row in rows:
                pending = await engine.pending_review(row.run_id)
                _emit(
                    {
                        **run_view(row, await engine.state(row.run_id)),
                        "interrupt_id": pending.interrupt_id if pending else None,
                    }
                )
            return
        table = Table("run", "document", "type", "reasons")
        for row in rows:
            state = await engine.state(row.run_id)
            reasons = "; ".join(r.code for r in state.review_reasons) if state else ""
            table.add_row(row.run_id[:12], row.filename, row.doc_type or "-", reasons)
        out.print(table)

    _with_engine(data_dir, body)


@review_app.command("show")
def review_show(run_id: str, as_json: AsJson = False, data_dir: DataDir = None) -> None:
    """The open review request: reasons, every field with its evidence, what may be edited."""

    async def body(engine: Engine) -> None:
        row = engine.registry.get_run(run_id)
        pending = await engine.pending_review(row.run_id)
        if pending is None:
            err.print(f"run {row.run_id} is {public_status(row)}, not waiting for review")
            raise typer.Exit(1)
        request = pending.request
        if as_json:
            _emit({"interrupt_id": pending.interrupt_id, **request.model_dump(mode="json")})
            return
        out.print(f"[bold]{request.run_id}[/bold]  {request.document}  type: {request.doc_type}")
        out.print(f"review id: {pending.interrupt_id}", markup=False)
        for reason in request.reasons:
            out.print(f"  why: {reason.code}: {reason.message}", markup=False)
        table = Table("field", "value", "status", "confidence", "evidence")
        for field in request.fields:
            quotes = "; ".join(f"p{e.page}:{e.start} {e.quote!r}" for e in field.evidence)
            conf = f"{field.confidence:.2f}" if field.confidence is not None else "-"
            table.add_row(field.name, json.dumps(field.value, ensure_ascii=False), field.status, conf, quotes)
        out.print(table)
        editable = ", ".join(request.editable_fields) or "(set doc_type first)"
        out.print(f"editable: {editable}; doc_type: {', '.join(request.doc_types)}")

    _with_engine(data_dir, body)


def _parse_sets(sets: list[str]) -> tuple[dict[str, list[str]], str | None]:
    edits: dict[str, list[str]] = {}
    doc_type: str | None = None
    for item in sets:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise typer.BadParameter(f"--set takes FIELD=VALUE, got {item!r}")
        if name.strip() == "doc_type":
            doc_type = value.strip()
        else:
            edits.setdefault(name.strip(), []).append(value)
    return edits, doc_type


def _settings_for_run(data_dir: Path | None, run_id: str, model: str | None, base_url: str | None) -> Settings:
    """Settings to resume a run: the model it started with, unless another is named."""
    settings = Settings.load(data_dir=data_dir, model=model, base_url=base_url)
    if model is not None:
        return settings
    registry = Registry(settings.data_dir / REGISTRY_FILE)
    try:
        recorded = registry.get_run(run_id).model
    except RunNotFoundError as error:
        err.print(f"[red]error:[/red] {error}")
        raise typer.Exit(2) from None
    finally:
        registry.close()
    if recorded.startswith("replay:"):
        # A replayed run names no folder; the reviewer must say which model (or replay folder) resumes it.
        return settings
    return replace(settings, model=recorded)


@review_app.command("decide")
def review_decide(
    run_id: str,
    reviewer: Annotated[str, typer.Option("--reviewer", help="Who decides (recorded in the audit trail).")],
    approve: Annotated[bool, typer.Option("--approve", help="Accept the document as shown.")] = False,
    reject: Annotated[bool, typer.Option("--reject", help="Reject the document (needs --reason).")] = False,
    reason: Annotated[str | None, typer.Option("--reason", help="Why it is rejected.")] = None,
    sets: Annotated[
        list[str] | None, typer.Option("--set", help="FIELD=VALUE; repeat. doc_type=TYPE re-extracts.")
    ] = None,
    comment: Annotated[str | None, typer.Option("--comment", help="A note kept with the decision.")] = None,
    interrupt: Annotated[
        str | None, typer.Option("--interrupt", help="The review id you answer (from `review show`); refused if stale.")
    ] = None,
    model: Annotated[
        str | None, typer.Option("--model", help="Model for the steps after review; default: the run's own.")
    ] = None,
    base_url: Annotated[str | None, typer.Option("--base-url", help="OpenAI-compatible server URL.")] = None,
    data_dir: DataDir = None,
) -> None:
    """Approve, edit fields, or reject a paused run; it resumes at once, in this process."""
    chosen = [flag for flag, on in (("--approve", approve), ("--reject", reject), ("--set", bool(sets))) if on]
    if len(chosen) != 1:
        raise typer.BadParameter("give exactly one of --approve, --reject --reason TEXT, or --set FIELD=VALUE ...")
    edits, doc_type = _parse_sets(sets or [])
    action = "approve" if approve else "reject" if reject else "edit"
    try:
        decision = ReviewDecision.model_validate(
            {
                "reviewer": reviewer,
                "action": action,
                "edits": edits,
                "doc_type": doc_type,
                "reason": reason,
                "comment": comment,
            }
        )
    except ValidationError as error:
        messages = "; ".join(str(item["msg"]).removeprefix("Value error, ") for item in error.errors())
        raise typer.BadParameter(messages or "invalid decision") from None

    async def body(engine: Engine) -> dict[str, Any]:
        row = await engine.decide(engine.registry.get_run(run_id).run_id, decision, interrupt_id=interrupt)
        return run_view(row, await engine.state(row.run_id))

    view = _with_engine(data_dir, body, _settings_for_run(data_dir, run_id, model, base_url))
    _emit(view)


def main() -> None:
    """Console entry point."""
    app()
