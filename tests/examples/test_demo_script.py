"""`make demo` (scripts/demo.sh): corrupt.pdf failing on purpose is the demo working; nothing else that fails is.

The script runs here with a stand-in `claimflow` that exits as told and lists the failed documents it is given, so
each branch is taken without running the real batch (the README's account of that is tests/examples/test_readme_demo.py).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "demo.sh"

_STAND_IN = """#!/bin/sh
if [ "$1" = run ]; then exit "$DEMO_STATUS"; fi
printf '%s' "$DEMO_FAILED"
"""


def _demo(tmp_path: Path, status: int, failed: list[str]) -> subprocess.CompletedProcess[str]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "claimflow").write_text(_STAND_IN)
    (bin_dir / "claimflow").chmod(0o755)
    (bin_dir / "python").symlink_to(sys.executable)
    lines = "".join(json.dumps({"document": name, "status": "failed"}) + "\n" for name in failed)
    env = {**os.environ, "DEMO_STATUS": str(status), "DEMO_FAILED": lines}
    return subprocess.run(
        ["sh", str(SCRIPT), str(bin_dir)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )


def test_only_the_corrupt_pdf_failing_is_the_demo_working(tmp_path: Path) -> None:
    done = _demo(tmp_path, 1, ["corrupt.pdf"])
    assert done.returncode == 0, done.stderr
    assert "(exit 1: a document failed, as corrupt.pdf does on purpose; the others ran)" in done.stdout
    assert "claimflow run examples/documents/ --data-dir .claimflow-demo" in done.stdout  # the command, to reuse


@pytest.mark.parametrize("failed", [["corrupt.pdf", "receipt-photo.jpg"], ["receipt-photo.jpg"], []])
def test_any_other_failure_fails_the_demo_naming_it(tmp_path: Path, failed: list[str]) -> None:
    done = _demo(tmp_path, 1, failed)
    assert done.returncode == 1
    assert f"documents failed that should not have: {' '.join(sorted(failed)) or 'none listed'}" in done.stderr


@pytest.mark.parametrize("status", [0, 2, 3])
def test_other_exits_pass_through(tmp_path: Path, status: int) -> None:
    assert _demo(tmp_path, status, []).returncode == status
