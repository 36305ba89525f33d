"""Templates and static files of the review pages, read from the installed package (no build step, no CDN)."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

from fastapi import HTTPException, Response
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape

__all__ = ["REVIEW_BASE", "html", "static_file"]

REVIEW_BASE = "/review"
"""Where the review pages live."""

_STATIC = {"review.css": "text/css; charset=utf-8", "review.js": "text/javascript; charset=utf-8"}

# Everything the pages load comes from this origin; inline styles only place highlight boxes.
_SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; img-src 'self'; style-src 'self' 'unsafe-inline'; script-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


@cache
def _environment() -> Environment:
    # Autoescape everything: file names, values and quotes come from documents, which may be hostile.
    return Environment(
        loader=PackageLoader("claimflow.runtime.web", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def html(template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render a template of the review pages, with the security headers every page carries."""
    body = _environment().get_template(template).render(base=REVIEW_BASE, **context)
    return HTMLResponse(body, status_code=status_code, headers=_SECURITY_HEADERS)


def static_file(name: str) -> Response:
    """One of the pages' own CSS or JavaScript files; anything else is 404."""
    media_type = _STATIC.get(name)
    if media_type is None:
        raise HTTPException(404, "no such file")
    body = resources.files("claimflow.runtime.web").joinpath("static", name).read_bytes()
    return Response(
        body, media_type=media_type, headers={"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"}
    )
