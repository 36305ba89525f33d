"""A type named by its file imports the modules beside it, as Python lets a script do.

`--types proj/my_types.py` (or `types = ["proj/my_types.py"]`) loaded the file with its folder off the import path, so
its `from my_rules import ...` failed with ModuleNotFoundError, even run from that very folder.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import claimflow
from tests.integration._docs import run_cli, write

RULES = """
from claimflow import rule


@rule("sent_is_set", fields=["sent"])
def sent_is_set(doc):
    return doc.check(doc.date("sent") is not None, "sent")
"""
TYPES = """
from claimflow import DocumentType, Field

from memo_rules_beside import sent_is_set

MEMO = DocumentType(
    name="memo", description="A memo.", fields=[Field("sent", "date", labels=("Sent",))], rules=[sent_is_set]
)
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A project whose types file imports a rules module beside it; both forgotten afterwards."""
    monkeypatch.delenv("CLAIMFLOW_TYPES", raising=False)
    write(tmp_path / "proj", "memo_rules_beside.py", RULES)
    write(tmp_path / "proj", "memo_types.py", TYPES)
    before, path = set(sys.modules), list(sys.path)
    yield tmp_path
    for name in set(sys.modules) - before:
        if name.startswith(("claimflow_user_types_", "memo_rules_beside")):
            del sys.modules[name]
    sys.path[:] = path


def test_a_types_file_imports_the_rules_module_beside_it(project: Path) -> None:
    active = claimflow.load_types(["proj/memo_types.py"], cwd=project)
    memo = active.types.get("memo")
    assert [item.name for item in memo.rules] == ["sent_is_set"]


def test_so_does_the_cli_with_the_file_in_the_configuration(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(project, "claimflow.toml", 'types = ["proj/memo_types.py"]\n')
    monkeypatch.chdir(project)
    listed = run_cli("types", "--json")
    assert listed.returncode == 0, listed.stderr
    assert '"name": "memo"' in listed.stdout
