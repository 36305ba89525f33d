"""A Postgres cluster of a test's own, made with `initdb`, which the test may crash and start again.

The shared test server must never be crashed: other tests use it. This one lives in a temporary folder, listens
on a free port of 127.0.0.1 with trust auth, and is gone with the folder. Run as root, its commands run as the
`postgres` user (`initdb` refuses root).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest


def server_binaries() -> Path:
    """The folder of `initdb` and `pg_ctl`: the newest Debian one, else wherever PATH has them."""
    debian = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda path: int(Path(path).parts[4]))
    found = debian[-1] if debian else shutil.which("pg_ctl")
    if found is None:
        pytest.fail("no pg_ctl: install PostgreSQL's server (Debian: apt-get install postgresql)", pytrace=False)
    return Path(found).parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PrivateCluster:
    """A cluster in a folder of its own under the system's temporary folder: `start`, `crash`, `remove`.

    Not under pytest's `tmp_path`, which only its owner may enter: the server runs as `postgres`.
    """

    def __init__(self) -> None:
        root = Path(tempfile.mkdtemp(prefix="claimflow-cluster-"))
        self.root = root
        self.data = root / "data"
        self.port = _free_port()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        self._bin = server_binaries()
        self._as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self._as_postgres:
            shutil.chown(root, "postgres")
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync")

    def _run(self, tool: str, *args: str) -> None:
        command = [*self._as_postgres, str(self._bin / tool), *args]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
        if done.returncode != 0:
            log = self.root / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{tool} {' '.join(args)} failed: {done.stderr or done.stdout}\n{tail}")

    def start(self) -> None:
        """Start the server and wait until it accepts connections (after crash recovery, if it crashed)."""
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.root / "server.log"), "-w", "start")

    def crash(self) -> None:
        """Stop every server process at once: no shutdown checkpoint, the log buffers not written out."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def remove(self) -> None:
        """Stop the server, if it runs, and delete the cluster."""
        try:
            if (self.data / "postmaster.pid").exists():
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
