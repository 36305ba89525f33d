"""An upload's multipart form, read with the RFC 5987 `filename*=` some clients send for a name that is not ASCII.

python-multipart drops `filename*` (RFC 7578 asks senders not to use it in a form), and Starlette then takes a part
with no plain `filename` for a text field: `filename*=UTF-8''r%C3%A9sum%C3%A9.pdf` alone was "a text field, not a
file", and beside a plain `filename` the plain (often ASCII-folded) name won. Here `filename*` wins over `filename`,
as RFC 6266 says; the name it gives is cleaned by the engine as any other sent name is (`sent_name`).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import aclosing, asynccontextmanager
from urllib.parse import unquote_to_bytes

from fastapi import HTTPException, Request
from python_multipart.multipart import parse_options_header
from starlette.datastructures import FormData
from starlette.formparsers import MultiPartException, MultiPartParser

_PARAMETER = re.compile(r'\s*;\s*([^\s=;]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)')
"""One `; name=value` of a header, the value a quoted string (which may hold `;`) or a token."""

_EXTENDED_VALUE = re.compile(r"([A-Za-z0-9!#$%&+^_`{}~-]+)'([^']*)'(.*)", re.DOTALL)
"""RFC 5987's ext-value: charset, language (ignored), percent-encoded value."""

_CHARSETS = {"utf-8": "utf-8", "iso-8859-1": "latin-1"}
"""The charsets RFC 5987 requires a recipient to read, and Python's names for them."""

_HOW = "send it as filename*=UTF-8''PERCENT-ENCODED-UTF-8 (RFC 5987), or only a plain filename=\"...\""


def extended_filename(disposition: bytes) -> str | None:
    """The name a Content-Disposition's `filename*=` gives, or None without one.

    A `filename*` that cannot be read (another charset, no `charset''` before the name, bytes that are not text in
    its charset) is a `MultiPartException` saying so: a name guessed wrong would be kept in every list and export.
    """
    text = disposition.decode("latin-1")  # header bytes, as Starlette and python-multipart read them
    position, value = text.find(";"), None
    while position >= 0 and (match := _PARAMETER.match(text, position)) is not None:
        if match[1].lower() == "filename*":
            value = match[2].strip()
        position = match.end()
    if value is None:
        return None
    extended = _EXTENDED_VALUE.fullmatch(value.strip('"'))  # a quoted one is not RFC 5987's, but its meaning is plain
    if extended is None:
        raise MultiPartException(f"the file's filename* {value!r} is not charset''name; {_HOW}")
    charset = _CHARSETS.get(extended[1].lower())
    if charset is None:
        raise MultiPartException(f"the file's filename* is in charset {extended[1]!r}; {_HOW}")
    try:
        return unquote_to_bytes(extended[3]).decode(charset)
    except UnicodeDecodeError:
        raise MultiPartException(f"the file's filename* {value!r} is not {extended[1]} once decoded; {_HOW}") from None


_CURL = "(curl -F file=@PATH)"

_SAID_INSTEAD = (
    ("Too many files", f"send one file, the field `file`: this body has more than one {_CURL}"),
    ("Too many fields", f"send one field, the file `file`, and nothing else: this body has text fields {_CURL}"),
    ("Part exceeded maximum size", f"a text field is over 1 MB: send the document as the file `file` {_CURL}"),
    (
        "Missing boundary",
        "the Content-Type multipart/form-data names no boundary: let the client build the body and its header"
        f" {_CURL}, not a Content-Type set by hand",
    ),
    (
        "Invalid multipart data",
        f"the body is not the multipart/form-data its Content-Type says (its boundary does not start it) {_CURL}",
    ),
    (
        'The Content-Disposition header field "name"',
        'a part has no name: send the document as the part Content-Disposition: form-data; name="file";'
        f' filename="NAME" {_CURL}',
    ),
)
"""Starlette's words for a form it cannot take, and what the upload's 400 says instead: what to send."""


def said_instead(message: str) -> str:
    """Starlette's refusal of a form in words that say what to send; one not known here as Starlette said it."""
    return next((instead for said, instead in _SAID_INSTEAD if message.startswith(said)), message)


class _ExtendedNameParser(MultiPartParser):
    """Starlette's parser, which takes a part with a `filename*` for a file, named by it."""

    def on_headers_finished(self) -> None:
        part = self._current_part
        name = extended_filename(part.content_disposition or b"")
        if name is not None:
            # Starlette tells a file from a text field by a plain `filename`; the name is set right after.
            part.content_disposition = (part.content_disposition or b"") + b'; filename=""'
        super().on_headers_finished()
        if name is not None and part.file is not None:
            part.file.filename = name


@asynccontextmanager
async def upload_form(request: Request, *, max_files: int, max_fields: int) -> AsyncIterator[FormData]:
    """The request's form as `request.form` reads it, `filename*` read too; a malformed multipart body is 400.

    The 400 says what to send (`said_instead`), where Starlette said what it met ("Missing boundary in multipart.").

    Its files are closed when the block ends.
    """
    content_type, _ = parse_options_header(request.headers.get("Content-Type"))
    if content_type != b"multipart/form-data":
        async with request.form(max_files=max_files, max_fields=max_fields) as form:  # another body: as before
            yield form
        return
    try:
        async with aclosing(request.stream()) as stream:
            form = await _ExtendedNameParser(
                request.headers, stream, max_files=max_files, max_fields=max_fields
            ).parse()
    except MultiPartException as error:
        raise HTTPException(400, said_instead(error.message)) from None
    try:
        yield form
    finally:
        await form.close()
