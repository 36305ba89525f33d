"""A type of one's own with an `iban` field: the offline backend reads the masked IBAN beside its label.

The mask step replaces the IBAN with `[IBAN_1]` before any extractor reads the page. The label-driven
extractor read no placeholder, so such a field stayed missing on every document. It now claims the
placeholder, which the extraction step puts back, and apply checks the original in the document.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.integration._docs import json_lines, run_cli, write

TYPES = """
from claimflow import DocumentType, Field

STATEMENT = DocumentType(
    name="bank_statement",
    description="A bank's statement of one account over a period.",
    titles=("Bank Statement", "Kontoauszug"),
    fields=[
        Field("account_holder", "text", required=True, labels=("Account Holder", "Kontoinhaber")),
        Field("iban", "identifier", required=True, labels=("IBAN",)),
        Field("closing_balance", "amount", labels=("Closing Balance", "Neuer Kontostand")),
    ],
)
"""

STATEMENT = (
    "Bank Statement\n"
    "Account Holder:  Harbour Lights Cafe Ltd\n"
    "IBAN:            GB33 BUKB 2020 1555 5555 55\n"
    "Closing Balance: 5,973.53\n"
)


def test_a_masked_iban_beside_its_label_is_claimed_and_unmasked(tmp_path: Path) -> None:
    write(tmp_path, "statement_types.py", TYPES)
    write(tmp_path / "docs", "statement.txt", STATEMENT)
    data = tmp_path / "data"
    types = ("--types", f"{tmp_path / 'statement_types.py'}:STATEMENT")
    done = run_cli("run", tmp_path / "docs", "--json", "--data-dir", data, "--model", "rules", *types)
    [view] = json_lines(done.stdout)
    assert view["status"] == "completed", view
    iban = view["fields"]["iban"]
    assert iban["status"] == "accepted"
    assert iban["value"] == "GB33 BUKB 2020 1555 5555 55"
    assert [e["quote"] for e in iban["evidence"]] == ["IBAN:            GB33 BUKB 2020 1555 5555 55"]
    trace = run_cli("trace", view["run_id"], "--json", "--data-dir", data)
    unmasked = [json.loads(line) for line in trace.stdout.splitlines() if '"pii.unmasked"' in line]
    assert unmasked, trace.stdout
