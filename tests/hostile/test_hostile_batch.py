"""The hostile corpus as one batch: every file ends with a clear status, and the batch survives all of them.

One real `claimflow run` process reads the whole generated corpus (tests/hostile/corpus.py) with four
documents in flight. Its peak memory is measured by the kernel (wait4's rusage covers the process and every
descendant it reaped), not sampled.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.hostile.corpus import HIDDEN_TOTAL, Entry, write_corpus
from tests.integration._docs import claimflow_executable, cli_env, json_lines, run_cli

pytestmark = pytest.mark.slow

PEAK_MEMORY_MB = 1536
"""The bound on the batch process's peak resident memory, its worker processes included."""

BATCH_DEADLINE_S = 900.0
"""Far above what the batch needs; reaching it means a document hung the batch."""

FINAL = {"completed", "needs_review", "failed"}


def _run_batch(corpus: Path, data_dir: Path, out: Path) -> tuple[int, float, float]:
    """Run the batch; return its exit code, its peak memory in MB and its wall time in seconds."""
    command = [claimflow_executable(), "run", str(corpus), "--json", "--concurrency", "4", "--model", "rules"]
    started = time.monotonic()
    with (out / "stdout").open("wb") as stdout, (out / "stderr").open("wb") as stderr:
        process = subprocess.Popen(
            [*command, "--data-dir", str(data_dir)], stdout=stdout, stderr=stderr, env=cli_env(), cwd=out
        )
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - started > BATCH_DEADLINE_S:
                process.kill()
                process.wait()
                pytest.fail(f"the batch was still running after {BATCH_DEADLINE_S:.0f} s")
            time.sleep(0.2)
    process.returncode = os.waitstatus_to_exitcode(status)  # wait4 reaped it; keep Popen from waiting again
    return process.returncode, usage.ru_maxrss / 1024, time.monotonic() - started


def _document_name(line: dict[str, Any]) -> str:
    name = line["document"]
    assert isinstance(name, str)
    return name


def test_every_hostile_file_ends_clearly_and_the_valid_ones_complete(tmp_path: Path, record_property: Any) -> None:
    corpus = tmp_path / "corpus"
    entries = write_corpus(corpus)
    assert len(entries) >= 120

    code, peak_mb, seconds = _run_batch(corpus, tmp_path / "data", tmp_path)
    stdout = (tmp_path / "stdout").read_bytes().decode("utf-8")  # the output itself must be valid UTF-8
    stderr = (tmp_path / "stderr").read_bytes().decode("utf-8")
    record_property("files", len(entries))
    record_property("seconds", round(seconds, 1))
    record_property("peak_memory_mb", round(peak_mb))

    assert "Traceback" not in stdout + stderr, stderr[-3000:]
    assert code == 1, f"a batch with failed documents exits 1 (got {code}): {stderr[-2000:]}"
    assert peak_mb < PEAK_MEMORY_MB

    lines = json_lines(stdout)
    skipped = {line["skipped"]: line for line in lines if "skipped" in line}
    results = [line for line in lines if "run_id" in line]
    assert len(skipped) + len(results) == len(lines), "every output line is a result or a skipped entry"
    by_name: dict[str, list[dict[str, Any]]] = {}
    for line in results:
        by_name.setdefault(_document_name(line), []).append(line)

    def outcome(entry: Entry) -> tuple[str, dict[str, Any] | None]:
        path = str(corpus / entry.document)
        for key in (path, entry.document):
            if key in skipped:
                assert skipped[key]["reason"], f"{entry.document!r} skipped without a reason"
                assert not by_name.get(entry.document), f"{entry.document!r} both skipped and run"
                return "skipped", None
        runs = by_name.get(entry.document, [])
        assert len(runs) == 1, f"{entry.document!r}: expected one run or one skipped line, got {runs}"
        return runs[0]["status"], runs[0]

    statuses: Counter[str] = Counter()
    for entry in entries:
        status, line = outcome(entry)
        statuses[status] += 1
        if entry.expect == "skip":
            assert status == "skipped", f"{entry.document!r} is not a regular file yet was {status}"
            continue
        assert status in FINAL | {"skipped"}, f"{entry.document!r} ended {status}"
        if status == "failed":
            assert line is not None and line["error"], f"{entry.document!r} failed without a reason"
        if entry.expect == "complete":
            assert status == "completed", f"valid {entry.document!r} ended {status}: {line}"
        elif entry.expect == "fail":
            assert status == "failed", f"{entry.document!r} should fail with a reason, ended {status}"
        elif entry.expect == "limit":
            assert status == "failed" and line is not None, f"{entry.document!r} is over a limit, ended {status}"
            assert "at most" in line["error"] or "limit" in line["error"], line["error"]
        elif entry.expect == "hidden":
            assert line is not None
            quotes = [
                evidence["quote"] for field in line["fields"].values() for evidence in field.get("evidence") or []
            ]
            assert not any(HIDDEN_TOTAL in quote for quote in quotes), f"{entry.document!r} quoted hidden text"
    record_property("statuses", dict(statuses))

    unfinished = run_cli("runs", "--json", "--data-dir", tmp_path / "data", timeout=120)
    assert unfinished.returncode == 0, unfinished.stderr
    left = [line for line in json_lines(unfinished.stdout) if line["status"] not in FINAL]
    assert not left, f"runs left unfinished: {left}"
