"""A decision on a run whose type is not loaded here says to load it, not to run the document again.

Decided without the `--types` its run was made with, the refusal blamed a workflow version and advised
`claimflow rerun`, which would have run the document again without its type (to end as `unknown`).
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli._order_form import paused_order
from tests.integration._docs import run_cli


def test_deciding_without_the_type_names_it_and_with_it_decides(tmp_path: Path) -> None:
    types, data, view = paused_order(tmp_path)

    blind = run_cli("review", "decide", view["run_id"], "--reviewer", "kim", "--approve", "--data-dir", data)
    assert blind.returncode == 1
    assert "is of document type 'order_form', which is not loaded here" in blind.stderr
    assert "--types" in blind.stderr and "rerun" not in blind.stderr

    seen = run_cli(
        "review", "decide", view["run_id"], "--reviewer", "kim", "--set", "buyer=Acme", "--types", types,
        "--data-dir", data,
    )  # fmt: skip
    assert seen.returncode == 0, seen.stderr
    assert json.loads(seen.stdout)["status"] == "completed"
