"""Tesseract run as a child process that reads the image on stdin and answers on stdout: no file is written.

pytesseract writes each image it reads and each answer to a file in the system's temporary folder, readable by
every user of the machine (`/tmp/tess_*_input.PNG`, `/tmp/tess_*.tsv`), and leaves them there, and tesseract
running, when the thread that waits for it is abandoned. Here the page travels through a pipe, and a process is
never left behind:

- work that was cancelled (`claimflow.runtime.offload.cancelled`: the document ran out of time, or its waiter
  was cancelled) kills its tesseract within :data:`POLL_SECONDS`, and starts no other;
- when the program exits, every tesseract still running is killed, and none is started after.
"""

from __future__ import annotations

import atexit
import io
import os
import subprocess
import threading
from collections.abc import Sequence
from typing import IO

import pytesseract
from PIL import Image

from claimflow.runtime.ingest.errors import IngestError, OcrCancelledError, OcrUnavailableError
from claimflow.runtime.offload import cancelled

__all__ = ["INSTALL_HINT", "POLL_SECONDS", "running_processes", "tesseract"]

INSTALL_HINT = "install it with `apt-get install tesseract-ocr tesseract-ocr-eng tesseract-ocr-osd`"
"""How to install tesseract with the language data and orientation detection claimflow reads with."""

POLL_SECONDS = 0.05
"""How often a wait for tesseract looks whether its work was cancelled."""

_lock = threading.Lock()
_running: set[subprocess.Popen[bytes]] = set()
_exiting = False
_exit_hook_registered = False


def _kill_all_at_exit() -> None:
    """Kill every tesseract still running; none starts after this (threads left working are daemons)."""
    global _exiting  # noqa: PLW0603 - one flag for the process
    with _lock:
        _exiting = True
        left = list(_running)
    for process in left:
        _kill(process)


def _kill(process: subprocess.Popen[bytes]) -> None:
    try:
        process.kill()
        process.wait(timeout=5)
    except (OSError, subprocess.TimeoutExpired):  # already gone, or not reaped in time: killed all the same
        pass
    # Its output is not read any more: left open, the pipes would be closed by the collector, with a warning.
    for pipe in (process.stdout, process.stderr):
        if pipe is not None:
            pipe.close()


def _start(command: list[str]) -> subprocess.Popen[bytes]:
    global _exit_hook_registered  # noqa: PLW0603 - registered once, at the first run rather than at import
    with _lock:
        if _exiting:
            raise OcrCancelledError("Text recognition was stopped: the program is exiting.")
        if not _exit_hook_registered:
            atexit.register(_kill_all_at_exit)
            _exit_hook_registered = True
        try:
            process = subprocess.Popen(  # noqa: S603 - the configured tesseract, arguments of our own
                command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_child_env()
            )
        except FileNotFoundError as exc:
            raise OcrUnavailableError(
                f"This document needs OCR but the tesseract program was not found; {INSTALL_HINT}."
            ) from exc
        _running.add(process)
    return process


ONE_THREAD = {"OMP_THREAD_LIMIT": "1"}
"""What tesseract runs with unless the environment says otherwise: one OpenMP thread.

Documents are read side by side (`--concurrency`), a tesseract each, and tesseract's own OpenMP threads, one
per core, spin while they wait for one another: four at once on two cores spent 2.6 times the CPU time of the
same pages read with one thread each, most of it in the kernel, and took longer. A limit set in the
environment (`OMP_THREAD_LIMIT=4` for one large scan at a time) is the user's and is kept.
"""


def _child_env() -> dict[str, str]:
    """The environment tesseract runs in: this process's, held to one OpenMP thread unless it sets a limit itself."""
    return {**ONE_THREAD, **os.environ}


def running_processes() -> int:
    """How many tesseract processes this program has running now."""
    with _lock:
        return len(_running)


def _feed(pipe: IO[bytes] | None, data: bytes) -> None:
    """Write `data` to tesseract's input and close it; a tesseract gone (failed, killed) reads no more."""
    if pipe is None:
        return
    try:
        pipe.write(data)
    except OSError:  # a broken pipe: tesseract ended before it read everything
        pass
    finally:
        try:
            pipe.close()
        except OSError:
            pass


PNG_COMPRESS_LEVEL = 1
"""zlib's fastest level: the pixels tesseract reads are the same at every level (PNG is lossless), and the default
(6) took about three times as long to write a photo (136 against 48 ms) for a file 4% smaller, on a pipe."""


def _png(image: Image.Image) -> bytes:
    """The image as PNG, as pytesseract hands it to tesseract (so the reading is the same)."""
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=PNG_COMPRESS_LEVEL)
    return buffer.getvalue()


def tesseract(image: Image.Image, arguments: Sequence[str]) -> tuple[int, str, str]:
    """Run ``tesseract stdin stdout ARGUMENTS`` on `image`: its exit status, standard output and error output.

    Raises:
        OcrUnavailableError: The tesseract program is not installed.
        OcrCancelledError: The work was cancelled, or the program is exiting: tesseract was killed (or not
            started).
    """
    if cancelled():
        raise OcrCancelledError("Text recognition was stopped: the document's work was cancelled.")
    command = [str(pytesseract.pytesseract.tesseract_cmd), "stdin", "stdout", *arguments]
    data = _png(image)
    process = _start(command)
    # The image goes in on a thread of its own: `communicate` sends its input only on its first call, so a wait
    # in short steps through it would leave the rest of a page unsent and tesseract waiting for it.
    stdin, process.stdin = process.stdin, None
    feeder = threading.Thread(target=_feed, args=(stdin, data), name="claimflow-tesseract-input", daemon=True)
    try:
        feeder.start()
        while True:
            try:
                out, err = process.communicate(timeout=POLL_SECONDS)
                break
            except subprocess.TimeoutExpired:
                if cancelled():
                    raise OcrCancelledError(
                        "Text recognition was stopped: the document's work was cancelled."
                    ) from None
    except BaseException:
        _kill(process)
        raise
    finally:
        with _lock:
            _running.discard(process)
        if feeder.ident is not None:
            feeder.join(timeout=5)  # ends once tesseract has read the image or is gone
    return process.returncode, out.decode("utf-8"), err.decode("utf-8", errors="replace")


def failure(err: str) -> IngestError:
    """The error for a tesseract that exited with a failure, saying what it wrote."""
    message = " ".join(err.splitlines()).strip()
    return IngestError(f"Text recognition failed: {message}")
