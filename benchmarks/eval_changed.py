"""`claimflow eval` against `claimflow eval --changed` after a one-prompt change.

Usage:
    python benchmarks/eval_changed.py [--repeats 5] [--prompt extract_invoice@2]

The change is made on a temporary copy of `evals/baseline.replay.json` whose recorded hash of the prompt
differs, as it would after editing that prompt; the repository is not touched. Two measurements, each
interleaved per repetition after one discarded warm-up round:

- in-process: `evaluate_goldens()` (every case) against `evaluate_goldens(changed=True)`;
- end to end: the `claimflow eval` process against `claimflow eval --changed`, from launch to exit
  (both pay the same interpreter and import start-up).

Printed: milliseconds per repetition, median and min, the ratio of medians and the per-repetition ratios.
Target: --changed <= 0.2x the full run.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from _environment import environment_without
from _report import milliseconds, per_rep_ratio, ratio_of_medians, table

from claimflow.evals.baseline import baseline_path
from claimflow.evals.evaluation import evaluate_goldens

TARGET = 0.2
CLAIMFLOW = str(Path(sys.executable).with_name("claimflow"))


def changed_baseline(folder: Path, prompt: str) -> Path:
    """A copy of the replay baseline whose recorded hash of `prompt` differs."""
    data = json.loads(baseline_path("replay").read_text())
    if prompt not in data["prompts"]:
        raise SystemExit(f"the baseline records no prompt {prompt!r}: {', '.join(sorted(data['prompts']))}")
    data["prompts"][prompt] = "0" * 64
    path = folder / "baseline.replay.json"
    path.write_text(json.dumps(data))
    return path


def process(args: list[str], env: dict[str, str]) -> Callable[[], object]:
    """Run `claimflow ARGS` to exit; a failing run is an error."""
    return lambda: subprocess.run([CLAIMFLOW, *args], check=True, capture_output=True, env=env)


def measure(runs: dict[str, Callable[[], object]], repeats: int) -> dict[str, list[float]]:
    """One warm-up round, then `repeats` interleaved rounds."""
    for run in runs.values():
        run()
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeats):
        for name, run in runs.items():
            times[name].append(milliseconds(run))
    return times


def report(title: str, times: dict[str, list[float]]) -> None:
    """The table and the ratios of --changed to the full run."""
    full, changed = times.values()
    print(title)
    table(times, 0)
    print(f"--changed / full (ratio of medians): {ratio_of_medians(changed, full):.3f}")
    print("per repetition: " + ", ".join(f"{r:.3f}" for r in per_rep_ratio(changed, full)))
    print()


def main(args: argparse.Namespace) -> None:
    """Both measurements, then the target."""
    env = environment_without("CLAIMFLOW_")
    with tempfile.TemporaryDirectory(prefix="claimflow-bench-") as temp:
        baseline = changed_baseline(Path(temp), args.prompt)
        in_process = measure(
            {
                "eval": lambda: evaluate_goldens(baseline=baseline),
                "eval --changed": lambda: evaluate_goldens(baseline=baseline, changed=True),
            },
            args.repeats,
        )
        print(f"changed prompt: {args.prompt}; cases run by --changed: "
              f"{len(evaluate_goldens(baseline=baseline, changed=True).changed.cases)}"  # type: ignore[union-attr]
              f" of {len(evaluate_goldens(baseline=baseline).results)}\n")  # fmt: skip
        report("in-process, milliseconds", in_process)
        end_to_end = measure(
            {
                "claimflow eval": process(["eval", "--baseline", str(baseline)], env),
                "claimflow eval --changed": process(["eval", "--changed", "--baseline", str(baseline)], env),
            },
            args.repeats,
        )
        report("end to end (process launch to exit), milliseconds", end_to_end)
    print(f"target: --changed <= {TARGET}x the full run")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--prompt", default="extract_invoice@2", help="The prompt whose recorded hash differs.")
    main(parser.parse_args())
