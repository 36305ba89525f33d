"""`GET /v1/reviews/{id}` shows a table field's rows with their evidence; a decision may not set a table whole."""

from __future__ import annotations

from tests._table_invoice import CELLS, INVOICE, LINES, TABLE_REFUSAL
from tests.service._api import Api
from tests.service._table_review import paused_lines


async def test_a_review_shows_each_table_with_its_rows_and_their_evidence(api: Api) -> None:
    run_id, review = await paused_lines(api)

    [table] = review["tables"]
    assert (table["name"], table["required"], table["status"]) == ("line_items", False, "accepted")
    assert table["columns"] == ["description", "quantity", "unit_price", "amount"]
    assert [row["cells"] for row in table["rows"]] == CELLS
    for row, line in zip(table["rows"], LINES, strict=True):
        assert row["evidence"]["quote"] == line and row["evidence"]["page"] == 1
        assert INVOICE[row["evidence"]["start"] : row["evidence"]["end"]] == line
    # The rows `GET /v1/runs/{id}` has for the field; the value fields are as they were, tables not among them.
    run = (await api.client.get(f"/v1/runs/{run_id}", headers=api.auth("reviewer"))).json()
    assert [row["evidence"] for row in table["rows"]] == run["fields"]["line_items"]["evidence"]
    assert "line_items" not in {field["name"] for field in review["fields"]} | set(review["editable_fields"])


async def test_a_decision_setting_a_table_is_422_naming_the_table_and_the_run_stays_paused(api: Api) -> None:
    run_id, review = await paused_lines(api)

    refused = await api.client.post(
        f"/v1/reviews/{run_id}/decision",
        json={"interrupt_id": review["interrupt_id"], "action": "edit", "edits": {"line_items": ["x"]}},
        headers=api.auth("reviewer"),
    )

    assert refused.status_code == 422, refused.text
    # Said for a client of the API: the decision's `rows`, not the command line's options.
    assert refused.json()["errors"] == [
        "body.edits.line_items: "
        + TABLE_REFUSAL.replace(
            "(`--set line_items.ROW.COLUMN=VALUE`)",
            '(`"rows": {"line_items": {"cells": {"ROW": {"COLUMN": "VALUE"}}}}`)',
        ).replace("(`--drop-row line_items.ROW`)", '(`"rows": {"line_items": {"drop": [ROW]}}`)')
    ]
    row = await api.engine.registry.get_run(run_id)
    assert row.status == "needs_review" and row.interrupt_id == review["interrupt_id"]
    again = (await api.client.get(f"/v1/reviews/{run_id}", headers=api.auth("reviewer"))).json()
    assert again["tables"] == review["tables"]


async def test_the_openapi_schema_types_the_review_tables(api: Api) -> None:
    schemas = (await api.client.get("/openapi.json")).json()["components"]["schemas"]

    review = schemas["ReviewPublic"]
    assert "tables" in review["required"]
    assert review["properties"]["tables"]["items"] == {"$ref": "#/components/schemas/ReviewTablePublic"}
    table = schemas["ReviewTablePublic"]["properties"]
    assert table["rows"]["items"] == {"$ref": "#/components/schemas/TableRowPublic"}
    assert table["status"]["enum"] == ["accepted", "missing"]
    assert schemas["TableRowPublic"]["properties"]["evidence"] == {"$ref": "#/components/schemas/EvidencePublic"}
