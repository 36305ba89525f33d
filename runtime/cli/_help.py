"""Command help as the terminal should wrap it: each paragraph of a command's docstring on one line.

Typer joins the lines of a docstring's first paragraph but keeps the line breaks of the paragraphs after it, so a
docstring wrapped at the source's width came out wrapped twice, at the terminal's width and again at the source's,
in ragged lines (`claimflow export --help` on an 80-column terminal).
"""

from __future__ import annotations

import inspect

import typer
from typer.models import DefaultPlaceholder


def unwrapped(docstring: str) -> str:
    """The docstring with its paragraphs (blank-line separated) each joined into one line."""
    paragraphs = inspect.cleandoc(docstring).split("\n\n")
    return "\n\n".join(" ".join(line.strip() for line in paragraph.splitlines()) for paragraph in paragraphs)


def one_line_paragraphs(app: typer.Typer) -> None:
    """Give every command of `app` and its groups without a `help=` of its own its docstring, `unwrapped`.

    A group's callback (the group's own options) gives the group its help when the group has none.
    """
    for command in app.registered_commands:
        if command.help is None and command.callback is not None and command.callback.__doc__:
            command.help = unwrapped(command.callback.__doc__)
    callback = app.registered_callback
    if (
        callback is not None
        and isinstance(app.info.help, DefaultPlaceholder)
        and isinstance(callback.help, DefaultPlaceholder)
        and callback.callback is not None
        and callback.callback.__doc__
    ):
        callback.help = unwrapped(callback.callback.__doc__)
    for group in app.registered_groups:
        if group.typer_instance is not None:
            one_line_paragraphs(group.typer_instance)
