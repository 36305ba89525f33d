"""A success status whose body is not the API's answer at all: a web page, an empty body, another API's JSON.

A wrong base URL often reaches a server that answers 200 with something else: a web UI's page, a proxy's empty
body, the JSON of another API. The SDKs pass such a body on as text or as an empty answer, which would be taken
for invalid output: the model asked again about errors it never made, then the document sent to review. So the
body of every 2xx answer is read, within the size cap, before the SDK sees it; one that is not a JSON object with
the field every answer of the API has fails the call at once, saying what came back and what to check.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx2

_SHOWN_CHARS = 120


@dataclass(frozen=True)
class AnswerShape:
    """What every answer of one API is: a JSON object with `field`; `hint` says which setting to check."""

    name: str
    """How the message names an answer, e.g. "an OpenAI chat completion"."""
    field: str
    hint: str


OPENAI_ANSWER = AnswerShape(
    "an OpenAI chat completion",
    "choices",
    "check that --base-url (CLAIMFLOW_OPENAI_BASE_URL) is the server's OpenAI API root, e.g. http://127.0.0.1:8000/v1",
)
ANTHROPIC_ANSWER = AnswerShape(
    "an Anthropic message",
    "content",
    "check that --base-url (CLAIMFLOW_ANTHROPIC_BASE_URL) is the root of a server that speaks Anthropic's Messages "
    "API, e.g. http://127.0.0.1:8080",
)


class NotAnAnswerError(Exception):
    """The server answered with a success status, but the body is not an answer of the API it was asked."""

    def __init__(self, what: str, hint: str) -> None:
        super().__init__(f"{what}; {hint}")
        self.what = what
        self.hint = hint
        """Which setting to check."""


def _shown(response: httpx2.Response, data: object) -> str:
    """The start of the body, or the message of an error object sent with a success status."""
    error = data.get("error") if isinstance(data, dict) else None
    message = error.get("message") if isinstance(error, dict) else error
    if isinstance(message, str) and message.strip():
        return f"an error: {' '.join(message.split())[:_SHOWN_CHARS]!r}"
    text = " ".join(response.content.decode(errors="replace").split())
    if not text:
        return "an empty body"
    more = "..." if len(text) > _SHOWN_CHARS else ""
    kind = response.headers.get("content-type", "no content type").partition(";")[0]
    return f"{kind} {text[:_SHOWN_CHARS]!r}{more}"


def answer_check(shape: AnswerShape) -> Callable[[httpx2.Response], Awaitable[None]]:
    """A response hook for the SDK's HTTP client that raises `NotAnAnswerError` for a 2xx that is not `shape`."""

    async def check(response: httpx2.Response) -> None:
        if not response.is_success:
            return  # the SDK reports error statuses itself, with their body
        await response.aread()  # kept by the response: the SDK parses the same bytes
        try:
            data = json.loads(response.content)
        except ValueError:
            data = None
        if isinstance(data, dict) and shape.field in data:
            return
        shown = _shown(response, data)
        raise NotAnAnswerError(
            f"the server answered HTTP {response.status_code} with {shown}, not {shape.name}", shape.hint
        )

    return check
