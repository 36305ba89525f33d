"""The compiled documents graph: a Mermaid snapshot, router targets that exist, nothing unreachable."""

from __future__ import annotations

import difflib
import os
from pathlib import Path
from typing import Any, get_args, get_type_hints

import pytest
from langgraph.graph import END, START

from claimflow.graphs import build_documents_workflow
from claimflow.routing import ROUTERS
from claimflow.routing import names as node_names
from claimflow.routing.names import AfterClassify, AfterExtract, AfterParse, AfterReview, AfterValidate

SNAPSHOT = Path(__file__).parent / "snapshots" / "documents.mmd"
UPDATE_HINT = (
    "if the change is intended, rewrite the snapshot: "
    "UPDATE_SNAPSHOTS=1 pytest tests/integration/test_graph_topology.py"
)

AFTER_TYPES: dict[str, Any] = {
    node_names.ROUTE_PARSE: AfterParse,
    node_names.ROUTE_TYPE: AfterClassify,
    node_names.ROUTE_EXTRACTION: AfterExtract,
    node_names.ROUTE_VALIDATION: AfterValidate,
    node_names.ROUTE_REVIEW: AfterReview,
}


@pytest.fixture(scope="module")
def drawn() -> Any:
    return build_documents_workflow().compile().get_graph()


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


def test_every_router_literal_target_is_a_node_of_the_compiled_graph(drawn: Any) -> None:
    nodes = set(drawn.nodes)
    assert set(AFTER_TYPES) == set(ROUTERS)
    for router_node, targets in AFTER_TYPES.items():
        literal = set(get_args(targets))
        assert literal, router_node
        assert literal <= nodes, f"{router_node} may choose {sorted(literal - nodes)}, which are not nodes"
        # The conditional edges drawn from the router node are exactly its Literal.
        drawn_targets = {e.target for e in drawn.edges if e.source == router_node}
        assert drawn_targets == literal, router_node
        assert all(e.conditional for e in drawn.edges if e.source == router_node), router_node


def test_router_functions_are_annotated_with_their_node_literal() -> None:
    for router_node, router in ROUTERS.items():
        returned = get_type_hints(router)["return"]
        assert get_args(returned) == (AFTER_TYPES[router_node],), router_node


def test_every_named_node_exists_and_every_node_is_reachable_from_start(drawn: Any) -> None:
    named = {value for name, value in vars(node_names).items() if name.isupper() and isinstance(value, str)}
    nodes = set(drawn.nodes)
    assert nodes == named | {START, END}

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
