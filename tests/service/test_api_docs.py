"""`/docs` and `/redoc` work without a network: every script and stylesheet they load is claimflow's own."""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

import pytest

from tests.service._api import Api

_LOADED = re.compile(r"""(?:src|href|spec-url)\s*=\s*["']([^"']+)["']|url\s*:\s*["']([^"']+)["']""")


def _references(html: str) -> list[str]:
    return [first or second for first, second in _LOADED.findall(html)]


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
async def test_the_api_docs_load_only_same_origin_assets_and_each_answers(api: Api, page: str) -> None:
    response = await api.client.get(page)
    assert response.status_code == 200
    references = _references(response.text)

    assert any(ref.endswith(".js") for ref in references), references  # the page does load its script
    assert "/openapi.json" in references
    for ref in references:
        url = urljoin(f"http://claimflow.test{page}", ref)
        assert urlsplit(url).netloc == "claimflow.test", f"{page} loads {ref} from another origin"
        answer = await api.client.get(url)
        assert answer.status_code == 200, f"{ref}: {answer.status_code}"
        assert len(answer.content) > 100


async def test_only_the_named_assets_are_served(api: Api) -> None:
    css = await api.client.get("/docs/assets/swagger-ui.css")
    assert css.headers["content-type"].startswith("text/css") and b".swagger-ui" in css.content
    for name in ("__init__.py", "..%2Fcore.py", "missing.js"):
        assert (await api.client.get(f"/docs/assets/{name}")).status_code == 404
