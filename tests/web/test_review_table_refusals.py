"""A table correction refused on the review page, over real HTTP: said in the page's words, not the terminal's.

The engine's refusals name `review decide`'s options; a reviewer in a browser has the table's inputs and remove
boxes instead, so neither option is named to them.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.integration._docs import run_cli
from tests.web._browser import paused_lines, served, token
from tests.web.test_review_pages import form_of

pytestmark = pytest.mark.slow


def _errors(page: str) -> list[str]:
    return [html.unescape(re.sub(r"\s+", " ", found)) for found in re.findall(r'class="error"[^>]*>([^<]*)<', page)]


def opened_then_decided(
    page: httpx.Client, api: httpx.Client, run_id: str, tokens: tuple[str, str], decision: dict[str, Any]
) -> tuple[dict[str, str], httpx.Response]:
    """The page's form of `run_id` as the first token opened it, and the answer to the second's later `decision`.

    The decision (without its interrupt id) is sent over the API for the review the page showed.
    """
    kim, ana = tokens
    assert page.post("/review/sign-in", data={"token": kim}).status_code == 303
    form = form_of(page.get(f"/review/runs/{run_id}").text)
    review = api.get(f"/v1/reviews/{run_id}", headers={"Authorization": f"Bearer {ana}"}).json()
    answer = api.post(
        f"/v1/reviews/{run_id}/decision",
        json={"interrupt_id": review["interrupt_id"], **decision},
        headers={"Authorization": f"Bearer {ana}"},
    )
    return form, answer


def test_a_refused_table_correction_names_no_command_line_options_on_the_page(tmp_path: Path) -> None:
    data, run_id = paused_lines(tmp_path)
    kim = token(data, "kim", "reviewer")

    with served(data) as base, httpx.Client(base_url=base) as page:
        assert page.post("/review/sign-in", data={"token": kim}).status_code == 303
        form = form_of(page.get(f"/review/runs/{run_id}").text)
        past = page.post(
            f"/review/runs/{run_id}", data={**form, "action": "edit", "drop.line_items.7": "1"}, follow_redirects=True
        )
        whole = page.post(
            f"/review/runs/{run_id}", data={**form, "action": "edit", "field.line_items": "x"}, follow_redirects=True
        )

    assert past.status_code == 422, past.text
    assert "line_items has 2 row(s): no row 7; it holds rows 1 to 2, numbered from 1 as the review shows them" in (
        _errors(past.text)
    )
    assert whole.status_code == 422, whole.text
    [refused] = [error for error in _errors(whole.text) if "is a table" in error]
    assert "`--" not in refused and "`review show`" not in refused, refused


def test_a_remove_box_naming_its_row_in_other_digits_is_refused_as_the_form_is_read(tmp_path: Path) -> None:
    # `²` is a digit to Python's str.isdigit but no number to int(): such a box names no row and is left out,
    # as a key naming no row is, rather than failing the request.
    data, run_id = paused_lines(tmp_path)
    kim = token(data, "kim", "reviewer")

    with served(data) as base, httpx.Client(base_url=base) as page:
        assert page.post("/review/sign-in", data={"token": kim}).status_code == 303
        form = form_of(page.get(f"/review/runs/{run_id}").text)
        odd = page.post(
            f"/review/runs/{run_id}", data={**form, "action": "edit", "drop.line_items.²": "1"}, follow_redirects=True
        )

    assert odd.status_code == 422, odd.text


def test_cells_typed_on_rows_another_decision_renumbered_do_not_go_back_into_other_rows(tmp_path: Path) -> None:
    # kim's page shows both rows; ana removes row 1 and the run comes back for review (its sums still break), its
    # table now one row, the gel pens. kim's form, typed for the copier paper, comes back refused: the cell kim
    # typed for row 1 must not fill the gel pens' row 1, where one more click would save it there unread.
    data, run_id = paused_lines(tmp_path)
    kim, ana = token(data, "kim", "reviewer"), token(data, "ana", "reviewer")

    with served(data) as base, httpx.Client(base_url=base) as page, httpx.Client(base_url=base) as api:
        decision = {"action": "edit", "rows": {"line_items": {"drop": [1]}}}
        form, dropped = opened_then_decided(page, api, run_id, (kim, ana), decision)
        assert dropped.status_code == 200 and dropped.json()["status"] == "needs_review", dropped.text
        late = page.post(
            f"/review/runs/{run_id}",
            data={**form, "action": "edit", "cell.line_items.1.description": "Copier paper, 80 g"},
            follow_redirects=True,
        )

    assert late.status_code == 409, late.text
    inputs = dict(re.findall(r'<input name="(cell\.[^"]+)" value="([^"]*)"', late.text))
    assert html.unescape(inputs["cell.line_items.1.description"]) == "Gel pens, blue"
    said = html.unescape(re.sub(r"\s+", " ", late.text))
    assert (
        "not put back, the row is no longer the one you saw: line_items row 1 description = 'Copier paper, 80 g'"
        in (said)
    )


def test_a_stale_sessions_form_puts_no_cell_back_into_a_row_renumbered_since(tmp_path: Path) -> None:
    # kim's own form from before signing in again comes back with what was typed (`own_stale_form`); ana removed
    # row 1 meanwhile, so the cell typed for the copier paper must not fill the gel pens' row.
    data, run_id = paused_lines(tmp_path)
    kim, ana = token(data, "kim", "reviewer"), token(data, "ana", "reviewer")

    with served(data) as base, httpx.Client(base_url=base) as page, httpx.Client(base_url=base) as api:
        decision = {"action": "edit", "rows": {"line_items": {"drop": [1]}}}
        form, dropped = opened_then_decided(page, api, run_id, (kim, ana), decision)
        assert dropped.status_code == 200 and dropped.json()["status"] == "needs_review", dropped.text
        # kim's token is revoked and a new one made, which kim signs in with: the open form's session has ended.
        assert run_cli("token", "revoke", "kim", "--data-dir", data).returncode == 0
        assert page.post("/review/sign-in", data={"token": token(data, "kim", "reviewer")}).status_code == 303
        stale = page.post(
            f"/review/runs/{run_id}",
            data={**form, "action": "edit", "cell.line_items.1.description": "Copier paper, 80 g"},
            headers={"Sec-Fetch-Site": "same-origin"},
            follow_redirects=True,
        )

    assert stale.status_code == 403, stale.text
    inputs = dict(re.findall(r'<input name="(cell\.[^"]+)" value="([^"]*)"', stale.text))
    assert html.unescape(inputs["cell.line_items.1.description"]) == "Gel pens, blue"
    said = html.unescape(re.sub(r"\s+", " ", stale.text))
    assert "line_items row 1 description = 'Copier paper, 80 g'" in said
