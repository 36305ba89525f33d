"""The claimflow command line. The JSON shapes and exit codes here are a contract other tools build on.

One module per group of commands; importing them registers their commands on the app.
"""

import logging
import os
import sys
import warnings

from claimflow.runtime.cli import (
    doctypes,
    documents,
    evals,
    inspect,
    preflight,
    production,
    replay,
    review,
    review_desk,
    service,
    upkeep,
)
from claimflow.runtime.cli._closed_pipe import INTERRUPTED, SAID_AT_INTERRUPT, flushed
from claimflow.runtime.cli._common import app, review_app
from claimflow.runtime.cli._help import one_line_paragraphs
from claimflow.runtime.cli._started import process_runs_one_command

one_line_paragraphs(app)


def main() -> None:
    """Console entry point.

    A finished command leaves without tearing the interpreter down: each command has closed what it opened
    by then (databases, connections, files), and unloading the modules and objects a batch built takes up
    to a second a user would wait for nothing. An unexpected error still ends the normal way, traceback and all.
    """
    process_runs_one_command()
    # Pillow warns of an image between one and two times its pixel limit as it opens it. claimflow refuses such an
    # image itself, naming the limit, in the document's failed run: the warning, a source line on stderr amid the
    # batch's output, would only repeat it. Set once here, before any thread reads a page.
    warnings.filterwarnings("ignore", message=r"Image size \(\d+ pixels\) exceeds limit")
    # Pillow's other warnings are of a file's own flaws (`Corrupt EXIF data`): the page is read or its run fails
    # with a reason, and a warning's source line amid a batch's table tells a user nothing of which document.
    warnings.filterwarnings("ignore", category=UserWarning, module=r"PIL\.")
    try:
        app()
    except SystemExit as done:
        code = done.code
    except KeyboardInterrupt:  # Ctrl-C before typer's own handling (while it builds the command): no traceback
        sys.stderr.write(f"{SAID_AT_INTERRUPT}\n")  # as a command interrupted later says, not an exit code alone
        code = INTERRUPTED
    else:
        code = 0
    if isinstance(code, str):
        sys.stderr.write(f"{code}\n")
        code = 1
    logging.shutdown()
    os._exit(flushed(code or 0))


__all__ = [
    "app",
    "doctypes",
    "documents",
    "evals",
    "inspect",
    "main",
    "preflight",
    "production",
    "replay",
    "review",
    "review_app",
    "review_desk",
    "service",
    "upkeep",
]
