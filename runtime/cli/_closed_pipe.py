"""A reader that goes away (`claimflow runs --json | head -1`): the command stops quietly, as UNIX tools do.

Python ignores SIGPIPE, so a write to a pipe whose reader has closed it raises BrokenPipeError where `cat` or `seq`
would simply die of the signal. Left alone, the error reached typer, which exits 1 without a word (rich exits 1 on
its own too): to a script, the same as a command that failed. Here every way it can surface ends the same: no
text, and the exit code a shell reports for a program that SIGPIPE stopped.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import typer
from typer.core import TyperGroup

PIPE_CLOSED = 141
"""The exit code of a command whose reader closed its output early: 128 + SIGPIPE, as a shell reports `yes | head`."""


@contextmanager
def stopped_by_closed_pipe() -> Iterator[None]:
    """Turn a BrokenPipeError raised inside into a quiet exit with PIPE_CLOSED: nothing more can be told."""
    try:
        yield
    except BrokenPipeError:
        raise typer.Exit(PIPE_CLOSED) from None


INTERRUPTED = 130
"""The exit code of a command stopped by Ctrl-C (SIGINT), as a shell reports a process it interrupted."""

SAID_AT_INTERRUPT = "interrupted"
"""What a command Ctrl-C stopped says on stderr, when it has nothing to add of what became of its work."""


@contextmanager
def said_when_interrupted() -> Iterator[None]:
    """Turn a KeyboardInterrupt raised inside into `interrupted` on stderr and INTERRUPTED.

    A command that opens an engine says more itself (what became of its work); one stopped before that (a check
    of the database before a batch) ended with typer's exit code and not a word.
    """
    try:
        yield
    except KeyboardInterrupt:
        sys.stderr.write(f"{SAID_AT_INTERRUPT}\n")
        raise typer.Exit(INTERRUPTED) from None


class QuietOnClosedPipe(TyperGroup):
    """The command line's root group: whichever command runs, a reader gone away stops it quietly, Ctrl-C saying so.

    The root group is the one place every command passes through, and the last before typer's own handling.
    """

    def invoke(self, ctx: Any) -> Any:  # the context of the click typer vendors, which it does not export
        """Run the command the arguments name, `stopped_by_closed_pipe` and `said_when_interrupted`."""
        with stopped_by_closed_pipe(), said_when_interrupted():
            return super().invoke(ctx)


def flushed(code: int) -> int:
    """Flush stdout and stderr before the process leaves; `code`, or PIPE_CLOSED for a success whose reader left.

    Output to a pipe is buffered: the last of it is written here, after the command returned, and a reader that
    left by then is told no more than one that left while the command was writing.
    """
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BrokenPipeError:
            code = code or PIPE_CLOSED
        except ValueError:  # a stream already closed: nothing to add
            pass
    return code
