"""CPU-heavy steps run off the event loop, on threads that never keep the process alive.

Parsing (OCR included), masking and the rules backend's reading of a text are CPU work; on the event loop,
one long document would stall every other run of the batch. They run on threads rather than in a process
pool: the parsers spend their time in C (pdfium, tesseract's own process, the regular expression engine) or in
linear Python over a text the document limits keep small, users' document types bring rules that are plain
functions a child process could not always import, and a thread needs no copy of the pages. A thread cannot be
killed, so the per-document wall-time limit stops *waiting* for it: the document fails at once and the batch
goes on, while the thread finishes its bounded work and its result is dropped. The threads are daemons, so
one still busy when the batch ends does not keep the process from exiting. Work that can stop early asks
`cancelled()`: true on the thread once its waiter gave up (OCR kills its tesseract process then). Work given up
while still running is logged and counted until it returns (`abandoned`): code that never does (a document
type's endless loop) is then visible to whoever runs a long-lived process.

Work over a short text runs in place (`offload`): a hand-off to a thread and back costs some 0.2-0.5 ms here
(two wake-ups, each waiting for the interpreter lock the event loop holds), more than masking or checking
the evidence of a receipt, and the lock lets one thread run Python at a time anyway, so the thread bought no
parallelism, only a loop free to interleave other runs' waits. Only claimflow's own checks run in place, never
users' code (a document type's detector or extractor, a masking pattern), whose time no text size bounds:
a stuck one must leave the loop free to end its document at its wall time.

Threads are reused: starting one blocks the caller until the new thread runs (about half a millisecond, on
the event loop), which several pieces of work per document would pay again and again. A piece of work goes to
an idle thread when there is one; otherwise a new thread starts, so work stuck past its deadline never holds
later work back. Threads idle for a minute end.
"""

from __future__ import annotations

import asyncio
import queue
import threading
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from claimflow.runtime.abandoned import Handed, give_up, returned

P = ParamSpec("P")
T = TypeVar("T")

INLINE_UP_TO = 2_000
"""Work reading at most this many characters of text runs in place (masking, evidence checks: ~1 ms at most)."""

IDLE_SECONDS = 60.0
"""How long a worker thread waits for more work before it ends."""


_job = threading.local()
"""The work the current worker thread runs (`work`, a `Handed`), if it runs any, and the thread's id (`thread`)."""


def cancelled() -> bool:
    """True if the work running on this thread was abandoned by its waiter (a deadline passed, a cancel).

    Always false outside `off_loop`'s threads: work run in place, or on another thread, is never told.
    """
    handed: Handed | None = getattr(_job, "work", None)
    return handed is not None and handed.stopped


class _Workers:
    """Daemon threads taking work from one queue; a new one starts only when none is idle."""

    def __init__(self) -> None:
        self._jobs: queue.SimpleQueue[Callable[[], Callable[[], None]]] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._idle = 0

    def submit(self, job: Callable[[], Callable[[], None]]) -> None:
        """Run `job` on a worker; the callable it returns runs once the worker counts as idle again.

        Handing the result back last means whoever receives it and submits more work finds this thread idle.
        """
        with self._lock:
            # An idle worker is counted out here, so two submissions never count on the same one.
            spawn = self._idle == 0
            if not spawn:
                self._idle -= 1
        self._jobs.put(job)
        if spawn:
            threading.Thread(target=self._work, name="claimflow-worker", daemon=True).start()

    def _work(self) -> None:
        _job.thread = threading.get_ident()  # once: each piece of work reads it without making a new int
        while True:
            try:
                job = self._jobs.get(timeout=IDLE_SECONDS)
            except queue.Empty:
                with self._lock:
                    if self._idle > 0:  # nobody counted on this thread: it may end
                        self._idle -= 1
                        return
                continue  # a submission counted on it just now: its job is on its way
            hand_back = job()
            with self._lock:
                self._idle += 1
            hand_back()


_workers = _Workers()


async def off_loop(function: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
    """Run `function(*args, **kwargs)` on a daemon thread and wait for its result without blocking the loop."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()
    handed = Handed()

    def settle(result: T | None, error: BaseException | None) -> None:
        if future.done():  # the waiter gave up (a deadline passed): nobody wants the result
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)  # type: ignore[arg-type]  # None only when `error` is set

    def work() -> Callable[[], None]:
        result: T | None = None
        error: BaseException | None = None
        handed.thread = _job.thread
        handed.started = time.monotonic()
        _job.work = handed
        try:
            result = function(*args, **kwargs)
        except BaseException as raised:  # noqa: BLE001 - handed to the waiter, whatever it is
            error = raised
        finally:
            _job.work = None
            handed.finished = True  # before reading `stopped`: see Handed
            if handed.stopped:
                returned(handed)  # logged and counted out, if its waiter found it still running

        def hand_back() -> None:
            try:
                loop.call_soon_threadsafe(settle, result, error)
            except RuntimeError:  # the loop has closed: the batch ended without this result
                pass

        return hand_back

    _workers.submit(work)
    try:
        return await future
    except asyncio.CancelledError:
        give_up(handed, function, work.__code__)  # the work may stop early: nobody will read its result
        raise


async def offload(chars: int | None, function: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> T:
    """`function(*args, **kwargs)`: in place when it reads at most `INLINE_UP_TO` characters, else `off_loop`.

    `chars` is the size of the text the work reads, when its cost is bounded by it; None (work whose cost the
    caller cannot tell from a size, such as parsing a PDF or running users' code) always goes to a thread.
    """
    if chars is not None and chars <= INLINE_UP_TO:
        return function(*args, **kwargs)
    return await off_loop(function, *args, **kwargs)
