"""`claimflow types`: the active document types, their fields, rules, prompt versions and where each came from."""

from __future__ import annotations

from typing import Any

from claimflow.prompts import extract_prompt
from claimflow.runtime.cli._common import (
    AsJson,
    TypesOption,
    app,
    emit,
    err,
    exit_on_setup_error,
    fitted_table,
    out,
    shown,
)
from claimflow.runtime.discovery import ActiveType, discover_types
from claimflow.runtime.settings import Settings


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


@app.command("types")
def types_command(as_json: AsJson = False, types: TypesOption = None) -> None:
    """List the active document types: fields (* required), rules, prompt version and where each came from."""
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
