"""Folders of invoices, CLI processes over them, and what the registry holds afterwards (SQLite or Postgres)."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any, TypeVar

from claimflow.runtime.engine import open_registry
from claimflow.runtime.registry import RunRow
from claimflow.runtime.settings import Settings
from tests.integration._docs import claimflow_executable, cli_env, invoice_text, write

T = TypeVar("T")

FINISHED = ("completed", "needs_review", "failed", "rejected")


def invoices(folder: Path, count: int, prefix: str = "invoice") -> list[Path]:
    """`count` clean invoices, each with its own number, so every one completes without review."""
    return [write(folder, f"{prefix}-{n:03d}.txt", invoice_text(f"NW-{prefix}-{n:04d}")) for n in range(count)]


def backend_env(database_url: str | None) -> dict[str, str]:
    """The environment that points a CLI process at Postgres, or at SQLite in its data directory."""
    return {"CLAIMFLOW_DATABASE_URL": database_url} if database_url else {}


def registered(data_dir: Path, database_url: str | None = None) -> list[RunRow]:
    """Every run the registry holds."""
    registry = open_registry(Settings(data_dir=data_dir, database_url=database_url))
    try:
        return registry.list_runs()
    finally:
        registry.close()


def registered_or_empty(data_dir: Path, database_url: str | None = None) -> list[RunRow]:
    """Every run the registry holds, or none while a starting process has not made the registry yet."""
    if database_url is None and not (data_dir / "claimflow.db").exists():
        return []
    try:
        return registered(data_dir, database_url)
    except Exception:  # noqa: BLE001 - the schema may not be there yet
        return []


def runs_per_file(rows: list[RunRow]) -> Counter[str]:
    """How many runs each document name has."""
    return Counter(row.filename for row in rows)


def spawn(
    *args: str | Path, preexec_fn: Callable[[], None] | None = None, output: Path | None = None, **env: str
) -> subprocess.Popen[str]:
    """`claimflow ARGS...` in a process of its own, not waited for.

    Its stdout and stderr are pipes, or with `output` the files `output.out` and `output.err`: a process that
    prints more than a pipe holds while nobody reads would otherwise wait forever.
    """
    with ExitStack() as files:
        out: Any = subprocess.PIPE
        err: Any = subprocess.PIPE
        if output is not None:
            out = files.enter_context(open(output.with_suffix(".out"), "w"))  # the child keeps its own copy
            err = files.enter_context(open(output.with_suffix(".err"), "w"))
        return subprocess.Popen(
            [claimflow_executable(), *map(str, args)],
            stdout=out,
            stderr=err,
            text=True,
            env=cli_env(**env),
            preexec_fn=preexec_fn,
        )


def wait_until(
    condition: Callable[[], T], *, timeout: float, what: str, alive: subprocess.Popen[str] | None = None
) -> T:
    """Poll `condition` until it gives something true, and return that; fail saying `what` did not happen.

    With `alive`, fail at once (with its output) if that process ends first: what it was to do will not happen.
    """
    deadline = time.monotonic() + timeout
    while not (found := condition()):
        assert time.monotonic() < deadline, f"{what} did not happen within {timeout} s"
        assert alive is None or alive.poll() is None, f"the process ended before {what}: {alive.communicate()}"
        time.sleep(0.02)
    return found


def file_size_limit(limit: int) -> Callable[[], None]:
    """For a child process: no file it writes may grow beyond `limit` bytes (writes past it fail with EFBIG)."""

    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the write fails instead of the signal killing the process
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def memory_limit(limit: int) -> Callable[[], None]:
    """For a child process: its address space stays under `limit` bytes, so a runaway read fails, not the host."""

    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    return apply


def sigkill(process: subprocess.Popen[str]) -> None:
    """Kill the process at once, as the out-of-memory killer or a power cut would."""
    os.kill(process.pid, signal.SIGKILL)
    process.communicate()
