"""Whether this process was told to stop (Ctrl-C, or SIGTERM to a command): a flag, cheap to import anywhere.

A command that stops cancels its documents' work, and the work on threads it gives up ends with the process a
moment later: saying of each piece that it "keeps running" (`abandoned`) would only add lines to the stop's own.
"""

from __future__ import annotations

import threading

_told = threading.Event()


def told_to_stop() -> None:
    """Mark this process as stopping: set from a signal handler, so it only sets an event."""
    _told.set()


def stopping() -> bool:
    """Whether this process was told to stop."""
    return _told.is_set()
