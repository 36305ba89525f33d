"""The server graph's input: one document, as a path or as base64 bytes with a name."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from pydantic import ValidationError

from claimflow.runtime.server import DocumentInput
from claimflow.runtime.server.inputs import read_input


def test_a_path_is_taken_as_it_is() -> None:
    assert DocumentInput(path="docs/a.pdf").document() == (Path("docs/a.pdf"), "", b"")


def test_base64_bytes_come_with_their_name() -> None:
    sent = DocumentInput(content_base64=base64.b64encode(b"%PDF-1.7 ...").decode(), filename="a.pdf")
    assert sent.document() == (None, "a.pdf", b"%PDF-1.7 ...")


@pytest.mark.parametrize(
    ("given", "said"),
    [
        ({}, "send one document"),
        ({"path": "a.pdf", "content_base64": "eA==", "filename": "a.pdf"}, "send one document"),
        ({"content_base64": "eA=="}, '"content_base64" needs a "filename"'),
        ({"path": "a.pdf", "filename": "b.pdf"}, '"filename" goes with "content_base64"'),
        ({"content_base64": "eA==", "filename": "../etc/passwd"}, "is a name, not a path"),
        ({"content_base64": "eA==", "filename": ".."}, "is a name, not a path"),
        ({"path": ""}, "at least 1 character"),
        ({"path": "a.pdf", "colour": "red"}, "Extra inputs are not permitted"),
    ],
)
def test_anything_but_one_document_is_refused_with_what_to_send(given: dict[str, str], said: str) -> None:
    with pytest.raises(ValidationError, match=said):
        DocumentInput.model_validate(given)


@pytest.mark.parametrize(
    ("content", "said"),
    [("not base64!", "not valid base64"), ("eA", "not valid base64"), ("", "is empty")],
)
def test_bytes_that_do_not_decode_are_refused_before_anything_is_stored(content: str, said: str) -> None:
    with pytest.raises(ValueError, match=said):
        DocumentInput(content_base64=content, filename="a.pdf").document()


@pytest.mark.parametrize(
    ("sent", "said"),
    [
        ({}, 'send one document: either "path", or "content_base64" with "filename"'),
        ({"path": None, "content_base64": None, "filename": None}, "send one document"),
        ({"path": ""}, "path: String should have at least 1 character"),
        ({"path": 5}, "path: Input should be a valid string"),
        ({"path": 5, "filename": ["x"]}, "path: Input should be a valid string; filename: Input should be a valid"),
    ],
)
def test_what_a_client_sent_is_read_or_refused_on_one_line(sent: dict[str, object], said: str) -> None:
    with pytest.raises(ValueError, match="^[^\\n]+$") as refused:
        read_input(sent)
    assert str(refused.value).startswith(said) and "pydantic" not in str(refused.value)


def test_a_path_sent_is_read_as_one_document() -> None:
    assert read_input({"path": "a.pdf", "content_base64": None, "filename": None}) == DocumentInput(path="a.pdf")
