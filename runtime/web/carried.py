"""What a form's answer carries to the page after it: its refusal and what the reviewer typed, across a redirect.

A page that answers a POST is posted again when the reviewer reloads it (the browser asks to resubmit the form),
claiming or deciding a second time. So a form is answered with a redirect (303) to the review's own page, and
what that page must show from the form (why it was refused, the values typed before it) is kept by the server,
for a while, under a random name: the page's address carries only that name, signed for this session
(`flash_mark`). What was typed (an IBAN, a name, a reviewer's comment) so never reaches an address, where the
browser's history, the server's access log and any proxy's would keep it; and a crafted link can neither put
words on the page nor fill its form with values a reviewer would then save unread.

The server keeps each form for `KEPT_SECONDS` and at most `MAX_KEPT_CHARS` of them all, the oldest going first: a
reload after that shows the review without them. A form with more typed into it than `MAX_CARRIED_CHARS` is
answered in place instead, as before, rather than lose any of it.
"""

from __future__ import annotations

import json
import secrets
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request

from claimflow.runtime.web.session import flash_mark, flash_mark_valid

__all__ = ["KEPT_SECONDS", "MAX_CARRIED_CHARS", "MAX_KEPT_CHARS", "carried", "carry"]

KEPT_SECONDS = 3600.0
"""How long a carried form is kept: a reload within the hour shows the refusal and what was typed."""

MAX_CARRIED_CHARS = 200_000
"""The most characters of one carried form (as JSON): more than the review form's fields hold in practice."""

MAX_KEPT_CHARS = 8_000_000
"""The most characters of all carried forms the server keeps at once: the oldest go first past it."""

_WHAT = "carried form"
_NAME_BYTES = 18
"""A name's random bytes: 24 characters in the address, never guessed."""


@dataclass
class _Kept:
    run_id: str
    form: dict[str, Any]
    chars: int
    until: float


@dataclass
class _CarriedForms:
    """The forms this server carries to the pages after them, by name, oldest first."""

    kept: OrderedDict[str, _Kept] = field(default_factory=OrderedDict)
    chars: int = 0

    def put(self, run_id: str, form: dict[str, Any], chars: int, now: float) -> str:
        self._forget(now)
        name = secrets.token_urlsafe(_NAME_BYTES)
        self.kept[name] = _Kept(run_id, form, chars, now + KEPT_SECONDS)
        self.chars += chars
        while self.chars > MAX_KEPT_CHARS:
            self.chars -= self.kept.popitem(last=False)[1].chars
        return name

    def get(self, name: str, run_id: str, now: float) -> dict[str, Any]:
        self._forget(now)
        found = self.kept.get(name)
        return found.form if found is not None and found.run_id == run_id else {}

    def _forget(self, now: float) -> None:
        while self.kept and next(iter(self.kept.values())).until <= now:
            self.chars -= self.kept.popitem(last=False)[1].chars


def _forms(request: Request) -> _CarriedForms:
    state = request.app.state
    forms = getattr(state, "carried_forms", None)
    if forms is None:
        forms = state.carried_forms = _CarriedForms()
    return forms


def carry(request: Request, run_id: str, form: dict[str, Any]) -> dict[str, str] | None:
    """The query (`form`, `form_mark`) that carries `form` to run `run_id`'s page; None when it is too long to keep."""
    chars = len(json.dumps(form, ensure_ascii=False, separators=(",", ":")))
    if chars > MAX_CARRIED_CHARS:
        return None
    name = _forms(request).put(run_id, form, chars, time.monotonic())
    return {"form": name, "form_mark": flash_mark(request, _WHAT, run_id, name)}


def carried(request: Request, run_id: str, name: str | None, mark: str | None) -> dict[str, Any]:
    """What `carry` kept for run `run_id` under `name`, checked against its mark; nothing for anything else."""
    if not name or not flash_mark_valid(request, mark, _WHAT, run_id, name):
        return {}
    return _forms(request).get(name, run_id, time.monotonic())
