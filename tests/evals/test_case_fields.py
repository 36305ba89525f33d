"""A golden case that names a field its document type does not have is refused before any case runs."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from claimflow.evals.errors import CaseFileError
from claimflow.evals.evaluation import evaluate_goldens
from claimflow.evals.golden import GOLDENS
from tests.integration._docs import run_cli

Edit = Callable[[dict[str, Any]], None]


def _folder_with(tmp_path: Path, step: str, case: str, edit: Edit) -> Path:
    """A goldens folder holding `step`'s cases, one of them edited."""
    root = tmp_path / "goldens"
    shutil.copytree(GOLDENS / step, root / step)
    path = root / step / f"{case}.json"
    data = json.loads(path.read_text())
    edit(data)
    path.write_text(json.dumps(data))
    return root


def _rename(section: Callable[[dict[str, Any]], dict[str, Any]], old: str, new: str) -> Edit:
    def edit(data: dict[str, Any]) -> None:
        named = section(data)
        named[new] = named.pop(old)

    return edit


def test_a_rule_case_with_a_misspelt_value_is_refused_naming_the_field_and_the_near_one(tmp_path: Path) -> None:
    # Run, the rules would read no due date and the case could pass without its rule ever looking at one.
    misspelt = _rename(lambda data: data["values"], "due_date", "due_dtae")
    root = _folder_with(tmp_path, "rules_invoice", "due-before-issue", misspelt)
    with pytest.raises(CaseFileError) as refused:
        evaluate_goldens(model="replay", goldens=root)
    message = str(refused.value)
    assert "case rules_invoice-due-before-issue: values names 'due_dtae', which invoice does not have" in message
    assert "(did you mean 'due_date'?)" in message
    assert "its fields: vendor_name, " in message


def test_a_misspelt_table_and_an_expected_field_are_refused_alike(tmp_path: Path) -> None:
    table = _rename(lambda data: data["tables"], "line_items", "lineitems")
    root = _folder_with(tmp_path, "rules_invoice", "clean-invoice-passes-every-rule", table)
    with pytest.raises(CaseFileError, match="tables names 'lineitems', which invoice does not have"):
        evaluate_goldens(model="replay", goldens=root)
    expected = _rename(lambda data: data["expected"]["fields"], "invoice_number", "invoice_no")
    root = _folder_with(tmp_path / "extract", "extract_invoice", "clean-english-invoice", expected)
    with pytest.raises(CaseFileError, match="expected.fields names 'invoice_no', which invoice does not have"):
        evaluate_goldens(model="replay", goldens=root)


def test_the_cli_refuses_it_as_a_setup_error_not_a_regression(tmp_path: Path) -> None:
    misspelt = _rename(lambda data: data["values"], "due_date", "due_dtae")
    root = _folder_with(tmp_path, "rules_invoice", "due-before-issue", misspelt)
    done = run_cli("eval", "--goldens", root)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "values names 'due_dtae', which invoice does not have" in done.stderr
    assert done.stdout == ""


def _set(section: Callable[[dict[str, Any]], dict[str, Any]], name: str, value: str) -> Edit:
    def edit(data: dict[str, Any]) -> None:
        section(data)[name] = value

    return edit


def test_a_rule_case_value_its_rules_cannot_read_as_its_kind_is_a_setup_error(tmp_path: Path) -> None:
    # Run, the rules read no due date (or no amount) and the case passed without its rule ever looking at one.
    root = _folder_with(tmp_path, "rules_invoice", "due-before-issue", _set(lambda d: d["values"], "due_date", "lots"))
    done = run_cli("eval", "--goldens", root)
    assert done.returncode == 2, done.stdout + done.stderr
    assert (
        "case rules_invoice-due-before-issue (rules_invoice/due-before-issue.json): values: date field 'due_date':"
        " 'lots' cannot be read as a date; give canonical text such as '2024-03-14'"
    ) in done.stderr
    cell = _set(lambda d: d["tables"]["line_items"][1]["cells"], "amount", "thirty")
    root = _folder_with(tmp_path / "cells", "rules_invoice", "lines-that-do-not-add-up", cell)
    with pytest.raises(CaseFileError) as refused:
        evaluate_goldens(model="replay", goldens=root)
    assert (
        "(rules_invoice/lines-that-do-not-add-up.json): tables: amount column line_items.amount row 2: 'thirty'"
        " cannot be read as an amount"
    ) in str(refused.value)
    dated = _set(lambda d: d["values"], "issue_date", "14.03.2024")
    root = _folder_with(tmp_path / "dated", "rules_invoice", "due-before-issue", dated)
    with pytest.raises(CaseFileError, match=r"date field 'issue_date': '14\.03\.2024' is not how rules read a date;"
                                            r" give its canonical text '2024-03-14'"):  # fmt: skip
        evaluate_goldens(model="replay", goldens=root)


def test_a_rule_case_cell_of_a_misspelt_column_is_refused_naming_the_near_one(tmp_path: Path) -> None:
    # Run, the rules read no amount in that row: the lines summed short, and the case could pass for that.
    misspelt = _rename(lambda data: data["tables"]["line_items"][1]["cells"], "amount", "amuont")
    root = _folder_with(tmp_path, "rules_invoice", "lines-that-do-not-add-up", misspelt)
    done = run_cli("eval", "--goldens", root)
    assert done.returncode == 2, done.stdout + done.stderr
    assert (
        "case rules_invoice-lines-that-do-not-add-up: tables.line_items row 2 names column 'amuont', which"
        " line_items does not have (did you mean 'amount'?); its columns: description, quantity, unit_price, amount"
    ) in done.stderr


def test_a_case_filed_under_another_types_step_is_a_setup_error(tmp_path: Path) -> None:
    root = _folder_with(tmp_path, "rules_invoice", "due-before-issue", lambda data: None)
    shutil.copytree(GOLDENS / "rules_receipt", root / "rules_receipt")
    path = root / "rules_receipt" / "due-before-issue.json"
    (root / "rules_invoice" / "due-before-issue.json").rename(path)
    path.write_text(path.read_text().replace('"step": "rules_invoice"', '"step": "rules_receipt"'))
    done = run_cli("eval", "--goldens", root)
    assert done.returncode == 2, done.stdout + done.stderr
    assert (
        "case rules_receipt-due-before-issue (rules_receipt/due-before-issue.json): filed under step 'rules_receipt',"
        " but its doc_type is 'invoice', which is step 'rules_invoice''s; move it to rules_invoice/ or correct its"
        " doc_type"
    ) in done.stderr


def test_a_document_case_whose_generator_does_not_exist_is_a_setup_error(tmp_path: Path) -> None:
    # Run, it failed as a regression (exit 1); once a baseline recorded it failing, no later run noticed.
    root = _folder_with(tmp_path, "document", "receipt-completes", _set(lambda data: data, "generator", "text_reciept"))
    done = run_cli("eval", "--goldens", root)
    assert done.returncode == 2, done.stdout + done.stderr
    assert (
        "case document-receipt-completes (document/receipt-completes.json): generator 'text_reciept' does not exist; "
        "the generators: text_invoice, pdf_invoice, text_receipt, " in done.stderr
    )
    assert done.stdout == ""


@pytest.mark.parametrize(("case", "param"), [("receipt-completes", "shopp"), ("euro-invoice", "vendr")])
def test_a_document_case_with_a_parameter_its_generator_does_not_take_is_refused(
    tmp_path: Path, case: str, param: str
) -> None:
    root = _folder_with(tmp_path, "document", case, _set(lambda data: data["params"], param, "Acme"))
    with pytest.raises(CaseFileError, match=f"params names '{param}', which .* does not take; its params: filename, "):
        evaluate_goldens(model="replay", goldens=root)
