"""Row pairing and column calibration, on values written out by hand."""

from __future__ import annotations

from pathlib import Path

from claimflow.doctypes import INVOICE
from claimflow.evals.calibrate import FieldThreshold, calibrate, with_thresholds
from claimflow.evals.dataset import Outcome
from claimflow.evals.manifest import LabelledDocument
from claimflow.evals.scoring import is_right
from claimflow.evals.values import ClaimedValue, pair_rows
from claimflow.state.policy import Policy


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
