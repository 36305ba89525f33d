"""Write tests/file_seconds.json, the seconds each slow test file took, from a pytest run's `--durations=0` report.

`pytest -n auto --dist loadfile` hands whole files to its workers; tests/conftest.py puts the slowest files first,
so that no file of a minute or two starts last and leaves the other workers idle while it runs. Refresh the table
when files have grown slower or new slow ones were added:

    .venv/bin/pytest -n auto --maxprocesses 4 --dist loadfile --durations=0 > /tmp/durations.txt
    .venv/bin/python scripts/test_file_seconds.py < /tmp/durations.txt
"""

from __future__ import annotations

import json
import re
import sys
from collections import defaultdict
from pathlib import Path

TABLE = Path(__file__).resolve().parent.parent / "tests" / "file_seconds.json"

KEPT_FROM_S = 3.0
"""Files quicker than this in all are left out: where they start makes no difference to the run's end."""

_DURATION = re.compile(r"^(?P<seconds>\d+(?:\.\d+)?)s (?:setup|call|teardown)\s+(?P<file>[^:\s]+\.py)::")


def main() -> int:
    """Read the report on the standard input, write the table; 1 when the input holds no durations."""
    seconds: dict[str, float] = defaultdict(float)
    for line in sys.stdin:
        if found := _DURATION.match(line):
            seconds[found["file"]] += float(found["seconds"])
    if not seconds:
        print("error: no `--durations=0` lines on the standard input", file=sys.stderr)
        return 1
    kept = {name: round(total, 1) for name, total in sorted(seconds.items()) if total >= KEPT_FROM_S}
    TABLE.write_text(json.dumps(kept, indent=1) + "\n", encoding="utf-8")
    print(f"{len(kept)} of {len(seconds)} files written to {TABLE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
