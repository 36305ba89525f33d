"""examples/custom_type: a separately installed package adds a `purchase_order` type through an entry point.

The package is installed into a temporary folder (never into the project's environment, where it would
change the active types of every other test) and the CLI runs with that folder on PYTHONPATH, exactly as
a user's installed plugin would be found. Its five sample orders get the outcomes its README documents.
The rules are unit-tested directly, through `DocumentType.check`, with no graph.
"""

from __future__ import annotations

import importlib
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from claimflow import DocumentType, RuleResult
from claimflow.state.labels import fold_label

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "custom_type"
DOCS = EXAMPLE / "docs"
SAMPLES = ("po-1001.pdf", "po-1002.html", "po-1003.png", "po-1004.pdf", "po-1005.html")
FIELDS = {
    "po_number": ("identifier", True),
    "order_date": ("date", True),
    "delivery_date": ("date", False),
    "buyer": ("text", True),
    "supplier": ("text", False),
    "currency": ("currency", False),
    "payment_terms": ("enum", False),
    "total_amount": ("amount", True),
    "line_items": ("table", False),
}
"""Each field's kind and whether it is required, as the README documents them."""
CLEAN = {
    "po-1001.pdf": {
        "po_number": "PO-1001", "order_date": "2024-03-04", "delivery_date": "2024-03-18",
        "buyer": "Contoso Manufacturing Ltd", "supplier": "Fabrikam Industrial Supplies Ltd", "currency": "GBP",
        "payment_terms": "net_30", "total_amount": "569.15",
    },
    "po-1002.html": {
        "po_number": "4500012345", "order_date": "2024-03-11", "delivery_date": "2024-03-25",
        "buyer": "Bäckerei Sonnenschein GmbH", "supplier": "Müller Gastro-Technik GmbH", "currency": "EUR",
        "payment_terms": "net_30", "total_amount": "1038.50",
    },
    "po-1003.png": {
        "po_number": "LDC-2024-0311", "order_date": "2024-03-15", "delivery_date": "2024-03-29",
        "buyer": "Lakeside Dental Clinic Inc.", "supplier": "Northpeak Medical Supply Co.", "currency": "USD",
        "payment_terms": "prepaid", "total_amount": "849.60",
    },
}  # fmt: skip
"""The values each clean order completes with."""


# the package, imported from a copy of its sources: no metadata beside it, so no entry point leaks in -----------
@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    copy = tmp_path_factory.mktemp("sources")
    shutil.copytree(EXAMPLE / "claimflow_purchase_orders", copy / "claimflow_purchase_orders")
    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(copy))
        yield importlib.import_module("claimflow_purchase_orders")


@pytest.fixture
def po(package: ModuleType) -> DocumentType:
    doc_type = package.PURCHASE_ORDER
    assert isinstance(doc_type, DocumentType)
    return doc_type


def _by_rule(results: list[RuleResult]) -> dict[str, RuleResult]:
    return {result.rule: result for result in results}


# the rules --------------------------------------------------------------------------------------------------
ROWS = [{"description": "Bolts", "amount": "177.60"}, {"description": "Nuts", "amount": "59.70"}]


def test_line_totals_that_add_up_pass(po: DocumentType) -> None:
    result = _by_rule(po.check({"total_amount": "237.30"}, tables={"line_items": ROWS}))["line_totals_sum_to_total"]

    assert result.passed
    assert result.message == "2 line(s) sum to 237.30, order total is 237.30"
    assert result.fields == ["line_items", "total_amount"]


def test_line_totals_may_differ_by_the_tolerance_per_line(po: DocumentType) -> None:
    # Two lines: up to 2 x 0.01 of rounding is agreement, 0.03 is not.
    near = po.check({"total_amount": "237.32"}, tables={"line_items": ROWS})
    off = po.check({"total_amount": "237.33"}, tables={"line_items": ROWS})
    loose = po.check({"total_amount": "237.33"}, tables={"line_items": ROWS}, tolerance=Decimal("0.05"))

    assert _by_rule(near)["line_totals_sum_to_total"].passed
    assert not _by_rule(off)["line_totals_sum_to_total"].passed
    assert _by_rule(loose)["line_totals_sum_to_total"].passed


def test_line_totals_that_do_not_add_up_send_the_order_to_review(po: DocumentType) -> None:
    result = _by_rule(po.check({"total_amount": "265.30"}, tables={"line_items": ROWS}))["line_totals_sum_to_total"]

    assert not result.passed
    assert (result.severity, result.code) == ("review", "validation_failed")
    assert result.message == "2 line(s) sum to 237.30, order total is 265.30 (off by -28.00)"


def test_line_totals_do_not_apply_without_lines_or_total(po: DocumentType) -> None:
    assert "line_totals_sum_to_total" not in _by_rule(po.check({"total_amount": "10.00"}))
    assert "line_totals_sum_to_total" not in _by_rule(po.check({}, tables={"line_items": ROWS}))


def _readme_type() -> tuple[DocumentType, str]:
    """The type the README's "Your own document type" declares (run as a reader would), and the text after it."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("```python\n", readme.index("## Your own document type")) + len("```python\n")
    end = readme.index("```", start)
    scope: dict[str, Any] = {}
    exec(compile(readme[start:end], "README.md", "exec"), scope)  # the README's own snippet, as a reader runs it
    return scope["PURCHASE_ORDER"], readme[end : readme.index("## The offline `rules` backend", end)]


def test_the_readmes_shortened_type_has_the_rules_the_examples_after_it_rely_on(po: DocumentType) -> None:
    # The README's embedding example waits for a review of po-1004.pdf, which only line_totals_sum_to_total sends
    # there; the shortened type lacked that rule, and a reader who copied it got a completed run.
    shortened, after = _readme_type()
    assert [item.name for item in shortened.rules] == [item.name for item in po.rules]
    checks = re.findall(r"`PURCHASE_ORDER\.check\((.+?)\)`", after)
    assert len(checks) == 2, "the README no longer shows two PURCHASE_ORDER.check examples"
    dates, lines = (_by_rule(eval(f"check({args})", {"check": shortened.check})) for args in checks)
    assert not dates["delivery_not_before_order"].passed
    assert lines["line_totals_sum_to_total"].passed


@pytest.mark.parametrize(("delivery", "passed"), [("2024-03-18", True), ("2024-03-04", True), ("2024-03-03", False)])
def test_delivery_may_not_come_before_the_order(po: DocumentType, delivery: str, passed: bool) -> None:
    values = {"order_date": "2024-03-04", "delivery_date": delivery}
    result = _by_rule(po.check(values, today=date(2024, 3, 1)))["delivery_not_before_order"]

    assert result.passed is passed
    assert result.fields == ["order_date", "delivery_date"]
    assert result.message == f"delivery {delivery} {'is not' if passed else 'is'} before order 2024-03-04"


def test_delivery_rule_does_not_apply_without_both_dates(po: DocumentType) -> None:
    assert po.check({"order_date": "2024-03-04"}) == []


# the declaration ----------------------------------------------------------------------------------------------
def test_the_declaration_uses_only_the_public_api(package: ModuleType) -> None:
    assert package.__file__ is not None
    for path in Path(package.__file__).parent.glob("*.py"):
        imports = re.findall(r"^\s*(?:from|import)\s+(claimflow[\w.]*)", path.read_text(encoding="utf-8"), re.M)
        private = [name for name in imports if name != "claimflow" and name.split(".")[0] == "claimflow"]
        assert not private, (path.name, private)


def test_each_label_printed_alone_reads_as_its_own_field_only(po: DocumentType) -> None:
    # The declaration refuses a label two fields declare; this also catches a label that only reads as
    # another field's ("Date" inside "Delivery Date") when printed: the index must find it whole, as its own.
    for spec in po.value_fields:
        for label in spec.labels:
            hits = po.labels.find(label)
            assert [(hit.start, hit.end) for hit in hits] == [(0, len(label))], (spec.name, label, hits)
            own = {owner.field for owner in hits[0].owners if not owner.counter}
            assert own == {spec.name}, (spec.name, label, hits[0].owners)
    for table in po.table_fields:
        columns = [(column.name, fold_label(label)) for column in table.columns for label in column.labels]
        assert len({label for _, label in columns}) == len(columns), columns


def test_every_printed_word_of_the_samples_is_a_declared_label(po: DocumentType, package: ModuleType) -> None:
    orders = importlib.import_module("claimflow_purchase_orders._orders")
    table = po.field("line_items")
    assert table is not None
    for words in orders.LABELS.values():
        for name in ("po_number", "order_date", "delivery_date", "buyer", "supplier", "currency", "payment_terms"):
            spec = po.field(name)
            assert spec is not None and words[name] in spec.labels, (name, words[name])
        assert words["total"] in po.field("total_amount").labels  # type: ignore[union-attr]
        assert words["ship_to"] in po.field("supplier").counter_labels  # type: ignore[union-attr]
        for column in table.columns:
            assert words[column.name] in column.labels, (column.name, words[column.name])


def test_the_generator_is_deterministic_and_the_committed_samples_are_its_output(
    package: ModuleType, tmp_path: Path
) -> None:
    pytest.importorskip("reportlab")
    make_docs = importlib.import_module("claimflow_purchase_orders.make_docs")
    first, second = tmp_path / "first", tmp_path / "second"
    assert [path.name for path in make_docs.write_all(first)] == list(SAMPLES)
    make_docs.write_all(second)

    for name in SAMPLES:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
        if not name.endswith(".png"):  # a scan's bytes also depend on Pillow's zlib; compare it by run
            assert (first / name).read_bytes() == (DOCS / name).read_bytes(), f"regenerate docs/: {name}"
    assert sorted(path.name for path in DOCS.iterdir()) == sorted(SAMPLES)


# the installed package, through the CLI ---------------------------------------------------------------------
@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The package installed into a folder of its own, from a copy (a build writes into its source folder)."""
    root = tmp_path_factory.mktemp("custom_type")
    source = root / "src"
    shutil.copytree(EXAMPLE, source, ignore=shutil.ignore_patterns("docs", "build", "*.egg-info", "__pycache__"))
    target = root / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", "--target", str(target),
         str(source)],
        check=True, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    return target


def _claimflow(site: Path, cwd: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("CLAIMFLOW_")}
    env.update(PYTHONPATH=str(site), COLUMNS="1000", NO_COLOR="1", TERM="dumb")
    command = [str(Path(sys.executable).parent / "claimflow"), *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, timeout=600, env=env, cwd=cwd, check=False)


def _json_lines(stdout: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def listed(site: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    done = _claimflow(site, tmp_path_factory.mktemp("types"), "types", "--json")
    assert done.returncode == 0, done.stderr
    return {item["name"]: item for item in _json_lines(done.stdout)}


@pytest.fixture(scope="module")
def views(site: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    work = tmp_path_factory.mktemp("run")
    done = _claimflow(site, work, "run", DOCS, "--json", "--data-dir", work / "data")
    found = {view["document"]: view for view in _json_lines(done.stdout)}
    assert sorted(found) == sorted(SAMPLES), done.stderr
    return found


@pytest.mark.slow
def test_the_installed_type_is_listed_with_its_fields_rules_and_source(
    site: Path, listed: dict[str, dict[str, Any]]
) -> None:
    assert {"invoice", "receipt", "contract", "purchase_order"} <= set(listed)
    po = listed["purchase_order"]

    assert re.fullmatch(r"entry point purchase_order \(claimflow-purchase-orders [\w.]+\)", po["source"]), po["source"]
    assert po["target"] == "claimflow_purchase_orders:PURCHASE_ORDER"
    assert Path(po["file"]).is_relative_to(site)
    assert (po["version"], po["prompt"]) == ("2", "extract_purchase_order@2+t2")  # labelled columns: template 2
    assert po["titles"] == ["Purchase Order", "Bestellung"]
    assert {f["name"]: (f["kind"], f["required"]) for f in po["fields"]} == FIELDS
    (table,) = [f for f in po["fields"] if f["kind"] == "table"]
    assert [(c["name"], c["required"]) for c in table["columns"]] == [
        ("description", False), ("quantity", False), ("unit_price", False), ("amount", True)
    ]  # fmt: skip
    assert [(r["name"], r["fields"], r["reason"]) for r in po["rules"]] == [
        ("line_totals_sum_to_total", ["line_items", "total_amount"], "validation_failed"),
        ("delivery_not_before_order", ["order_date", "delivery_date"], "validation_failed"),
    ]
    assert (po["duplicate_key"], po["risk_field"]) == (["buyer", "po_number"], "total_amount")
    assert (po["extractor"], po["detector"]) == (None, None)  # read by claimflow's label-driven extractor


@pytest.mark.slow
@pytest.mark.parametrize("name", ["po-1001.pdf", "po-1002.html"])
def test_a_clean_order_completes_with_its_values(views: dict[str, dict[str, Any]], name: str) -> None:
    _assert_completed(views[name], CLEAN[name])


@pytest.mark.slow
@pytest.mark.ocr
def test_the_scanned_order_completes_with_its_values_and_lines(views: dict[str, dict[str, Any]]) -> None:
    view = views["po-1003.png"]
    _assert_completed(view, CLEAN["po-1003.png"])
    assert view["fields"]["line_items"]["value"] == [
        {"description": "Nitrile exam gloves, medium, box of 100", "quantity": "40", "unit_price": "8.25",
         "amount": "330.00"},
        {"description": "Disposable prophy angles, pack of 144", "quantity": "5", "unit_price": "46.80",
         "amount": "234.00"},
        {"description": "Surface disinfectant wipes, canister", "quantity": "24", "unit_price": "11.90",
         "amount": "285.60"},
    ]  # fmt: skip


@pytest.mark.slow
def test_the_pdf_order_lines_are_read_and_add_up(views: dict[str, dict[str, Any]]) -> None:
    lines = views["po-1001.pdf"]["fields"]["line_items"]
    assert lines["status"] == "accepted"
    assert [row["amount"] for row in lines["value"]] == ["177.60", "59.70", "29.60", "193.50", "108.75"]
    assert lines["value"][0] == {
        "description": "Hex bolts M8 x 40 mm, zinc plated, box of 100", "quantity": "12", "unit_price": "14.80",
        "amount": "177.60",
    }  # fmt: skip
    assert sum(Decimal(row["amount"]) for row in lines["value"]) == Decimal(CLEAN["po-1001.pdf"]["total_amount"])


@pytest.mark.slow
def test_an_order_whose_lines_do_not_add_up_waits_for_review(views: dict[str, dict[str, Any]]) -> None:
    view = views["po-1004.pdf"]

    assert (view["status"], view["doc_type"], view["error"]) == ("needs_review", "purchase_order", None)
    assert view["review_reasons"] == [
        "validation_failed: line_totals_sum_to_total: 3 line(s) sum to 1288.30, order total is 1316.30 (off by -28.00)"
    ]
    assert view["fields"]["total_amount"]["value"] == "1316.30"
    assert [row["amount"] for row in view["fields"]["line_items"]["value"]] == ["771.20", "387.50", "129.60"]


@pytest.mark.slow
def test_an_order_delivered_before_it_was_placed_waits_for_review(views: dict[str, dict[str, Any]]) -> None:
    view = views["po-1005.html"]

    assert (view["status"], view["doc_type"], view["error"]) == ("needs_review", "purchase_order", None)
    assert view["review_reasons"] == [
        "validation_failed: delivery_not_before_order: delivery 2024-03-07 is before order 2024-03-14"
    ]
    fields = {name: field["value"] for name, field in view["fields"].items()}
    assert (fields["order_date"], fields["delivery_date"]) == ("2024-03-14", "2024-03-07")
    assert (fields["po_number"], fields["buyer"], fields["total_amount"]) == (
        "VDM-PO-7781", "Van der Meer Logistics B.V.", "1716.80"
    )  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize(("name", "amounts"), [
    ("po-1002.html", ["378.00", "223.50", "52.00", "385.00"]),
    ("po-1005.html", ["920.00", "604.80", "192.00"]),
])  # fmt: skip
def test_html_order_lines_are_read(views: dict[str, dict[str, Any]], name: str, amounts: list[str]) -> None:
    lines = views[name]["fields"]["line_items"]
    assert lines["status"] == "accepted"
    assert [row["amount"] for row in lines["value"]] == amounts


def _assert_completed(view: dict[str, Any], expected: dict[str, str]) -> None:
    assert (view["status"], view["doc_type"], view["error"]) == ("completed", "purchase_order", None), view
    assert view["review_reasons"] == []
    for name, value in expected.items():
        assert (view["fields"][name]["status"], view["fields"][name]["value"]) == ("accepted", value), name
