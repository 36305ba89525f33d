"""A supervised worker process's proof of life: a byte on a pipe every second, written by its event loop.

`claimflow worker` runs the worker proper in a child process and kills it when these bytes stop (`supervisor`).
They come from a task on the event loop, never from a thread: code that holds the interpreter lock freezes
every thread of the process alike, and a thread's beat would go on through a loop blocked by anything else.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from claimflow.runtime.queue.logs import emit

BEAT_S = 1.0
"""How often the loop beats; the supervising process's threshold is a number of these."""


async def beat(fd: int) -> None:
    """Write a byte to `fd` every `BEAT_S` until cancelled; once its reader is gone, stop the worker as SIGTERM does.

    A reader gone is the supervising process gone (killed, say): nothing would kill this one if it froze, and
    nothing would pass it a stop signal, so it stops after the jobs in hand rather than run on unwatched.
    """
    os.set_blocking(fd, False)  # a full pipe (a reader that stopped reading) must not block the loop
    while True:
        try:
            os.write(fd, b".")
        except BlockingIOError:
            pass  # the reader has 64 KiB of beats unread: it is alive but busy, and sees the next
        except BrokenPipeError:
            emit(logging.WARNING, "worker.orphaned", pid=os.getpid(), note="its supervising process is gone: stopping")
            signal.raise_signal(signal.SIGTERM)
            return
        await asyncio.sleep(BEAT_S)


@asynccontextmanager
async def beating(fd: int | None) -> AsyncIterator[None]:
    """`beat` to `fd` while the block runs, then close it (nothing when `fd` is None: no process watches this one).

    Closed, the pipe tells the watching process that the loop's work is done and the process is exiting: what is
    left (`asyncio.run` waiting for threads still running past their document's time) beats no more, and is no
    freeze.
    """
    if fd is None:
        yield
        return
    task = asyncio.ensure_future(beat(fd))
    try:
        yield
    finally:
        task.cancel()  # it is waiting in its sleep (or not started): it writes nothing more
        os.close(fd)
