"""Start-up: `claimflow --help` and `claimflow runs` against `python -c "import langgraph.graph"`.

Usage:
    python benchmarks/startup.py [--repeats 7]

Three subprocesses, interleaved in every repetition (after one discarded warm-up round), each timed from
launch to exit: the virtualenv's `claimflow --help`, its `claimflow runs --data-dir TMP` on an empty data
directory, and this Python running `import langgraph.graph` (the floor any LangGraph program pays). All run
with bytecode caching on, whatever the machine sets (`PYTHONDONTWRITEBYTECODE` is left out of their environment).
Printed: milliseconds per repetition, median and min, and each claimflow command's ratio of medians to the
import. Then, from one `python -c` that imports `claimflow.runtime.cli` and invokes the app's `runs` command
in-process, which of `openai`, `anthropic`, `instructor` and `langgraph` were imported by it (none is needed
to list runs: the table is the registry's rows).

Target: `claimflow runs` <= 1.5x `import langgraph.graph`, and `runs` imports no provider SDK.
Measured before the engine work: `import runtime.cli` alone cost 4.4x `import langgraph.graph, ...sqlite.aio`;
`anthropic` and `openai` were imported even for `--model rules`.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _environment import environment_without
from _report import ratio_of_medians, table

TARGET = 1.5
CLAIMFLOW = str(Path(sys.executable).with_name("claimflow"))
HEAVY = ("openai", "anthropic", "instructor", "langgraph")
PROBE = f"""
import json, sys
from claimflow.runtime.cli import app
try:
    app(["runs", "--data-dir", sys.argv[1]], standalone_mode=False)
finally:
    print(json.dumps({{name: name in sys.modules for name in {HEAVY!r}}}), file=sys.stderr)
"""


def timed(command: list[str], env: dict[str, str]) -> float:
    """Milliseconds from launch to exit; a failing command is an error."""
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env=env)
    return (time.perf_counter() - started) * 1000


def imported_by_runs(data_dir: Path, env: dict[str, str]) -> dict[str, bool]:
    """Which heavy modules are in sys.modules after `runs` ran in-process."""
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(data_dir)], capture_output=True, text=True, env=env, check=False
    )
    return dict(json.loads(result.stderr.strip().splitlines()[-1]))


def main(args: argparse.Namespace) -> None:
    """Warm up, then the interleaved repetitions; print the table, the ratios and the imports."""
    # Bytecode caching on, as for the baseline: LangGraph's bytecode was written when pip installed it, and an
    # installed claimflow's is too. A machine that sets PYTHONDONTWRITEBYTECODE would otherwise have claimflow
    # compile its own modules again on every start, while the baseline reads its bytecode.
    env = environment_without("CLAIMFLOW_", "PYTHONDONTWRITEBYTECODE")
    with tempfile.TemporaryDirectory(prefix="claimflow-bench-") as temp:
        commands = {
            "claimflow --help": [CLAIMFLOW, "--help"],
            "claimflow runs": [CLAIMFLOW, "runs", "--data-dir", temp],
            "import langgraph.graph": [sys.executable, "-c", "import langgraph.graph"],
        }
        times: dict[str, list[float]] = {name: [] for name in commands}
        for command in commands.values():
            timed(command, env)
        for _ in range(args.repeats):
            for name, command in commands.items():
                times[name].append(timed(command, env))
        imports = imported_by_runs(Path(temp), env)
    print("milliseconds from launch to exit")
    table(times, 0)
    floor = times["import langgraph.graph"]
    for name in ("claimflow --help", "claimflow runs"):
        print(f"{name} / import langgraph.graph (ratio of medians): {ratio_of_medians(times[name], floor):.2f}")
    print(f"target: claimflow runs <= {TARGET}x")
    print("imported by `claimflow runs` (in-process): " + ", ".join(f"{k}={v}" for k, v in imports.items()))


def parse_args(argv: list[str]) -> argparse.Namespace:
    """The command line options."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=7, help="repetitions, at least 7 (default 7)")
    args = parser.parse_args(argv)
    if args.repeats < 7:
        parser.error("--repeats must be at least 7")
    return args


if __name__ == "__main__":
    main(parse_args(sys.argv[1:]))
