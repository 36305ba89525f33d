"""The bare `claimflow eval`: run the golden cases, print metrics per step, write a report, gate regressions."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from claimflow.nodes.ports import ModelUnavailableError
from claimflow.runtime.cli._common import emit, err, exit_on_setup_error, message, out, shown
from claimflow.runtime.gateway import make_gateway
from claimflow.runtime.settings import Settings

if TYPE_CHECKING:
    from claimflow.evals.evaluation import Evaluation

OFFLINE = ("replay", "rules")
"""Backends that cost nothing and report no usage."""


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
) -> None:
    """Run, print, report, and exit 1 when the gate fails (0 after `update_baseline`)."""
    from claimflow.evals.evaluation import evaluate_goldens, gate_lines
    from claimflow.evals.golden import GOLDENS
    from claimflow.evals.report import write_report

    gateway = None
    if model not in OFFLINE:
        with exit_on_setup_error():
            settings = Settings.load(model=model, base_url=base_url)  # only the model settings are read
            gateway = make_gateway(settings.model, settings.gateway)
    try:
        evaluation = evaluate_goldens(
            model=model, gateway=gateway, goldens=goldens or GOLDENS, steps=steps, doc_types=doc_types,
            baseline=baseline, update_baseline=update_baseline, concurrency=concurrency,
            changed=changed,
        )  # fmt: skip
    except (OSError, ValueError) as error:
        err.print(f"[red]error:[/red] {message(error)}")
        raise typer.Exit(2) from None
    except ModelUnavailableError as error:
        # Past its transport retries the model is not there: no case result would mean anything.
        err.print(f"[red]error:[/red] the model {shown(model)} did not answer: {message(error)}", highlight=False)
        raise typer.Exit(2) from None
    if evaluation.changed is not None:
        for line in evaluation.changed.lines():
            (err if as_json else out).print(shown(line), highlight=False)
    if report is not None:
        write_report(report, evaluation)
    if as_json:
        emit(evaluation.as_json())
    else:
        _print_metrics(evaluation, model)
    console = err if as_json else out
    for line in gate_lines(evaluation):
        console.print(shown(line), highlight=False)
    if update_baseline:
        err.print(f"wrote {shown(evaluation.baseline)}", highlight=False)
        return
    if evaluation.verdict.failed:
        err.print(f"regression against {shown(evaluation.baseline.name)}", highlight=False)
        raise typer.Exit(1)


def _print_metrics(evaluation: Evaluation, model: str) -> None:
    """The table of metrics per step, and a note when the backend makes no model calls."""
    from claimflow.evals.report import MEASURES, cell

    table = Table("step", "cases", "passed", "failed", "measures", "tokens in/out, cost, ms", title=shown(model))
    for step, row in evaluation.metrics.items():
        measures = ", ".join(f"{name} {cell(row[name])}" for name in MEASURES if row.get(name) is not None)
        usage = f"{row['input_tokens']}/{row['output_tokens']}, {cell(row['cost'])}, {cell(row['latency_ms'])}"
        counts = (str(row["cases"]), str(row["passed"]), str(row["failed"]))
        table.add_row(shown(step), *counts, measures or "-", usage)
    out.print(table)
    if model in OFFLINE:
        out.print(f"{shown(model)} makes no model calls: tokens, cost and latency are zero.", highlight=False)
