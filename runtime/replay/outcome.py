"""What a run decided, as comparable items, and the differences between two runs' items.

A run's outcome is read from its events and its view: each claim's verdict (accepted with its value, or
rejected with its check and reasons), each rule's result, each route with the rule that chose it, each
field's final value and status, and the run's status, type, review reasons and error. Items are keyed so
that the same decision in two runs of the same document has the same key: a repeated key (a table field's
rows, a step retried) is numbered in the order the run made it.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict

__all__ = ["Change", "differences", "outcome_items"]


class Change(BaseModel):
    """One item that differs between the stored run and its replay; None where one side has no such item."""

    model_config = ConfigDict(frozen=True)

    kind: str
    """claim, rule, route, field or run."""
    key: str
    before: str | None
    after: str | None


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True, ensure_ascii=False)


def _event_item(item: Mapping[str, Any]) -> tuple[str, str] | None:
    data, step = item.get("data") or {}, item.get("step", "")
    match item.get("type"):
        case "claim.accepted":
            value = data.get("normalized") if data.get("normalized") is not None else data.get("value")
            return f"claim {step} {data.get('field') or '-'}", f"accepted {_text(value)} [{data.get('check')}]"
        case "claim.rejected":
            reasons = "; ".join(str(reason) for reason in data.get("reasons") or [])
            return f"claim {step} {data.get('field') or '-'}", f"rejected [{data.get('check')}]: {reasons}"
        case "rule.checked":
            fields = ",".join(data.get("fields") or [])
            verdict = "passed" if data.get("passed") else f"failed: {data.get('message')}"
            return f"rule {step} {data.get('rule')}({fields})", verdict
        case "route.decided":
            return f"route {step}", f"{data.get('target')} ({data.get('rule')})"
    return None


def outcome_items(view: Mapping[str, Any], events: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """Key -> value of every decision a run made, in the order it made them, then its final record."""
    items: dict[str, str] = {}
    seen: Counter[str] = Counter()
    for item in events:
        found = _event_item(item)
        if found is None:
            continue
        key, value = found
        seen[key] += 1
        items[key if seen[key] == 1 else f"{key} #{seen[key]}"] = value
    for name, field in (view.get("fields") or {}).items():
        items[f"field {name}"] = f"{_text(field.get('value'))} ({field.get('status')})"
    items["run status"] = str(view.get("status"))
    items["run doc_type"] = str(view.get("doc_type"))
    codes = dict.fromkeys(reason.split(":", 1)[0] for reason in view.get("review_reasons") or [])
    items["run review_reasons"] = ", ".join(codes)
    items["run error"] = str(view.get("error") or "")
    return items


def differences(before: Mapping[str, str], after: Mapping[str, str]) -> list[Change]:
    """The items whose values differ, or that only one side has: the replay's order, then what it no longer has."""
    keys = [*after, *(key for key in before if key not in after)]
    return [
        Change(kind=key.split(" ", 1)[0], key=key, before=before.get(key), after=after.get(key))
        for key in keys
        if before.get(key) != after.get(key)
    ]
