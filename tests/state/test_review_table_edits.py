"""A decision may not set a table field: it is refused as a table, not as a field the type does not have."""

from __future__ import annotations

from claimflow.state.apply import build_review_request, decision_errors
from claimflow.state.review import ReviewDecision
from tests._table_invoice import TABLE_REFUSAL as REFUSAL
from tests.factories import TYPES, classified, clean_invoice_fields, make_state


def _errors(**edits: list[str]) -> list[str]:
    state = make_state(classification=classified("invoice"), fields=clean_invoice_fields())
    request = build_review_request(state, TYPES, [], None)
    return decision_errors(request, ReviewDecision(reviewer="alice", action="edit", edits=edits), TYPES)


def test_setting_a_table_is_refused_as_a_table() -> None:
    assert _errors(line_items=["x"]) == [REFUSAL]


def test_a_table_among_good_edits_is_refused_and_an_unknown_field_is_still_unknown() -> None:
    errors = _errors(total_amount=["160.65"], line_items=["x"], colour=["red"])
    assert errors[0] == REFUSAL
    assert errors[1].startswith("unknown field 'colour'; editable fields: vendor_name,")
    assert len(errors) == 2


def test_a_misspelt_field_is_refused_naming_the_field_it_was_likely_meant_to_be() -> None:
    [error] = _errors(totl_amount=["160.65"])
    assert error.startswith("unknown field 'totl_amount' (did you mean 'total_amount'?); editable fields: "), error
    [error] = _errors(colour=["red"])  # close to no field: nothing is guessed
    assert "did you mean" not in error
