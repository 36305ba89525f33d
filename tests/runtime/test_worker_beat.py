"""A supervised worker's beat: bytes on the pipe while its loop works, and the pipe closed once the work is done."""

from __future__ import annotations

import asyncio
import os

from claimflow.runtime.queue.beat import BEAT_S, beating
from claimflow.runtime.settings import MIN_FREEZE_S


def _read_all(fd: int) -> bytes | None:
    """What the pipe holds; None while its writer keeps it open with nothing in it."""
    os.set_blocking(fd, False)
    read = b""
    while True:
        try:
            chunk = os.read(fd, 4096)
        except BlockingIOError:
            return read or None
        if not chunk:
            return read
        read += chunk


def test_the_loop_beats_while_it_works_and_closes_the_pipe_when_done() -> None:
    reading, writing = os.pipe()

    async def work() -> None:
        async with beating(writing):
            await asyncio.sleep(BEAT_S * 1.5)

    try:
        asyncio.run(work())
        # Closed: the watching process reads its end and knows the process is exiting, not frozen.
        assert _read_all(reading) == b".."
        assert os.read(reading, 1) == b""
    finally:
        os.close(reading)


def test_the_shortest_freeze_threshold_is_two_beats() -> None:
    # A threshold of one beat or less would kill a worker whose beat came a moment late.
    assert MIN_FREEZE_S == 2 * BEAT_S
