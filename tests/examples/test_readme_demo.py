"""The README's account of `make demo` says what the sample documents' runs do.

The runs themselves are pinned by the `explain` snapshots (`tests/integration/test_explain_trace_snapshots.py`
checks them against real runs); here the figures the README quotes are read against those snapshots, so a
change that moves a figure moves the README with it.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOTS = ROOT / "tests" / "integration" / "snapshots" / "examples"


def _demo_section() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("`make demo` processes the six documents")
    return readme[start : readme.index("Then try the reviewer's side", start)]


def test_the_contracts_term_confidence_is_the_one_its_run_reports() -> None:
    quoted = re.search(r"term \(`([^`]+)`, confidence (0\.\d\d)\)", _demo_section())
    assert quoted is not None, "the README no longer quotes the contract's term and its confidence"
    value, confidence = quoted.groups()
    explain = (SNAPSHOTS / "contract-nda.txt.explain").read_text(encoding="utf-8")
    assert f"low_confidence_field: term = '{value}' at confidence {confidence}," in explain


def test_the_mismatched_invoice_figures_are_the_ones_its_rule_reports() -> None:
    quoted = re.search(r"failed \(([\d.]+) \+ ([\d.]+) ≠ ([\d.]+)\)", _demo_section())
    assert quoted is not None, "the README no longer quotes the mismatched invoice's sum"
    net, tax, total = quoted.groups()
    explain = (SNAPSHOTS / "invoice-total-mismatch.pdf.explain").read_text(encoding="utf-8")
    assert f"rule net_plus_tax_equals_total: FAILED - {net} + {tax} = " in explain
    assert f"total is {total} (off by" in explain
