"""`claimflow eval`: a case whose type's own rule raises fails alone, naming the rule and the line that raised.

It ended the whole eval with a Python traceback (exit 1, which the gate's callers read as a regression), and no
other case was scored.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.integration._docs import run_cli, write

MEMO_TYPE = """
from claimflow import DocumentType, Field, rule


@rule("sent_this_century", fields=["sent"])
def sent_this_century(doc):
    sent = doc.date("sent")
    return doc.check(sent.year >= 2000, f"sent {sent}")


MEMO = DocumentType(
    name="memo", description="A memo.", fields=[Field("sent", "date", labels=("Sent",))], rules=[sent_this_century]
)
"""


def _case(name: str, values: dict[str, str], rule_passes: bool) -> str:
    expected = [{"rule": "required_fields_present", "passed": True}]
    expected += [{"rule": "date_plausible", "passed": True}] if values else []
    expected.append({"rule": "sent_this_century", "passed": rule_passes})
    return json.dumps(
        {"kind": "rule", "name": name, "step": "rules_memo", "doc_type": "memo", "values": values, "expected": expected}
    )


def test_a_raising_rule_fails_its_case_and_the_others_are_scored(tmp_path: Path) -> None:
    types = write(tmp_path, "memo_types.py", MEMO_TYPE)
    goldens = tmp_path / "goldens"
    write(goldens / "rules_memo", "recent.json", _case("recent", {"sent": "2024-03-01"}, rule_passes=True))
    # No sent date: the rule reads None and raises AttributeError on `.year`.
    write(goldens / "rules_memo", "undated.json", _case("undated", {}, rule_passes=True))

    ran = run_cli("eval", "--goldens", goldens, "--types", types, "--json")
    assert ran.returncode == 1, ran.stderr
    assert "Traceback" not in ran.stderr
    cases = {case["id"]: case for case in json.loads(ran.stdout)["cases"]}
    assert cases["rules_memo-recent"]["passed"] is True
    undated = cases["rules_memo-undated"]
    assert undated["passed"] is False
    assert undated["message"] == (
        "RuleFailedError: rule 'sent_this_century' of document type 'memo' raised AttributeError: 'NoneType' object"
        f" has no attribute 'year' (raised at {types}:8)"
    )
