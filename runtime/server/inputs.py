"""What a LangGraph server's client sends to start a run: a document, as a path or as base64 bytes."""

from __future__ import annotations

import base64
import binascii
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator


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
