"""OCR writes no file and leaves no tesseract running: not after a reading, not after a deadline.

pytesseract wrote each page image and each reading to the system's temporary folder, readable by every user,
and a document stopped at its wall time left tesseract working on, orphaned, with its files behind.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from claimflow.runtime.ingest import IngestLimits, _tesseract, parse_document
from claimflow.runtime.offload import off_loop

LINES = ["Invoice number 4711", "Total 180.00 EUR"]


def tesseract_children() -> list[int]:
    """Process ids of tesseract processes this test process started that are still running (zombies aside)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # ended meanwhile
        name, rest = stat[stat.index("(") + 1 : stat.rindex(")")], stat[stat.rindex(")") + 2 :].split()
        state, parent = rest[0], int(rest[1])
        if parent == os.getpid() and name == "tesseract" and state != "Z":
            found.append(int(entry.name))
    return found


@pytest.fixture
def temp_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[set[str]]:
    """The temporary folder of this process and its children, a folder of the test's own, watched while it runs.

    Yields the names of every file seen in it (looked at every millisecond: a page's reading takes hundreds),
    and those left in it at the end.
    """
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setenv("TMPDIR", str(folder))
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    seen: set[str] = set()
    done = threading.Event()

    def watch() -> None:
        while not done.wait(0.001):
            seen.update(os.listdir(folder))

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    yield seen
    done.set()
    watcher.join()
    seen.update(os.listdir(folder))


def test_a_scanned_page_is_read_without_writing_a_temporary_file(scanned_pdf, text_image, temp_files):
    parsed = parse_document(scanned_pdf([text_image(LINES)]), "scan.pdf")

    assert parsed.method == "ocr"
    assert "4711" in parsed.pages[0]
    assert temp_files == set()
    assert tesseract_children() == []


def test_a_photo_turned_sideways_is_read_without_writing_a_temporary_file(text_image, encode, temp_files):
    photo = encode(text_image(LINES * 4).rotate(90, expand=True), "PNG")  # read, then turned by OSD and read again

    parsed = parse_document(photo, "photo.png")

    assert "4711" in parsed.pages[0]
    assert temp_files == set()


def test_work_abandoned_at_its_deadline_kills_tesseract_and_leaves_no_file(scanned_pdf, text_image, temp_files):
    pages = scanned_pdf([text_image(LINES)] * 40)  # a second or so of tesseract per page
    limits = IngestLimits(max_pages=50)

    async def parse_with_deadline() -> None:
        async with asyncio.timeout(1.0):
            await off_loop(parse_document, pages, "scans.pdf", limits)

    started = time.monotonic()
    with pytest.raises(TimeoutError):
        asyncio.run(parse_with_deadline())
    assert time.monotonic() - started < 5

    deadline = time.monotonic() + 3
    while tesseract_children() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert tesseract_children() == []
    time.sleep(1.0)  # the abandoned thread starts no tesseract for the next page either
    assert tesseract_children() == []
    time.sleep(0.05)
    assert temp_files == set()


def test_a_killed_tesseract_leaves_no_pipe_open() -> None:
    # Left to the collector, each open pipe raised a ResourceWarning in whatever test ran next.
    process = _tesseract._start(["sleep", "30"])
    _tesseract._kill(process)
    _tesseract._running.discard(process)  # as `tesseract` does once its process is gone
    assert process.returncode is not None
    assert process.stdout is not None and process.stdout.closed
    assert process.stderr is not None and process.stderr.closed
    assert process.stdin is not None
    process.stdin.close()


def _environ_of_running_tesseract(pages: bytes, limits: IngestLimits) -> dict[str, str]:
    """The environment of the first tesseract reading `pages` (a scanned PDF), taken from /proc while it runs."""
    reader = threading.Thread(target=parse_document, args=(pages, "scans.pdf", limits), daemon=True)
    reader.start()
    deadline = time.monotonic() + 20
    try:
        while time.monotonic() < deadline:
            for pid in tesseract_children():
                try:
                    raw = Path(f"/proc/{pid}/environ").read_bytes()
                except OSError:
                    continue  # ended meanwhile: the next page's is looked at
                return dict(item.split("=", 1) for item in raw.decode().split("\0") if "=" in item)
            time.sleep(0.005)
        raise AssertionError("no tesseract was seen running")
    finally:
        reader.join(timeout=60)


# Documents are OCRed side by side (--concurrency), a tesseract each: with OpenMP's thread per core in each, they
# spun against one another (four at once on two cores: 2.6 times the CPU time, most of it in the kernel).
def test_tesseract_runs_with_one_thread_unless_the_environment_sets_a_limit(
    scanned_pdf, text_image, monkeypatch: pytest.MonkeyPatch
) -> None:
    pages = scanned_pdf([text_image(LINES)] * 3)
    limits = IngestLimits(max_pages=5)
    monkeypatch.delenv("OMP_THREAD_LIMIT", raising=False)
    assert _environ_of_running_tesseract(pages, limits).get("OMP_THREAD_LIMIT") == "1"

    monkeypatch.setenv("OMP_THREAD_LIMIT", "3")  # the user's own choice is kept
    assert _environ_of_running_tesseract(pages, limits).get("OMP_THREAD_LIMIT") == "3"
