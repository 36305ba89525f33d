"""The README's hand-written rule case for its purchase order runs and passes, as a reader would run it.

A reader writing a first case for their own type had only the table of kinds to go by: keys the case model
requires (`name`, `step`, `doc_type`) and the rule to list every result, the common ones first, were left to
the error messages to teach.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

from typer.testing import Result

Invoke = Callable[..., Result]

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def _section(title: str) -> str:
    start = README.index(title)
    return README[start : README.index("\n## ", start + len(title))]


def test_the_readmes_rule_case_for_its_purchase_order_passes(claimflow: Invoke, tmp_path: Path) -> None:
    own_type = _section("## Your own document type")
    declared = own_type[own_type.index("```python\n") + len("```python\n") :]
    (tmp_path / "po_types.py").write_text(declared[: declared.index("```")], encoding="utf-8")
    golden = _section("## Golden cases")
    place = re.search(r"`goldens/(rules_purchase_order/[\w-]+\.json)`", golden)
    assert place is not None, "the README no longer names the rule case's file"
    text = golden[golden.index("```json\n") + len("```json\n") :]
    case = json.loads(text[: text.index("```")])
    path = tmp_path / "goldens" / place.group(1)
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(case), encoding="utf-8")

    result = claimflow("eval", "--goldens", tmp_path / "goldens", "--types", "po_types.py:PURCHASE_ORDER", "--json")

    assert result.exit_code == 0, result.output
    [got] = json.loads(result.stdout)["cases"]
    assert got["passed"], got
    assert [want["rule"] for want in case["expected"]][-1] == "line_totals_sum_to_total"
    assert not case["expected"][-1]["passed"]  # the case shows a rule failing, which the gate takes as expected
