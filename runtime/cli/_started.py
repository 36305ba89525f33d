"""When a command started: for the `claimflow` process, the moment the process was created.

A review decision given without `--interrupt` answers the review that was open when the reviewer ran the
command. Starting Python and importing the CLI takes a noticeable while on a busy machine, long enough for
another decision to open a new review; the process's own start time does not move with that. A command run
in-process (a program or a test calling the Typer app) started when its body runs.
"""

from __future__ import annotations

import os
import time

_RUN_BY_OWN_PROCESS: list[bool] = []
"""Holds True once the console entry point said this process exists to run one command."""


def process_runs_one_command() -> None:
    """Called by the console entry point, before the command runs: the command started with the process."""
    _RUN_BY_OWN_PROCESS.append(True)


def _process_started_at() -> float | None:
    try:
        with open("/proc/self/stat", encoding="ascii") as stat:
            # Field 22, starttime, in clock ticks after boot; the command name before it may hold spaces.
            ticks = int(stat.read().rsplit(")", 1)[1].split()[19])
        since_boot = ticks / os.sysconf("SC_CLK_TCK")
        return time.time() - (time.clock_gettime(time.CLOCK_BOOTTIME) - since_boot)
    except (OSError, ValueError, IndexError, AttributeError):  # no /proc (not Linux): fall back to now
        return None


def command_started_at() -> float:
    """The Unix time this command started: its process's start (Linux, to the clock tick) or else now."""
    started = _process_started_at() if _RUN_BY_OWN_PROCESS else None
    return started if started is not None else time.time()
