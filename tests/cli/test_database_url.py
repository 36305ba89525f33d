"""CLAIMFLOW_DATABASE_URL: a URL that is not Postgres's is a setting refused, one that is not reached a stop.

A malformed or unsupported URL stops every command at start-up with one line naming the variable and what it
takes, exit code 2, never taken for a database out of reach. A database out of reach stops a command with
exit code 3 (`error: stopped: ...`), and what the line advises fits the command: nothing for one that registers
nothing, run again or `recover` where runs advance in this process, never `recover` in production mode, whose
workers continue the runs (the README's "Production mode: workers").
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.conftest import Invoke
from tests.fakes.tcp_proxy import closed_port
from tests.integration._docs import json_lines

CONTRACT = Path(__file__).parents[2] / "examples" / "documents" / "contract-nda.txt"

REFUSED = {
    "mysql://x": "is not a Postgres URL",
    "sqlite:///claims.db": "is not a Postgres URL",
    "host=db dbname=claims": "is not a Postgres URL",
    "postgresql://db:notaport/claims": "has a port that is not a number from 1 to 65535 (notaport)",
    "postgresql://db:70000/claims": "has a port that is not a number from 1 to 65535 (70000)",
    "postgresql://db/claims?colour=blue": 'is not a valid Postgres URL (invalid URI query parameter: "colour")',
}


@pytest.mark.parametrize("url", REFUSED)
@pytest.mark.parametrize("command", [("runs",), ("status",), ("run", str(CONTRACT)), ("show", "0123456789ab")])
def test_a_url_that_is_not_postgres_is_a_settings_error(
    claimflow: Invoke, tmp_path: Path, url: str, command: tuple[str, ...]
) -> None:
    result = claimflow(*command, env={"CLAIMFLOW_DATABASE_URL": url, "CLAIMFLOW_DATA_DIR": str(tmp_path / "data")})

    assert result.exit_code == 2, (result.stdout, result.stderr, result.exception)
    [line] = result.stderr.splitlines()
    assert line.startswith(f"error: CLAIMFLOW_DATABASE_URL={url!r} {REFUSED[url]}: set a Postgres URL, "), line
    assert "postgresql://HOST[:PORT]/DATABASE" in line and "stopped" not in line and "recover" not in line, line
    assert not (tmp_path / "data").exists()


def test_a_refused_url_never_shows_its_password(claimflow: Invoke, tmp_path: Path) -> None:
    urls = (
        "mysql://claims:hunter2@db/claims",
        "postgresql://claims:hunter2%zz@db/claims",
        "host=db password=hunter2 dbname=claims user=claims",  # libpq's keyword/value form, refused too
        "host=db PASSWORD = 'hunter2 \\' and more' dbname=claims",
        "host=db sslpassword=hunter2",
    )
    for url in urls:
        for command in ("runs", "check"):
            result = claimflow(command, env={"CLAIMFLOW_DATABASE_URL": url})

            assert result.exit_code in (1, 2), (result.stderr, result.exception)
            said = result.stdout + result.stderr
            assert "CLAIMFLOW_DATABASE_URL=" in said and "hunter2" not in said and "more" not in said, said


def test_check_fails_its_settings_check_for_such_a_url(claimflow: Invoke) -> None:
    result = claimflow("check", "--json", env={"CLAIMFLOW_DATABASE_URL": "mysql://x"})

    assert result.exit_code == 1
    [settings] = json_lines(result.stdout)
    assert settings["check"] == "settings" and settings["outcome"] == "failed"
    assert settings["detail"].startswith("CLAIMFLOW_DATABASE_URL='mysql://x' is not a Postgres URL"), settings


def _stopped(claimflow: Invoke, *args: str, **env: str) -> str:
    url = f"postgresql://postgres@127.0.0.1:{closed_port()}/claimflow"
    result = claimflow(*args, env={"CLAIMFLOW_DATABASE_URL": url, **env})
    assert result.exit_code == 3, (result.stdout, result.stderr, result.exception)
    [line] = result.stderr.splitlines()
    assert line.startswith("error: stopped: the database cannot be reached or written: "), line
    return line


@pytest.mark.parametrize("command", [("runs",), ("show", "0123456789ab"), ("status",), ("review", "list")])
def test_a_command_that_registers_nothing_gives_no_advice_to_run_again_or_recover(
    claimflow: Invoke, command: tuple[str, ...]
) -> None:
    line = _stopped(claimflow, *command)

    assert "registered" not in line and "again" not in line and "recover" not in line, line


def test_a_local_run_that_never_reached_the_database_says_nothing_was_recorded_and_what_to_check(
    claimflow: Invoke,
) -> None:
    line = _stopped(claimflow, "run", str(CONTRACT))

    # Nothing was registered, so there is nothing for `recover` to continue: the database is what to look at.
    assert "nothing was recorded" in line and "`claimflow check`" in line and "recover" not in line, line
    assert line.endswith("then run the same command again"), line


@pytest.mark.parametrize(
    ("args", "env"), [(("run", "--queue"), {}), (("run",), {"CLAIMFLOW_EXECUTION": "queue"})], ids=["flag", "env"]
)
def test_a_queued_run_advises_running_again_never_recover(
    claimflow: Invoke, args: tuple[str, ...], env: dict[str, str]
) -> None:
    line = _stopped(claimflow, *args, str(CONTRACT), **env)

    assert "run the same command again" in line and "recover" not in line, line
