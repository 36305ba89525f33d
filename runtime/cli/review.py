"""`claimflow review list|show|decide`: the reviewer's side of a paused run (assign, claim, sweep: review_desk)."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from claimflow.runtime.cli._common import (
    AsJson,
    BaseUrlOption,
    DataDir,
    TypesOption,
    emit,
    err,
    exit_codes,
    fitted_table,
    message,
    not_found,
    out,
    review_app,
    short_id,
    shown,
    with_engine,
)
from claimflow.runtime.cli._names import given_name
from claimflow.runtime.cli._started import command_started_at
from claimflow.runtime.registry import ReviewView, RunNotFoundError
from claimflow.runtime.registry.opening import open_registry
from claimflow.runtime.registry.reviews import iso_time
from claimflow.runtime.settings import Settings
from claimflow.runtime.unreadable import readable
from claimflow.runtime.views import public_status, review_tables
from claimflow.state.review import ReviewDecision
from claimflow.state.review_policy import span

if TYPE_CHECKING:
    from claimflow.runtime.engine import Engine


@review_app.command("list")
def review_list(
    as_json: AsJson = False,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only reviews past their due time.")] = False,
    assignee: Annotated[str | None, typer.Option("--assignee", help="Only reviews assigned to NAME.")] = None,
    data_dir: DataDir = None,
    types: TypesOption = None,
) -> None:
    """Runs waiting for a reviewer (age, due time, assignee), and runs a decider's process left unfinished."""
    if assignee is not None:
        assignee = given_name(assignee, "--assignee")  # as `review assign --to` and `review claim --as` store it

    async def body(engine: Engine) -> None:
        now = time.time()
        # The review page's order: overdue, then high priority (escalated), then the rest; each oldest first.
        listed = [(row, ReviewView.of(row, now)) for row in await engine.review_order(now)]
        listed = [
            (row, review)
            for row, review in listed
            if (review.overdue or not overdue) and assignee in (None, review.assignee)
        ]
        if as_json:
            for row, review in listed:
                # A run whose state cannot be read here is listed with why (its `note`, and its view's `error`).
                pending, unreadable = await readable(engine.pending_review(row.run_id))
                view = (await engine.view_of(row, listed=True)).model_dump(mode="json")
                note = unreadable or await engine.review_note(row)
                emit(
                    {
                        **view,
                        "interrupt_id": pending.interrupt_id if pending else None,
                        "note": note,
                        **review.as_json(),
                    }
                )
            return
        table = fitted_table("run", "document", "type", "age", "due", "assignee", "reasons", "note")
        for row, review in listed:
            state, unreadable = await readable(engine.state(row.run_id))
            # Each code once, as `run` shows them: `review show` says which fields each one concerns.
            reasons = ", ".join(dict.fromkeys(r.code for r in state.review_reasons)) if state else ""
            note = unreadable or await engine.review_note(row) or ""
            table.add_row(
                short_id(row.run_id),
                shown(row.filename),
                shown(row.doc_type or "-"),
                span(now - review.opened_at) if review.opened_at is not None else "-",
                _due(review, now),
                shown(review.assignee or "-") + (" (high)" if review.priority == "high" else ""),
                shown(reasons),
                message(note),
            )
        out.print(table)

    with_engine(data_dir, body, types=types, readonly=True, reading=True)


def _due(review: ReviewView, now: float) -> str:
    if review.due_at is None:
        return "-"
    if review.overdue:
        return f"overdue {span(now - review.due_at)}"
    return f"in {span(review.due_at - now)}"


@review_app.command("show")
def review_show(run_id: str, as_json: AsJson = False, data_dir: DataDir = None, types: TypesOption = None) -> None:
    """The open review request: reasons, every field with its evidence, what may be edited."""

    async def body(engine: Engine) -> None:
        row = await engine.reopen_abandoned(await engine.registry.get_run(run_id))
        pending = await engine.pending_review(row.run_id)
        if pending is None or row.status != "needs_review":
            if row.status == "resuming":
                err.print(message(await engine.not_decidable(row)))
            else:
                err.print(f"run {row.run_id} is {public_status(row)}, not waiting for review")
            raise typer.Exit(1)
        request = pending.request
        tables = review_tables(pending.state, engine.types, request.doc_type)
        now = time.time()
        review = ReviewView.of(row, now)  # who has it and by when: a decision by anyone else is refused
        if as_json:
            dumped = request.model_dump(mode="json")
            emit({"interrupt_id": pending.interrupt_id, **dumped, "tables": tables, **review.as_json()})
            return
        document, doc_type = shown(request.document), shown(request.doc_type)
        out.print(f"[bold]{request.run_id}[/bold]  {document}  type: {doc_type}", highlight=False)
        out.print(f"review id: {pending.interrupt_id}", markup=False)
        if review.due_at is not None or review.assignee is not None:
            due = f"{_due(review, now)} ({iso_time(review.due_at)})" if review.due_at is not None else "-"
            high = " (high)" if review.priority == "high" else ""
            out.print(f"due: {due}  assignee: {shown(review.assignee or '-')}{high}", highlight=False, markup=False)
        note = await engine.review_note(row)
        if note:
            out.print(f"  note: {message(note)}")
        for reason in request.reasons:
            out.print(f"  why: {shown(reason.code)}: {shown(reason.message, lines=True)}")
        table = fitted_table("field", "value", "status", "confidence", "evidence")
        for field in request.fields:
            quotes = "; ".join(f"p{e.page}:{e.start} {e.quote!r}" for e in field.evidence)
            conf = f"{field.confidence:.2f}" if field.confidence is not None else "-"
            value = json.dumps(field.value, ensure_ascii=False)
            table.add_row(shown(field.name), shown(value), field.status, conf, shown(quotes))
        out.print(table)
        for field in request.fields:
            for leader in field.follows:
                out.print(
                    f"  follows: {shown(field.name)} was read from {shown(leader)}'s line: a new value of"
                    f" {shown(leader)} is given to it too, unless the decision sets {shown(field.name)} as well"
                )
        for shown_table in tables:
            _print_table(shown_table)
        editable = ", ".join(request.editable_fields) or "(set doc_type first)"
        out.print(f"editable: {shown(editable)}; doc_type: {shown(', '.join(request.doc_types))}")

    with_engine(data_dir, body, types=types, readonly=True, reading=True)


def _print_table(table: dict[str, Any]) -> None:
    """A table field under review: its row count, then its rows, each with the line it was read from."""
    rows = table["rows"]
    count = f"{len(rows)} row{'' if len(rows) == 1 else 's'}" if rows else "no rows were read"
    name = table["name"]
    how = f"--set {name}.ROW.COLUMN=VALUE, --drop-row {name}.ROW" if rows else "rows are not added: reject or rerun"
    out.print(f"table {shown(name)}: {count} ({shown(how)})")
    if not rows:
        return
    grid = fitted_table("row", *table["columns"], "evidence")
    for number, row in enumerate(rows, start=1):
        cells = [shown(row["cells"].get(column) or "") for column in table["columns"]]
        evidence = row["evidence"]
        grid.add_row(str(number), *cells, shown(f"p{evidence['page']}:{evidence['start']} {evidence['quote']!r}"))
    out.print(grid)
    for number, row in enumerate(rows, start=1):
        for doubt in row["doubts"]:
            out.print(f"  in doubt: row {number}: {shown(doubt, lines=True)}")


def _parse_sets(sets: list[str]) -> tuple[dict[str, list[str]], str | None]:
    """The field edits and the document type the `--set` options give.

    `FIELD=` (nothing after the sign) clears the field: an edit to no values. Beside values for the same field
    (`--set parties=A --set parties=`) it is refused, naming the field: dropping the empty one would set the
    values where the reviewer may have meant to clear, and clearing would drop values they typed.
    """
    edits: dict[str, list[str]] = {}
    cleared: set[str] = set()
    doc_type: str | None = None
    for item in sets:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise typer.BadParameter(f"--set takes FIELD=VALUE, got {item!r}")
        if name.strip() == "doc_type":
            doc_type = value.strip()
            continue
        values = edits.setdefault(name.strip(), [])
        if value.strip():
            values.append(value)
        else:
            cleared.add(name.strip())
    mixed = [
        f"{name} is given no value ({name}=, which clears it) beside values: give only the values, "
        f"or {name}= alone to clear it"
        for name in sorted(cleared)
        if edits[name]
    ]
    if mixed:
        raise typer.BadParameter("; ".join(mixed), param_hint="--set")
    return edits, doc_type


def _row_number(text: str) -> bool:
    # ASCII only: `²` is a digit to str.isdigit but no number to int().
    return text.isascii() and text.isdigit()


def _parse_rows(sets: list[str], drops: list[str]) -> tuple[list[str], dict[str, dict[str, Any]]]:
    """The `--set` options that are not a table's cells, and the row edits the others and `--drop-row` give.

    A cell is `TABLE.ROW.COLUMN=VALUE` and a dropped row `TABLE.ROW`, rows numbered as `review show` prints them.
    """
    rows: dict[str, dict[str, Any]] = {}
    rest: list[str] = []
    for item in sets:
        name, sep, value = item.partition("=")
        path = name.strip().split(".")
        if not sep or len(path) == 1:
            rest.append(item)
            continue
        if len(path) != 3 or not _row_number(path[1].strip()) or not path[0] or not path[2]:
            raise typer.BadParameter(
                f"a table's cell is TABLE.ROW.COLUMN=VALUE (line_items.2.quantity=3), got {item!r}"
            )
        table, number, column = path
        rows.setdefault(table, {}).setdefault("cells", {}).setdefault(int(number), {})[column] = value
    for item in drops:
        table, sep, number = item.strip().rpartition(".")
        if not sep or not table or not _row_number(number):
            raise typer.BadParameter(f"--drop-row takes TABLE.ROW (line_items.3), got {item!r}")
        rows.setdefault(table, {}).setdefault("drop", []).append(int(number))
    return rest, rows


def _bind_run(
    data_dir: Path | None, run_id: str, model: str | None, base_url: str | None, types: list[str] | None
) -> tuple[Settings, str, str | None]:
    """The run as this command finds it when it starts: settings to resume it, its id, and its open review.

    The review id is read first thing, before the engine opens: a decision given without `--interrupt`
    answers the review that was open when its reviewer ran the command, never one another decision opened
    in the meantime. The run continues on the model it started with, unless another is named.
    """
    with exit_codes():  # the same messages and exit codes as once the engine is open
        settings = Settings.load(data_dir=data_dir, model=model, base_url=base_url, types=tuple(types or ()))
        registry = open_registry(settings)
        try:
            row = registry.get_run(run_id)
        except RunNotFoundError as error:
            raise not_found(error, (known.run_id for known in registry.list_runs())) from None
        finally:
            registry.close()
    # The engine continues the run on its own model and endpoint (`--model` overrides them, and is recorded).
    return settings, row.run_id, row.interrupt_id


_OPTION_OF = {
    "reviewer": "--reviewer",
    "reason": "--reason",
    "comment": "--comment",
    "edits": "--set",
    "rows": "--set TABLE.ROW.COLUMN / --drop-row",
    "doc_type": "--set doc_type",
    "evidence": "--evidence",
}
"""The option a `ReviewDecision` field comes from: a refusal names what to change on the command line."""


def _refusal(error: ErrorDetails) -> str:
    """One validation error of a decision, led by the option it is about (a rule of the whole decision: bare)."""
    text = str(error["msg"]).removeprefix("Value error, ")
    if not error["loc"]:
        return text
    field = str(error["loc"][0])
    return f"{_OPTION_OF.get(field, field)}: {text}"


@review_app.command("decide")
def review_decide(
    run_id: str,
    reviewer: Annotated[str, typer.Option("--reviewer", help="Who decides (recorded in the audit trail).")],
    approve: Annotated[bool, typer.Option("--approve", help="Accept the document as shown.")] = False,
    reject: Annotated[bool, typer.Option("--reject", help="Reject the document (needs --reason).")] = False,
    reason: Annotated[str | None, typer.Option("--reason", help="Why it is rejected.")] = None,
    sets: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            help="FIELD=VALUE; repeat (a field of several values: once a value). FIELD= alone clears an optional "
            "field. TABLE.ROW.COLUMN=VALUE sets a table's cell. doc_type=TYPE re-extracts.",
        ),
    ] = None,
    drops: Annotated[
        list[str] | None,
        typer.Option(
            "--drop-row",
            help="TABLE.ROW: remove that row of a table (as `review show` numbers them); repeat for more rows.",
        ),
    ] = None,
    cited: Annotated[
        list[str] | None,
        typer.Option(
            "--evidence",
            help="FIELD=QUOTE: text of the document that shows an edited field; it must prove the field.",
        ),
    ] = None,
    comment: Annotated[str | None, typer.Option("--comment", help="A note kept with the decision.")] = None,
    interrupt: Annotated[
        str | None,
        typer.Option(
            "--interrupt",
            help="The review id you answer (from `review show`); default: the one open when this command starts. "
            "Refused if the run has moved on.",
        ),
    ] = None,
    model: Annotated[
        str | None, typer.Option("--model", help="Model for the steps after review; default: the run's own.")
    ] = None,
    base_url: BaseUrlOption = None,
    data_dir: DataDir = None,
    types: TypesOption = None,
) -> None:
    """Approve, edit fields or table rows, or reject a paused run.

    It resumes at once (in a worker with CLAIMFLOW_EXECUTION=queue).
    """
    editing = bool(sets or drops)
    chosen = [flag for flag, on in (("--approve", approve), ("--reject", reject), ("--set", editing)) if on]
    if len(chosen) != 1:
        raise typer.BadParameter(
            "give exactly one of --approve, --reject --reason TEXT, or --set FIELD=VALUE ... (and --drop-row TABLE.ROW)"
        )
    field_sets, rows = _parse_rows(sets or [], drops or [])
    edits, doc_type = _parse_sets(field_sets)
    evidence: dict[str, dict[str, str]] = {}
    for item in cited or []:
        name, sep, quote = item.partition("=")
        if not sep or not name.strip() or not quote.strip():
            raise typer.BadParameter(f"--evidence takes FIELD=QUOTE, got {item!r}")
        evidence[name.strip()] = {"quote": quote}
    action = "approve" if approve else "reject" if reject else "edit"
    if reject and not (reason and reason.strip()):  # the decision's own words would not name the option
        raise typer.BadParameter("a rejection needs a reason: give it with --reason TEXT", param_hint="--reject")
    try:
        decision = ReviewDecision.model_validate(
            {
                "reviewer": reviewer,
                "action": action,
                "edits": edits,
                "rows": rows,
                "evidence": evidence,
                "doc_type": doc_type,
                "reason": reason,
                "comment": comment,
            }
        )
    except ValidationError as error:
        raise typer.BadParameter("; ".join(map(_refusal, error.errors())) or "invalid decision") from None

    settings, full_id, seen = _bind_run(data_dir, run_id, model, base_url, types)
    # Without --interrupt: the review open when the command started, neither one opened while it was starting
    # up (refused by its time) nor one opened while it was deciding (refused by its id, in the claim).
    seen_at = None if interrupt else command_started_at()

    async def body(engine: Engine) -> dict[str, Any]:
        row = await engine.decide(full_id, decision, interrupt_id=interrupt or seen, seen_at=seen_at)
        return (await engine.view(row.run_id)).model_dump(mode="json")

    emit(with_engine(data_dir, body, settings, override_model=model is not None))
