"""A type's declaration error about one of its fields or rules says where that field or rule is declared.

The error named the line of the `DocumentType(...)` call only: in a type of many fields, or with its rules in a
module of their own, the user searched for the field that repeats a label, or the rule that names a field the type
lacks.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration._docs import run_cli, write

RULES = """\
from claimflow import rule


@rule("lines_add_up", fields=["total", "line_totl"])
def lines_add_up(doc):
    return None
"""

TYPES = """\
from claimflow import DocumentType, Field
{imports}

ORDER = DocumentType(
    name="order_slip",
    description="An order slip.",
    fields=[
        Field("total", "amount", labels=("Total",)),
        Field("line_total", "amount", labels=("Line Total",)),
        Field("net", "amount", labels=("{net_label}",)),
    ],
    rules={rules},
)
"""


@pytest.mark.parametrize(
    ("imports", "net_label", "rules", "problem", "part"),
    [
        ("", "Total", "[]", "label 'Total' is declared by both total and net", "net: {types}:10"),
        ("from order_rules import lines_add_up", "Net", "[lines_add_up]",
         "rule 'lines_add_up' names unknown field(s) line_totl (did you mean 'line_total'?)",
         "lines_add_up: {rules}:4"),
    ],
)  # fmt: skip
def test_the_field_or_rule_at_fault_is_named_with_its_line(
    tmp_path: Path, imports: str, net_label: str, rules: str, problem: str, part: str
) -> None:
    rules_file = write(tmp_path, "order_rules.py", RULES)
    types = write(tmp_path, "order_types.py", TYPES.format(imports=imports, net_label=net_label, rules=rules))
    loaded = run_cli("types", "--types", types)
    assert loaded.returncode == 2
    message = " ".join(loaded.stderr.split())
    assert f"invalid document type in {types}:4: document type 'order_slip': {problem}" in message
    assert f"({part.format(types=types, rules=rules_file)})" in message
