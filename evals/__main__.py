"""`python -m evals [--live MODEL] [--update-baseline]`: run the golden cases and gate regressions."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from claimflow.evals.golden import load_goldens
from claimflow.evals.runner import REPLAY, baseline_of, regressions, run_cases

HERE = Path(__file__).parent


def main(argv: list[str] | None = None) -> int:
    """Print one line per case and a summary; exit 1 on a regression against the baseline."""
    parser = argparse.ArgumentParser(prog="python -m evals", description=__doc__)
    parser.add_argument("--live", metavar="MODEL", help="ask this backend for fresh claims (e.g. rules)")
    parser.add_argument("--update-baseline", action="store_true", help="write the results as the new baseline")
    args = parser.parse_args(argv)
    results = run_cases(load_goldens(), backend=args.live or REPLAY)
    mode = f"live:{args.live}" if args.live else REPLAY
    baseline_path = HERE / f"baseline.{mode.replace(':', '-')}.json"
    for result in results:
        mark = "pass" if result.passed else "FAIL"
        sys.stdout.write(f"{mark}  {result.kind:<10} {result.prompt or '-':<20} {result.id}\n")
        for line in result.message.splitlines():
            sys.stdout.write(f"        {line}\n")
    passed = sum(r.passed for r in results)
    sys.stdout.write(f"{mode}: {passed} passed, {len(results) - passed} failed\n")
    if args.update_baseline:
        baseline_path.write_text(json.dumps(baseline_of(results), indent=2) + "\n")
        return 0
    lost = regressions(results, baseline_path)
    if lost:
        sys.stdout.write(f"regressions against {baseline_path.name}: {', '.join(lost)}\n")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
