"""`eval dataset`: a run that failed made no record, so its labelled values are missed and the gate fails on them.

A rule that raised failed its document after extraction had accepted every value; those values were scored as
right, so a change that made a user's rule raise on every document passed the gate (exit 0, no regression), and
`eval dataset` said nothing of the failed runs but a lower completion rate.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.integration._docs import run_cli, write

SLIP_TYPE = """
from claimflow import DocumentType, Field, rule


@rule("weight_per_package", fields=["packages", "gross_weight"])
def weight_per_package(doc):
    packages, weight = doc.number("packages"), doc.number("gross_weight")
    return doc.check(weight / packages < 1000, f"{weight} / {packages}")


SLIP = DocumentType(
    name="delivery_slip",
    description="A slip shipped with goods.",
    titles=("Delivery Slip",),
    fields=[
        Field("slip_number", "identifier", labels=("Slip No.",)),
        Field("packages", "number", labels=("Packages",)),
        Field("gross_weight", "number", labels=("Gross weight",)),
    ],
    rules=[weight_per_package],
)
"""


def _slip(number: str, packages: str) -> str:
    return f"DELIVERY SLIP\n\nSlip No.: {number}\nPackages: {packages}\nGross weight: 14.5 kg\n"


def _labelled_set(folder: Path) -> Path:
    write(folder, "slip-1.txt", _slip("DS-1", "2"))
    write(folder, "slip-2.txt", _slip("DS-2", "0"))  # the rule divides by zero on it, from the start
    lines = [
        {"id": "slip-1", "file": "slip-1.txt", "doc_type": "delivery_slip",
         "expected": {"slip_number": "DS-1", "packages": "2", "gross_weight": "14.5"}},
        {"id": "slip-2", "file": "slip-2.txt", "doc_type": "delivery_slip",
         "expected": {"slip_number": "DS-2", "packages": "0", "gross_weight": "14.5"}},
    ]  # fmt: skip
    write(folder, "manifest.jsonl", "".join(json.dumps(line) + "\n" for line in lines))
    return folder


def test_a_failed_run_misses_its_labels_is_named_and_a_rule_that_starts_raising_fails_the_gate(
    tmp_path: Path,
) -> None:
    types = write(tmp_path, "slip_types.py", SLIP_TYPE)
    labelled = _labelled_set(tmp_path / "set")

    first = run_cli("eval", "dataset", labelled, "--types", types, "--json")
    assert first.returncode == 0, first.stderr
    figures = json.loads(first.stdout)
    [failed] = figures["failed_runs"]
    assert failed["document"] == "slip-2"
    assert failed["error"].startswith(
        "RuleFailedError: rule 'weight_per_package' of document type 'delivery_slip' raised DivisionByZero"
    )
    assert f"(raised at {types}:8)" in failed["error"]
    assert f"failed slip-2: {failed['error']} (no record: its labelled values are missed)" in first.stderr
    # The failed run's values, accepted before its rule raised, went into no record: each label is missed.
    misses = {(miss["document"], miss["field"]): miss for miss in figures["misses"]}
    assert sorted(misses) == [("slip-2", "gross_weight"), ("slip-2", "packages"), ("slip-2", "slip_number")]
    assert all((miss["wrong"], miss["missed"], miss["status"]) == ([], 1, "failed") for miss in misses.values())
    fields = figures["types"]["delivery_slip"]["fields"]
    assert (fields["slip_number"]["claimed"], fields["slip_number"]["right"]) == (1, 1)
    assert figures["types"]["delivery_slip"]["exact_match_rate"] == 0.5

    assert run_cli("eval", "dataset", labelled, "--types", types, "--update-baseline").returncode == 0
    # A change makes the rule raise on every document: slip-1's values, right before, are in no record now.
    types.write_text(SLIP_TYPE.replace("weight / packages", "weight / (packages - packages)"), encoding="utf-8")
    gated = run_cli("eval", "dataset", labelled, "--types", types, "--json")
    assert gated.returncode == 1, gated.stderr
    report = json.loads(gated.stdout)
    assert [item["document"] for item in report["failed_runs"]] == ["slip-1", "slip-2"]
    gate = report["gate"]
    assert gate["failed"] is True and gate["fixed"] == []
    assert sorted((r["document"], r["field"], r["why"]) for r in gate["regressions"]) == [
        ("slip-1", name, "was right, now misses 1 labelled value(s) (the run failed: no record)")
        for name in ("gross_weight", "packages", "slip_number")
    ]
    shown = run_cli("eval", "dataset", labelled, "--types", types)
    assert shown.returncode == 1 and "regression against baseline.rules.json" in shown.stderr
    assert "failed slip-1: RuleFailedError: rule 'weight_per_package'" in shown.stdout
