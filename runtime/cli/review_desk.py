"""`claimflow review assign|claim|sweep`: who works on a review, and what happens to reviews past their due time."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from claimflow.runtime.cli._common import (
    AsJson,
    DataDir,
    TypesOption,
    emit,
    err,
    fitted_table,
    out,
    review_app,
    short_id,
    shown,
    with_engine,
)
from claimflow.runtime.cli._names import given_name

if TYPE_CHECKING:
    from claimflow.runtime.engine import Engine


@review_app.command("assign")
def review_assign(
    run_id: str,
    to: Annotated[str, typer.Option("--to", help="The reviewer or group the review goes to.")],
    data_dir: DataDir = None,
    types: TypesOption = None,
) -> None:
    """Assign a paused run's review to a reviewer or a group (recorded as review.assigned)."""
    assignee = given_name(to, "--to")

    async def body(engine: Engine) -> None:
        row = await engine.assign_review(run_id, assignee)
        out.print(f"run {row.run_id} assigned to {shown(row.assignee)}", highlight=False)

    with_engine(data_dir, body, types=types, readonly=True)


@review_app.command("claim")
def review_claim(
    run_id: str,
    as_: Annotated[str, typer.Option("--as", help="Who takes the review.")],
    data_dir: DataDir = None,
    types: TypesOption = None,
) -> None:
    """Take a paused run's review: only if unassigned, assigned to you, or to a group you belong to."""
    reviewer = given_name(as_, "--as")

    async def body(engine: Engine) -> None:
        row = await engine.claim_review_as(run_id, reviewer)
        out.print(f"run {row.run_id} assigned to {shown(row.assignee)}", highlight=False)

    with_engine(data_dir, body, types=types, readonly=True)


@review_app.command("sweep")
def review_sweep(as_json: AsJson = False, data_dir: DataDir = None, types: TypesOption = None) -> None:
    """Record each review past its due time as overdue (once), then escalate or reject it as the policy says.

    Exits with 1 when a follow-up could not be done (the review stays open and is tried again next sweep).
    """

    async def body(engine: Engine) -> bool:
        outcomes = await engine.sweep_reviews()
        if as_json:
            for outcome in outcomes:
                emit(outcome.as_json())
        elif not outcomes:
            err.print(await _nothing_to_do(engine), highlight=False)
        else:
            table = fitted_table("run", "type", "action", "assignee", "detail")
            for outcome in outcomes:
                table.add_row(
                    short_id(outcome.run_id),
                    shown(outcome.doc_type or "-"),
                    outcome.action,
                    shown(outcome.assignee or "-"),
                    shown(outcome.detail),
                )
            out.print(table)
        return all(outcome.action != "failed" for outcome in outcomes)

    if not with_engine(data_dir, body, types=types):
        raise typer.Exit(1)


async def _nothing_to_do(engine: Engine) -> str:
    """Why a sweep did nothing: no review is past its due time, or each one that is was acted on already."""
    acted_on = sum(row.overdue_at is not None for row in await engine.review_queue())
    if not acted_on:
        return "no review is past its due time"
    return (
        f"no review newly past its due time; {acted_on} overdue, acted on by an earlier sweep "
        "(`claimflow review list --overdue` lists them)"
    )
