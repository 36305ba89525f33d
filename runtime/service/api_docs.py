"""`/docs` and `/redoc`: the API browsable without a network, its scripts and stylesheet served by claimflow.

FastAPI's own pages load Swagger UI and ReDoc from a CDN and are blank offline. The same assets come installed
with the `fastapi-offline` wheel (Swagger UI: Apache-2.0; ReDoc: MIT); only the files named below are served.
"""

from __future__ import annotations

from importlib.resources import files

from fastapi import APIRouter, HTTPException, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse, Response

__all__ = ["ASSETS", "router"]

ASSET_BASE = "/docs/assets"
ASSETS = {
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui.css": "text/css",
    "redoc.standalone.js": "text/javascript",
    "favicon.png": "image/png",
}
"""The files served under `ASSET_BASE`, with their media types."""

router = APIRouter(include_in_schema=False)


def _title(request: Request) -> str:
    return f"{request.app.title} API"


@router.get("/docs")
async def swagger_ui(request: Request) -> HTMLResponse:
    """Swagger UI over `/openapi.json`."""
    return get_swagger_ui_html(
        openapi_url=request.app.openapi_url,
        title=_title(request),
        swagger_js_url=f"{ASSET_BASE}/swagger-ui-bundle.js",
        swagger_css_url=f"{ASSET_BASE}/swagger-ui.css",
        swagger_favicon_url=f"{ASSET_BASE}/favicon.png",
    )


@router.get("/redoc")
async def redoc(request: Request) -> HTMLResponse:
    """ReDoc over `/openapi.json` (without web fonts: they would come from the network)."""
    return get_redoc_html(
        openapi_url=request.app.openapi_url,
        title=_title(request),
        redoc_js_url=f"{ASSET_BASE}/redoc.standalone.js",
        redoc_favicon_url=f"{ASSET_BASE}/favicon.png",
        with_google_fonts=False,
    )


@router.get(ASSET_BASE + "/{name}")
async def asset(name: str) -> Response:
    """One of the pages' scripts, stylesheet or icon, from the installed package; a day in the browser's cache."""
    media_type = ASSETS.get(name)
    if media_type is None:
        raise HTTPException(404, f"no asset {name!r}")
    content = files("fastapi_offline").joinpath("static", name).read_bytes()
    return Response(content, media_type=media_type, headers={"Cache-Control": "public, max-age=86400"})
