"""CPU-heavy steps run off the event loop, on threads that never keep the process alive.

Parsing (OCR included), masking and the rules backend's reading of a text are CPU work; on the event loop,
one long document would stall every other run of the batch. They run on threads rather than in a process
pool: the parsers spend their time in C (pdfium, tesseract's own process, the regular expression engine) or in
linear Python over a text the document limits keep small, users' document types bring rules that are plain
functions a child process could not always import, and a thread needs no copy of the pages. A thread cannot be
killed, so the per-document wall-time limit stops *waiting* for it: the document fails at once and the batch
goes on, while the thread finishes its bounded work and its result is dropped. The threads are daemons, so
one still busy when the batch ends does not keep the process from exiting.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")


async def off_loop(function: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
    """Run `function(*args, **kwargs)` on a daemon thread and wait for its result without blocking the loop."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def settle(result: T | None, error: BaseException | None) -> None:
        if future.done():  # the waiter gave up (a deadline passed): nobody wants the result
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)  # type: ignore[arg-type]  # None only when `error` is set

    def work() -> None:
        result: T | None = None
        error: BaseException | None = None
        try:
            result = function(*args, **kwargs)
        except BaseException as raised:  # noqa: BLE001 - handed to the waiter, whatever it is
            error = raised
        try:
            loop.call_soon_threadsafe(settle, result, error)
        except RuntimeError:  # the loop has closed: the batch ended without this result
            pass

    name = getattr(function, "__name__", "work")
    threading.Thread(target=work, name=f"claimflow-{name}", daemon=True).start()
    return await future
