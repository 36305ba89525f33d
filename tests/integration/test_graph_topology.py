"""The compiled documents graph: a Mermaid snapshot, router targets that exist, nothing unreachable."""

from __future__ import annotations

import difflib
import os
from pathlib import Path
from typing import Any

import pytest
from langgraph.graph import END, START

from claimflow import DocumentType, Field
from claimflow.doctypes import BUILTIN_TYPES
from claimflow.graphs import build_documents_workflow
from claimflow.routing import names as node_names
from claimflow.routing import router_targets, routers_for
from claimflow.state.schema import DocumentTypes

SNAPSHOT = Path(__file__).parent / "snapshots" / "documents.mmd"
UPDATE_HINT = (
    "if the change is intended, rewrite the snapshot: "
    "UPDATE_SNAPSHOTS=1 pytest tests/integration/test_graph_topology.py"
)

TICKET = DocumentType(
    name="ticket",
    description="A travel ticket: a booking reference and a fare.",
    fields=[Field("booking_reference", "identifier", labels=["Booking Ref"])],
)
"""A small user type: the graph grows its extract/arbitrate/validate nodes from the declaration alone."""

WORKFLOWS = {"builtin": BUILTIN_TYPES, "builtin+ticket": (*BUILTIN_TYPES, TICKET), "ticket": (TICKET,)}


def _drawn(types: tuple[DocumentType, ...]) -> Any:
    return build_documents_workflow(types).compile().get_graph()


@pytest.fixture(scope="module")
def drawn() -> Any:
    return _drawn(BUILTIN_TYPES)


def test_mermaid_matches_the_committed_snapshot(drawn: Any) -> None:
    mermaid = drawn.draw_mermaid()
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.parent.mkdir(parents=True, exist_ok=True)
        SNAPSHOT.write_text(mermaid, encoding="utf-8")
    assert SNAPSHOT.exists(), f"no snapshot at {SNAPSHOT}; {UPDATE_HINT}"
    committed = SNAPSHOT.read_text(encoding="utf-8")
    if mermaid != committed:
        diff = "\n".join(
            difflib.unified_diff(committed.splitlines(), mermaid.splitlines(), "committed", "current", lineterm="")
        )
        pytest.fail(f"the documents graph changed:\n{diff}\n{UPDATE_HINT}", pytrace=False)


@pytest.mark.parametrize("workflow", sorted(WORKFLOWS))
def test_every_router_target_is_a_node_of_the_compiled_graph(workflow: str) -> None:
    types = WORKFLOWS[workflow]
    drawn = _drawn(types)
    nodes = set(drawn.nodes)
    targets_of = router_targets(DocumentTypes(types).names)
    assert set(targets_of) == set(routers_for(DocumentTypes(types)))
    for router_node, targets in targets_of.items():
        allowed = set(targets)
        assert allowed and len(allowed) == len(targets), router_node
        assert allowed <= nodes, f"{router_node} may choose {sorted(allowed - nodes)}, which are not nodes"
        # The conditional edges drawn from the router node are exactly the targets it may choose.
        drawn_targets = {e.target for e in drawn.edges if e.source == router_node}
        assert drawn_targets == allowed, router_node
        assert all(e.conditional for e in drawn.edges if e.source == router_node), router_node


def test_the_active_types_decide_the_per_type_nodes_and_targets() -> None:
    builtin = _drawn(BUILTIN_TYPES)
    with_ticket = _drawn((*BUILTIN_TYPES, TICKET))
    added = {"extract_ticket", "arbitrate_ticket", "validate_ticket"}
    assert set(with_ticket.nodes) - set(builtin.nodes) == added
    assert added.isdisjoint(builtin.nodes)
    only_ticket = router_targets(["ticket"])
    assert only_ticket[node_names.ROUTE_TYPE] == ("extract_ticket", "classify", "prepare_review", "fail")
    assert set(only_ticket[node_names.ROUTE_REVIEW]) == {"finalize", "reject", "extract_ticket", "validate_ticket"}
    assert "extract_invoice" not in _drawn((TICKET,)).nodes


@pytest.mark.parametrize("workflow", sorted(WORKFLOWS))
def test_every_named_node_exists_and_every_node_is_reachable_from_start(workflow: str) -> None:
    types = WORKFLOWS[workflow]
    drawn = _drawn(types)
    fixed = {value for name, value in vars(node_names).items() if name.isupper() and isinstance(value, str)}
    per_type = {
        make(doc_type.name)
        for doc_type in types
        for make in (node_names.extract_node, node_names.arbitrate_node, node_names.validate_node)
    }
    nodes = set(drawn.nodes)
    assert nodes == fixed | per_type | {START, END}

    successors: dict[str, set[str]] = {}
    for edge in drawn.edges:
        successors.setdefault(edge.source, set()).add(edge.target)
    reached, frontier = {START}, [START]
    while frontier:
        for target in successors.get(frontier.pop(), set()) - reached:
            reached.add(target)
            frontier.append(target)
    assert nodes - reached == set(), f"unreachable from START: {sorted(nodes - reached)}"

    # And every node can finish: END is reachable from each one.
    predecessors: dict[str, set[str]] = {}
    for edge in drawn.edges:
        predecessors.setdefault(edge.target, set()).add(edge.source)
    finishing, frontier = {END}, [END]
    while frontier:
        for source in predecessors.get(frontier.pop(), set()) - finishing:
            finishing.add(source)
            frontier.append(source)
    assert nodes - finishing == set(), f"cannot reach END: {sorted(nodes - finishing)}"


def test_await_review_is_the_only_node_that_follows_prepare_review(drawn: Any) -> None:
    assert {e.target for e in drawn.edges if e.source == node_names.PREPARE_REVIEW} == {node_names.AWAIT_REVIEW}
    assert {e.source for e in drawn.edges if e.target == node_names.AWAIT_REVIEW} == {node_names.PREPARE_REVIEW}


def test_every_node_runs_on_the_event_loop_and_no_edge_reads_state() -> None:
    """LangGraph hands a plain function to a thread pool each time it runs: every node is a coroutine. Routers
    name their successor themselves, so no conditional edge reads a fresh copy of the state after a node."""
    graph = build_documents_workflow(BUILTIN_TYPES)
    assert dict(graph.branches) == {}
    for name, spec in graph.nodes.items():
        runnable = spec.runnable
        assert getattr(runnable, "func", None) is None and getattr(runnable, "afunc", None) is not None, name
