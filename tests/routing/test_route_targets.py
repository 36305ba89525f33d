"""Route records, allowed_target, and router targets that are real node names of the active types."""

from __future__ import annotations

import pytest

from claimflow.routing import Route, allowed_target, router_targets, routers_for
from claimflow.routing import names as node_names
from claimflow.routing.names import arbitrate_node, extract_node, validate_node
from claimflow.state.schema import DocumentTypes
from tests.factories import PURCHASE_ORDER, TYPES, classified, make_state

ROUTER_NODES = {
    node_names.ROUTE_PARSE, node_names.ROUTE_TYPE, node_names.ROUTE_EXTRACTION,
    node_names.ROUTE_VALIDATION, node_names.ROUTE_REVIEW,
}  # fmt: skip


def _after_classify() -> tuple[str, ...]:
    return router_targets(TYPES.names)[node_names.ROUTE_TYPE]


def test_decision_records_router_target_and_rule() -> None:
    decision = Route("finalize", "all_checks_passed", "ok").decision("route_validation")
    assert (decision.router, decision.target, decision.rule, decision.detail) == (
        "route_validation", "finalize", "all_checks_passed", "ok",
    )  # fmt: skip


def test_allowed_target_returns_the_decision_target() -> None:
    decision = Route("extract_invoice", "type_accepted").decision("route_type")
    assert allowed_target(decision, _after_classify()) == "extract_invoice"


def test_allowed_target_refuses_a_target_the_router_may_not_choose() -> None:
    with pytest.raises(RuntimeError, match="'route_type' chose 'finalize', not one of"):
        allowed_target(Route("finalize", "oops").decision("route_type"), _after_classify())


def test_allowed_target_refuses_the_extractor_of_a_type_that_is_not_active() -> None:
    with pytest.raises(RuntimeError, match="not one of"):
        allowed_target(Route("extract_purchase_order", "type_accepted").decision("route_type"), _after_classify())


def test_every_router_target_is_a_node_name() -> None:
    fixed = {value for name, value in vars(node_names).items() if name.isupper() and isinstance(value, str)}
    per_type = {node(name) for name in TYPES.names for node in (extract_node, arbitrate_node, validate_node)}
    for targets in router_targets(TYPES.names).values():
        assert set(targets) <= fixed | per_type


def test_router_nodes_are_named_in_routing_names() -> None:
    assert set(routers_for(TYPES)) == ROUTER_NODES
    assert set(router_targets(TYPES.names)) == ROUTER_NODES


def test_router_targets_name_the_nodes_of_the_given_types_in_order() -> None:
    targets = router_targets(["receipt", "purchase_order"])
    assert targets[node_names.ROUTE_TYPE] == (
        "extract_receipt", "extract_purchase_order", "classify", "prepare_review", "fail",
    )  # fmt: skip
    assert targets[node_names.ROUTE_EXTRACTION] == (
        "arbitrate_receipt", "arbitrate_purchase_order", "extract_receipt", "extract_purchase_order",
        "prepare_review", "fail",
    )  # fmt: skip
    assert targets[node_names.ROUTE_REVIEW] == (
        "finalize", "reject", "extract_receipt", "extract_purchase_order", "validate_receipt",
        "validate_purchase_order",
    )  # fmt: skip
    assert targets[node_names.ROUTE_PARSE] == ("mask", "fail")
    assert targets[node_names.ROUTE_VALIDATION] == ("finalize", "prepare_review", "fail")
    every = {target for allowed in targets.values() for target in allowed}
    assert not {node for node in every if node.endswith("_invoice")}


def test_without_types_no_router_may_choose_a_type_node() -> None:
    targets = router_targets([])
    assert targets[node_names.ROUTE_TYPE] == ("classify", "prepare_review", "fail")
    assert targets[node_names.ROUTE_REVIEW] == ("finalize", "reject")


def test_node_names_take_a_type_name() -> None:
    assert (extract_node("invoice"), arbitrate_node("invoice"), validate_node("invoice")) == (
        "extract_invoice", "arbitrate_invoice", "validate_invoice",
    )  # fmt: skip


def test_routers_for_binds_the_given_types() -> None:
    state = make_state(classification=classified("purchase_order", 0.9))
    custom = routers_for(DocumentTypes([PURCHASE_ORDER]))[node_names.ROUTE_TYPE](state)
    builtin = routers_for(TYPES)[node_names.ROUTE_TYPE](make_state(classification=classified("unknown", 0.9)))
    assert (custom.target, custom.rule) == ("extract_purchase_order", "type_accepted")
    assert builtin.detail == "the document is none of: invoice, receipt, contract"


def test_every_route_a_router_takes_is_one_its_edge_allows() -> None:
    types = DocumentTypes([PURCHASE_ORDER])
    allowed = router_targets(types.names)
    state = make_state(classification=classified("purchase_order", 0.9))
    for router in (node_names.ROUTE_TYPE, node_names.ROUTE_EXTRACTION, node_names.ROUTE_VALIDATION):
        assert routers_for(types)[router](state).target in allowed[router]
