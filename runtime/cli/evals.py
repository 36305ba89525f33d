"""`claimflow eval` (the golden cases, gated), `eval dataset` and `eval calibrate` (labelled documents)."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Sequence
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
    fitted_table,
    message,
    out,
    percent,
    shown,
    some_ids,
    with_engine,
)
from claimflow.runtime.registry import IN_PROGRESS
from claimflow.runtime.settings import Settings

if TYPE_CHECKING:
    from claimflow.evals.dataset import Outcome
    from claimflow.evals.dataset_gate import DatasetVerdict
    from claimflow.evals.manifest import UnmeasuredLabel
    from claimflow.runtime.engine import Engine
    from claimflow.state.schema import DocumentTypes

eval_app = typer.Typer()  # its help is `eval_group`'s docstring: what `claimflow eval` alone does comes first
app.add_typer(eval_app, name="eval")

Model = Annotated[str | None, typer.Option("--model", help="rules (default), openai:<model>, anthropic:<model>.")]
Concurrency = Annotated[int, typer.Option("--concurrency", min=1, help="Documents processed at once.")]
LabelledDir = Annotated[Path, typer.Argument(help="Folder with manifest.jsonl and the documents it lists.")]


@eval_app.callback(invoke_without_command=True)
def eval_group(
    ctx: typer.Context,
    step: Annotated[list[str] | None, typer.Option("--step", help="Only this step's cases (repeatable).")] = None,
    doc_type: Annotated[
        list[str] | None, typer.Option("--type", help="Only cases about this type (repeatable).")
    ] = None,
    model: Annotated[
        str, typer.Option("--model", help="replay (the recorded claims), rules, openai:<model>, anthropic:<model>.")
    ] = "replay",
    base_url: BaseUrlOption = None,
    goldens: Annotated[Path | None, typer.Option("--goldens", help="Folder of golden cases.")] = None,
    baseline: Annotated[
        Path | None,
        typer.Option(
            "--baseline",
            help="Baseline file to gate against (default: evals/baseline.<model>.json of the package for its own "
            "cases, GOLDENS/baseline.<model>.json with --goldens).",
        ),
    ] = None,
    update_baseline: Annotated[
        bool, typer.Option("--update-baseline", help="Write the results as the baseline.")
    ] = False,
    report: Annotated[
        Path | None, typer.Option("--report", help="Write a report: Markdown for .md, JUnit XML for .xml, else HTML.")
    ] = None,
    concurrency: Annotated[int, typer.Option("--concurrency", min=1, help="Cases run at once.")] = 1,
    changed: Annotated[
        bool,
        typer.Option("--changed", help="Only the cases prompt or code changes since the baseline can affect."),
    ] = False,
    as_json: AsJson = False,
    types: TypesOption = None,
) -> None:
    """Measure a model: alone, run the golden cases and fail (exit 1) on a regression against the baseline.

    Replay exits 3 when a case's recorded claim answered another prompt than the one in force and no live
    baseline measured it: run with `--model M` to measure the prompt, then `--model M --update-baseline`.

    Without a command, runs the golden cases (the package's own, or those of `--goldens DIR`), prints metrics per
    step and compares them with the baseline; with `--goldens DIR` and no `--baseline`, the baseline is
    DIR/baseline.<model>.json. `eval dataset` measures a model on labelled documents, `eval calibrate` chooses
    auto-accept thresholds on them, and `eval capture` turns reviewed runs into golden cases.
    """
    if ctx.invoked_subcommand is not None:
        return
    from claimflow.runtime.cli._golden import run_goldens

    run_goldens(
        steps=step or [], doc_types=doc_type or [], model=model, base_url=base_url, goldens=goldens,
        baseline=baseline, update_baseline=update_baseline, report=report, as_json=as_json,
        concurrency=concurrency, changed=changed, types=types,
    )  # fmt: skip


def _some_ids(outcomes: Sequence[Outcome]) -> str:
    """The first five documents' ids, then `...` when there are more: enough to find them in the manifest."""
    return some_ids([outcome.doc.id for outcome in outcomes])


def _outcomes(
    folder: Path, settings: Settings, concurrency: int, *, kept: bool = False
) -> tuple[list[Outcome], DocumentTypes]:
    """The outcome of every listed document; exit 2 when the model answered for none of those run now.

    `kept`: the data directory is the user's, whose failed runs stand for their documents until run again. Each is
    scored on the fields the set labels (`labelled_only`).
    """
    from claimflow.evals.dataset import labelled_only, run_documents
    from claimflow.evals.manifest import ManifestError, load_manifest

    async def body(engine: Engine) -> tuple[list[Outcome], DocumentTypes]:
        try:
            docs = load_manifest(folder, engine.types)
        except ManifestError as error:
            err.print(f"[red]error:[/red] {message(error)}")
            raise typer.Exit(2) from None
        return await run_documents(engine, docs, concurrency=concurrency), engine.types

    outcomes, active = with_engine(settings.data_dir, body, settings)
    unanswered = [outcome for outcome in outcomes if outcome.unanswered is not None]
    ran_now = [outcome for outcome in outcomes if not outcome.earlier] or outcomes
    if unanswered and all(outcome.unanswered is not None for outcome in ran_now):
        # A model that answered no run says nothing of the model: scored, every document would be misses and
        # regressions; as `claimflow eval` does, it is a setup error, exit 2. One document it did not answer
        # among others is scored as misses, named, and fails the gate (`dataset`).
        from claimflow.evals.unanswered import what_the_model_did
        from claimflow.runtime.gateway._transport import says_key_refused

        names = _some_ids(unanswered)
        # A key the provider refused is said as `claimflow eval` says it: only another key helps, not a retry.
        what = what_the_model_did(key_refused=says_key_refused(unanswered[0].unanswered or ""))
        err.print(
            f"[red]error:[/red] the model {shown(settings.model)} {what} for {len(unanswered)} of "
            f"{len(outcomes)} document(s) ({shown(names)}): {shown(unanswered[0].unanswered or '')}; nothing was "
            "measured or gated"
            + (f" (their failed runs stand in {shown(settings.data_dir)}: run them again with `claimflow rerun "
               f"--failed --data-dir {shown(settings.data_dir)}`, or use a fresh --data-dir)" if kept else ""),
            highlight=False, soft_wrap=True,
        )  # fmt: skip
        raise typer.Exit(2)
    busy = [outcome for outcome in outcomes if outcome.earlier and outcome.status in (*IN_PROGRESS, "resume_queued")]
    if busy:
        # Another live command holds these runs: scored now, unfinished, every label would count as missed and the
        # gate would call that a regression; they are no earlier command's results either.
        err.print(
            f"[red]error:[/red] {len(busy)} of {len(outcomes)} document(s) ({shown(_some_ids(busy))}) are being run "
            f"by another command in {shown(settings.data_dir)}, or were left unfinished by one that stopped: nothing "
            "was measured or gated; run this again when it is done (`claimflow recover` finishes the runs of a command "
            "that stopped), or leave out --data-dir (or name a fresh one)",
            highlight=False, soft_wrap=True,
        )  # fmt: skip
        raise typer.Exit(2)
    earlier = [outcome for outcome in outcomes if outcome.earlier]
    if earlier:
        names = _some_ids(earlier)
        err.print(
            f"warning: {len(earlier)} of {len(outcomes)} document(s) ({shown(names)}) were not run again: "
            f"{shown(settings.data_dir)} holds their runs from an earlier command, whose model and prompts the "
            "figures are of; leave out --data-dir (or name a fresh one) to measure this model and prompts",
            highlight=False, soft_wrap=True,
        )  # fmt: skip
    return labelled_only(outcomes), active


def _run(
    folder: Path, data_dir: Path | None, loaded: Settings, concurrency: int
) -> tuple[list[Outcome], DocumentTypes, Settings]:
    with tempfile.TemporaryDirectory(prefix="claimflow-eval-") as fresh:
        # Evaluation runs are no production runs, wherever the environment points production's.
        settings = loaded.apart(data_dir or Path(fresh))
        return (*_outcomes(folder, settings, concurrency, kept=data_dir is not None), settings)


@eval_app.command("dataset")
def dataset(
    folder: LabelledDir,
    model: Model = None,
    base_url: BaseUrlOption = None,
    concurrency: Concurrency = 1,
    data_dir: DataDir = None,
    as_json: AsJson = False,
    types: TypesOption = None,
    list_misses: Annotated[
        bool,
        typer.Option(
            "--misses", help="Also list every wrong or missing value by document, the unreviewed wrong ones first."
        ),
    ] = False,
    baseline: Annotated[
        Path | None,
        typer.Option("--baseline", help="Baseline file to gate against (default: DIR/baseline.<model>.json)."),
    ] = None,
    update_baseline: Annotated[bool, typer.Option("--update-baseline", help="Write this run as the baseline.")] = False,
) -> None:
    """Run every document of DIR/manifest.jsonl; print precision and recall per type and field, and more.

    With a baseline (DIR/baseline.<model>.json, or --baseline), exit 1 when a field of a document got worse.
    """
    from claimflow.evals.baseline import baseline_path
    from claimflow.evals.dataset import measure, unlabelled_fields
    from claimflow.evals.manifest import unmeasured_labels
    from claimflow.runtime.cli._dataset_gate import check_dataset_baseline, gate_dataset, print_verdict
    from claimflow.runtime.cli._golden import refuse_missing_baseline, refuse_missing_folder, unpriced_note

    refuse_missing_folder("baseline", baseline if update_baseline else None)
    refuse_missing_baseline(baseline, update=update_baseline)
    with exit_on_setup_error():
        loaded = Settings.load(model=model, base_url=base_url, types=tuple(types or ()))
    if not update_baseline:  # one that does not load stops the run before a model's calls are paid for
        check_dataset_baseline(baseline or baseline_path(loaded.model, folder))
    outcomes, active, settings = _run(folder, data_dir, loaded, concurrency)
    docs = [outcome.doc for outcome in outcomes]
    unmeasured = unmeasured_labels(docs, active)
    note = unpriced_note(settings.model, base_url)
    figures = measure(outcomes, active, cost_known=note is None) | {
        "unmeasured_labels": [label.as_json() for label in unmeasured],
        "unlabelled_fields": unlabelled_fields(outcomes, active),
    }
    where = baseline or baseline_path(settings.model, folder)
    verdict = gate_dataset(where, settings.model, outcomes, figures, update=update_baseline)
    if as_json:
        emit({**figures, "gate": verdict.as_json() if verdict is not None else None})
        if note is not None:
            err.print(shown(note), highlight=False, soft_wrap=True)
        _print_unanswered(figures["unanswered"], settings, console_is_err=True, kept=data_dir is not None)
        _print_failed_runs(figures["failed_runs"], console_is_err=True)
        if verdict is not None:
            print_verdict(verdict, console_is_err=True)
        _exit_on(verdict)
        return
    out.print(
        f"{figures['documents']} documents: completed {percent(figures['completion_rate'])}, exact match "
        f"{percent(figures['exact_match_rate'])}, auto-accepted precision "
        f"{percent(figures['auto_accepted_precision'])} ({figures['auto_accepted']} values)",
        highlight=False,
    )
    use = figures["usage"]
    per_document = "" if use["cost_per_document"] is None else f" ({use['cost_per_document']:.4f} a document)"
    cost = "unknown" if use["cost"] is None else f"{use['cost']:.4f}{per_document}"
    out.print(
        f"model use: {use['calls']} call(s), {use['input_tokens']} tokens in, {use['output_tokens']} out, "
        f"cost {cost}, {use['model_seconds']:.2f} s in model calls",
        highlight=False,
    )
    if note is not None:
        out.print(shown(note), highlight=False, soft_wrap=True)
    for name, per_type in figures["types"].items():
        table = fitted_table("field", "expected", "claimed", "right", "precision", "recall", title=shown(name))
        for field_name, counts in per_type["fields"].items():
            table.add_row(
                shown(field_name), str(counts["expected"]), str(counts["claimed"]), str(counts["right"]),
                percent(counts["precision"]), percent(counts["recall"]),
            )  # fmt: skip
        out.print(table)
        reasons = ", ".join(f"{code} {count}" for code, count in per_type["review_reasons"].items()) or "none"
        out.print(
            f"{shown(name)}: {per_type['documents']} documents, classified {percent(per_type['classification_rate'])}, "
            f"completed {percent(per_type['completion_rate'])}, exact match {percent(per_type['exact_match_rate'])}, "
            f"auto-accepted precision {percent(per_type['auto_accepted_precision'])}; review reasons: {shown(reasons)}",
            highlight=False,
        )
    _print_misses(figures["misses"], listed=list_misses)
    _print_unanswered(figures["unanswered"], settings, console_is_err=False, kept=data_dir is not None)
    _print_failed_runs(figures["failed_runs"], console_is_err=False)
    _print_unmeasured(unmeasured)
    for name, fields in figures["unlabelled_fields"].items():
        out.print(f"not measured, no document labels {shown(name)}'s {shown(', '.join(fields))}", highlight=False)
    if verdict is not None:
        print_verdict(verdict, console_is_err=False)
    _exit_on(verdict)


def _exit_on(verdict: DatasetVerdict | None) -> None:
    if verdict is not None and verdict.failed:
        raise typer.Exit(1)


def _print_unanswered(
    unanswered: list[dict[str, str]], settings: Settings, *, console_is_err: bool, kept: bool
) -> None:
    """A line per document the model did not answer, with why: scored as misses, and no gate passes them.

    Each is worded as `claimflow eval` words a case's: a key the provider refused is said as such, and the reason
    names the setting that holds the key.
    """
    from claimflow.evals.unanswered import what_the_model_did
    from claimflow.runtime.gateway._transport import says_key_refused

    console = err if console_is_err else out
    for item in unanswered:
        what = what_the_model_did(key_refused=says_key_refused(item["reason"]))
        console.print(
            f"not answered {shown(item['document'])}: the model {what}: {shown(item['reason'])}",
            highlight=False, soft_wrap=True,
        )  # fmt: skip
    if unanswered and kept:
        console.print(
            f"their failed runs stand in {shown(settings.data_dir)}: run them again with `claimflow rerun --failed "
            f"--data-dir {shown(settings.data_dir)}`, or use a fresh --data-dir",
            highlight=False, soft_wrap=True,
        )  # fmt: skip


def _print_failed_runs(failed: list[dict[str, str]], *, console_is_err: bool) -> None:
    """A line per document whose run failed on the model's answer (a rule that raised), with its error.

    Such a run made no record: its labelled values are missed, and a gate fails on the fields that were right.
    """
    console = err if console_is_err else out
    for item in failed:
        console.print(
            f"failed {shown(item['document'])}: {shown(item['error'])} (no record: its labelled values are missed)",
            highlight=False, soft_wrap=True,
        )  # fmt: skip


def _print_unmeasured(unmeasured: list[UnmeasuredLabel]) -> None:
    """The labelled fields no type has, a line per type: a misspelt one says which field it is near."""
    by_type: dict[str, list[str]] = {}
    for label in unmeasured:
        near = f"; did you mean {label.nearest}?" if label.nearest else ""
        documents = f"{label.documents} document{'' if label.documents == 1 else 's'}"
        by_type.setdefault(label.doc_type, []).append(f"{label.field} ({documents}{near})")
    for name, labels in by_type.items():
        out.print(f"not measured, {shown(name)} has no such field: {shown(', '.join(labels))}", highlight=False)


def _print_misses(found: list[dict[str, Any]], *, listed: bool) -> None:
    """How many values were wrong or missing; with `listed`, which, in a table."""
    unreviewed = sum(miss["unreviewed"] for miss in found)
    out.print(
        f"misses: {len(found)} field(s) wrong or missing, {unreviewed} with wrong values accepted without review"
        + ("" if listed or not found else " (--misses lists them)"),
        highlight=False,
    )
    if not listed or not found:
        return
    table = fitted_table("document", "field", "wrong", "missed", "expected", "status", title="misses")
    for miss in found:
        wrong = ", ".join(json.dumps(value, ensure_ascii=False) for value in miss["wrong"]) or "-"
        status = miss["status"] + (" (unreviewed)" if miss["unreviewed"] else "")
        table.add_row(
            shown(miss["document"]), shown(miss["field"]), shown(wrong), str(miss["missed"] or "-"),
            shown(json.dumps(miss["expected"], ensure_ascii=False)), status,
        )  # fmt: skip
    out.print(table)


@eval_app.command("calibrate")
def calibrate_command(
    folder: LabelledDir,
    target_precision: Annotated[
        float, typer.Option("--target-precision", min=0, max=1, help="Precision the lower bound must reach.")
    ],
    model: Model = None,
    base_url: BaseUrlOption = None,
    out_file: Annotated[Path, typer.Option("--out", help="Policy file to write.")] = Path("policy.json"),
    confidence_level: Annotated[
        float, typer.Option("--confidence-level", min=0.5, max=0.9999, help="Level of the Wilson interval.")
    ] = 0.95,
    min_samples: Annotated[int, typer.Option("--min-samples", min=1, help="Values a threshold needs.")] = 10,
    report: Annotated[
        Path | None,
        typer.Option("--report", help="Write each field's precision curve: Markdown for .md, else an HTML page."),
    ] = None,
    concurrency: Concurrency = 1,
    data_dir: DataDir = None,
    types: TypesOption = None,
) -> None:
    """Choose per-field auto-accept thresholds on DIR and write them into a policy file (CLAIMFLOW_POLICY)."""
    from claimflow.evals.calibrate import calibrate, with_thresholds
    from claimflow.evals.calibration_report import write_calibration_report

    with exit_on_setup_error():
        loaded = Settings.load(model=model, base_url=base_url, types=tuple(types or ()))
    outcomes, _, settings = _run(folder, data_dir, loaded, concurrency)
    chosen = calibrate(outcomes, target=target_precision, level=confidence_level, min_samples=min_samples)
    policy = with_thresholds(settings.policy, chosen)
    out_file.write_text(policy.model_dump_json(indent=2) + "\n", encoding="utf-8")
    table = fitted_table("type", "field", "threshold", "n", "precision", "lower bound")
    for found in chosen:
        threshold = "always review" if found.threshold is None else f"{found.threshold:.3f}"
        table.add_row(
            shown(found.doc_type), shown(found.field), threshold, str(found.n),
            percent(found.precision), percent(found.lower_bound),
        )  # fmt: skip
    out.print(table)
    err.print(f"wrote {shown(out_file)}", highlight=False)
    if report is not None:
        write_calibration_report(report, chosen, target=target_precision, level=confidence_level)
        err.print(f"wrote {shown(report)}", highlight=False)


@eval_app.command("capture")
def capture_command(
    runs: Annotated[list[str], typer.Argument(help="Reviewed runs (ids or unique prefixes).")],
    out_dir: Annotated[Path, typer.Option("--out", help="Goldens folder to write into.")] = Path("evals/goldens"),
    data_dir: DataDir = None,
    as_json: AsJson = False,
    types: TypesOption = None,
) -> None:
    """Turn reviewed runs into golden cases: the reviewer's final values become what the step must produce."""
    with_engine(
        data_dir, lambda engine: _print_captures(engine, runs, out_dir, as_json=as_json), types=types, readonly=True
    )


async def _print_captures(engine: Engine, run_ids: list[str], out_dir: Path, *, as_json: bool) -> None:
    """Capture each run and print what was written; exit 1 when any run was refused."""
    from claimflow.evals.capture import CaptureError, capture_run

    refused = False
    for run_id in run_ids:
        try:
            captured = await capture_run(engine, run_id, out_dir)
        except CaptureError as error:
            refused = True
            if as_json:
                emit({"run_id": run_id, "cases": [], "error": str(error)})
            else:
                err.print(f"[red]error:[/red] {message(error)}")
            continue
        if as_json:
            emit({
                "run_id": captured.run_id, "cases": [str(path) for path in captured.files], "error": None,
                "unquoted_edits": captured.unquoted,
            })  # fmt: skip
            continue
        for path in captured.files:
            out.print(f"run {shown(captured.run_id)}: wrote {shown(path)}", highlight=False)
        if captured.unquoted:
            out.print(
                f"run {shown(captured.run_id)}: edits the case does not judge, no quote proves them (the "
                f"reviewer's word; cite one with --evidence when deciding): {shown(', '.join(captured.unquoted))}",
                highlight=False,
            )
    if refused:
        raise typer.Exit(1)
