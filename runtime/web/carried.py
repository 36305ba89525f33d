"""What a form's answer carries to the page after it: its refusal and what the reviewer typed, across a redirect.

A page that answers a POST is posted again when the reviewer reloads it (the browser asks to resubmit the form),
claiming or deciding a second time. So a form is answered with a redirect (303) to the review's own page, and
what that page must show from the form (why it was refused, the values typed before it) rides in its query,
compressed, and signed for this session (`flash_mark`): a crafted link can neither put words on the page nor fill
its form with values a reviewer would then save unread. The query has room for a few thousand characters; a form
with more typed into it is answered in place, as before, rather than lose any of it.
"""

from __future__ import annotations

import base64
import binascii
import json
import zlib
from typing import Any

from fastapi import Request

from claimflow.runtime.web.session import flash_mark, flash_mark_valid

__all__ = ["MAX_CARRIED_CHARS", "carried", "carry"]

MAX_CARRIED_CHARS = 6_000
"""The most characters of carried text in a page's address: with the session cookie and the rest of the request,
well under the 16 KiB a server (uvicorn's h11) reads of a request's head."""

_WHAT = "carried form"


def carry(request: Request, run_id: str, form: dict[str, Any]) -> dict[str, str] | None:
    """The query (`form`, `form_mark`) carrying `form` to run `run_id`'s page; None when it does not fit."""
    packed = zlib.compress(json.dumps(form, ensure_ascii=False, separators=(",", ":")).encode(), 9)
    text = base64.urlsafe_b64encode(packed).decode("ascii").rstrip("=")
    if len(text) > MAX_CARRIED_CHARS:
        return None
    return {"form": text, "form_mark": flash_mark(request, _WHAT, run_id, text)}


def carried(request: Request, run_id: str, text: str | None, mark: str | None) -> dict[str, Any]:
    """What `carry` put in the query for run `run_id`, checked against its mark; nothing for anything else."""
    if not text or len(text) > MAX_CARRIED_CHARS or not flash_mark_valid(request, mark, _WHAT, run_id, text):
        return {}
    try:
        found = json.loads(zlib.decompress(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))))
    except (binascii.Error, zlib.error, ValueError):  # signed by this session, so only if the server changed it
        return {}
    return found if isinstance(found, dict) else {}
