"""`claimflow worker` as two processes: a light one that watches the worker proper, its child, and replaces it.

Code that holds the interpreter lock for long (a regular expression that backtracks catastrophically, a C
extension that keeps the lock) freezes the whole process it runs in, the wall time's timer, the heartbeat and
the worker's other documents with it, and Python cannot interrupt it from within. So the worker runs in a child
process whose event loop writes a byte to a pipe every second (`beat`); once none has come for
`CLAIMFLOW_WORKER_FREEZE_S`, this process kills the child (`worker.frozen`) and starts another. The dead child's
jobs go back as any killed worker's do (the reaper, `run.requeued`, `CLAIMFLOW_WORKER_MAX_STALLS`).

This process imports neither the engine, LangGraph, procrastinate nor a model client: it stays small, and
nothing in it can freeze. It passes SIGINT and SIGTERM on to the child, which stops as ever (the child has a
process group of its own, so a Ctrl-C in a terminal reaches it once, through here), and exits with the child's
code once it ends: a child that stops by itself (a setup error, a stop) is not started again. A child ended by
a signal this process did not send (the kernel's OOM killer) is started again after a wait (`worker.died`).
"""

from __future__ import annotations

import logging
import os
import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from types import FrameType

from claimflow.runtime.queue.logs import emit

START_S = 60.0
"""How long a new child may take to beat the first time, when the freeze threshold is shorter: it imports the
engine and opens its databases before its loop runs. A child silent even that long is frozen as well."""

DIED_WAITS_S = (1.0, 2.0, 4.0, 8.0, 15.0, 30.0)
"""Waits before starting a child again after one died by another's signal, one step more for each that died soon
after starting (a machine short of memory); the last is repeated."""

ENDING_S = 60.0
"""How long a child may take to exit once its loop has ended (it closed the pipe): the loop no longer beats, and
the process waits for threads still running past their document's time. A child still there after that is killed
as frozen (a thread that never ends, a freeze in it)."""

STEADY_S = 60.0
"""A child that lived this long was working: after its death, the next waits the first wait again."""

_POLL_S = 0.2
"""How often the child's end is looked for between beats."""

_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def exit_code(returncode: int) -> int:
    """A child's return code as a process's exit code: 128 + N for one ended by signal N, as a shell says it."""
    return 128 - returncode if returncode < 0 else returncode


class Supervisor:
    """Runs `command` (the worker proper, told the beat pipe's descriptor) and replaces it when it freezes or dies."""

    def __init__(self, command: Sequence[str], freeze_s: float, *, ending_s: float = ENDING_S) -> None:
        self.command = list(command)
        """The child's command line, to which `--beat-fd N` is added."""
        self.freeze_s = freeze_s
        self.ending_s = max(freeze_s, ending_s)
        """How long a child whose loop has ended may take to exit (`ENDING_S`, never less than `freeze_s`)."""
        self._signals: list[int] = []
        self._sent = 0
        self._child: subprocess.Popen[bytes] | None = None
        self._last_pid = 0
        """The pid of the child started last, for the lines told of it once it has ended."""

    def run(self) -> int:
        """Start the child, watch it, replace it while it freezes or dies by another's signal; the exit code."""
        deaths = 0
        with self._passing_signals():
            while not self._signals:
                started = time.monotonic()
                returncode, silent_s = self._watch_one()
                if silent_s is not None:
                    # Replaced at once: it was silent `freeze_s` already, and the reaper puts its jobs back.
                    stopping = bool(self._signals)
                    note = "killed; it was stopping, no worker takes its place" if stopping else None
                    self._frozen(silent_s, note or "killed; a new worker process takes its place")
                    if stopping:
                        return exit_code(returncode)
                    continue
                if returncode >= 0 or self._signals:
                    return exit_code(returncode)
                deaths = 1 if time.monotonic() - started >= STEADY_S else deaths + 1
                wait_s = DIED_WAITS_S[min(deaths, len(DIED_WAITS_S)) - 1]
                emit(
                    logging.WARNING,
                    "worker.died",
                    pid=self._last_pid,
                    signal=signal.Signals(-returncode).name,
                    restart_in_s=wait_s,
                    note="ended by a signal this process did not send (the OOM killer?); a new worker process "
                    "takes its place",
                )
                self._pause(wait_s)
        return 0  # stopped while no child ran

    def _frozen(self, silent_s: float, note: str) -> None:
        emit(logging.ERROR, "worker.frozen", pid=self._last_pid, silent_s=round(silent_s, 1), note=note)

    def _watch_one(self) -> tuple[int, float | None]:
        """Run one child until it ends: its return code, and how long it was silent if killed here for it."""
        reading, writing = os.pipe()
        try:
            child = subprocess.Popen(
                [*self.command, "--beat-fd", str(writing)],
                pass_fds=(writing,),
                process_group=0,  # a terminal's Ctrl-C reaches this process only; it passes the signal on once
            )
        finally:
            os.close(writing)  # the child's copy is the only one: its end is the pipe's end
        self._child, self._last_pid = child, child.pid
        try:
            self._pass_pending()
            return self._watch(child, reading)
        finally:
            self._child = None
            os.close(reading)

    def _watch(self, child: subprocess.Popen[bytes], reading: int) -> tuple[int, float | None]:
        last = time.monotonic()
        beaten, open_pipe = False, True
        while True:
            if open_pipe:
                ready, _, _ = select.select([reading], [], [], _POLL_S)
                if ready:
                    if os.read(reading, 4096):
                        last, beaten = time.monotonic(), True
                    else:
                        # The child closed it: its loop has ended and its jobs are settled; it is exiting.
                        last, open_pipe = time.monotonic(), False
            else:
                time.sleep(_POLL_S)
            returncode = child.poll()
            if returncode is not None:
                return returncode, None
            silent_s = time.monotonic() - last
            if silent_s >= self._silence_allowed(beaten=beaten, ending=not open_pipe):
                try:
                    os.killpg(child.pid, signal.SIGKILL)  # with any process of its own: it may hold the same
                except ProcessLookupError:
                    pass
                return child.wait(), silent_s

    def _silence_allowed(self, *, beaten: bool, ending: bool) -> float:
        """How long the child may be silent before it is killed: it is starting, working, or exiting."""
        if ending:
            return self.ending_s
        return self.freeze_s if beaten else max(self.freeze_s, START_S)

    def _pause(self, seconds: float) -> None:
        """Wait `seconds`, or less once a stop signal came."""
        deadline = time.monotonic() + seconds
        while not self._signals and time.monotonic() < deadline:
            time.sleep(min(_POLL_S, max(0.0, deadline - time.monotonic())))

    def _pass_pending(self) -> None:
        """Send the child each stop signal received and not yet sent: every one counts (a second hurries it)."""
        child = self._child
        while child is not None and self._sent < len(self._signals):
            number = self._signals[self._sent]
            self._sent += 1  # first: a signal handled meanwhile must not send this one again
            try:
                os.kill(child.pid, number)
            except ProcessLookupError:
                return  # it has ended: its return code says how

    @contextmanager
    def _passing_signals(self) -> Iterator[None]:
        def received(number: int, _frame: FrameType | None) -> None:
            self._signals.append(number)
            self._pass_pending()

        before = {number: signal.signal(number, received) for number in _STOP_SIGNALS}
        try:
            yield
        finally:
            for number, handler in before.items():
                signal.signal(number, handler)


def child_command(arguments: Sequence[str]) -> list[str]:
    """The command line of a `claimflow worker` child with these arguments, on this interpreter."""
    return [sys.executable, "-m", "claimflow.runtime.cli", *arguments]
