"""Text from outside reaches the terminal as text: no rich markup, no escape sequences, no emoji codes.

A file name carries markup (`[bold red]`, `[link=...]`), escape sequences (colour) and an emoji code (`:m:`); a
reviewer's name and a reason carry markup (`[blink]`, `[red]`, `[link=...]`). The CLI runs in its own process with
colours forced on, as in a terminal; its raw output must show each text literally, the escape characters written
out, and hold no style the text asked for. A decision whose texts carry escape sequences (clear screen, an OSC 8
hyperlink) is refused: no control character is taken from a reviewer.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
import typer.main
from rich.console import Console
from rich.markup import render as render_markup

from claimflow.runtime.cli import app
from claimflow.runtime.cli._common import shown
from tests.integration._docs import mismatch_invoice_text, run_cli, write

NAME = "[bold red]alarm \x1b[31mred\x1b[0m [link=mailto:x@evil.test]click :m:.txt"
NAME_SHOWN = "[bold red]alarm \\x1b[31mred\\x1b[0m [link=mailto:x@evil.test]click :m:.txt"
REVIEWER = "[blink]mallory:m:"
REASON = "[red]duplicate [link=http://evil.test]here"
ESCAPING_REVIEWER = "[blink]mallory\x1b[2J"
ESCAPING_REASON = "[red]duplicate\x1b]8;;http://evil.test\x07"
TERMINAL = {"FORCE_COLOR": "1", "NO_COLOR": "", "TERM": "xterm-256color"}

# What the texts above would turn into if the terminal got them as they are.
STYLES_ASKED_FOR = ("\x1b[31m", "\x1b[1;31m", "\x1b[2J", "\x1b[5m", "\x1b]8;", "\x07", "Ⓜ")


def _cli(*args: str | Path) -> str:
    result = run_cli(*args, **TERMINAL)
    assert result.returncode == 0, result.stderr
    for sequence in STYLES_ASKED_FOR:
        assert sequence not in result.stdout + result.stderr, (args, sequence)
    return result.stdout + result.stderr


def test_file_names_reviewers_and_reasons_are_printed_literally(tmp_path: Path) -> None:
    document = write(tmp_path / "docs", NAME, mismatch_invoice_text())
    data = str(tmp_path / "data")

    ran = _cli("run", document, "--data-dir", data)
    assert NAME_SHOWN in ran and "\x1b[1mdocument" in ran  # styles reach the output: the table's own headings
    [view] = [json.loads(line) for line in run_cli("runs", "--json", "--data-dir", data).stdout.splitlines()]
    run_id = view["run_id"]
    assert NAME_SHOWN in _cli("review", "list", "--data-dir", data)
    assert NAME_SHOWN in _cli("review", "show", run_id, "--data-dir", data)
    assert NAME_SHOWN in _cli("show", run_id, "--data-dir", data)

    for reviewer, reason in ((ESCAPING_REVIEWER, REASON), (REVIEWER, ESCAPING_REASON)):
        refused = run_cli(
            "review", "decide", run_id, "--reviewer", reviewer, "--reject", "--reason", reason, "--data-dir", data
        )
        assert refused.returncode == 2 and "control character U+001B" in refused.stderr, refused.stderr
    rejected = run_cli(
        "review", "decide", run_id, "--reviewer", REVIEWER, "--reject", "--reason", REASON, "--data-dir", data
    )
    assert rejected.returncode == 0, rejected.stderr

    said = "rejected in review by [blink]mallory:m:: [red]duplicate [link=http://evil.test]here"
    listed = _cli("runs", "--data-dir", data)
    assert NAME_SHOWN in listed and said in listed
    explained = _cli("explain", run_id, "--data-dir", data)
    assert f"run {run_id}: {NAME_SHOWN}" in explained and said in explained
    assert f"filename={NAME_SHOWN}," in _cli("trace", run_id, "--data-dir", data)


def test_an_export_path_with_markup_is_reported_literally(tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    (tmp_path / "data").mkdir()  # `export` only reads runs: it makes no data directory
    target = tmp_path / "[bold red]records.csv"

    said = _cli("export", target, "--data-dir", data)

    assert f"wrote 0 record(s) to {target}" in said
    assert target.exists()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[bold]x[/bold]", "[bold]x[/bold]"),
        ("tab\there\nline\r", "tab\\x09here\\x0aline\\x0d"),
        ("invoice\u202efdp.exe", "invoice\\u202efdp.exe"),
        ("invo\u200bice.pdf", "invo\\u200bice.pdf"),  # zero width: two names that look the same tell apart
        ("\ufeffin\u2060voice.pdf", "\\ufeffin\\u2060voice.pdf"),
        ("family \U0001f468\u200d\U0001f469.pdf", "family \U0001f468\u200d\U0001f469.pdf"),  # joins emoji
        ("c1 \x9b31m and del \x7f", "c1 \\x9b31m and del \\x7f"),
        ("Köln 12,50 €", "Köln 12,50 €"),
    ],
)
def test_shown_text_renders_as_it_was_written(text: str, expected: str) -> None:
    console = Console(record=True, force_terminal=True, color_system="truecolor", width=200, emoji=False)

    console.print(shown(text), highlight=False)

    assert console.export_text(styles=True) == expected + "\n"  # no style sequence at all


def test_shown_keeps_line_breaks_and_tabs_of_a_message_when_asked() -> None:
    assert shown("first\n\tsecond \r\x1b[2J", lines=True) == "first\n\tsecond \\x0d\\x1b[2J"


def _helps(command: click.Command, path: tuple[str, ...] = ()) -> Iterator[tuple[str, str]]:
    """Every help text of the CLI: each command's and each of its options', named by where it stands."""
    where = " ".join(path) or "claimflow"
    yield where, command.help or ""
    for param in command.params:
        yield f"{where} {param.name}", getattr(param, "help", None) or ""
    for name, sub in getattr(command, "commands", {}).items():
        yield from _helps(sub, (*path, name))


def test_every_help_text_reads_the_same_once_rich_renders_it() -> None:
    # Typer renders help through rich markup: `[tool.claimflow]` would vanish, `[/x]` would crash `--help`.
    changed = {
        where: text
        for where, text in _helps(typer.main.get_command(app))
        if render_markup(text).plain != text.replace("\\[", "[")
    }
    assert not changed
