"""`claimflow types`: the active document types, their fields, rules, prompt versions and where each came from.

`claimflow types prompt TYPE` prints what a model is asked at one of the type's steps.
"""

from __future__ import annotations

import errno
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, cast

import typer

from claimflow.prompts import extract_prompt
from claimflow.runtime.cli._common import (
    LOAD_YOUR_TYPES,
    AsJson,
    TypesOption,
    app,
    emit,
    err,
    exit_on_setup_error,
    fitted_table,
    message,
    out,
    shown,
)
from claimflow.runtime.discovery import ActiveType, discover_types
from claimflow.runtime.settings import Settings
from claimflow.state.errors import UnknownDocumentTypeError
from claimflow.state.masking import mask_pages

if TYPE_CHECKING:
    from claimflow.runtime.cli._type_prompt import Step


def _describe(entry: ActiveType) -> dict[str, Any]:
    prompt = extract_prompt(entry.doc_type)
    return {
        **entry.doc_type.describe(),
        "prompt": prompt.ref,
        "prompt_hash": prompt.content_hash,
        "source": entry.source,
        "target": entry.target,
        "file": entry.file,
        "declared_at": entry.doc_type.declared_in,
    }


def _fields_line(doc_type: dict[str, Any]) -> str:
    parts = []
    for spec in doc_type["fields"]:
        traits = spec["kind"] + ("*" if spec["required"] else "") + ("[]" if spec["multiple"] else "")
        if spec["columns"]:
            traits += "(" + ", ".join(c["name"] for c in spec["columns"]) + ")"
        parts.append(f"{spec['name']}:{traits}")
    return ", ".join(parts)


types_app = typer.Typer()  # its help is `types_command`'s docstring: what `claimflow types` alone does comes first
app.add_typer(types_app, name="types")


@types_app.callback(invoke_without_command=True)
def types_command(ctx: typer.Context, as_json: AsJson = False, types: TypesOption = None) -> None:
    """List the active document types: fields (* required), rules, prompt version and where each came from.

    `types prompt TYPE` prints the prompt a model receives at one of a type's steps.
    """
    if ctx.invoked_subcommand is not None:
        return
    with exit_on_setup_error():
        active = discover_types(Settings.load(types=tuple(types or ())).types)
    described = [_describe(entry) for entry in active.entries]
    if as_json:
        for item in described:
            emit(item)
        return
    table = fitted_table("type", "prompt", "fields", "rules", "from")
    for item in described:
        rules = ", ".join(rule["name"] for rule in item["rules"]) or "-"
        # file:line of the declaration: two types of one file are told apart, and an editor opens it there.
        where = item["declared_at"] or item["file"]
        origin = item["source"] + (f"\n{where}" if where else "")
        table.add_row(
            *(shown(cell, lines=True) for cell in (item["name"], item["prompt"], _fields_line(item), rules, origin))
        )
    out.print(table)
    err.print(f"{len(described)} active type(s)")


def _known_step(step: str) -> str:
    """`step` if a type has it; anything else is a usage error (exit 2) naming the steps there are."""
    # What renders a prompt imports the nodes and with them LangGraph: loaded by `types prompt` alone, as
    # every command is imported when the CLI starts, and `claimflow runs` or `--help` need none of it.
    from claimflow.runtime.cli._type_prompt import STEPS

    if step not in STEPS:
        raise typer.BadParameter(f"no step {step!r}; a document type's steps are {' and '.join(STEPS)}")
    return step


TypeArgument = Annotated[
    str, typer.Argument(metavar="TYPE", help="An active document type (`claimflow types` lists them).")
]
StepOption = Annotated[str, typer.Option("--step", callback=_known_step, help="The model step: classify or extract.")]
DocumentOption = Annotated[
    Path | None,
    typer.Option(
        "--document",
        exists=True,
        dir_okay=False,
        help="Show this document's text, parsed and masked as a run would, in place of the placeholder.",
    ),
]


@types_app.command("prompt")
def prompt_command(
    ctx: typer.Context,
    doc_type: TypeArgument,
    step: StepOption = "extract",
    document: DocumentOption = None,
    as_json: AsJson = False,
    types: TypesOption = None,
) -> None:
    """Print what a model receives at a step of TYPE: system and user message, claim schema, output cap, hash.

    The document's text is a placeholder unless `--document FILE` names one. The prompt hash is the one eval
    baselines, recordings and runs name; sending nothing, this needs no model, key or data directory.
    """
    from claimflow.runtime.cli._type_prompt import step_prompt

    # `claimflow types --types x.py prompt order_form` gave its options to the group: they count here too.
    group = ctx.parent.params if ctx.parent is not None else {}
    named = (*(group.get("types") or ()), *(types or ()))
    as_json = as_json or bool(group.get("as_json"))
    with exit_on_setup_error():
        settings = Settings.load(types=named)
        active = discover_types(settings.types).types
    try:
        chosen = active.get(doc_type)
    except UnknownDocumentTypeError as error:
        err.print(f"[red]error:[/red] {message(error)}; {LOAD_YOUR_TYPES}")
        raise typer.Exit(2) from None
    pages = None if document is None else _masked_pages(document, settings)
    asked = step_prompt(cast("Step", step), chosen, active, settings.gateway.output_caps, pages)
    if as_json:
        emit(asked.as_json(None if document is None else str(document)))
        return
    question = asked.question
    out.print(f"prompt: {question.prompt} (step {step} of {chosen.name})", highlight=False)
    out.print(f"prompt hash: {question.prompt_hash}", highlight=False)
    out.print(f"max output tokens: {asked.max_output_tokens}", highlight=False)
    schema = json.dumps(json.loads(asked.schema), indent=2, sort_keys=True)
    for heading, text in (("system", question.system), ("user", question.user), ("schema of the claim", schema)):
        # The type's declaration and the document are text from outside: markup and control characters shown.
        out.print(f"{heading}:\n{shown(text, lines=True)}", highlight=False)


def _masked_pages(path: Path, settings: Settings) -> tuple[str, ...]:
    """The document's pages as the model sees them: parsed with the run's limits, masked with its patterns."""
    from claimflow.nodes.ports import DocumentUnreadableError
    from claimflow.runtime.ingest import size_versus_limit
    from claimflow.runtime.parsing import IngestParser  # the PDF, OCR and HTML libraries: only for a document
    from claimflow.runtime.sources import read_regular_file

    try:
        # As intake reads a document: a regular file only (a FIFO would hang), not past the size limit.
        size, data = read_regular_file(path, settings.limits.max_bytes)
        if size > settings.limits.max_bytes:
            over, limit = size_versus_limit(size, settings.limits.max_bytes)
            reason = f"it is {over}, over the {limit} limit (CLAIMFLOW_MAX_DOCUMENT_BYTES); it was not read"
            raise OSError(errno.EFBIG, reason)
        pages = IngestParser(settings.limits)(data, path.name).pages
    except (DocumentUnreadableError, OSError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else message(error)
        err.print(f"[red]error:[/red] {shown(path)}: {reason}")
        raise typer.Exit(1) from None
    return mask_pages(pages, settings.mask_patterns).pages
