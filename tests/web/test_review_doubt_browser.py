"""Table cells in doubt on the review page, in headless Chromium against `claimflow serve`.

A packing list that does not show how it marks decimals prints `1,250 pcs` and `2.555 kg`: each figure reads two
ways, and the evidence check accepts the claimed reading in doubt. The reviewer sees which rows hold such a cell,
and why, under the table; approving settles them and the run completes.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.cli.test_run_number_kind import LIST, TYPES
from tests.integration._docs import write
from tests.web._browser import CHROMIUM, processed, served, signed_in_page, token
from tests.web.test_review_browser import shoot

pytestmark = pytest.mark.slow

UNSETTLED = "the document's figures do not show whether a dot or a comma marks its decimals"


def test_a_reviewer_sees_which_rows_hold_a_cell_in_doubt_and_why_and_approving_settles_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert CHROMIUM.exists(), "Debian's chromium is missing: run scripts/system-deps.sh"
    monkeypatch.setenv("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")  # drive Debian's browser, never download one
    from playwright.sync_api import expect, sync_playwright

    folder, data = tmp_path / "inbox", tmp_path / "data"
    types = f"{write(tmp_path, 'ship_types.py', TYPES)}:SHIPMENT"
    write(folder, "packing-list.txt", LIST.format(tare="", qty="1,250", first="12", second="2.555"))
    [view] = processed(folder, data, CLAIMFLOW_TYPES=types)
    assert view["status"] == "needs_review", view
    run_id = str(view["run_id"])
    kim, admin = token(data, "kim", "reviewer"), token(data, "root", "admin")

    with (
        served(data, CLAIMFLOW_TYPES=types) as base,
        httpx.Client(base_url=base, headers={"Authorization": f"Bearer {admin}"}) as api,
        sync_playwright() as playwright,
    ):
        # The REST API gives each row's doubts as the page shows them.
        [packages] = api.get(f"/v1/reviews/{run_id}").json()["tables"]
        assert [[doubt.split(":")[0] for doubt in row["doubts"]] for row in packages["rows"]] == [
            ["quantity"],
            ["weight"],
        ]

        browser, page = signed_in_page(playwright, base, kim)
        page.click("a.doc:has-text('packing-list.txt')")
        table = page.locator(".table-field", has_text="packages")
        rows = table.locator("table.rows tbody tr")
        expect(rows).to_have_count(2)
        expect(table.locator("tr.doubt")).to_have_count(2)  # the cartons' quantity, the pallet's weight
        expect(table.locator("ul.doubts li")).to_have_text(
            [
                f"Row 1: quantity: the page writes 'Cartons 1,250 pcs 12 kg', which reads 1250 or 1.25: {UNSETTLED}",
                f"Row 2: weight: the page writes 'Pallet 1 2.555 kg', which reads 2.555 or 2555: {UNSETTLED}",
            ]
        )
        table.scroll_into_view_if_needed()
        shoot(page, tmp_path, "review-table-doubts.png")

        page.click("#approve")
        page.wait_for_url(f"{base}/review**")
        browser.close()
        assert api.get(f"/v1/runs/{run_id}").json()["status"] == "completed"
