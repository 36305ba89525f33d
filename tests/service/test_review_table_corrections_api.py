"""`POST /v1/reviews/{id}/decision` corrects a table: `"rows": {TABLE: {"drop": [ROW], "cells": {ROW: {COL: V}}}}`."""

from __future__ import annotations

from typing import Any

import httpx

from tests._table_invoice import CELLS
from tests.service._api import Api
from tests.service._table_review import paused_lines


async def _decide(api: Api, run_id: str, body: dict[str, Any]) -> httpx.Response:
    return await api.client.post(f"/v1/reviews/{run_id}/decision", json=body, headers=api.auth("reviewer"))


async def test_a_decision_drops_a_row_and_sets_cells_and_the_run_completes_with_that_table(api: Api) -> None:
    run_id, review = await paused_lines(api)

    done = await _decide(
        api,
        run_id,
        {
            "interrupt_id": review["interrupt_id"],
            "action": "edit",
            "edits": {"total_amount": "24.00", "net_amount": "20.00", "tax_amount": "4.00"},
            "rows": {"line_items": {"drop": [2], "cells": {"1": {"quantity": "4", "description": "Copier paper"}}}},
        },
    )

    assert done.status_code == 200, done.text
    run = await api.settled(run_id)
    assert run["status"] == "completed", run
    assert run["fields"]["line_items"]["value"] == [
        {"description": "Copier paper", "quantity": "4", "unit_price": "10.00", "amount": "20.00"}
    ]
    events = (await api.client.get(f"/v1/runs/{run_id}/events", headers=api.auth("admin"))).json()
    edited = [item["data"] for item in events if item["type"] == "table.edited"]
    assert [(e["row"], e.get("column"), e.get("dropped", False)) for e in edited] == [
        (1, "quantity", False),
        (1, "description", False),
        (2, None, True),
    ]
    assert edited[0]["previous"] == "2" and edited[0]["value"] == "4" and edited[0]["reviewer"] == "reviewer"
    assert edited[2]["previous"] == CELLS[1]


async def test_a_corrected_table_is_checked_by_the_rules_again(api: Api) -> None:
    run_id, review = await paused_lines(api)

    done = await _decide(
        api,
        run_id,
        {
            "interrupt_id": review["interrupt_id"],
            "action": "edit",
            "edits": {"total_amount": "42.00"},
            "rows": {"line_items": {"cells": {"2": {"amount": "25.00"}}}},
        },
    )

    assert done.status_code == 200, done.text
    again = (await api.client.get(f"/v1/reviews/{run_id}", headers=api.auth("reviewer"))).json()
    assert [reason["code"] for reason in again["reasons"]] == ["validation_failed"]
    assert again["reasons"][0]["message"].startswith("line_items_sum_to_net: 2 line(s) sum to 45.00, net amount")
    # A decision naming rows of the review it no longer waits on is refused, whatever the rows: 409.
    late = await _decide(
        api,
        run_id,
        {"interrupt_id": review["interrupt_id"], "action": "edit", "rows": {"line_items": {"drop": [1]}}},
    )
    assert late.status_code == 409, late.text
    assert [row["cells"]["amount"] for row in again["tables"][0]["rows"]] == ["20.00", "25.00"]


async def test_row_edits_that_cannot_apply_are_422_at_their_place_and_the_run_stays_paused(api: Api) -> None:
    run_id, review = await paused_lines(api)

    refused = await _decide(
        api,
        run_id,
        {
            "interrupt_id": review["interrupt_id"],
            "action": "edit",
            "rows": {"line_items": {"drop": [7], "cells": {"1": {"qty": "3"}, "2": {"amount": "1,500"}}}},
        },
    )

    assert refused.status_code == 422, refused.text
    assert refused.json()["errors"] == [
        "body.rows.line_items: line_items has 2 row(s): no row 7; it holds rows 1 to 2, numbered from 1 as the"
        " review shows them",
        "body.rows.line_items.cells.1.qty: line_items row 1: unknown column 'qty'; columns: description, quantity,"
        " unit_price, amount",
        "body.rows.line_items.cells.2.amount: line_items row 2 amount: value '1,500' reads two ways, its separator"
        " before three digits grouping thousands or marking decimals: write it with no grouping and a dot for"
        " decimals, '1500.00' or '1.50'",
    ]
    malformed = await _decide(
        api, run_id, {"interrupt_id": review["interrupt_id"], "action": "edit", "rows": {"line_items": {}}}
    )
    assert malformed.status_code == 422, malformed.text
    assert "nothing to change: give rows to drop or cells to set" in malformed.text
    row = await api.engine.registry.get_run(run_id)
    assert row.status == "needs_review" and row.interrupt_id == review["interrupt_id"]
    again = (await api.client.get(f"/v1/reviews/{run_id}", headers=api.auth("reviewer"))).json()
    assert again["tables"] == review["tables"]


async def test_the_openapi_schema_lists_the_rows_of_a_decision(api: Api) -> None:
    schemas = (await api.client.get("/openapi.json")).json()["components"]["schemas"]

    rows = schemas["DecisionIn"]["properties"]["rows"]
    assert rows["additionalProperties"] == {"$ref": "#/components/schemas/RowEdits"}
    assert "drop" in rows["description"]
    edits = schemas["RowEdits"]["properties"]
    assert edits["drop"]["items"] == {"type": "integer", "minimum": 1}
    assert set(edits) == {"drop", "cells"}
