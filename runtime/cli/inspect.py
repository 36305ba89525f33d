"""`claimflow runs`, `show`, `trace` and `explain`: looking at runs and why they went as they did."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from claimflow.runtime.cli._common import AsJson, DataDir, app, emit, out, with_engine
from claimflow.runtime.engine import Engine
from claimflow.runtime.explain import explain
from claimflow.runtime.views import public_status, run_view


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
                emit(run_view(row, await engine.state(row.run_id)))
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

    with_engine(data_dir, body)


@app.command()
def show(run_id: str, as_json: AsJson = False, data_dir: DataDir = None) -> None:
    """Show one run: its status, type, fields with evidence, and why it waits for review."""

    async def body(engine: Engine) -> None:
        row = engine.registry.get_run(run_id)
        view = run_view(row, await engine.state(row.run_id))
        if as_json:
            emit(view)
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

    with_engine(data_dir, body)


@app.command()
def trace(run_id: str, as_json: AsJson = False, data_dir: DataDir = None) -> None:
    """The run's events, in order."""

    async def body(engine: Engine) -> None:
        row = engine.registry.get_run(run_id)
        for item in engine.registry.events(row.run_id):
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
                out.print(
                    f"{item['at']}  {item['type']:<18} {item['step']:<18} {summary}",
                    markup=False,
                    highlight=False,
                )

    with_engine(data_dir, body)


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

    with_engine(data_dir, body)
