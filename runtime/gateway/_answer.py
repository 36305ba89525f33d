"""The model's answer as text, as it came back, whatever it turned out to be (a claim, invalid, cut off).

Recordings keep it next to the parsed claim, so an answer that did not validate can be read as the model
wrote it.
"""

from __future__ import annotations

import json
from typing import Any


def _openai_text(message: Any) -> str | None:
    content = getattr(message, "content", None)
    if isinstance(content, str) and content:
        return content
    arguments = [
        getattr(getattr(call, "function", None), "arguments", None)
        for call in getattr(message, "tool_calls", None) or []
    ]
    texts = [text for text in arguments if isinstance(text, str)]
    if texts:
        return texts[0] if len(texts) == 1 else "\n".join(texts)
    return content if isinstance(content, str) else None


def _anthropic_text(blocks: list[Any]) -> str | None:
    texts: list[str] = []
    for block in blocks:
        kind = getattr(block, "type", None)
        if kind == "text":
            texts.append(str(getattr(block, "text", "")))
        elif kind == "tool_use":
            # The SDK hands the tool input over parsed; written back as compact JSON in the order received.
            texts.append(json.dumps(getattr(block, "input", None), ensure_ascii=False))
    return "\n".join(texts) if texts else None


def answer_text(completion: Any) -> str | None:
    """The text of an OpenAI chat completion or an Anthropic message; None when there is none.

    OpenAI-compatible: the message content, else the arguments of its tool call(s). Anthropic: its text
    blocks and tool inputs (as JSON), one per line.
    """
    if completion is None:
        return None
    choices = getattr(completion, "choices", None)
    if choices:
        return _openai_text(choices[0].message)
    blocks = getattr(completion, "content", None)
    if isinstance(blocks, list):
        return _anthropic_text(blocks)
    return None
