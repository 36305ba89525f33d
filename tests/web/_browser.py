"""A real server over a real data directory, and Debian's Chromium driven by Playwright (no browser download)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests._table_invoice import INVOICE
from tests.integration._docs import json_lines, mismatch_invoice_text, run_cli, write
from tests.integration._serving import serving

if TYPE_CHECKING:  # Playwright itself is imported by the browser tests, after they set its environment
    from playwright.sync_api import Browser, Page, Playwright

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
"""Screenshots are also kept here (ignored by git), to look at after a run."""


def processed(folder: Path, data_dir: Path, **env: str) -> list[dict[str, object]]:
    """`claimflow run FOLDER --json`: one view per document; `env` adds CLAIMFLOW_* settings."""
    done = run_cli("run", folder, "--data-dir", data_dir, "--json", timeout=240, **env)
    assert done.returncode in (0, 1), done.stderr
    return json_lines(done.stdout)


def paused_invoice(tmp_path: Path) -> tuple[Path, str]:
    """An invoice whose total breaks its sum rule, run into `tmp_path/data`: the data directory and the run waiting."""
    folder, data = tmp_path / "inbox", tmp_path / "data"
    write(folder, "invoice.txt", mismatch_invoice_text())
    [view] = processed(folder, data)
    assert view["status"] == "needs_review"
    return data, str(view["run_id"])


def paused_lines(tmp_path: Path) -> tuple[Path, str]:
    """The two-line invoice (`tests._table_invoice`) run into `tmp_path/data`: the data directory, the run waiting."""
    folder, data = tmp_path / "inbox", tmp_path / "data"
    write(folder, "stationery.txt", INVOICE)
    [view] = processed(folder, data)
    assert view["status"] == "needs_review", view
    return data, str(view["run_id"])


def token(data_dir: Path, name: str, role: str, types: str | None = None) -> str:
    """`claimflow token create`: the token printed once."""
    extra = ("--types", types) if types else ()
    made = run_cli("token", "create", "--name", name, "--role", role, *extra, "--json", "--data-dir", data_dir)
    assert made.returncode == 0, made.stderr
    return str(json_lines(made.stdout)[0]["token"])


@contextlib.contextmanager
def served(data_dir: Path, **env: str) -> Iterator[str]:
    """`claimflow serve` on a free port; yields its base URL, stops it afterwards (see `serving`)."""
    with serving(data_dir, **env) as (base, _):
        yield base


def signed_in_page(
    playwright: Playwright, base: str, reviewer_token: str, *, height: int = 800
) -> tuple[Browser, Page]:
    """Debian's Chromium, and a page 1280 by `height` pixels signed in to `base`'s review pages with the token.

    The page is left on the queue the sign-in leads to; the caller closes the browser.
    """
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
    page = browser.new_page(viewport={"width": 1280, "height": height})
    page.goto(f"{base}/review")
    page.fill("#token", reviewer_token)
    page.click("button[type=submit]")
    page.wait_for_selector("table.runs")  # signed in: the queue shows
    return browser, page


@dataclass(frozen=True)
class OpenReview:
    """A paused invoice's review open in Chromium, signed in as the reviewer `kim`."""

    page: Page
    base: str
    """The server's base URL."""
    run_id: str
    data: Path
    """The server's data directory."""
    token: str
    """kim's token, for the API as the same reviewer."""


@contextlib.contextmanager
def invoice_review(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *, height: int = 800) -> Iterator[OpenReview]:
    """`paused_invoice`'s run served, and its review page open in Debian's Chromium, signed in as reviewer kim.

    The page is 1280 by `height` pixels; the browser is closed afterwards.
    """
    assert CHROMIUM.exists(), "Debian's chromium is missing: run scripts/system-deps.sh"
    monkeypatch.setenv("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")  # drive Debian's browser, never download one
    from playwright.sync_api import sync_playwright

    data, run_id = paused_invoice(tmp_path)
    kim = token(data, "kim", "reviewer")
    with served(data) as base, sync_playwright() as playwright:
        browser, page = signed_in_page(playwright, base, kim, height=height)
        try:
            page.goto(f"{base}/review/runs/{run_id}")
            yield OpenReview(page, base, run_id, data, kim)
        finally:
            browser.close()
