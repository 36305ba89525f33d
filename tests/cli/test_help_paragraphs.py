"""Every command's help shows each paragraph of its description whole, for the terminal to wrap once.

Typer keeps the line breaks inside a docstring's later paragraphs: `claimflow export --help` printed its second
paragraph wrapped at the terminal's width and again where the source's lines ended, in ragged lines.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from typing import Any

from typer.main import get_command

from claimflow.runtime.cli import app
from claimflow.runtime.cli._help import unwrapped
from tests.cli.conftest import Invoke


def _commands(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every command under `command`, with the words that name it on the command line."""
    yield path, command
    for name, sub in getattr(command, "commands", {}).items():
        yield from _commands(sub, (*path, name))


def _described() -> list[tuple[tuple[str, ...], list[str]]]:
    """Each command whose docstring has paragraphs after its first, with those paragraphs as one line each."""
    found = []
    for path, command in _commands(get_command(app)):
        docstring = command.callback.__doc__ if command.callback is not None else None
        if docstring and "\n\n" in inspect.cleandoc(docstring):
            found.append((path, unwrapped(docstring).split("\n\n")[1:]))
    return found


def test_unwrapped_joins_the_lines_of_each_paragraph_and_keeps_the_paragraphs() -> None:
    docstring = """First line
    goes on.

        Second paragraph,
        two lines.
    """
    assert unwrapped(docstring) == "First line goes on.\n\nSecond paragraph, two lines."


def test_every_later_paragraph_of_a_commands_help_is_printed_on_one_line(claimflow: Invoke) -> None:
    described = _described()
    # The commands whose docstrings were wrapped over several lines are among them, and `eval`, whose group help
    # had hidden what `claimflow eval` alone does.
    assert {("export",), ("check",), ("rerun",), ("eval",)} <= {path for path, _ in described}
    for path, paragraphs in described:
        helped = claimflow(*path, "--help")
        assert helped.exit_code == 0, helped.output
        lines = [line.strip() for line in helped.output.splitlines()]
        for paragraph in paragraphs:
            assert paragraph in lines, f"claimflow {' '.join(path)} --help: {paragraph!r} not on one line"


def test_every_commands_help_shows_flags_bare_and_arguments_by_name(claimflow: Invoke) -> None:
    # Typer 0.27 began to print arguments as `{run_id}` and types as `<int>`, and 0.29 a flag as if it took a value
    # (`--json <bool>`): what a user types would be misread from the help. pyproject.toml keeps Typer below 0.27.
    commands = [path for path, command in _commands(get_command(app)) if command.callback is not None]
    assert ("review", "decide") in commands
    for path in commands:
        helped = claimflow(*path, "--help")
        assert helped.exit_code == 0, helped.output
        assert "<bool>" not in helped.output and "<str>" not in helped.output, f"claimflow {' '.join(path)} --help"
        usage = next(line for line in helped.output.splitlines() if "Usage:" in line)
        assert "{" not in usage, f"claimflow {' '.join(path)} --help: {usage.strip()}"
    decide = claimflow("review", "decide", "--help").output
    assert "review decide [OPTIONS] RUN_ID" in decide
    assert any(line.split()[:2] == ["│", "--approve"] for line in decide.splitlines())
