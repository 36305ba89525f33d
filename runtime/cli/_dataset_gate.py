"""`eval dataset --baseline/--update-baseline`: write the set's baseline, or gate the run against it."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from claimflow.runtime.cli._accepting import ACCEPT, WORSE_FIELDS_KNOWN
from claimflow.runtime.cli._common import err, fitted_table, message, out, percent, shown, some_ids

if TYPE_CHECKING:
    from claimflow.evals.dataset import Outcome
    from claimflow.evals.dataset_gate import DatasetVerdict

_NAMES = {
    "exact_match_rate": "exact match",
    "auto_accepted_precision": "auto-accepted precision",
    "completion_rate": "completed",
}
"""How the headline figures are named in the gate's lines."""


def check_dataset_baseline(path: Path) -> None:
    """Stop the command (exit 2, with the reason) when the baseline at `path` is there and does not load."""
    from claimflow.evals.dataset_gate import load_dataset_baseline
    from claimflow.evals.errors import BaselineError

    try:
        load_dataset_baseline(path)
    except BaselineError as error:
        err.print(f"[red]error:[/red] {message(error)}")
        raise typer.Exit(2) from None


def gate_dataset(
    path: Path, model: str, outcomes: Sequence[Outcome], figures: dict[str, Any], *, update: bool
) -> DatasetVerdict | None:
    """Write the baseline (`update`: None), or compare the run with the one at `path`.

    Where there is none yet, the verdict compares nothing (`without_baseline`), as `claimflow eval`'s does.

    A baseline that does not load stops the command with its reason, exit 2: CI reads 1 as a regression.
    """
    from claimflow.evals.baseline import write_baseline
    from claimflow.evals.dataset_gate import (
        baseline_of,
        compare,
        load_dataset_baseline,
        refuse_overwriting_other_kind,
        without_baseline,
    )
    from claimflow.evals.errors import BaselineError

    if update:
        unanswered = [item["document"] for item in figures["unanswered"]]
        if unanswered:
            # Written, a timeout would stand as the document's misses: the next run's answer would look fixed.
            err.print(
                f"[red]error:[/red] {shown(path)} not written: {len(unanswered)} document(s) the model did not "
                f"answer ({shown(some_ids(unanswered))}); run again when the model answers",
                highlight=False, soft_wrap=True,
            )  # fmt: skip
            raise typer.Exit(2)
        try:
            refuse_overwriting_other_kind(path)
            write_baseline(path, baseline_of(model, outcomes, figures))
        except BaselineError as error:
            err.print(f"[red]error:[/red] {shown(path)} not written: {message(error)}", soft_wrap=True)
            raise typer.Exit(2) from None
        except OSError as error:
            err.print(f"[red]error:[/red] cannot write {shown(path)}: {message(error.strerror or error)}")
            raise typer.Exit(2) from None
        err.print(f"wrote {shown(path)}", highlight=False)
        return None
    try:
        baseline = load_dataset_baseline(path)
    except BaselineError as error:
        err.print(f"[red]error:[/red] {message(error)}")
        raise typer.Exit(2) from None
    if baseline is None:
        err.print(f"no baseline at {shown(path)}: --update-baseline writes this run as one", highlight=False)
        return without_baseline(path, outcomes, figures)
    if baseline.model != model:
        err.print(f"note: {shown(path.name)} was made with {shown(baseline.model)}, this run with {shown(model)}")
    return compare(path, baseline, outcomes, figures)


def print_verdict(verdict: DatasetVerdict, *, console_is_err: bool) -> None:
    """The gate in words: counts, the headline figures before and after, and a table of what got worse.

    Without a baseline (`gate_dataset` has said there is none), only why it fails: documents the model did not
    answer.
    """
    if verdict.baseline_model is None:
        if verdict.unanswered:
            err.print(
                f"the run does not pass: {len(verdict.unanswered)} document(s) the model did not answer "
                f"({shown(some_ids(verdict.unanswered))}), so the figures measure the server as much as the model",
                highlight=False, soft_wrap=True,
            )  # fmt: skip
        return
    console = err if console_is_err else out
    console.print(
        f"gate against {shown(verdict.baseline.name)}: {len(verdict.regressions)} regression(s), "
        f"{len(verdict.fixed)} miss(es) fixed, {len(verdict.not_compared)} document(s) not compared (new, or their "
        f"labels or bytes changed), {len(verdict.gone)} no longer in the set"
        + (f", {len(verdict.unanswered)} document(s) the model did not answer" if verdict.unanswered else "")
        + (f", {len(verdict.lost)} field(s) no longer measured" if verdict.lost else ""),
        highlight=False,
    )
    for item in verdict.lost:
        console.print(
            f"no longer measured: {shown(item.doc_type)}'s {shown(item.field)}, which the baseline measured on "
            f"{len(item.documents)} document(s) ({shown(some_ids(list(item.documents)))}): {shown(item.why)}; "
            "restore it, or accept the change with --update-baseline (the baseline then no longer measures it)",
            highlight=False, soft_wrap=True,
        )  # fmt: skip
    console.print(
        ", ".join(
            f"{_NAMES[name]} {percent(before)} -> {percent(now)}" for name, (before, now) in verdict.figures.items()
        )
        + (" (exact match still asks for the fields no longer measured)" if verdict.lost else ""),
        highlight=False,
    )
    if verdict.regressions and not console_is_err:
        table = fitted_table("document", "field", "what got worse", "status", title="regressions")
        for regression in verdict.regressions:
            status = regression.miss["status"]
            table.add_row(shown(regression.document), shown(regression.field), shown(regression.why), status)
        out.print(table)
    if verdict.regressions:
        # A run the model did not fully answer is not written: accepting it is no way out. Accepting records the
        # run's misses, the regressed ones too, and a miss the baseline holds fails the gate only once it gets worse.
        accept = "" if verdict.unanswered else ACCEPT + WORSE_FIELDS_KNOWN
        err.print(f"regression against {shown(verdict.baseline.name)}{accept}", highlight=False, soft_wrap=True)
    elif verdict.failed:
        # No field got worse, yet a document the model did not answer, or a field no longer asked for, was not
        # judged: that is no pass.
        found = (
            (len(verdict.unanswered), "document(s) the model did not answer"),
            (len(verdict.lost), "field(s) no longer measured"),
        )
        what = ", ".join(f"{count} {noun}" for count, noun in found if count)
        err.print(f"the gate does not pass against {shown(verdict.baseline.name)}: {what}", highlight=False)
