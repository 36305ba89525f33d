"""`pytest evals/` runs every golden case as a test; `--goldens DIR` runs the cases of another folder.

The cases are judged against the active document types, found as `claimflow eval` finds them: installed
packages' entry points, `claimflow.toml` / `[tool.claimflow]`, `CLAIMFLOW_TYPES` and `--types`, so the cases of
a user's own type run beside its declaration.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from claimflow.evals.case_fields import check_case_fields
from claimflow.evals.errors import GoldenError
from claimflow.evals.golden import GOLDENS, GoldenCase
from claimflow.evals.select import choose_cases
from claimflow.runtime.discovery import discover_types
from claimflow.runtime.errors import SetupError
from claimflow.runtime.settings import Settings
from claimflow.state.schema import DocumentTypes

_TYPES = pytest.StashKey[DocumentTypes]()
_CASES = pytest.StashKey[list[GoldenCase]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add `--goldens` and `--types`."""
    parser.addoption("--goldens", default=str(GOLDENS), help="folder of golden cases to run (default: evals/goldens)")
    parser.addoption(
        "--types",
        action="append",
        default=[],
        help="more document types for the cases, module[:attr] or file.py[:attr] (repeatable), as for "
        "`claimflow eval --types`; installed types, claimflow.toml / [tool.claimflow] and CLAIMFLOW_TYPES are "
        "always found",
    )


def pytest_sessionstart(session: pytest.Session) -> None:
    """Find the types and load the chosen folder's cases before collecting, or stop the session saying why.

    A folder that is missing or holds no case, a case file that does not load, a case of a type that is not
    active, and one that names a field or a rule its type does not have (or is filed under another type's step)
    stop the session with their message, as they stop `claimflow eval` (a session that collected nothing would
    pass; a misspelt field or rule failed its case as if the rules had, with no word of the name).
    """
    config = session.config
    try:
        settings = Settings.load(types=tuple(config.getoption("--types")))
        types = discover_types(settings.types).types
        _, cases = choose_cases(Path(config.getoption("--goldens")), (), (), types.names)
        check_case_fields(cases, types)
    except (SetupError, GoldenError) as error:
        raise pytest.UsageError(str(error)) from None
    config.stash[_TYPES], config.stash[_CASES] = types, cases


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """One test per case of the chosen folder, with the id `<step>-<name>`."""
    if "golden_case" in metafunc.fixturenames:
        cases = metafunc.config.stash[_CASES]
        metafunc.parametrize("golden_case", cases, ids=[case.id for case in cases])


@pytest.fixture(scope="session")
def golden_types(pytestconfig: pytest.Config) -> DocumentTypes:
    """The active document types the cases are judged against."""
    return pytestconfig.stash[_TYPES]
