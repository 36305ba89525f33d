"""Accuracy of claimflow on a development set with expected values: `claimflow eval dataset` under another name.

Usage:
    python benchmarks/devset_accuracy.py DEVSET_DIR [--model M] [--concurrency N] [--json]

The devset folder holds `manifest.jsonl` (see the README's "Measuring a model on your documents") and is only
read; the runs go to a temporary data directory. The measuring lives in `claimflow.evals.dataset`.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path


def main(argv: Sequence[str] | None = None) -> int:
    """Run `claimflow eval dataset` from this checkout with the given arguments (default model: rules)."""
    args = list(sys.argv[1:] if argv is None else argv)
    if "--model" not in args:
        args += ["--model", "rules"]
    repo = Path(__file__).resolve().parents[1]
    program = [sys.executable, "-c", "from claimflow.runtime.cli import main; main()"]
    return subprocess.run([*program, "eval", "dataset", *args], cwd=repo, check=False).returncode


if __name__ == "__main__":
    raise SystemExit(main())
