"""A refused decision on the review page says what to do there, in headless Chromium against `claimflow serve`.

The engine's refusals name `review decide`'s options (`--set FIELD=VALUE`, `--reject`, `doc_type`); the page
names its own fields and buttons instead, and on a run of unknown type asks for the type.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.integration._docs import MEMO, invoice_text, write
from tests.web._browser import CHROMIUM, processed, served, signed_in_page, token
from tests.web.test_review_browser import shoot

pytestmark = pytest.mark.slow


@pytest.fixture
def reviewing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Any, str, dict[str, str]]]:
    """A page signed in as a reviewer, the server's base URL, and the run waiting for each document by name."""
    assert CHROMIUM.exists(), "Debian's chromium is missing: run scripts/system-deps.sh"
    monkeypatch.setenv("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")  # drive Debian's browser, never download one
    from playwright.sync_api import sync_playwright

    folder, data = tmp_path / "inbox", tmp_path / "data"
    write(folder, "memo.txt", MEMO)
    # No invoice number: a required field without a value.
    write(folder, "invoice.txt", "\n".join(line for line in invoice_text().splitlines() if "Invoice No." not in line))
    runs = {str(view["document"]): str(view["run_id"]) for view in processed(folder, data)}
    kim = token(data, "kim", "reviewer")
    with served(data) as base, sync_playwright() as playwright:
        browser, page = signed_in_page(playwright, base, kim)
        yield page, base, runs
        browser.close()


def _no_command_words(page: Any) -> None:
    from playwright.sync_api import expect

    for words in ("--reject", "--set", "doc_type", "rerun"):
        expect(page.locator("main")).not_to_contain_text(words)


def test_an_approval_refused_for_an_unknown_type_names_the_page_s_type_and_reject(
    reviewing: tuple[Any, str, dict[str, str]], tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    page, base, runs = reviewing
    page.goto(f"{base}/review/runs/{runs['memo.txt']}")
    page.click("#approve")
    problems = page.locator(".problems")
    expect(problems).to_contain_text(
        "approving would complete the run with no type and no record: choose the document type (one of"
    )
    expect(problems).to_contain_text("or reject the run (a reason, then Reject)")
    _no_command_words(page)
    shoot(page, tmp_path, "review-refusal-unknown-type.png")

    # Saving with no type chosen asks for the type: the screen has no field to change.
    page.click("#save")
    expect(problems).to_have_text(
        "Not saved: the run is still waiting. choose the document type before saving edits", use_inner_text=False
    )


def test_an_approval_refused_for_a_required_field_names_the_page_s_edit_and_reject(
    reviewing: tuple[Any, str, dict[str, str]],
) -> None:
    from playwright.sync_api import expect

    page, base, runs = reviewing
    page.goto(f"{base}/review/runs/{runs['invoice.txt']}")
    page.click("#approve")
    expect(page.locator(".problems")).to_contain_text(
        "required field(s) without a value: invoice_number; approving would complete the run without them: give"
        " them values (Edit, then Save edits) or reject the run (a reason, then Reject)"
    )
    _no_command_words(page)
