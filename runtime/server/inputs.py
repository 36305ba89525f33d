"""What a LangGraph server's client sends to start a run: a document, as a path or as base64 bytes.

The graph's input schema (`DocumentInput`) describes the input to clients and Studio; LangGraph does not
check it. Intake reads what was sent as `SentDocument`, raw, and checks it with `read_input`: an input
schema that refused would refuse inside LangGraph, whose new input is merged into the thread's last values
and checked again every time the thread is read, leaving the thread unreadable for good.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from pathlib import Path
from typing import TypedDict

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator


class DocumentInput(BaseModel):
    """The graph's input: `{"path": ...}` for a file the server can read, or `{"content_base64", "filename"}`."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    path: str | None = Field(default=None, min_length=1)
    """A file the server can read, absolute or relative to the server's working directory."""
    content_base64: str | None = None
    """The document's bytes in standard base64, sent instead of a path."""
    filename: str | None = Field(default=None, min_length=1, max_length=255)
    """The name of the sent bytes (its extension helps tell the format); required with `content_base64`."""

    @model_validator(mode="after")
    def _one_document(self) -> DocumentInput:
        if (self.path is None) == (self.content_base64 is None):
            raise ValueError('send one document: either "path", or "content_base64" with "filename"')
        if self.content_base64 is not None and self.filename is None:
            raise ValueError('"content_base64" needs a "filename"')
        if self.path is not None and self.filename is not None:
            raise ValueError('"filename" goes with "content_base64"; a path names its file itself')
        if self.filename is not None and ("/" in self.filename or self.filename in (".", "..")):
            raise ValueError(f'"filename" is a name, not a path: {self.filename!r}')
        return self

    def document(self) -> tuple[Path | None, str, bytes]:
        """(path, "", b"") for a path; (None, filename, bytes) for sent bytes, or a ValueError saying what is wrong."""
        if self.path is not None:
            return Path(self.path), "", b""
        assert self.content_base64 is not None and self.filename is not None  # noqa: S101 - checked by the model
        try:
            data = base64.b64decode(self.content_base64, validate=True)
        except (binascii.Error, ValueError) as error:
            raise ValueError(f'"content_base64" is not valid base64 ({error}); nothing was stored') from None
        if not data:
            raise ValueError(f'"content_base64" of {self.filename} is empty; nothing was stored')
        return None, self.filename, data


class SentDocument(TypedDict, total=False):
    """The input's keys as the thread holds them, unchecked (any JSON a client sent): intake's view."""

    path: object
    content_base64: object
    filename: object


def read_input(sent: Mapping[str, object]) -> DocumentInput:
    """The document `sent` names, or a ValueError saying on one line what is wrong (pydantic's details left out)."""
    try:
        return DocumentInput.model_validate(dict(sent))
    except ValidationError as error:
        problems = []
        for item in error.errors(include_url=False):
            where = ".".join(map(str, item["loc"]))
            what = str(item["msg"]).removeprefix("Value error, ")
            problems.append(f"{where}: {what}" if where else what)
        raise ValueError("; ".join(problems)) from None
