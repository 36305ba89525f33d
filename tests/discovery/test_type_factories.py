"""A target that is a function is a factory of types: what it raises or returns instead is one line, not a traceback.

Before, a factory that raised (or a rule object, which is callable too) ended `claimflow types` and `check` with a
traceback, and a factory that returned an int was reported as `f is int`.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimflow.runtime.cli import app
from claimflow.runtime.discovery import TypeDiscoveryError, discover_types

FACTORIES = '''
from claimflow import DocumentType, Field, RuleInput, RuleResult, rule


@rule("positive", fields=["total"])
def positive(doc: RuleInput) -> RuleResult | None:
    """The total is above 0."""
    return None


def make():
    raise RuntimeError("factory broke")


def number():
    return 1


def exits():
    raise SystemExit(3)


def invalid():
    return DocumentType(name="memo", description="A memo.", fields=[])


def good():
    return [DocumentType(name="memo", description="A memo.", fields=[Field("total", "amount")], rules=[positive])]
'''


@pytest.fixture
def factories(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """factories.py in the working directory; the module is forgotten afterwards."""
    monkeypatch.delenv("CLAIMFLOW_TYPES", raising=False)
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "factories.py"
    path.write_text(FACTORIES)
    yield path
    sys.modules.pop("claimflow_user_types_factories", None)


@pytest.mark.parametrize(
    ("attr", "message"),
    [
        ("make", r":make: the factory make\(\) raised RuntimeError: factory broke \(.*factories\.py:12\)$"),
        ("exits", r":exits: the factory exits\(\) raised SystemExit: 3 \(.*factories\.py:20\)$"),
        ("number", r":number: number\(\) returned int, not a DocumentType or a list of them$"),
        ("positive", r":positive is the rule 'positive', not a DocumentType: name the type that lists it in rules$"),
        ("invalid", r":invalid: invalid\(\) built an invalid document type in .*factories\.py:24: document type"),
    ],
)
def test_a_factory_that_raises_or_returns_no_type_is_refused_in_one_line(
    factories: Path, attr: str, message: str
) -> None:
    with pytest.raises(TypeDiscoveryError, match=message) as raised:
        discover_types([f"{factories}:{attr}"], cwd=factories.parent)
    assert "\n" not in str(raised.value)


def test_a_factory_that_returns_types_still_adds_them(factories: Path) -> None:
    active = discover_types([f"{factories}:good"], cwd=factories.parent)
    assert active.types.names[-1] == "memo"


def test_types_and_check_say_so_in_one_line_with_exit_2_and_a_failed_types_row(factories: Path) -> None:
    runner = CliRunner()
    env = {"COLUMNS": "1000"}

    listed = runner.invoke(app, ["types", "--types", f"{factories}:make"], env=env)
    checked = runner.invoke(app, ["check", "--json", "--types", f"{factories}:number"], env=env)

    assert listed.exit_code == 2, listed.output
    assert listed.exception is None or isinstance(listed.exception, SystemExit)
    assert listed.stderr.strip().splitlines() == [
        f"error: --types/CLAIMFLOW_TYPES: {factories}:make: the factory make() raised RuntimeError: factory broke"
        f" ({factories}:12)"
    ]
    rows = {row["check"]: row for row in map(json.loads, checked.stdout.splitlines())}
    assert checked.exit_code == 1
    assert rows["types"]["outcome"] == "failed"
    assert rows["types"]["detail"].endswith("number() returned int, not a DocumentType or a list of them")
