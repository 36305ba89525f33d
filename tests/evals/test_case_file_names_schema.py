"""A golden case file that does not load names the JSON Schema by its path, for a project outside the repository.

The message said "its JSON Schema is golden.schema.json": a file a user's project does not have, with no word of
where the installed one is.
"""

from __future__ import annotations

import json
from pathlib import Path

from claimflow.evals.golden import SCHEMA
from tests.integration._docs import run_cli, write


def test_the_schema_is_named_where_it_is_installed(tmp_path: Path) -> None:
    goldens = tmp_path / "goldens"
    case = {"kind": "rule", "name": "late", "step": "rules_invoice", "doc_type": "invoice", "values": {}}
    write(goldens / "rules_invoice", "late.json", json.dumps(case))  # no "expected"
    ran = run_cli("eval", "--goldens", goldens)
    assert ran.returncode == 2
    assert f"fix the file (its JSON Schema is {SCHEMA})" in ran.stderr
    assert SCHEMA.is_file()
