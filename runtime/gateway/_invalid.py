"""Answers that are not a valid claim: short, readable errors, and the one formatting slip we accept.

The errors are recorded in usage and events, and fed back to the model on the graph's one retry, so each
names where the problem is (a field path such as `fields.0.confidence`) and what is wrong with it.
"""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import BaseModel, ValidationError

_FENCED = re.compile(r"\A\s*```[A-Za-z]*[ \t]*\n(?P<body>.*?)\n\s*```\s*\Z", re.DOTALL)


def fenced_json(completion: Any) -> str | None:
    """The body of a chat answer that is one markdown code block and nothing else, else None.

    Some local models fence their JSON even in JSON mode. Only the fence is removed; an answer with any
    other text around the block stays invalid. An answer with no content and exactly one tool call is
    read from that call's arguments.
    """
    choices = getattr(completion, "choices", None)
    if not choices:
        return None
    message = choices[0].message
    content = getattr(message, "content", None) or ""
    match = _FENCED.match(content)
    if match:
        return match["body"]
    # Some OpenAI-compatible servers answer JSON mode with a single tool call and no content.
    calls = getattr(message, "tool_calls", None) or []
    if not content.strip() and len(calls) == 1:
        arguments = getattr(getattr(calls[0], "function", None), "arguments", None)
        return arguments if isinstance(arguments, str) else None
    return None


MAX_ERRORS = 20
_SCALARS = (str, int, float, bool)


def _got(item_input: object) -> str:
    if isinstance(item_input, _SCALARS) and len(repr(item_input)) <= 60:
        return f" (got {item_input!r})"
    return ""


def _from_validation(error: ValidationError, model: type[BaseModel]) -> list[str]:
    if error.title != model.__name__:
        # Not the claim's own validation: e.g. the answer had no (or several) tool calls.
        detail = "; ".join(str(item["msg"]) for item in error.errors(include_url=False))
        return [f"the answer does not contain exactly one {model.__name__} object ({detail})"]
    messages = []
    for item in error.errors(include_url=False):
        if item["type"] == "json_invalid":
            detail = str(item["msg"]).removeprefix("Invalid JSON: ")
            messages.append(f"the answer is not valid JSON ({detail})")
            continue
        path = ".".join(str(part) for part in item["loc"]) or "the answer"
        got = "" if item["type"] == "missing" else _got(item.get("input"))
        messages.append(f"{path}: {item['msg']}{got}")
    return messages


def describe_invalid(error: BaseException, model: type[BaseModel]) -> list[str]:
    """One line per problem with an answer that should have been a `model`.

    Args:
        error: What parsing or validating the answer raised.
        model: The claim type the answer had to be.

    Returns:
        At most `MAX_ERRORS` lines, e.g. "confidence: Input should be less than or equal to 1 (got 7)".
    """
    if isinstance(error, ValidationError):
        messages = _from_validation(error, model)
    elif isinstance(error, json.JSONDecodeError):
        messages = [f"the answer is not valid JSON ({error.msg} at line {error.lineno} column {error.colno})"]
    else:
        messages = [f"the answer could not be read as a {model.__name__}: {error}"]
    if len(messages) > MAX_ERRORS:
        hidden = len(messages) - MAX_ERRORS
        messages = [*messages[:MAX_ERRORS], f"... and {hidden} more errors"]
    return messages
