"""Types that cannot be loaded are refused with what was wrong, however they were given.

A module written as a script (it calls `sys.exit`, or parses the command line) raised SystemExit through
discovery: claimflow ended with no message, its exit status the module's. An engine given one type outside a
list, or a type's name, failed with a TypeError or AttributeError from inside discovery.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimflow import DocumentType, Field, open_engine
from claimflow.runtime.cli import app
from claimflow.runtime.discovery import TypeDiscoveryError, discover_types

EXITING_MODULE = """\
import sys

from claimflow import DocumentType, Field

ORDER = DocumentType(name="purchase_order", description="An order.", fields=[Field("po_number", "identifier")])
sys.exit(3)
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A user's project folder holding the exiting module; modules imported from it are forgotten afterwards."""
    monkeypatch.delenv("CLAIMFLOW_TYPES", raising=False)
    (tmp_path / "exiting_types.py").write_text(EXITING_MODULE)
    before = set(sys.modules)
    yield tmp_path
    for name in set(sys.modules) - before:
        if name.startswith(("exiting_types", "claimflow_user_types_")):
            del sys.modules[name]
    while str(tmp_path) in sys.path:
        sys.path.remove(str(tmp_path))


@pytest.mark.parametrize("spec", ["exiting_types", "exiting_types.py"])
def test_a_types_module_that_calls_sys_exit_is_refused_naming_its_file(project: Path, spec: str) -> None:
    with pytest.raises(
        TypeDiscoveryError, match=r"cannot import exiting_types.* \(.*exiting_types\.py:6\): SystemExit: 3"
    ):
        discover_types([spec], cwd=project)


def test_the_cli_says_why_instead_of_ending_with_the_modules_status(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project)
    result = CliRunner().invoke(app, ["types", "--types", "exiting_types.py"])
    assert result.exit_code == 2, result.output
    said = result.output.replace("\n", "")  # as rich wrapped it
    assert "SystemExit: 3" in said and "exiting_types.py:6" in said


ORDER = DocumentType(name="purchase_order", description="An order.", fields=[Field("po_number", "identifier")])


@pytest.mark.parametrize(
    ("types", "message"),
    [
        (ORDER, r"types must be a list of document types; put the type 'purchase_order' in one"),
        (["purchase_order"], r"types holds 'purchase_order', which is not a DocumentType \(pass the declaration"),
        ([ORDER, None], r"types holds None, which is not a DocumentType"),
    ],
)
async def test_an_engine_given_something_else_than_types_says_so(tmp_path: Path, types: object, message: str) -> None:
    # One type not in a list raised "'DocumentType' object is not iterable"; a name, "'str' object has no
    # attribute 'name'".
    with pytest.raises(TypeDiscoveryError, match=message):
        async with open_engine(data_dir=tmp_path / "data", types=types):  # type: ignore[arg-type]
            pass
