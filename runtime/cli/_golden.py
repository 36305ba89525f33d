"""The bare `claimflow eval`: run the golden cases, print metrics per step, write a report, gate regressions."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import typer

from claimflow.nodes.ports import ModelUnavailableError
from claimflow.runtime.cli._accepting import ACCEPT, NEW_CASES_KNOWN
from claimflow.runtime.cli._common import (
    emit,
    err,
    exit_on_setup_error,
    fitted_table,
    message,
    out,
    shown,
    some_ids,
)
from claimflow.runtime.discovery import discover_types
from claimflow.runtime.gateway import make_gateway
from claimflow.runtime.gateway.config import price_file_hint
from claimflow.runtime.settings import Settings
from claimflow.state.errors import UnknownDocumentTypeError

if TYPE_CHECKING:
    from claimflow.evals.evaluation import Evaluation
    from claimflow.nodes.ports import ModelGateway
    from claimflow.state.schema import DocumentTypes

OFFLINE = ("replay", "rules")
"""Backends that make no model calls: no tokens, no cost."""

_NO_CALLS = {
    "replay": "tokens, cost and latency are zero.",
    # The rules backend reports the wall time its rules took over the text as the step's latency.
    "rules": "tokens and cost are zero; ms is the time its rules took over the text.",
}
"""What the usage column means for each offline backend, under the table."""
NOT_MEASURED = 3
"""The exit code of a replay gate that found no regression but cases it could not measure (a changed prompt)."""


def run_goldens(
    *,
    steps: list[str],
    doc_types: list[str],
    model: str,
    base_url: str | None,
    goldens: Path | None,
    baseline: Path | None,
    update_baseline: bool,
    report: Path | None,
    as_json: bool,
    concurrency: int = 1,
    changed: bool = False,
    types: list[str] | None = None,
) -> None:
    """Run, print, report, and exit 1 when the gate fails (never after `update_baseline`).

    Exit 2, with one line on stderr, whenever the cases could not be run as asked (a setup error): CI reads 1
    as a regression, and a case file, a folder or a type that is wrong is not one. Exit 3 (`NOT_MEASURED`) when
    replay found no regression but cases whose claim answered another prompt than the one in force, which no
    live baseline measured: a prompt change the gate cannot vouch for, also after `update_baseline`.
    """
    from claimflow.evals.evaluation import gate_lines

    refuse_missing_folder("report", report)
    refuse_missing_folder("baseline", baseline if update_baseline else None)
    refuse_missing_baseline(baseline, update=update_baseline)
    active, gateway = _setup(model, base_url, types or [])
    note = unpriced_note(model, base_url)
    evaluation = _evaluate(
        model=model, gateway=gateway, goldens=goldens, steps=steps, doc_types=doc_types,
        baseline=baseline, update_baseline=update_baseline, concurrency=concurrency,
        changed=changed, types=active, cost_known=note is None,
    )  # fmt: skip
    if evaluation.changed is not None:
        for line in evaluation.changed.lines():
            (err if as_json else out).print(shown(line), highlight=False)
    if report is not None:
        _write_report(report, evaluation)
    if as_json:
        emit(evaluation.as_json())
    else:
        _print_metrics(evaluation, model)
    console = err if as_json else out
    if note is not None:
        console.print(shown(note), highlight=False, soft_wrap=True)
    for line in gate_lines(evaluation):
        console.print(shown(line), highlight=False)
    not_run = evaluation.not_run_note()
    if not_run is not None:
        console.print(shown(not_run), highlight=False, soft_wrap=True)
    other_model = evaluation.other_model_note()
    if other_model is not None and not update_baseline:
        err.print(shown(other_model), highlight=False, soft_wrap=True)
    if not update_baseline and not evaluation.baseline.exists():
        err.print(
            f"no baseline at {shown(evaluation.baseline)}: every case is new, and one that fails fails the gate; "
            "--update-baseline writes this run as the baseline",
            highlight=False, soft_wrap=True,
        )  # fmt: skip
    _exit_on_verdict(evaluation, update_baseline=update_baseline)


def refuse_missing_folder(what: str, path: Path | None) -> None:
    """Exit 2 before anything runs when the file a command will write (its `what`) is in a folder that does not exist.

    Found out after the run, a live model's every call would be paid for and its results lost.
    """
    if path is not None and not path.parent.is_dir():
        _refuse(f"cannot write the {what} {shown(path)}: the folder {shown(path.parent)} does not exist; "
                "create it, or name a file in an existing folder")  # fmt: skip


def refuse_missing_baseline(path: Path | None, *, update: bool) -> None:
    """Exit 2 before anything runs when a baseline named with `--baseline` does not exist and is not to be written.

    Without one, every result is new and the gate passes: a misspelt path would pass every run. The default path
    missing is a set not yet baselined, which the commands say and pass.
    """
    if path is not None and not update and not path.exists():
        _refuse(f"the baseline {shown(path)} does not exist: name an existing file, or write this one with "
                "--update-baseline")  # fmt: skip


def _exit_on_verdict(evaluation: Evaluation, *, update_baseline: bool) -> None:
    """Say what the gate decided and exit with its code: 1 when it failed, 3 on cases replay could not measure.

    After `update_baseline`: say where the baseline was written, or exit 2 when a case the model did not answer
    kept it from being written.
    """
    verdict = evaluation.verdict
    if update_baseline and not evaluation.written:
        _refuse(f"{shown(evaluation.baseline)} not written: {len(verdict.unanswered)} case(s) the model did not "
                f"answer ({shown(some_ids(verdict.unanswered))}), and a case not measured must not stand in the "
                "baseline as failing; run again when the model answers")  # fmt: skip
    if update_baseline:
        err.print(f"wrote {shown(evaluation.baseline)}", highlight=False)
    elif verdict.regressed or verdict.unanswered:
        found = (
            (len(verdict.flips), "case(s) flipped to failing"),
            (len(verdict.new_failures), "new case(s) failing"),
            (len(verdict.drops), "metric(s) dropped"),
            (len(verdict.unanswered), "case(s) the model did not answer"),
        )
        what = ", ".join(f"{count} {noun}" for count, noun in found if count)
        # A case the model did not answer fails the gate even when it failed in the baseline: it is no pass.
        if not evaluation.baseline.exists():  # every case is new: nothing regressed, and nothing passed failing
            lead = f"the gate does not pass (no baseline yet at {shown(evaluation.baseline.name)})"
        elif verdict.regressed:
            lead = f"regression against {shown(evaluation.baseline.name)}"
        else:
            lead = f"the gate does not pass against {shown(evaluation.baseline.name)}"
        accept = "" if verdict.unanswered else ACCEPT + (NEW_CASES_KNOWN if verdict.new_failures else "")
        err.print(f"{lead}: {what}{accept}", highlight=False, soft_wrap=True)
        raise typer.Exit(1)
    if verdict.unmeasured:
        prompts = ", ".join(sorted({case.now for case in verdict.unmeasured}))
        err.print(
            f"not measured: {len(verdict.unmeasured)} case(s) replay a claim recorded under another prompt than "
            f"{prompts}; the gate does not pass until a live model measures it (exit {NOT_MEASURED}): a model that"
            " reads the prompt, `--model openai:NAME` (OpenAI or an OpenAI-compatible server, `--base-url`) or"
            " `anthropic:NAME`; the offline `rules` backend reads no prompt, so it cannot measure one",
            highlight=False, soft_wrap=True,
        )  # fmt: skip
        raise typer.Exit(NOT_MEASURED)
    if not update_baseline:  # said, not left to the exit code alone: a table and a list of changes read like a warning
        against = f"against {shown(evaluation.baseline.name)}" if evaluation.baseline.exists() else "(no baseline yet)"
        err.print(
            f"the gate passes {against}: no case flipped to failing, no new case failing, "
            "no metric dropped beyond its tolerance",
            highlight=False, soft_wrap=True,
        )  # fmt: skip


def _setup(model: str, base_url: str | None, types: list[str]) -> tuple[DocumentTypes, ModelGateway | None]:
    """The active document types, and the gateway of a live model (None for replay and rules)."""
    offline = model in OFFLINE
    with exit_on_setup_error():
        # The same discovery as `claimflow run` and `claimflow types`: installed types, claimflow.toml /
        # [tool.claimflow], CLAIMFLOW_TYPES and --types, so a user's own types' cases run as their documents do.
        settings = Settings.load(
            model=None if offline else model, base_url=None if offline else base_url, types=tuple(types)
        )
        active = discover_types(settings.types).types
        return active, None if offline else make_gateway(settings.model, settings.gateway)


def unpriced_note(model: str, base_url: str | None = None) -> str | None:
    """A note when the live `model` has no price: its cost is unknown (null in JSON), not free."""
    if model in OFFLINE:
        return None
    settings = Settings.load(model=model, base_url=base_url)  # loaded once already: it loads
    provider, _, name = settings.model.partition(":")
    if settings.gateway.prices.price_of(provider, name) is not None:
        return None
    return (
        f"note: {settings.model} has no price ({price_file_hint(settings.model)}): its cost is unknown (null in "
        "--json), not free"
    )


def _evaluate(*, model: str, **options: Any) -> Evaluation:
    """`evaluate_goldens`; what stops it from running the cases as asked becomes its message and exit 2."""
    from claimflow.evals.evaluation import evaluate_goldens

    try:
        return evaluate_goldens(model=model, **options)
    except UnknownDocumentTypeError as error:
        # evaluate_goldens refuses the cases it can tell need an inactive type; this catches any it could not.
        _refuse(f"{message(error)}; name the module that declares it with --types (or CLAIMFLOW_TYPES)")
    except (OSError, ValueError) as error:
        _refuse(message(error))
    except ModelUnavailableError as error:
        from claimflow.evals.unanswered import what_the_model_did

        # Past its transport retries the model is not there: no case result would mean anything. A refused key is
        # said as such: it is no model slow or down, and only another key helps.
        what = what_the_model_did(key_refused=error.key_refused)
        _refuse(f"the model {shown(model)} {what}: {message(error)}")


def _refuse(text: str) -> NoReturn:
    """Print `text` (already escaped for the terminal) as the error and exit 2, the setup error's code."""
    err.print(f"[red]error:[/red] {text}", highlight=False, soft_wrap=True)  # one line, however long
    raise typer.Exit(2)


def _write_report(report: Path, evaluation: Evaluation) -> None:
    """Write the report; a file that cannot be written is a setup error, not a regression."""
    from claimflow.evals.report import write_report

    try:
        write_report(report, evaluation)
    except OSError as error:
        _refuse(f"cannot write the report {shown(report)}: {message(error)}")


def _print_metrics(evaluation: Evaluation, model: str) -> None:
    """The table of metrics per step, and a note when the backend makes no model calls."""
    from claimflow.evals.report import CARRIED_NOTE, FROM_BASELINE, MEASURES, cell

    table = fitted_table("step", "cases", "passed", "failed", "measures", "tokens in/out, cost, ms", title=shown(model))
    for step, row in evaluation.metrics.items():
        measures = ", ".join(f"{name} {cell(row[name])}" for name in MEASURES if row.get(name) is not None)
        cost = "unknown" if row["cost"] is None else cell(row["cost"])
        usage = f"{row['input_tokens']}/{row['output_tokens']}, {cost}, {cell(row['latency_ms'])}"
        counts = (str(row["cases"]), str(row["passed"]), str(row["failed"]))
        name = f"{step} {FROM_BASELINE}" if step in evaluation.carried else step
        table.add_row(shown(name), *counts, measures or "-", usage)
    out.print(table)
    if evaluation.carried:
        out.print(CARRIED_NOTE, highlight=False, soft_wrap=True)
    if model in OFFLINE:
        out.print(f"{shown(model)} makes no model calls: {_NO_CALLS[model]}", highlight=False, soft_wrap=True)
