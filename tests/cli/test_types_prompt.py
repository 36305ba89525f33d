"""`claimflow types prompt TYPE`: what a model receives at a step of a type, without running a document.

The messages, the claim's schema, the output cap and the hashes are those of a real call: a document run with
`--record` records the same messages and hashes the command prints for that document.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from typer.testing import Result

from claimflow.doctypes import INVOICE
from claimflow.prompts import CLASSIFY, extract_prompt, schema_text
from claimflow.runtime.discovery import load_target
from claimflow.runtime.gateway.caps import derived_cap
from claimflow.state.claims import ClassificationClaim, ExtractionClaim
from tests.cli._order_form import ORDER_WITH_TOTAL
from tests.integration._docs import flat, invoice_text, json_lines, run_cli, write

Invoke = Callable[..., Result]

KEYS = {
    "type", "step", "prompt", "prompt_hash", "schema_hash", "input_hash", "max_output_tokens", "system", "user",
    "schema", "document",
}  # fmt: skip
PLACEHOLDER = "{page 1's masked text; each further page follows after a form feed and its own --- page N --- line}"
EMAIL = "jane.doe@example.com"


def _one(result: Result) -> dict[str, Any]:
    assert result.exit_code == 0, result.output
    [shown] = json_lines(result.stdout)
    return shown


def test_the_extract_prompt_of_a_builtin_type_is_printed_with_its_hash_cap_and_schema(claimflow: Invoke) -> None:
    prompt = extract_prompt(INVOICE)
    result = claimflow("types", "prompt", "invoice")
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert f"prompt: extract_invoice@{INVOICE.version} (step extract of invoice)" in text
    assert f"prompt hash: {prompt.content_hash}" in text
    assert f"max output tokens: {derived_cap('extract_invoice', INVOICE)}" in text
    assert f"system:\n{prompt.system}\n" in text
    assert "user:\nFields:\n- vendor_name (text, required): Legal name of the seller." in text
    assert f"<document>\n--- page 1 ---\n{PLACEHOLDER}\n</document>" in text
    assert '"title": "ExtractionClaim"' in text  # the schema, pretty-printed


def test_the_json_names_every_part_of_the_call_and_the_prompt_hash_is_the_specs(claimflow: Invoke) -> None:
    prompt = extract_prompt(INVOICE)
    shown = _one(claimflow("types", "prompt", "invoice", "--step", "extract", "--json"))
    assert set(shown) == KEYS
    assert (shown["type"], shown["step"], shown["prompt"]) == ("invoice", "extract", prompt.ref)
    assert shown["prompt_hash"] == prompt.content_hash
    assert shown["system"] == prompt.system
    assert shown["user"].startswith("Fields:\n- vendor_name") and PLACEHOLDER in shown["user"]
    assert shown["schema"] == json.loads(schema_text(ExtractionClaim))
    assert shown["max_output_tokens"] == derived_cap("extract_invoice", INVOICE)
    assert (shown["input_hash"], shown["document"]) == (None, None)  # no document: no input to hash


def test_the_classify_prompt_offers_every_active_type_and_has_its_own_hash_and_cap(
    claimflow: Invoke, tmp_path: Path
) -> None:
    declared = write(tmp_path, "order_types.py", ORDER_WITH_TOTAL)
    shown = _one(claimflow("types", "prompt", "order_form", "--step", "classify", "--json", "--types", declared))
    assert (shown["type"], shown["step"], shown["prompt"]) == ("order_form", "classify", CLASSIFY.ref)
    assert shown["prompt_hash"] == CLASSIFY.content_hash
    assert shown["system"] == CLASSIFY.system
    offered = [line.split(":")[0] for line in shown["user"].splitlines() if line.startswith("- ")]
    assert offered == ["- invoice", "- receipt", "- contract", "- order_form", "- unknown"]
    assert "- order_form: A purchase order form Named by: PURCHASE ORDER." in shown["user"]
    assert shown["schema"] == json.loads(schema_text(ClassificationClaim))
    assert shown["max_output_tokens"] == 1024


def test_a_type_declared_in_a_folder_of_ones_own_shows_its_fields_and_its_prompt_hash(
    claimflow: Invoke, tmp_path: Path
) -> None:
    declared = write(tmp_path, "order_types.py", ORDER_WITH_TOTAL)
    [entry] = load_target(str(declared), "--types", tmp_path)
    prompt = extract_prompt(entry.doc_type)
    shown = _one(claimflow("types", "prompt", "order_form", "--json", "--types", declared))
    assert (shown["prompt"], shown["prompt_hash"]) == ("extract_order_form@1", prompt.content_hash)
    assert shown["system"].startswith("You extract fields from a document of type order_form.")
    assert "- po_number (identifier, required). Printed as: PO Number.\n- total (amount, optional)." in shown["user"]
    # Named before `prompt`, as `claimflow types --types X` takes it, the type is as active.
    table = claimflow("types", "--types", declared, "prompt", "order_form")
    assert table.exit_code == 0, table.output
    assert f"prompt hash: {prompt.content_hash}" in table.stdout


def test_an_output_cap_set_for_the_step_is_the_one_shown(claimflow: Invoke) -> None:
    env = {"CLAIMFLOW_MAX_OUTPUT_TOKENS_EXTRACT": "777"}
    assert _one(claimflow("types", "prompt", "receipt", "--json", env=env))["max_output_tokens"] == 777
    assert _one(claimflow("types", "prompt", "receipt", "--step", "classify", "--json", env=env))[
        "max_output_tokens"
    ] == 1024  # fmt: skip


def test_with_a_document_the_messages_and_hashes_are_those_a_recorded_run_sent(tmp_path: Path) -> None:
    document = write(tmp_path, "invoice.txt", invoice_text() + f"Questions: {EMAIL}\n")
    recordings = tmp_path / "rec"
    ran = run_cli("run", document, "--json", "--model", "rules", "--record", recordings, "--data-dir", tmp_path / "d")
    assert ran.returncode == 0, ran.stderr
    for step, folder in (("classify", "classify"), ("extract", "extract_invoice")):
        [file] = (recordings / folder).glob("*.json")
        recorded = json.loads(file.read_text(encoding="utf-8"))
        done = run_cli("types", "prompt", "invoice", "--step", step, "--document", document, "--json")
        assert done.returncode == 0, done.stderr
        [shown] = json_lines(done.stdout)
        for key in ("prompt", "prompt_hash", "input_hash", "schema_hash", "system", "user"):
            assert shown[key] == recorded[key], (step, key)
        assert shown["document"] == str(document)
        assert "[EMAIL_1]" in shown["user"] and EMAIL not in shown["user"]  # masked, as the model sees it


def test_an_unknown_type_is_a_usage_error_naming_the_active_types(claimflow: Invoke) -> None:
    result = claimflow("types", "prompt", "order_form")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "unknown document type 'order_form'; active: invoice, receipt, contract; name the module" in flat(
        result.stderr
    )


def test_an_unknown_step_is_a_usage_error_naming_the_steps(claimflow: Invoke) -> None:
    result = claimflow("types", "prompt", "invoice", "--step", "validate")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "no step 'validate'; a document type's steps are classify and extract" in flat(result.stderr)


def test_an_unreadable_document_is_refused_naming_it(claimflow: Invoke, tmp_path: Path) -> None:
    document = write(tmp_path, "scan.xyz", b"\x00\x01 not a document")
    result = claimflow("types", "prompt", "invoice", "--document", document)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert f"error: {document}:" in flat(result.stderr)


def test_a_document_is_read_as_intake_reads_one_a_fifo_never_opened_a_large_file_never_read(tmp_path: Path) -> None:
    # `--document` read the whole path: a FIFO hung the command, /dev/zero or a large sparse file filled memory.
    fifo = tmp_path / "invoice.txt"
    os.mkfifo(fifo)
    hung = run_cli("types", "prompt", "invoice", "--document", fifo, timeout=30)
    assert hung.returncode == 1
    assert flat(hung.stderr) == f"error: {fifo}: a FIFO (named pipe), not a regular file; it was not opened"

    large = write(tmp_path, "large.txt", invoice_text() + "\n" * 5000)
    refused = run_cli("types", "prompt", "invoice", "--document", large, CLAIMFLOW_MAX_DOCUMENT_BYTES="4096")
    assert refused.returncode == 1
    assert flat(refused.stderr) == (
        f"error: {large}: it is 5.1 KiB, over the 4.0 KiB limit (CLAIMFLOW_MAX_DOCUMENT_BYTES); it was not read"
    )
