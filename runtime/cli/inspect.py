"""`claimflow runs`, `show`, `trace` and `explain`: looking at runs and why they went as they did."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer

from claimflow.runtime.cli._common import (
    AsJson,
    DataDir,
    TypesOption,
    app,
    emit,
    fitted_table,
    list_runs,
    message,
    out,
    short_id,
    shown,
    status_option,
    with_engine,
    with_registry,
)
from claimflow.runtime.explain import explained
from claimflow.runtime.registry import RunRow
from claimflow.runtime.views import public_status, with_status
from claimflow.state.redaction import redact

if TYPE_CHECKING:
    from claimflow.runtime.engine import Engine


@app.command()
def runs(
    status: Annotated[str | None, status_option("Only runs with this status.")] = None,
    version_mismatch: Annotated[
        bool,
        typer.Option(
            "--version-mismatch",
            help="Only unfinished runs started by another workflow version (finish them with `claimflow rerun`).",
        ),
    ] = False,
    as_json: AsJson = False,
    data_dir: DataDir = None,
    types: TypesOption = None,
) -> None:
    """List runs."""
    if not as_json and not version_mismatch:
        # The table is the registry's rows alone: no engine, so listing runs never imports LangGraph.
        _runs_table(list_runs(data_dir, status, types), version_mismatch=False)
        return

    async def body(engine: Engine) -> None:
        rows = with_status(await engine.version_mismatches(), status) if version_mismatch else await engine.runs(status)
        if as_json:
            for row in rows:
                # One run whose state cannot be read here is listed with why, in its `error`: not the end of the list.
                view = (await engine.view_of(row, listed=True)).model_dump(mode="json")
                emit({**view, "workflow_version": row.workflow_version} if version_mismatch else view)
            return
        _runs_table(rows, version_mismatch=version_mismatch)
        if version_mismatch:
            out.print(f"this installation runs workflow version {engine.version}", markup=False)

    with_engine(data_dir, body, types=types, readonly=True, reading=True)


def _runs_table(rows: list[RunRow], *, version_mismatch: bool) -> None:
    table = fitted_table("run", "document", "status", "type", "model", "version" if version_mismatch else "error")
    for row in rows:
        last = row.workflow_version if version_mismatch else message(row.error or "")
        table.add_row(
            short_id(row.run_id),
            shown(row.filename),
            public_status(row),
            shown(row.doc_type or "-"),
            shown(row.model),
            last,
        )
    out.print(table)


@app.command()
def show(run_id: str, as_json: AsJson = False, data_dir: DataDir = None, types: TypesOption = None) -> None:
    """Show one run: its status, type, fields with evidence, and why it waits for review."""

    async def body(engine: Engine) -> None:
        view = (await engine.view(run_id)).model_dump(mode="json")
        if as_json:
            emit(view)
            return
        document, doc_type = shown(view["document"]), shown(view["doc_type"] or "-")
        out.print(f"[bold]{view['run_id']}[/bold]  {document}  {view['status']}  {doc_type}", highlight=False)
        if view["error"]:
            out.print(f"error: {message(view['error'])}")
        for reason in view["review_reasons"]:
            out.print(f"review: {shown(reason, lines=True)}")
        if view["doc_type"] and engine.types.find(view["doc_type"]) is None:
            out.print(
                f"type {doc_type} is not loaded here: its fields are shown as the run stored them "
                "(name its declaration with --types, or in claimflow.toml, to see them as it declares them)",
                highlight=False,
            )
        if not view["fields"]:  # a run failed before extraction: an empty table under its error reads as a fault
            out.print("no fields were read")
            return
        table = fitted_table("field", "value", "status", "confidence", "evidence")
        for name, field in view["fields"].items():
            quotes = "; ".join(f"p{e['page']}:{e['start']} {e['quote']!r}" for e in field["evidence"])
            value = json.dumps(field["value"], ensure_ascii=False)
            sure = "-" if field["confidence"] is None else f"{field['confidence']:.2f}"
            table.add_row(shown(name), shown(value), field["status"], sure, shown(quotes))
        out.print(table)

    with_engine(data_dir, body, types=types, readonly=True, reading=True)


@app.command()
def trace(run_id: str, as_json: AsJson = False, data_dir: DataDir = None) -> None:
    """The run's events, in order."""
    # From the registry alone: a run's trail needs no document type, whose module may be the one that is broken.
    events = with_registry(data_dir, lambda registry: registry.events(registry.get_run(run_id).run_id), reading=True)
    for item in events:
        if as_json:
            emit(
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
            # One event a line: a value's line breaks (a file name's) are written out, as every table shows them.
            line = f"{item['at']}  {item['type']:<18} {item['step']:<18} {summary}"
            out.print(shown(redact(line)), highlight=False)


@app.command("explain")
def explain_command(run_id: str, as_json: AsJson = False, data_dir: DataDir = None, types: TypesOption = None) -> None:
    """Why each field has its value: claims, the checks that accepted or rejected them, reviewer changes."""

    async def body(engine: Engine) -> None:
        row = await engine.registry.get_run(run_id)
        text, refused = await explained(engine, row)
        if as_json:  # the shape of GET /v1/runs/{id}/explain
            emit({"run_id": row.run_id, "text": text, "refused_decisions": [d.model_dump() for d in refused]})
            return
        out.print(message(text), highlight=False)

    with_engine(data_dir, body, types=types, readonly=True, reading=True)
