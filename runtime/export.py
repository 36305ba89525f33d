"""Writing finished records where the user asks: JSON Lines or CSV, one record per document."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from pathlib import Path

from claimflow.state.records import DocumentRecord

FORMATS = ("jsonl", "json", "csv")


def format_for(path: Path) -> str:
    """The output format a file name asks for; JSON Lines unless it ends in .csv or .json."""
    suffix = path.suffix.lower().lstrip(".")
    return suffix if suffix in FORMATS else "jsonl"


def _flat(record: DocumentRecord) -> dict[str, str]:
    row = {"run_id": record.run_id, "document": record.filename, "doc_type": record.doc_type}
    data = record.model_dump(mode="json")
    for name, value in data.items():
        if isinstance(value, dict) and "status" in value:
            shown = value["value"]
            row[name] = "; ".join(shown) if isinstance(shown, list) else ("" if shown is None else str(shown))
            row[f"{name}_status"] = value["status"]
    return row


def render_records(records: Iterable[DocumentRecord], fmt: str) -> str:
    """The records as text in `fmt` (jsonl, json or csv)."""
    items = list(records)
    if fmt == "json":
        return json.dumps([r.model_dump(mode="json") for r in items], indent=2, ensure_ascii=False) + "\n"
    if fmt == "jsonl":
        return "".join(json.dumps(r.model_dump(mode="json"), ensure_ascii=False) + "\n" for r in items)
    rows = [_flat(record) for record in items]
    columns = list(dict.fromkeys(key for row in rows for key in row))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns)
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def write_records(records: Iterable[DocumentRecord], path: Path) -> int:
    """Write records to `path` in the format its name asks for; returns how many were written."""
    items = list(records)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_records(items, format_for(path)), encoding="utf-8")
    return len(items)
