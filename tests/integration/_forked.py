"""Run `claimflow ARGS...` in a process of its own without paying the interpreter's imports each time.

The tests run the command line some thousand times, and each start spends about 1.3 s importing LangGraph,
pydantic and the engine before the command does 0.1 s of work: most of the suite's time. Here one server
process per test process imports those once (never the command line's own modules, whose consoles read the
environment as they load), and every command is a fork of it: a new process with its own id, arguments,
environment, working directory and standard streams, which runs the console script's entry point
(`claimflow.runtime.cli:main`) and is waited for as `subprocess.run` waits. Its exit status is the real one
(waitpid), signals included.

What a fork cannot change is what the interpreter reads once as it starts: a command whose environment sets
`PYTHON*` variables or the locale differently from the server's runs as a real subprocess instead
(`startup_differs`). Tests of start-up itself (which modules a command imports) start real processes.
"""

from __future__ import annotations

import atexit
import importlib
import json
import os
import selectors
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import IO, Any

PRELOADED = (
    "claimflow.runtime.engine",
    "claimflow.runtime.batch",
    "claimflow.runtime.gateway",
    "claimflow.runtime.backends.rules",
    "claimflow.runtime.gateway.providers",
    "openai",
    "anthropic",
    "instructor",
    "langgraph.checkpoint.sqlite.aio",
    "langgraph.checkpoint.postgres.aio",
    "psycopg_pool",
    "aiosqlite",
    "pypdfium2",
    "PIL.Image",
    "typer",
    "rich.console",
    "rich.table",
)
"""What the server imports before it forks: the engine and the libraries under it (the model providers' SDKs, which
a command imports only when it calls a model, included), not the command line."""

FRESH_IN_EACH_COMMAND = ("claimflow.runtime.cli", "typer.rich_utils")
"""Loaded by each command itself: they take widths and colours from the environment as they load (the command
line's consoles, typer's help and error panels)."""

_STATUS = struct.Struct("!qq")
"""What the server's helper sends back: the command's process id, then its wait status (-1 until it ends)."""


def startup_differs(env: dict[str, str], base: dict[str, str]) -> bool:
    """True where `env` sets something the interpreter reads only as it starts differently from `base`."""
    keys = {key for key in (*env, *base) if key.startswith("PYTHON") or key.startswith("LC_") or key == "LANG"}
    return any(env.get(key) != base.get(key) for key in keys)


# the server ---------------------------------------------------------------------------------------
def _serve(path: str, executable: str, parent: int) -> None:
    """Import the engine, then fork one command per connection until the test process is gone."""
    sys.path[0] = str(Path(executable).parent)  # as the console script's interpreter sees it
    for name in PRELOADED:
        importlib.import_module(name)
    loaded = sorted(name for name in sys.modules if name.startswith(FRESH_IN_EACH_COMMAND))
    assert not loaded, f"the preloaded modules imported the command line itself: {loaded}"
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(64)
    listener.settimeout(1.0)
    os.write(1, b"ready\n")
    while os.getppid() == parent:
        _reap()
        try:
            connection, _ = listener.accept()
        except TimeoutError:
            continue
        if os.fork() == 0:  # a helper that starts the command, waits for it and says how it ended
            listener.close()
            _supervise(connection, executable)
        connection.close()


def _reap() -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _supervise(connection: socket.socket, executable: str) -> None:
    code = 1
    try:
        connection.settimeout(None)
        message, fds, _, _ = socket.recv_fds(connection, 1 << 20, 3)
        request = json.loads(message)
        pid = os.fork()
        if pid == 0:
            connection.close()
            _command(request, fds, executable)
        os.setpgid(pid, pid)  # as the command does itself: whichever runs first, it is in its group when killed
        for fd in fds:
            os.close(fd)
        connection.sendall(_STATUS.pack(pid, -1))
        _, status = os.waitpid(pid, 0)
        connection.sendall(_STATUS.pack(pid, status))
        code = 0
    finally:
        os._exit(code)


def _command(request: dict[str, Any], fds: list[int], executable: str) -> None:
    """In the command's own process: its streams, directory, environment and arguments; then the entry point."""
    code: object = 1
    try:
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
            os.close(fd)
        os.setpgid(0, 0)  # its own group, as a test killing it expects nothing else to go with it
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        time.tzset()
        importlib.invalidate_caches()  # files written since the server started
        signal.signal(signal.SIGINT, signal.default_int_handler)
        try:
            if "code" in request:  # `python -c CODE ARGS...`
                sys.argv = ["-c", *request["args"]]
                sys.path[0] = ""
                exec(compile(request["code"], "<string>", "exec"), {"__name__": "__main__"})  # noqa: S102
            else:
                sys.argv = [executable, *request["args"]]
                from claimflow.runtime.cli import main

                main()  # the console script's `sys.exit(main())`: main ends by SystemExit, or returns None
            code = 0
        except SystemExit as stop:
            code = stop.code
    except BaseException:  # what the interpreter would print for an uncaught error, with its exit status
        import traceback

        traceback.print_exc()
        code = 1
    finally:
        try:
            _shut_down()
        except BaseException:
            pass
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:  # a closed pipe: the interpreter's own exit would not fail either
                pass
        if code is None:
            code = 0
        elif not isinstance(code, int):
            sys.stderr.write(f"{code}\n")  # SystemExit("message"): printed, status 1
            sys.stderr.flush()
            code = 1
        os._exit(code & 0xFF)


def _shut_down() -> None:
    """What the interpreter does as it exits: wait for threads that are not daemons, run the exit handlers."""
    threading._shutdown()  # type: ignore[attr-defined]  # Py_Finalize's own first step
    atexit._run_exitfuncs()


def claimflow_executable() -> str:
    """The console script installed next to this interpreter (runtime.cli has no `__main__` guard)."""
    beside = Path(sys.executable).parent / "claimflow"
    if beside.exists():
        return str(beside)
    found = shutil.which("claimflow")
    assert found, "the claimflow console script is not installed; `pip install -e .`"
    return found


# the client -----------------------------------------------------------------------------------------
class _Server:
    """The forking server of this test process, started on first use and stopped at exit."""

    def __init__(self, executable: str, env: dict[str, str]) -> None:
        self.env = dict(env)
        self.folder = tempfile.mkdtemp(prefix="claimflow-fork-")
        self.path = os.path.join(self.folder, "s")
        self.process = subprocess.Popen(
            [sys.executable, __file__, self.path, executable, str(os.getpid())],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            env=self.env,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        assert line == b"ready\n", f"the forking server did not start (exit {self.process.wait()})"
        atexit.register(self.stop)

    def stop(self) -> None:
        self.process.kill()
        self.process.wait()
        assert self.process.stdout is not None
        self.process.stdout.close()
        for name in os.listdir(self.folder):
            os.unlink(os.path.join(self.folder, name))
        os.rmdir(self.folder)


_servers: dict[int, _Server] = {}
_lock = threading.Lock()


def _server(executable: str, env: dict[str, str]) -> _Server:
    with _lock:
        server = _servers.get(os.getpid())
        if server is None or server.process.poll() is not None:
            base = {key: value for key, value in env.items() if not key.startswith("CLAIMFLOW_")}
            server = _servers[os.getpid()] = _Server(executable, base)
        return server


def _forking_server(executable: str, env: dict[str, str]) -> _Server:
    """The server, for a command it can fork as `env` asks."""
    server = _server(executable, env)
    assert not startup_differs(env, server.env), "a forked command cannot change what the interpreter reads at start"
    return server


Stream = int | IO[Any] | None
"""Where a command's output goes, as `subprocess.Popen` takes it: PIPE, STDOUT (stderr only), a file, or None."""


class ForkedProcess:
    """A command forked by the server, handled as a `subprocess.Popen` of it is (the parts the tests use)."""

    def __init__(
        self, server: _Server, request: dict[str, Any], args: list[str], stdout: Stream, stderr: Stream
    ) -> None:
        self.args = args
        self.returncode: int | None = None
        self.stdout: IO[str] | None = None
        self.stderr: IO[str] | None = None
        ends: list[int] = []  # this side's copies of the write ends of its pipes, closed once sent
        out_fd = self._target(stdout, 1, ends, "stdout")
        err_fd = out_fd if stderr == subprocess.STDOUT else self._target(stderr, 2, ends, "stderr")
        self._connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            with open(os.devnull, "rb") as nothing:
                self._connection.connect(server.path)
                socket.send_fds(self._connection, [json.dumps(request).encode()], [nothing.fileno(), out_fd, err_fd])
        finally:
            for fd in ends:
                os.close(fd)
        self.pid, _ = _STATUS.unpack(_receive(self._connection, _STATUS.size))
        self._output: dict[str, bytearray] = {"stdout": bytearray(), "stderr": bytearray()}
        self._waiting = threading.Lock()
        """Held by the thread reading the exit status: one reads it, the others then see `returncode`."""

    def _target(self, stream: Stream, inherited: int, ends: list[int], name: str) -> int:
        if stream == subprocess.PIPE:
            read, write = os.pipe()
            setattr(self, name, open(read, encoding="utf-8"))  # noqa: SIM115  # closed by communicate, as Popen's
            ends.append(write)
            return write
        if stream is None:
            return inherited
        if stream == subprocess.DEVNULL:
            fd = os.open(os.devnull, os.O_WRONLY)
            ends.append(fd)
            return fd
        assert not isinstance(stream, int), f"unsupported stream {stream}"
        return stream.fileno()

    def _ended(self, status: bytes) -> int:
        _, wait_status = _STATUS.unpack(status)
        self.returncode = os.waitstatus_to_exitcode(wait_status)
        self._connection.close()
        return self.returncode

    def poll(self) -> int | None:
        """The exit code if the command has ended, else None (also while another thread waits, as `Popen.poll`)."""
        if self.returncode is None and self._waiting.acquire(blocking=False):
            try:
                if self.returncode is None:
                    self._connection.setblocking(False)
                    try:
                        ended = len(self._connection.recv(_STATUS.size, socket.MSG_PEEK)) == _STATUS.size
                    except BlockingIOError:
                        ended = False
                    self._connection.setblocking(True)
                    if ended:
                        self._ended(_receive(self._connection, _STATUS.size))
            finally:
                self._waiting.release()
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        """Wait for the command to end; `subprocess.TimeoutExpired` after `timeout` seconds. Any thread may wait."""
        deadline = None if timeout is None else time.monotonic() + timeout
        if self.returncode is None:
            if not self._waiting.acquire(timeout=-1 if timeout is None else timeout):
                raise subprocess.TimeoutExpired(self.args, timeout or 0.0)
            try:
                if self.returncode is None:
                    self._connection.settimeout(None if deadline is None else max(deadline - time.monotonic(), 0))
                    try:
                        status = _receive(self._connection, _STATUS.size)
                    except TimeoutError:
                        raise subprocess.TimeoutExpired(self.args, timeout or 0.0) from None
                    finally:
                        self._connection.settimeout(None)
                    self._ended(status)
            finally:
                self._waiting.release()
        assert self.returncode is not None
        return self.returncode

    def communicate(self, timeout: float | None = None) -> tuple[str | None, str | None]:
        """Read the piped output to its end and wait, as `Popen.communicate` does (again after a timeout)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with selectors.DefaultSelector() as selector:
            for name in ("stdout", "stderr"):
                stream = getattr(self, name)
                if stream is not None and not stream.closed:
                    selector.register(stream.fileno(), selectors.EVENT_READ, name)
            while selector.get_map():
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    raise subprocess.TimeoutExpired(self.args, timeout or 0.0)
                for key, _ in selector.select(left):
                    chunk = os.read(key.fd, 1 << 16)
                    if chunk:
                        self._output[key.data].extend(chunk)
                    else:
                        selector.unregister(key.fd)
                        getattr(self, key.data).close()
        self.wait(None if deadline is None else max(deadline - time.monotonic(), 0.0))
        out, err = (
            _decode(self._output[name]) if getattr(self, name) is not None else None for name in ("stdout", "stderr")
        )
        return out, err

    def __enter__(self) -> ForkedProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        """As `Popen`'s: close the pipes, wait for the command."""
        for stream in (self.stdout, self.stderr):
            if stream is not None:
                stream.close()
        self.wait()

    def send_signal(self, signum: int) -> None:
        """Signal the command, unless it has ended."""
        if self.poll() is None:
            os.kill(self.pid, signum)

    def terminate(self) -> None:
        """SIGTERM."""
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        """SIGKILL."""
        self.send_signal(signal.SIGKILL)


def spawn_forked(
    args: list[str],
    env: dict[str, str],
    executable: str,
    *,
    stdout: Stream = subprocess.PIPE,
    stderr: Stream = subprocess.PIPE,
) -> ForkedProcess:
    """`subprocess.Popen([executable, *args], stdout=..., stderr=..., text=True, env=env)`, forked."""
    server = _forking_server(executable, env)
    return ForkedProcess(server, {"args": args, "env": env, "cwd": os.getcwd()}, [executable, *args], stdout, stderr)


def spawn_python(
    code: str, args: list[str], env: dict[str, str], *, stdout: Stream = None, stderr: Stream = None
) -> ForkedProcess:
    """`subprocess.Popen([sys.executable, "-c", code, *args], env=env)`, forked: the engine is imported already."""
    server = _forking_server(claimflow_executable(), env)
    request = {"code": code, "args": args, "env": env, "cwd": os.getcwd()}
    return ForkedProcess(server, request, [sys.executable, "-c", code, *args], stdout, stderr)


def run_forked(
    args: list[str], env: dict[str, str], timeout: float, executable: str
) -> subprocess.CompletedProcess[str]:
    """`subprocess.run([executable, *args], capture_output=True, text=True, timeout=timeout, env=env)`, forked."""
    command = [executable, *args]
    if startup_differs(env, _server(executable, env).env):
        return subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=env, check=False)
    process = spawn_forked(args, env, executable)
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        out, err = process.communicate()
        raise subprocess.TimeoutExpired(command, timeout, out, err) from None
    return subprocess.CompletedProcess(command, process.wait(), out, err)


def _receive(connection: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = connection.recv(size - len(data))
        if not chunk:
            raise ConnectionError("the forking server's helper went away")
        data += chunk
    return data


def _decode(data: bytes | bytearray) -> str:
    """Output decoded as `subprocess` decodes it in text mode (universal newlines)."""
    return bytes(data).decode().replace("\r\n", "\n").replace("\r", "\n")


if __name__ == "__main__":
    _serve(sys.argv[1], sys.argv[2], int(sys.argv[3]))
