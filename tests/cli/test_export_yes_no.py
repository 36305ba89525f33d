"""A yes/no field is exported to CSV as the record's JSON has it, `true` or `false`, never Python's `True`."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from claimflow import Column, DocumentType, Field
from claimflow.runtime.export import write_records
from claimflow.state.evidence import Evidence
from claimflow.state.records import record_model
from claimflow.state.schema import DocumentTypes

DELIVERY_NOTE = DocumentType(
    name="delivery_note",
    description="A note that goods were delivered.",
    titles=("Delivery Note",),
    version="1",
    fields=[
        Field("signed", "boolean", labels=("Signed",)),
        Field("damaged", "boolean", multiple=True, labels=("Damaged",)),
        Field("lines", "table", columns=[Column("returned", "boolean", labels=("Returned",))]),
    ],
)


def _record(doc_type: DocumentType, filename: str, **fields: Any) -> Any:
    """A finished record of `doc_type` with these fields (a value field as `{"value", "status", "decided_by"}`)."""
    identity = {"run_id": "run-1", "document_id": "ab" * 32, "filename": filename, "doc_type": doc_type.name}
    return record_model(doc_type).model_validate({**identity, **fields})


def _accepted(value: Any) -> dict[str, Any]:
    return {"value": value, "status": "accepted", "decided_by": "test"}


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as stream:
        return list(csv.DictReader(stream))


def test_yes_no_values_are_written_as_the_records_json_writes_them(tmp_path: Path) -> None:
    evidence = Evidence(page=1, start=0, end=11, quote="Returned: y")
    record = _record(
        DELIVERY_NOTE,
        "note.txt",
        signed=_accepted(False),
        damaged=_accepted([True, False]),
        lines=[{"returned": True, "evidence": evidence}],
    )
    types = DocumentTypes([DELIVERY_NOTE])

    written = write_records([record], tmp_path / "notes.csv", types).files
    write_records([record], tmp_path / "notes.jsonl", types)

    [row] = _rows(written[0])
    [line] = _rows(written[1])
    assert (row["signed"], row["damaged"], line["returned"]) == ("false", "true; false", "true")
    as_json = json.loads((tmp_path / "notes.jsonl").read_text(encoding="utf-8"))
    assert (as_json["signed"]["value"], as_json["lines"][0]["returned"]) == (False, True)


def test_values_of_a_field_that_holds_several_split_back_as_they_were(tmp_path: Path) -> None:
    parties = DocumentType(
        name="agreement",
        description="An agreement between parties.",
        titles=("Agreement",),
        version="1",
        fields=[Field("parties", "text", multiple=True, labels=("Between",))],
    )
    values = ["Smith; Jones LLP", '"Acme" Ltd', "Beta, Inc."]
    record = _record(parties, "agreement.txt", parties=_accepted(values))

    [written] = write_records([record], tmp_path / "agreements.csv", DocumentTypes([parties])).files

    [row] = _rows(written)
    assert row["parties"] == '"Smith; Jones LLP"; """Acme"" Ltd"; Beta, Inc.'
    # The cell is CSV itself, with `; ` between the values: read so, it gives the values back.
    [split] = csv.reader([row["parties"]], delimiter=";", skipinitialspace=True)
    assert split == values
