"""Reviewer and assignee names as the review commands read them from their options."""

from __future__ import annotations

import typer


def given_name(name: str, option: str) -> str:
    """`name` without the spaces around it (` ana ` is ana, as stored); BadParameter naming `option` if blank."""
    if not name.strip():
        raise typer.BadParameter(f"{option} needs a name")
    return name.strip()
