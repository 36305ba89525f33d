"""A decision sent from a review page opened before another reviewer decided, on `claimflow serve` over real HTTP.

The late form is refused (409); the page says the values were NOT saved, who decided first and what, and shows
back every value the reviewer typed so that nothing of it is lost with the form.
"""

from __future__ import annotations

import asyncio
import html
import re
from pathlib import Path

import httpx
import pytest

from claimflow.runtime.engine import open_engine
from claimflow.runtime.settings import Settings
from claimflow.state.review import ReviewDecision
from tests.integration._docs import run_cli
from tests.web._browser import paused_invoice, paused_lines, served, token
from tests.web.test_review_pages import form_of
from tests.web.test_review_table_refusals import opened_then_decided

pytestmark = pytest.mark.slow


def test_a_late_edit_is_said_not_saved_naming_who_decided_first_and_shows_what_was_typed(tmp_path: Path) -> None:
    data, run_id = paused_invoice(tmp_path)
    kim, ana = token(data, "kim", "reviewer"), token(data, "ana", "reviewer")

    with served(data) as base, httpx.Client(base_url=base) as page, httpx.Client(base_url=base) as api:
        assert page.post("/review/sign-in", data={"token": kim}).status_code == 303
        form = form_of(page.get(f"/review/runs/{run_id}").text)  # kim's page is open ...
        review = api.get(f"/v1/reviews/{run_id}", headers={"Authorization": f"Bearer {ana}"}).json()
        rejected = api.post(  # ... while ana rejects the run
            f"/v1/reviews/{run_id}/decision",
            json={"interrupt_id": review["interrupt_id"], "action": "reject", "reason": "a copy of NW-2024-0117"},
            headers={"Authorization": f"Bearer {ana}"},
        )
        assert rejected.status_code == 200 and rejected.json()["status"] == "failed", rejected.text

        late = page.post(
            f"/review/runs/{run_id}",
            follow_redirects=True,
            data={
                **form,
                "action": "edit",
                "field.total_amount": "180.00",
                "field.vendor_name": "Northwind Traders\nGmbH",
                "comment": "checked <the> lines",
            },
        )

    assert late.status_code == 409
    text = html.unescape(re.sub(r"\s+", " ", late.text))
    assert "Your edits were NOT saved: invoice.txt is rejected: it no longer waits for review." in text
    decided = re.search(r'<p id="decided-first">([^<]*)</p>', late.text)
    assert decided is not None
    assert re.fullmatch(
        r"ana rejected it first, at \d{4}-\d\d-\d\d \d\d:\d\d UTC \(reason: a copy of NW-2024-0117\)\.",
        html.unescape(decided.group(1)),
    ), decided.group(1)
    typed = dict(
        (html.unescape(name), html.unescape(value))
        for name, value in re.findall(r"<dt>([^<]*)</dt><dd><pre>([^<]*)</pre></dd>", late.text)
    )
    assert typed == {
        "total_amount": "180.00",
        "vendor_name": "Northwind Traders\nGmbH",
        "Comment": "checked <the> lines",
    }
    assert "<the>" not in late.text  # escaped, as every value on the pages


def test_a_late_form_names_no_one_as_first_when_the_only_decision_was_left_unfinished(tmp_path: Path) -> None:
    # ana's decision was claimed, but the process applying it died (abandoned): it answered nothing. The document
    # was then run again, so kim's page, open all along, sends its form to a run that no longer waits.
    data, run_id = paused_invoice(tmp_path)
    kim = token(data, "kim", "reviewer")

    async def abandon() -> None:
        async with open_engine(Settings(data_dir=data)) as engine:
            row = await engine.registry.get_run(run_id)
            decision = ReviewDecision(action="approve", reviewer="ana").model_dump_json()
            await engine.registry.record_decision(run_id, row.interrupt_id, "ana", decision, "abandoned")

    asyncio.run(abandon())
    with served(data) as base, httpx.Client(base_url=base) as page:
        assert page.post("/review/sign-in", data={"token": kim}).status_code == 303
        form = form_of(page.get(f"/review/runs/{run_id}").text)
        rerun = run_cli("rerun", run_id, "--data-dir", data, timeout=120)
        assert rerun.returncode in (0, 1), rerun.stderr
        late = page.post(f"/review/runs/{run_id}", data={**form, "action": "approve"}, follow_redirects=True)

    assert late.status_code == 409
    text = html.unescape(re.sub(r"\s+", " ", late.text))
    assert "Your approval was NOT saved: invoice.txt was run again as run " in text, text
    assert 'id="decided-first"' not in late.text and "ana" not in text, text


def test_a_late_table_correction_shows_back_its_cells_and_removed_rows_as_the_page_labels_them(tmp_path: Path) -> None:
    # Typed cells and ticked remove boxes are said as the table's row and column, not as the inputs' names; the
    # decision that came first names the rows it corrected too.
    data, run_id = paused_lines(tmp_path)
    kim, ana = token(data, "kim", "reviewer"), token(data, "ana", "reviewer")

    with served(data) as base, httpx.Client(base_url=base) as page, httpx.Client(base_url=base) as api:
        decision = {
            "action": "edit",
            "rows": {"line_items": {"drop": [2]}},
            "edits": {"total_amount": ["24.00"], "net_amount": ["20.00"], "tax_amount": ["4.00"]},
        }
        form, edited = opened_then_decided(page, api, run_id, (kim, ana), decision)
        assert edited.status_code == 200, edited.text
        late = page.post(
            f"/review/runs/{run_id}",
            follow_redirects=True,
            data={**form, "action": "edit", "cell.line_items.1.quantity": "4", "drop.line_items.2": "1"},
        )

    assert late.status_code == 409, late.text
    decided = re.search(r'<p id="decided-first">([^<]*)</p>', late.text)
    assert decided is not None
    assert "line_items row 2 removed" in html.unescape(decided.group(1)), decided.group(1)
    typed = dict(
        (html.unescape(name), html.unescape(value))
        for name, value in re.findall(r"<dt>([^<]*)</dt><dd><pre>([^<]*)</pre></dd>", late.text)
    )
    assert typed == {"line_items row 1 quantity": "4", "line_items row 2": "removed"}
