"""Row pairing and column calibration, on values written out by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from claimflow.doctypes import INVOICE, RECEIPT
from claimflow.evals.calibrate import FieldThreshold, calibrate, with_thresholds
from claimflow.evals.dataset import Outcome, measure
from claimflow.evals.manifest import LabelledDocument
from claimflow.evals.scoring import is_right
from claimflow.evals.values import ClaimedValue, pair_rows
from claimflow.state.budget import UsageTotals
from claimflow.state.policy import Policy
from claimflow.state.schema.catalog import DocumentTypes


def test_rows_pair_by_the_most_agreeing_cells_not_by_position() -> None:
    claimed = [{"description": "cards", "amount": "9.00"}, {"description": "flyers", "amount": "120.00"}]
    labelled = [
        {"description": "flyers", "amount": "120.00"},
        {"description": "posters", "amount": "9.00"},
        {"description": "cards", "amount": "9.00"},
    ]

    assert pair_rows(claimed, labelled) == {0: 2, 1: 0}


def test_a_row_agreeing_in_no_cell_stays_unpaired() -> None:
    assert pair_rows([{"description": "menus"}], [{"description": "delivery"}]) == {}


def _outcome(values: list[ClaimedValue]) -> Outcome:
    doc = LabelledDocument("x", Path("x.txt"), "invoice", {})
    return Outcome(doc, "completed", "invoice", tuple(values), (), {})


def test_cells_with_a_row_confidence_are_calibrated_per_column_but_never_written_to_the_policy() -> None:
    cells = [ClaimedValue("line_items.amount", "1.00", 0.9, True) for _ in range(4)]
    cells.append(ClaimedValue("line_items.amount", "2.00", 0.5, False))
    total = [ClaimedValue("total_amount", "3.00", 0.8, True)]

    # 4 of 4 at 0.9 has a Wilson lower bound of 0.51; 4 of 5 at 0.5 one of 0.38; 1 of 1 one of 0.21.
    chosen = calibrate([_outcome([*cells, *total])], target=0.5, min_samples=1)

    assert [(c.field, c.threshold, c.n) for c in chosen] == [("line_items.amount", 0.9, 4), ("total_amount", None, 1)]
    policy = with_thresholds(Policy(), chosen)
    assert policy.field_thresholds == {"invoice": {"total_amount": "always_review"}}
    assert with_thresholds(Policy(), [FieldThreshold("invoice", "line_items.amount", 0.9, 4, 1.0, 0.5)]) == Policy()


def test_text_values_compare_by_their_words_and_identifiers_by_their_characters() -> None:
    """A name or an address labelled by hand is right as the page prints it: punctuation between words differs."""
    fields = {spec.name: spec for spec in INVOICE.fields}
    assert is_right(fields["vendor_name"], "Zimmer, Inc.", "Zimmer Inc.")
    assert is_right(fields["vendor_name"], "NO. 8, JALAN PERMAS 10/7", "NO.8,JALAN PERMAS 10/7")
    assert not is_right(fields["vendor_name"], "Arc Communications Inc.", "Arc Communication Inc.")
    assert not is_right(fields["vendor_name"], "Permas Jalan", "Jalan Permas")  # the words' order counts
    assert not is_right(fields["invoice_number"], "INV-10/7", "INV-107")  # an identifier's punctuation counts
    assert not is_right(fields["invoice_number"], "INV-10 7", "INV-10/7")
    # Its white space does not: an IBAN prints in groups of four, a label may write it compact.
    assert is_right(fields["iban"], "DE34 7007 0010 0156 9193 01", "de34700700100156919301")
    assert not is_right(fields["iban"], "DE34 7007 0010 0156 9193 02", "DE34700700100156919301")


def test_the_model_use_of_the_runs_adds_up_per_type_and_in_all() -> None:
    def spent(doc_id: str, doc_type: str, calls: int, tokens: int, cost: float) -> Outcome:
        doc = LabelledDocument(doc_id, Path(f"{doc_id}.txt"), doc_type, {})
        usage = UsageTotals(calls=calls, input_tokens=tokens, output_tokens=tokens // 10, cost=cost, model_seconds=0.5)
        return Outcome(doc, "completed", doc_type, (), (), {}, usage)

    figures = measure(
        [spent("a", "invoice", 2, 1000, 0.25), spent("b", "invoice", 3, 3000, 0.5), spent("c", "receipt", 2, 500, 0.1)],
        DocumentTypes([INVOICE, RECEIPT]),
    )

    assert figures["types"]["invoice"]["usage"] == {
        "calls": 5, "input_tokens": 4000, "output_tokens": 400, "cost": 0.75, "model_seconds": 1.0,
        "cost_per_document": 0.375,
    }  # fmt: skip
    assert figures["usage"]["calls"] == 7 and figures["usage"]["cost"] == pytest.approx(0.85)
    assert figures["usage"]["cost_per_document"] == pytest.approx(0.85 / 3)


def test_a_run_listed_twice_counts_its_model_use_once() -> None:
    """A file the manifest lists twice is read by one run: its calls, tokens and cost were spent once."""
    usage = UsageTotals(calls=3, input_tokens=3000, output_tokens=300, cost=4.2, model_seconds=1.5)
    listed = [
        Outcome(LabelledDocument(doc_id, Path("a.txt"), "invoice", {}), "completed", "invoice", (), (), {}, usage, "r1")
        for doc_id in ("a", "a-again")
    ]

    figures = measure(listed, DocumentTypes([INVOICE]))

    for use in (figures["usage"], figures["types"]["invoice"]["usage"]):
        assert (use["calls"], use["input_tokens"], use["output_tokens"]) == (3, 3000, 300)
        assert use["cost"] == pytest.approx(4.2) and use["model_seconds"] == pytest.approx(1.5)
    assert figures["documents"] == 2
