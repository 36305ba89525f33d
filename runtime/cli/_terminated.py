"""SIGTERM stops a command that runs the engine as Ctrl-C does, rather than killing it where it stands.

`timeout`, `docker stop`, systemd and CI runners stop a process with SIGTERM. Handled by default, it ended a batch
at once: no table of the documents it had finished, no word of how to continue, runs left holding their leases,
and each tesseract it had started still reading its page after it was gone. Inside `asyncio.run`, asyncio stops
the program on Ctrl-C by cancelling its main task, so every `async with` closes (the engine gives up its runs'
leases, the work on threads is cancelled and its tesseract killed); SIGTERM is handed to that same handler.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from claimflow.runtime.stopping import told_to_stop

__all__ = ["TERMINATED", "terminate_as_interrupt"]

TERMINATED = 143
"""The exit code of a command stopped by SIGTERM, as a shell reports a process it terminated (128 + 15)."""


@contextmanager
def terminate_as_interrupt(seen: list[int]) -> Iterator[None]:
    """Within a running `asyncio.run`: SIGTERM does what Ctrl-C does, and is added to `seen`, to tell them apart.

    Left as it is where signals cannot be handled here (not the main thread), where SIGTERM already has a handler
    of its own (a worker's, a server's), or where Ctrl-C has none to share (ignored, as in a background job).
    """
    interrupt = signal.getsignal(signal.SIGINT)
    if (
        threading.current_thread() is not threading.main_thread()
        or signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL
        or not callable(interrupt)
    ):
        yield
        return

    def on_term(number: int, frame: FrameType | None) -> None:
        seen.append(number)
        on_int(number, frame)

    def on_int(number: int, frame: FrameType | None) -> None:
        told_to_stop()  # before the work is cancelled: what it leaves on threads ends with the command, unsaid
        interrupt(number, frame)

    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_int)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, interrupt)
