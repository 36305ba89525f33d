"""Route records, recorded_target, and router targets that are real node names."""

from __future__ import annotations

from typing import get_args

import pytest

from claimflow.routing import ROUTERS, Route, recorded_target
from claimflow.routing import names as node_names
from claimflow.routing.names import AfterClassify, AfterExtract, AfterParse, AfterReview, AfterValidate
from tests.factories import make_state


def test_decision_records_router_target_and_rule() -> None:
    decision = Route("finalize", "all_checks_passed", "ok").decision("route_validation")
    assert (decision.router, decision.target, decision.rule, decision.detail) == (
        "route_validation", "finalize", "all_checks_passed", "ok",
    )  # fmt: skip


def test_recorded_target_returns_the_latest_decision() -> None:
    state = make_state(
        routes=[Route("classify", "retry_invalid_output").decision("route_type"),
                Route("extract_invoice", "type_accepted").decision("route_type")],
    )  # fmt: skip
    assert recorded_target(state, "route_type", AfterClassify) == "extract_invoice"


def test_recorded_target_refuses_a_target_outside_the_literal() -> None:
    state = make_state(routes=[Route("finalize", "oops").decision("route_type")])
    with pytest.raises(RuntimeError, match="not one of"):
        recorded_target(state, "route_type", AfterClassify)


def test_recorded_target_refuses_a_router_that_has_not_decided() -> None:
    state = make_state(routes=[Route("mask", "text_extracted").decision("route_parse")])
    with pytest.raises(RuntimeError, match="has not decided"):
        recorded_target(state, "route_type", AfterClassify)


def test_every_router_target_is_a_node_name() -> None:
    nodes = {value for name, value in vars(node_names).items() if name.isupper() and isinstance(value, str)}
    for targets in (AfterParse, AfterClassify, AfterExtract, AfterValidate, AfterReview):
        assert set(get_args(targets)) <= nodes


def test_router_nodes_are_named_in_routing_names() -> None:
    assert set(ROUTERS) == {
        node_names.ROUTE_PARSE, node_names.ROUTE_TYPE, node_names.ROUTE_EXTRACTION,
        node_names.ROUTE_VALIDATION, node_names.ROUTE_REVIEW,
    }  # fmt: skip
