"""Whether a worker's process has exited, judged on the host it ran on, by its pid and the process's start time.

A worker killed with SIGKILL (or by the kernel's OOM killer) cannot say it stopped: judged by its silence alone, it
looks alive for CLAIMFLOW_WORKER_STALLED_S, and its jobs wait that long. A judge on the same host can look at the
process itself. A worker records, beside its host name and pid (`roster`), its start time (`/proc/PID/stat`
field 22, in clock ticks since boot), which tells it from a later process given the same pid, and the pid space it
ran in (the boot and the pid namespace: a container may share the host's name, never its pids). A judge whose host
name and pid space are the worker's takes it for gone once no process with that pid and start time runs; any other
judge, and any worker that recorded no start time (no `/proc`, a `/proc` of another pid namespace, or an older
claimflow), is judged by silence as before.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")


@dataclass(frozen=True)
class ProcessMark:
    """What tells a process apart on its host: host name, pid, start time and pid space (None where unknown)."""

    host: str
    pid: int
    start: int | None
    space: str | None


def process_start(pid: int) -> int | None:
    """The start time of the running process `pid` (clock ticks since boot); None when it runs no more.

    A zombie (killed, its parent not yet told) has exited: it runs nothing and holds nothing.
    """
    try:
        stat = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    # The command name (field 2) is in parentheses and may hold spaces and parentheses itself.
    fields = stat[stat.rindex(")") + 2 :].split()
    state, start = fields[0], fields[19]  # fields 3 and 22
    return None if state in ("Z", "X") else int(start)


def process_space() -> str | None:
    """This process's pid space: the boot and the pid namespace; None where `/proc` cannot tell its processes.

    That is without `/proc` (not Linux), and with another pid namespace's `/proc` (a container given pids of its
    own but the host's `/proc`, where its pids name other processes).
    """
    try:
        if os.readlink(PROC / "self") != str(os.getpid()):
            return None
        boot = (PROC / "sys" / "kernel" / "random" / "boot_id").read_text().strip()
        namespace = os.readlink(PROC / "self" / "ns" / "pid")
    except OSError:
        return None
    return f"{boot} {namespace}"


def this_process() -> ProcessMark:
    """This process's mark, as a worker records it."""
    pid = os.getpid()
    space = process_space()
    return ProcessMark(socket.gethostname(), pid, process_start(pid) if space is not None else None, space)


def has_exited(recorded: ProcessMark, here: ProcessMark) -> bool:
    """Whether the recorded process is known, from `here`, to run no more: same host and pid space, and gone."""
    if recorded.start is None or here.space is None or (recorded.host, recorded.space) != (here.host, here.space):
        return False  # judged by its silence
    if process_start(recorded.pid) == recorded.start:
        return False
    return (PROC / str(recorded.pid)).exists() or not _hidden_but_running(recorded.pid)


def _hidden_but_running(pid: int) -> bool:
    """Whether a process `pid` runs that `/proc` does not show this one: another user's, under `hidepid`.

    `/proc` mounted with `hidepid=2` lists only the judge's own processes, so a live worker of another Unix user
    reads as gone; the kernel still says it exists (a signal 0 is refused for want of permission, not sent for
    want of a process). Its start time cannot be read: it is judged by its silence.
    """
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def gone_said(pid: int) -> str:
    """How `status` shows a worker whose process has exited on this host."""
    return f"gone (process {pid} on this host has exited)"
