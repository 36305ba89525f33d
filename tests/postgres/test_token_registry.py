"""API tokens, usage totals and keyed uploads behave alike in the SQLite and the Postgres registry."""

from __future__ import annotations

import pytest

from claimflow.runtime.registry import NewRun, RunPage, RunRegistry, TokenExistsError
from claimflow.state.documents import DocumentRef
from claimflow.state.events import event

ONE = DocumentRef(document_id="ab" * 32, filename="a.pdf", media_type="application/pdf", size=10)
OTHER = DocumentRef(document_id="cd" * 32, filename="b.pdf", media_type="application/pdf", size=12)


def test_a_token_is_found_by_its_hash_until_revoked(registry: RunRegistry) -> None:
    row = registry.create_token(name="kim", token_hash="h1", role="reviewer", types=["invoice", "contract", "invoice"])

    assert (row.name, row.role, row.types, row.revoked_at) == ("kim", "reviewer", ("contract", "invoice"), None)
    assert registry.token_by_hash("h1") == row
    assert registry.token_by_hash("h2") is None
    assert registry.revoke_token("kim") is True
    assert registry.token_by_hash("h1") is None
    assert registry.revoke_token("kim") is False
    [listed] = registry.tokens()
    assert listed.revoked_at is not None


def test_an_active_name_is_refused_and_a_revoked_one_reused(registry: RunRegistry) -> None:
    registry.create_token(name="kim", token_hash="h1", role="admin", types=None)

    with pytest.raises(TokenExistsError, match="a token named 'kim' exists"):
        registry.create_token(name="kim", token_hash="h2", role="admin", types=None)
    with pytest.raises(TokenExistsError):
        registry.create_token(name="lee", token_hash="h1", role="admin", types=None)  # the same token twice
    registry.revoke_token("kim")
    again = registry.create_token(name="kim", token_hash="h3", role="submitter", types=None)

    assert (again.role, again.types, again.revoked_at) == ("submitter", None, None)
    assert registry.token_by_hash("h1") is None
    assert registry.token_by_hash("h3") == again
    assert [token.name for token in registry.tokens()] == ["kim"]


def test_usage_totals_count_model_calls_and_sum_their_cost(registry: RunRegistry) -> None:
    assert registry.usage_totals() == (0, 0.0)
    registry.create_run(NewRun(run_id="r1", document=ONE, workflow="w", workflow_version="v", model="m"))
    registry.append_events(
        "r1",
        [
            event("model.called", "classify", cost=0.25, model="m"),
            event("model.called", "extract_invoice", cost=0.5, model="m"),
            event("step.completed", "classify", cost=99),
        ],
    )

    calls, cost = registry.usage_totals()
    assert calls == 2 and cost == pytest.approx(0.75)


def test_registering_by_source_returns_the_sources_run_whatever_its_document(registry: RunRegistry) -> None:
    first, new = registry.register_run(
        NewRun(run_id="r1", document=ONE, source="api:kim:k", workflow="w", workflow_version="v", model="m", owner="o")
    )
    same, again = registry.register_run(
        NewRun(run_id="r2", document=ONE, source="api:kim:k", workflow="w", workflow_version="v", model="m", owner="o"),
        by_source=True,
    )
    other, other_new = registry.register_run(
        NewRun(
            run_id="r3", document=OTHER, source="api:kim:k", workflow="w", workflow_version="v", model="m", owner="o"
        ),
        by_source=True,
    )

    assert new and not again and not other_new
    assert same.run_id == other.run_id == first.run_id == "r1"
    assert other.document_id == ONE.document_id  # the caller sees the bytes differ
    assert [row.run_id for row in registry.list_runs()] == ["r1"]
    assert registry.run_from_source("api:kim:k") == first
    assert registry.run_from_source("api:kim:other") is None


def test_pages_of_runs_filter_and_go_on_after_a_position(registry: RunRegistry) -> None:
    for n, (status, doc_type) in enumerate(
        [("completed", "invoice"), ("rejected", "invoice"), ("failed", None), ("needs_review", "receipt")] * 2
    ):
        registry.create_run(NewRun(run_id=f"r{n}", document=ONE, workflow="w", workflow_version="v", model="m"))
        registry.claim(f"r{n}", owner="o", allowed=("queued",), status="running")
        registry.release(f"r{n}", owner="o", status=status, doc_type=doc_type)
    rows = registry.list_runs()

    def ids(**page: object) -> list[str]:
        return [row.run_id for row in registry.page_runs(RunPage(**page))]  # type: ignore[arg-type]

    assert ids(limit=3) == ["r0", "r1", "r2"]
    assert ids(limit=3, after=(rows[2].created_at, rows[2].run_id)) == ["r3", "r4", "r5"]
    assert ids(statuses=("failed", "rejected")) == ["r1", "r2", "r5", "r6"]
    assert ids(doc_type="invoice", statuses=("completed",)) == ["r0", "r4"]
    assert ids(doc_types=("receipt",)) == ["r3", "r7"]
    assert ids(doc_types=()) == []
    assert ids(since=rows[6].created_at) == ["r6", "r7"]
