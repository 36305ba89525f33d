"""`claimflow replay`: run stored runs again under this version, reusing their recorded answers, and diff them."""

from __future__ import annotations

import asyncio
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from claimflow.runtime.cli._common import (
    AsJson,
    BaseUrlOption,
    DataDir,
    TypesOption,
    app,
    emit,
    err,
    exit_on_setup_error,
    message,
    out,
    short_id,
    shown,
    status_option,
    with_engine,
)
from claimflow.runtime.settings import Settings

if TYPE_CHECKING:
    from claimflow.runtime.engine import Engine
    from claimflow.runtime.registry import RunRow
    from claimflow.runtime.replay import RunReplay


def _since(text: str) -> float:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(
            f"--since takes a date or time such as 2026-01-31 or 2026-01-31T08:00, not {text!r}"
        ) from None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


async def _chosen(engine: Engine, run_ids: list[str], since: float | None, status: str | None) -> list[RunRow]:
    rows = [await engine.registry.get_run(run_id) for run_id in run_ids]
    if since is not None or status is not None:
        named = {row.run_id for row in rows}
        rows += [
            row
            for row in await engine.runs(status)
            if row.run_id not in named and (since is None or row.created_at >= since)
        ]
    return rows


def _step_line(step: dict[str, Any], model: str, second_opinion: str | None) -> str:
    prompt = step["prompt"] + (" (second opinion)" if step["extractor"] == "second" else "")
    if step["source"] == "recorded":
        trust = "verified" if step["verified"] else "unverified: recorded without its answer's sha256"
        return f"  {prompt}: recorded answer reused ({trust})"
    asked = second_opinion if step["extractor"] == "second" and second_opinion else model
    return f"  {prompt}: called {asked} ({step['reason']})"


def _print(replay: RunReplay) -> None:
    shown_run = replay.as_json()
    outcome = "changed" if replay.changed else "unchanged"
    if replay.refused:
        outcome = "refused"
    after = replay.after or "-"
    out.print(
        f"run {short_id(replay.run_id)} {shown(replay.document)}: {replay.before} -> {after}, {outcome}",
        highlight=False,
    )
    for step in shown_run["steps"]:
        out.print(shown(_step_line(step, replay.model, replay.second_opinion)), highlight=False)
    for number, review in enumerate(replay.reviews, start=1):
        out.print(f"  review {number}: {shown(review.line())}", highlight=False)
    for change in replay.changes:
        out.print(
            f"  {shown(change.key)}: {shown(change.before or '-')} -> {shown(change.after or '-')}", highlight=False
        )


@app.command()
def replay(
    run_ids: Annotated[list[str] | None, typer.Argument(help="Runs to replay (ids or unique prefixes).")] = None,
    since: Annotated[str | None, typer.Option("--since", help="Runs created at or after this date (UTC).")] = None,
    status: Annotated[str | None, status_option("Runs with this status.")] = None,
    model: Annotated[
        str | None, typer.Option("--model", help="Model for changed steps (default: the run's own model).")
    ] = None,
    base_url: BaseUrlOption = None,
    concurrency: Annotated[int, typer.Option("--concurrency", min=1, help="Runs replayed at once.")] = 1,
    as_json: AsJson = False,
    data_dir: DataDir = None,
    types: TypesOption = None,
) -> None:
    """Run stored runs again under this version, reusing recorded answers; show what changed. Nothing stored changes."""
    from claimflow.runtime.replay import replay_run, summary

    if not run_ids and since is None and status is None:
        raise typer.BadParameter("name runs to replay, or give --since or --status")
    after = _since(since) if since is not None else None
    with exit_on_setup_error():
        settings = Settings.load(data_dir=data_dir, base_url=base_url, types=tuple(types or ()))

    async def body(engine: Engine) -> list[RunReplay]:
        replays = []
        slots = asyncio.Semaphore(concurrency)

        async def one(row: RunRow, scratch: Path) -> RunReplay:
            async with slots:
                return await replay_run(engine, row, scratch, model)

        with tempfile.TemporaryDirectory(prefix="claimflow-replay-") as scratch:
            rows = await _chosen(engine, list(run_ids or ()), after, status)
            tasks = [asyncio.ensure_future(one(row, Path(scratch))) for row in rows]
            try:
                # Each run is printed as soon as it and every run before it are done: the runs' order.
                for task in tasks:
                    done = await task
                    replays.append(done)
                    if as_json:
                        emit(done.as_json())
                    else:
                        _print(done)
            finally:
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)
        return replays

    replays = with_engine(data_dir, body, settings, readonly=True)
    total = summary(replays)
    if as_json:
        emit({"summary": total})
    else:
        changes = ", ".join(f"{shown(key)} x{count}" for key, count in total["changes"].items()) or "none"
        err.print(
            f"replayed {total['runs']} run(s), {total['changed']} changed, {total['refused']} refused, "
            f"{total['model_calls']} model call(s); changes: {changes}",
            highlight=False,
        )
    for done in replays:
        if done.refused:
            err.print(f"[red]error:[/red] {message(done.refused)}")
    raise typer.Exit(1 if total["refused"] else 0)
