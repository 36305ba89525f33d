"""Work whose waiter gave up while its thread still runs it: told when it is left and when it returns, counted.

A thread cannot be stopped (`offload`): a document type's code that never returns (a `while True` in a rule)
spins on, taking its share of the interpreter from every other run of the process, while its document has
failed at its wall time. A `claimflow run` ends and takes it along; a worker or the server would never say. So
when a waiter gives up on work its thread still runs (the wall time passed, the run was cancelled), `give_up`
logs `work.abandoned` once, naming the run, the step and the function, and counts it; when the work returns at
last, `returned` logs `work.abandoned_ended` with how long it ran. `still_running()` is what `/metrics` counts
and `claimflow run` names after its table.

Only giving up and returning after it take the lock: work whose waiter got its result costs a flag read.
"""

from __future__ import annotations

import logging
import sys
import sysconfig
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import CodeType

from langgraph.config import get_config

from claimflow.runtime.discovery import FILE_MODULE_PREFIX
from claimflow.runtime.queue.logs import log_event
from claimflow.runtime.stopping import stopping

_log = logging.getLogger(__name__)

KEEPS_RUNNING = "the thread keeps running until the code returns or the process restarts"
"""What `work.abandoned` says of the thread: nothing in the process can stop it."""


@dataclass(frozen=True)
class Abandoned:
    """Work still running that its waiter gave up on: what it runs, and for which run and step."""

    function: str
    """`module:qualname` of the code it runs: the document type's own function when it is in one."""
    run: str | None
    """The run whose step handed it over (None outside a run)."""
    step: str | None


class Handed:
    """One piece of work handed to a thread, as its waiter and its thread both see it.

    Its thread sets `finished` and then reads `stopped`; its waiter, giving up, sets `stopped` and then reads
    `finished` (under `_lock`): whichever comes second sees the other's mark, so work is counted as abandoned
    exactly when its thread has not finished, and counted out exactly once.
    """

    __slots__ = ("abandoned", "finished", "started", "stopped", "thread")

    def __init__(self) -> None:
        self.stopped = False
        """Its waiter gave up: nobody will read its result (`offload.cancelled`)."""
        self.finished = False
        self.thread = 0
        """The identifier of the thread running it, once one does."""
        self.started = 0.0
        """When its thread started it (`time.monotonic`)."""
        self.abandoned: Abandoned | None = None


_STDLIB = Path(sysconfig.get_paths()["stdlib"]).resolve()

_lock = threading.Lock()
_running: dict[Handed, Abandoned] = {}


def still_running() -> list[Abandoned]:
    """The work of this process its waiters gave up on that has not returned yet, oldest first."""
    with _lock:
        return list(_running.values())


def give_up(handed: Handed, function: Callable[..., object], runner: CodeType) -> None:
    """The waiter of `handed` gives up: its work is told (`cancelled()`); if still running, counted and logged.

    `function` is what was handed over and `runner` the code that calls it on the thread: the function named is
    the first one under `runner` that is not claimflow's (a type's rule under claimflow's rule runner), else
    `function` itself. Called from the waiter's task, where LangGraph's config names the run and the step.
    """
    with _lock:
        handed.stopped = True
        if handed.finished or stopping():  # a command told to stop takes its threads along as it ends
            return
        run, step = _run_and_step()
        left = Abandoned(_users_function(handed.thread, runner) or _named_function(function), run, step)
        handed.abandoned = left
        _running[handed] = left
        # Under the lock: the line that it ended never comes before this one.
        log_event(
            _log,
            logging.WARNING,
            "work.abandoned",
            run=run,
            step=step,
            function=left.function,
            still_running=len(_running),
            note=KEEPS_RUNNING,
        )


def returned(handed: Handed) -> None:
    """The thread of `handed`, given up on, is done with it: counted out and logged, if it was counted in."""
    with _lock:
        left = _running.pop(handed, None)
        if left is None:  # it had finished when its waiter gave up
            return
        log_event(
            _log,
            logging.WARNING,
            "work.abandoned_ended",
            run=left.run,
            step=left.step,
            function=left.function,
            seconds=time.monotonic() - handed.started,
            still_running=len(_running),
        )


def _run_and_step() -> tuple[str | None, str | None]:
    """The run (its thread id) and the node of the LangGraph step calling, or None for either outside one."""
    try:
        config = get_config()
    except RuntimeError:
        return None, None
    run = (config.get("configurable") or {}).get("thread_id")
    step = (config.get("metadata") or {}).get("langgraph_node")
    return (str(run) if run else None), (str(step) if step else None)


def _users_function(thread: int, runner: CodeType) -> str | None:
    """The outermost function of neither claimflow nor the standard library that `thread` runs under `runner`.

    A type's rule under claimflow's rule runner, a library's function under claimflow's parser; None when every
    frame is claimflow's or the standard library's (`re.sub` masking with claimflow's patterns).
    """
    frame = sys._current_frames().get(thread) if thread else None
    inner = []
    while frame is not None and frame.f_code is not runner:
        inner.append(frame)
        frame = frame.f_back
    if frame is None:  # not (or no longer) inside the work
        return None
    for called in reversed(inner):
        module = str(called.f_globals.get("__name__", ""))
        code = called.f_code
        if module == "claimflow" or module.startswith("claimflow.") or code.co_filename.startswith("<"):
            continue  # "<string>": generated code, a dataclass's __init__
        if not Path(code.co_filename).resolve().is_relative_to(_STDLIB):
            return _named(module, code.co_filename, code.co_qualname)
    return None


def _named_function(function: Callable[..., object]) -> str:
    code = getattr(function, "__code__", None)
    filename = code.co_filename if isinstance(code, CodeType) else "?"
    qualname = getattr(function, "__qualname__", None) or type(function).__qualname__
    return _named(str(getattr(function, "__module__", None) or "?"), filename, qualname)


def _named(module: str, filename: str, qualname: str) -> str:
    """`module:qualname`; a script's (`__main__`) or a types file's named by its path, by the file's name."""
    by_file = module == "__main__" or module.startswith(FILE_MODULE_PREFIX)
    return f"{Path(filename).name if by_file else module}:{qualname}"
